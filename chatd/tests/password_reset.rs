//! Password reset by mail against a real SMTP server: `POST /api/auth/password-reset`
//! answers 202 with one body for an existing account, an unknown login and an account
//! without a verified address; the mailed code sets a new password under the policy and
//! ends every session (sockets closed at once, refresh tokens dead); wrong, reused and
//! expired codes are refused; requests are limited per client address (429) and per
//! account (silently).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::time::Duration;

use common::ErrorCode;
use common::api::PasswordResetAccepted;
use common::client::{Client, ClientError};
use reqwest::Method;
use serde_json::json;
use testkit::ws::connect;
use testkit::{SmtpServer, TestServer, test_config};

const PUBLIC: &str = "https://chat.example.test";
const NEW_PASSWORD: &str = "difference engine 1822";

fn api_error<T: std::fmt::Debug>(result: Result<T, ClientError>) -> (u16, common::ErrorBody) {
    match result {
        Err(ClientError::Api { status, body }) => (status, body),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn assert_bad_token<T: std::fmt::Debug>(result: Result<T, ClientError>) {
    let (status, body) = api_error(result);
    assert_eq!((status, body.code), (400, ErrorCode::ValidationError));
    assert_eq!(body.details[0].field, "token");
    assert_eq!(
        body.details[0].message,
        "invalid, expired or already used token"
    );
}

/// Gives `client`'s user the verified address `email` through the verification mail.
async fn verified(smtp: &SmtpServer, client: &Client, email: &str) {
    client.set_email(email, testkit::password()).await.unwrap();
    let mail = smtp.wait_for(email).await;
    let code = mail.line_after("/verify CODE):").unwrap();
    assert!(client.verify_email(code).await.unwrap().verified);
}

/// `POST /api/auth/password-reset` from `ip` (the server trusts `X-Forwarded-For`).
async fn ask(client: &Client, login: &str, ip: &str) -> (u16, serde_json::Value) {
    let resp = client
        .request(Method::POST, "/api/auth/password-reset")
        .header("x-forwarded-for", ip)
        .json(&json!({ "login": login }))
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.json().await.unwrap())
}

fn reset_code(mail: &testkit::ReceivedMail) -> String {
    assert!(
        mail.subject().starts_with("Reset your password"),
        "{}",
        mail.show()
    );
    mail.line_after("usable once:").unwrap().to_owned()
}

#[tokio::test]
async fn a_mailed_code_sets_the_password_and_ends_every_session_once() {
    let smtp = SmtpServer::start().await;
    let mut config = test_config();
    smtp.configure(&mut config, PUBLIC);
    let server = TestServer::with_config(config).await;
    let (laptop, _) = server.user("ada").await;
    verified(&smtp, &laptop, "ada@example.org").await;
    let _ = server.user("bob").await; // no address: no mail, same answer
    let phone = server.client();
    phone.login("ada", testkit::password()).await.unwrap();
    let (laptop_ws, _) = connect(&laptop).await;
    let (phone_ws, _) = connect(&phone).await;

    let anon = server.client();
    let (status, known) = ask(&anon, "ada", "127.0.0.1").await;
    assert_eq!(status, 202);
    for login in ["nobody-at-all", "bob", "nobody@example.org"] {
        assert_eq!(
            ask(&anon, login, "127.0.0.1").await,
            (202, known.clone()),
            "{login}"
        );
    }
    let body: PasswordResetAccepted = serde_json::from_value(known).unwrap();
    assert_eq!(body.status, "accepted");

    // Mail #0 was the verification; #1 the reset.
    let mail = smtp
        .wait_for_nth("ada@example.org", 1, Duration::from_secs(30))
        .await;
    let code = reset_code(&mail);
    assert!(mail.body.contains("15 minutes"), "{}", mail.body);

    assert_bad_token(anon.confirm_password_reset("wrong", NEW_PASSWORD).await);
    // The policy holds: a short password is refused and the code stays usable.
    let (status, body) = api_error(anon.confirm_password_reset(&code, "short").await);
    assert_eq!(status, 400);
    assert_eq!(body.details[0].field, "newPassword", "{body:?}");

    anon.confirm_password_reset(&code, NEW_PASSWORD)
        .await
        .unwrap();
    // Every session ends: both sockets are closed at once, refresh tokens are dead.
    assert_eq!(
        laptop_ws.closed().await,
        Some(common::ws::close::UNAUTHORIZED)
    );
    assert_eq!(
        phone_ws.closed().await,
        Some(common::ws::close::UNAUTHORIZED)
    );
    assert_eq!(api_error(phone.refresh().await).0, 401);
    assert_eq!(api_error(laptop.me().await).0, 401);

    // Once only.
    assert_bad_token(
        anon.confirm_password_reset(&code, "yet another password")
            .await,
    );
    assert_eq!(
        api_error(anon.login("ada", testkit::password()).await).0,
        401
    );
    anon.login("ada", NEW_PASSWORD).await.unwrap();

    // The verified address works as the login too, in any case; an expired code is refused.
    let (status, _) = ask(&server.client(), "ADA@example.ORG", "127.0.0.1").await;
    assert_eq!(status, 202);
    let mail = smtp
        .wait_for_nth("ada@example.org", 2, Duration::from_secs(30))
        .await;
    let code = reset_code(&mail);
    sqlx::query("UPDATE email_tokens SET expires_at = now() - interval '1 second'")
        .execute(server.store().pool())
        .await
        .unwrap();
    assert_bad_token(
        server
            .client()
            .confirm_password_reset(&code, "a third password!")
            .await,
    );
    server.client().login("ada", NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn requests_are_limited_per_client_address_and_per_account() {
    let smtp = SmtpServer::start().await;
    let mut config = test_config();
    smtp.configure(&mut config, PUBLIC);
    config.http.trust_forwarded_for = true;
    config.email.requests_per_address = 3;
    config.email.requests_per_account = 2;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    verified(&smtp, &ada, "ada@example.org").await;
    let (bob, _) = server.user("bob").await;
    verified(&smtp, &bob, "bob@example.org").await;

    let anon = server.client();
    for _ in 0..3 {
        assert_eq!(ask(&anon, "ada", "10.0.0.1").await.0, 202);
    }
    let (status, body) = ask(&anon, "ada", "10.0.0.1").await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], "RATE_LIMIT_EXCEEDED");
    // Another address may ask, with the same answer, but the account gets no more mail.
    assert_eq!(ask(&anon, "ada", "10.0.0.2").await.0, 202);
    assert_eq!(ask(&anon, "bob", "10.0.0.2").await.0, 202);
    smtp.wait_for_nth("bob@example.org", 1, Duration::from_secs(30))
        .await;
    let resets = |to: &str| {
        smtp.mails()
            .iter()
            .filter(|m| m.to() == to && m.subject().starts_with("Reset"))
            .count()
    };
    testkit::eventually(Duration::from_secs(10), || {
        let done = resets("ada@example.org") >= 2;
        async move { done }
    })
    .await;
    assert_eq!(resets("ada@example.org"), 2);
    let tokens: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM email_tokens t JOIN users u ON u.id = t.user_id \
         WHERE u.username = 'ada' AND t.purpose = 'reset'",
    )
    .fetch_one(server.store().pool())
    .await
    .unwrap();
    assert_eq!(tokens, 2);
}
