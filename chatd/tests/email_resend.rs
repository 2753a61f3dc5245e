//! Sending the verification mail again, against a real SMTP server (`testkit::SmtpServer`):
//! a signed-in user's resend replaces the code (the old one is refused, the new one
//! verifies) and is limited per account; a user held at login by
//! `auth.require_verified_email` asks by username or address and gets one answer whatever
//! the login names, limited per client address and per account.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::time::Duration;

use common::ErrorCode;
use common::api::RegisterRequest;
use common::client::{Client, ClientError};
use reqwest::Method;
use serde_json::json;
use testkit::{SmtpServer, TestServer, test_config};

const PUBLIC: &str = "https://chat.example.test";

fn api_error<T: std::fmt::Debug>(result: Result<T, ClientError>) -> (u16, common::ErrorBody) {
    match result {
        Err(ClientError::Api { status, body }) => (status, body),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn assert_bad_token<T: std::fmt::Debug>(result: Result<T, ClientError>) {
    let (status, body) = api_error(result);
    assert_eq!(status, 400, "{body:?}");
    assert_eq!(body.details[0].field, "token", "{body:?}");
}

/// The code of the `nth` verification mail (from 0) to `to`.
async fn nth_code(smtp: &SmtpServer, to: &str, nth: usize) -> String {
    let mail = smtp.wait_for_nth(to, nth, Duration::from_secs(30)).await;
    assert!(
        mail.subject().starts_with("Verify your email address"),
        "{}",
        mail.show()
    );
    mail.line_after("/verify CODE):").unwrap().to_owned()
}

/// `POST /api/auth/verify-email/resend` from `ip` (the server trusts `X-Forwarded-For`).
async fn ask(client: &Client, login: &str, ip: &str) -> (u16, serde_json::Value) {
    let resp = client
        .request(Method::POST, "/api/auth/verify-email/resend")
        .header("x-forwarded-for", ip)
        .json(&json!({ "login": login }))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

#[tokio::test]
async fn a_signed_in_user_gets_a_new_code_and_the_old_one_stops_working() {
    let smtp = SmtpServer::start().await;
    let mut config = test_config();
    smtp.configure(&mut config, PUBLIC);
    config.email.requests_per_account = 3;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;

    // No address yet: nothing to send again.
    let (status, body) = api_error(ada.resend_verification().await);
    assert_eq!((status, body.code), (409, ErrorCode::Conflict), "{body:?}");
    assert!(body.message.contains("no unverified email address"));

    ada.set_email("ada@example.org", testkit::password())
        .await
        .unwrap();
    let first = nth_code(&smtp, "ada@example.org", 0).await;
    ada.resend_verification().await.unwrap();
    let second = nth_code(&smtp, "ada@example.org", 1).await;
    assert_ne!(first, second);
    ada.resend_verification().await.unwrap();
    let third = nth_code(&smtp, "ada@example.org", 2).await;
    // The address setting and two resends fill the account's window of three.
    let (status, body) = api_error(ada.resend_verification().await);
    assert_eq!((status, body.code), (429, ErrorCode::RateLimitExceeded));

    // Only the latest mail's code works.
    assert_bad_token(ada.verify_email(&first).await);
    assert_bad_token(ada.verify_email(&second).await);
    assert!(ada.verify_email(&third).await.unwrap().verified);
    assert!(ada.me().await.unwrap().email_verified);
    // Verified: nothing to send again (said before the limit is counted).
    let (status, body) = api_error(ada.resend_verification().await);
    assert_eq!((status, body.code), (409, ErrorCode::Conflict));
    assert_eq!(smtp.count_to("ada@example.org"), 3);
}

#[tokio::test]
async fn a_user_held_at_login_asks_again_with_one_answer_whatever_the_account() {
    let smtp = SmtpServer::start().await;
    let mut config = test_config();
    smtp.configure(&mut config, PUBLIC);
    config.auth.require_verified_email = true;
    config.http.trust_forwarded_for = true;
    config.email.requests_per_address = 4;
    config.email.requests_per_account = 2;
    let server = TestServer::with_config(config).await;
    let anon = server.client();
    let register = |name: &str| RegisterRequest {
        username: name.into(),
        password: testkit::password().into(),
        password_confirm: testkit::password().into(),
        display_name: None,
        invite_code: None,
        email: Some(format!("{name}@example.org")),
    };
    anon.register(&register("cleo")).await.unwrap();
    anon.register(&register("dora")).await.unwrap();
    let first = nth_code(&smtp, "cleo@example.org", 0).await;
    let (status, body) = api_error(anon.login("cleo", testkit::password()).await);
    assert_eq!((status, body.code), (403, ErrorCode::EmailNotVerified));

    // One answer for no account and for an account (by username, by address in any case).
    let (status, nobody) = ask(&anon, "nobody", "10.0.0.1").await;
    assert_eq!(status, 202);
    assert_eq!(nobody["status"], "accepted");
    let (status, cleo) = ask(&anon, "cleo", "10.0.0.1").await;
    assert_eq!((status, &cleo), (202, &nobody));
    let second = nth_code(&smtp, "cleo@example.org", 1).await;
    assert_eq!(ask(&anon, "CLEO@Example.org", "10.0.0.1").await.0, 202);
    let third = nth_code(&smtp, "cleo@example.org", 2).await;
    // The account's window (two) is full: still 202, but no mail.
    assert_eq!(ask(&anon, "cleo", "10.0.0.1").await, (202, nobody.clone()));
    // The client address's window (four) is full: 429.
    let (status, body) = ask(&anon, "cleo", "10.0.0.1").await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], "RATE_LIMIT_EXCEEDED");
    // Another address may ask; dora's mail arrives after cleo's refused one was decided.
    assert_eq!(ask(&anon, "dora", "10.0.0.2").await.0, 202);
    nth_code(&smtp, "dora@example.org", 1).await;
    assert_eq!(smtp.count_to("cleo@example.org"), 3);

    // Only the latest code verifies; then login works.
    assert_bad_token(anon.verify_email(&first).await);
    assert_bad_token(anon.verify_email(&second).await);
    assert!(anon.verify_email(&third).await.unwrap().verified);
    anon.login("cleo", testkit::password()).await.unwrap();
}
