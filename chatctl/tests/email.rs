//! `chatctl email test` and the SMTP check of `chatctl doctor` against a real SMTP server
//! (`testkit::SmtpServer`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

mod support;

use support::chatctl;
use testkit::SmtpServer;

fn mail_flags(port: u16) -> Vec<String> {
    [
        "email.enabled=true",
        "email.smtp_host=127.0.0.1",
        &format!("email.smtp_port={port}"),
        "email.tls=none",
        "email.timeout_secs=5",
        "email.from=Chat <chat@chat.test>",
        "email.public_url=https://chat.example.test",
    ]
    .iter()
    .flat_map(|pair| ["--set".to_owned(), (*pair).to_owned()])
    .collect()
}

#[tokio::test]
async fn email_test_sends_one_mail_and_doctor_checks_the_smtp_server() {
    let db = testkit::fresh_db().await;
    let dir = testkit::temp_dir();
    let d = dir.path();
    let smtp = SmtpServer::start().await;
    let url = db.url();
    let flags = mail_flags(smtp.addr.port());
    let with = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = vec!["--database-url".into(), url.clone()];
        args.extend(flags.iter().cloned());
        args.extend(extra.iter().map(|s| (*s).to_owned()));
        args
    };

    let args = with(&["email", "test", "ops@example.org"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let sent = chatctl(d, &args, None).await.ok();
    assert!(
        sent.stdout.contains("sent a test mail to ops@example.org"),
        "{sent:?}"
    );
    let mail = smtp.wait_for("ops@example.org").await;
    assert_eq!(mail.subject(), "chatd test mail");
    assert!(mail.body.contains("chatctl email test"));

    let args = with(&["--json", "doctor"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = chatctl(d, &args, None).await.ok().json();
    let smtp_check = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "smtp")
        .cloned()
        .unwrap();
    assert_eq!(smtp_check["status"], "ok", "{report}");

    // The server gone: doctor fails on it with a hint, and `email test` says why.
    let port = smtp.addr.port();
    drop(smtp);
    let flags = mail_flags(port);
    let mut args: Vec<String> = vec!["--database-url".into(), url.clone()];
    args.extend(flags.iter().cloned());
    args.push("doctor".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let down = chatctl(d, &args, None).await;
    assert_eq!(down.code, 1, "{down:?}");
    assert!(
        down.stdout.contains("fail  smtp") && down.stdout.contains("hint:"),
        "{down:?}"
    );

    let off = chatctl(
        d,
        &["--database-url", &url, "email", "test", "x@example.org"],
        None,
    )
    .await;
    assert_eq!(off.code, 2, "{off:?}");
    assert!(off.stderr.contains("email is not enabled"), "{off:?}");
}
