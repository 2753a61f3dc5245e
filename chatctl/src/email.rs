//! `chatctl email test ADDRESS`: sends one mail through the configured SMTP server at once
//! (not through chatd's queue), so the operator sees the server's answer; and the SMTP
//! connection check of `chatctl doctor`.

use std::time::Duration;

use chatd::config::EmailConfig;
use chatd::email::Mailer;
use serde_json::json;

use crate::cli::EmailCommand;
use crate::context::Context;
use crate::output::{self, Failure, Outcome};

pub async fn run(ctx: &Context, cmd: EmailCommand) -> Outcome {
    match cmd {
        EmailCommand::Test { address } => test(ctx, &address).await,
    }
}

async fn test(ctx: &Context, address: &str) -> Outcome {
    let config = &ctx.config.email;
    if !config.enabled {
        return Err(Failure::usage(
            "email is not enabled: set [email] enabled = true (CHATD_EMAIL_ENABLED) and the SMTP server",
        ));
    }
    let mailer = mailer(config)?;
    let host = config
        .link_base(ctx.config.http.public_url.as_deref())
        .unwrap_or_default();
    let body = format!(
        "This is a test mail from chatd ({host}), sent by `chatctl email test`.\n\
         If you can read it, chatd's mail settings work.\n"
    );
    mailer
        .send(address, "chatd test mail", &body)
        .await
        .map_err(|e| Failure::failed(format!("the mail was not sent: {e}")))?;
    if ctx.json {
        output::json(&json!({ "sent": true, "to": address }))
    } else {
        println!("sent a test mail to {address} via {}", server(config));
        Ok(())
    }
}

/// The doctor's line: `Ok(detail)` when the SMTP server greets, answers `NOOP` and takes
/// the TLS and login of the configuration; `Err((detail, hint))` otherwise.
pub async fn check(config: &EmailConfig) -> Result<String, (String, String)> {
    let hint = "check [email] smtp_host, smtp_port, tls, username and password \
                (chatctl email test ADDRESS sends one)"
        .to_owned();
    let mailer = Mailer::new(config).map_err(|e| (format!("{e:#}"), hint.clone()))?;
    let wait = Duration::from_secs(config.timeout_secs.max(1) + 5);
    match tokio::time::timeout(wait, mailer.check()).await {
        Ok(Ok(())) => Ok(format!("SMTP server {} answers", server(config))),
        Ok(Err(e)) => Err((format!("{}: {e:#}", server(config)), hint)),
        Err(_) => Err((
            format!("{}: no answer within {wait:?}", server(config)),
            hint,
        )),
    }
}

fn mailer(config: &EmailConfig) -> Result<Mailer, Failure> {
    Mailer::new(config).map_err(|e| Failure::failed(format!("{e:#}")))
}

fn server(config: &EmailConfig) -> String {
    format!(
        "{}:{} ({:?})",
        config.smtp_host, config.smtp_port, config.tls
    )
    .to_lowercase()
}
