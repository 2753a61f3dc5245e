//! The SMTP side: a lettre transport built from `[email]` (tokio, rustls; no native TLS),
//! sending one plain-text mail, and the connection check `chatctl doctor` runs.

use std::time::Duration;

use anyhow::Context;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::config::{EmailConfig, SmtpTls};

/// Sends mail through the configured SMTP server. Cheap to clone.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the credentials: never printed.
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

/// Why a mail was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The mail cannot be sent as it is (a bad address): retrying will not help.
    #[error("{0}")]
    Permanent(String),
    /// The server or the network failed; worth retrying.
    #[error("{0}")]
    Transient(String),
}

impl Mailer {
    /// A transport for `config` (the password read from its file or the configuration).
    pub fn new(config: &EmailConfig) -> anyhow::Result<Self> {
        let host = config.smtp_host.clone();
        let tls = match config.tls {
            SmtpTls::None => Tls::None,
            SmtpTls::Starttls => Tls::Required(
                TlsParameters::new(host.clone()).context("email.smtp_host: TLS parameters")?,
            ),
            SmtpTls::Implicit => Tls::Wrapper(
                TlsParameters::new(host.clone()).context("email.smtp_host: TLS parameters")?,
            ),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
            .port(config.smtp_port)
            .tls(tls)
            .timeout(Some(Duration::from_secs(config.timeout_secs)));
        let password = config
            .smtp_password()
            .context("reading email.password_file")?;
        if let (Some(user), Some(password)) = (&config.username, password) {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        let from = config
            .from
            .parse::<Mailbox>()
            .context("email.from is not a mail address")?;
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }

    /// Sends one plain-text mail.
    pub async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), SendError> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|e| SendError::Permanent(format!("bad recipient: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            // Spam filters distrust mail without one; lettre names it after this host.
            .message_id(None)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| SendError::Permanent(format!("cannot build the mail: {e}")))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(SendError::Permanent(e.to_string())),
            Err(e) => Err(SendError::Transient(e.to_string())),
        }
    }

    /// Connects, greets and says `NOOP`: whether the server takes connections (and the TLS
    /// and credentials of the configuration).
    pub async fn check(&self) -> anyhow::Result<()> {
        match self.transport.test_connection().await {
            Ok(true) => Ok(()),
            Ok(false) => anyhow::bail!("the SMTP server did not answer NOOP"),
            Err(e) => Err(anyhow::anyhow!(e).context("connecting to the SMTP server")),
        }
    }
}
