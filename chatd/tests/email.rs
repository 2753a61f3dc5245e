//! Email against a real SMTP server (`testkit::SmtpServer`, aiosmtpd on real TCP): the
//! verification mail's link and code verify an address; wrong, reused and expired tokens
//! are refused with the documented error; verified addresses are unique in any case;
//! `auth.require_verified_email` makes registration take an address and login wait for
//! its verification; mail queued while the SMTP server is away survives a restart of
//! chatd and is sent once it is back.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::time::Duration;

use common::ErrorCode;
use common::api::RegisterRequest;
use common::client::{Client, ClientError};
use testkit::{SmtpServer, TestServer, fresh_db, test_config};

/// The public address of the test servers: links in mails name it, tests call the path.
const PUBLIC: &str = "https://chat.example.test";

fn mail_config(smtp: &SmtpServer) -> chatd::config::Config {
    let mut config = test_config();
    smtp.configure(&mut config, PUBLIC);
    config
}

fn api_error<T: std::fmt::Debug>(result: Result<T, ClientError>) -> (u16, common::ErrorBody) {
    match result {
        Err(ClientError::Api { status, body }) => (status, body),
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// A refused token: 400, `VALIDATION_ERROR` naming `token`.
fn assert_bad_token<T: std::fmt::Debug>(result: Result<T, ClientError>) {
    let (status, body) = api_error(result);
    assert_eq!(status, 400, "{body:?}");
    assert_eq!(body.code, ErrorCode::ValidationError);
    assert_eq!(body.details[0].field, "token", "{body:?}");
    assert!(
        body.details[0]
            .message
            .contains("invalid, expired or already used")
    );
}

/// The path and query of a link in a mail, called on the test server.
async fn open_link(server: &TestServer, link: &str) -> (u16, String) {
    let path = link
        .strip_prefix(PUBLIC)
        .expect("the link names the public URL");
    let resp = reqwest::get(format!("{}{path}", server.base_url))
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

#[tokio::test]
async fn the_verification_mail_link_verifies_and_wrong_reused_and_expired_tokens_are_refused() {
    let smtp = SmtpServer::start().await;
    let server = TestServer::with_config(mail_config(&smtp)).await;
    let (ada, _) = server.user("ada").await;

    // Re-authentication: a wrong password changes nothing.
    let (status, body) = api_error(ada.set_email("ada@example.org", "not my password").await);
    assert_eq!((status, body.details[0].field.as_str()), (400, "password"));
    let (status, body) = api_error(ada.set_email("not an address", testkit::password()).await);
    assert_eq!((status, body.details[0].field.as_str()), (400, "email"));

    let status = ada
        .set_email("Ada@Example.org", testkit::password())
        .await
        .unwrap();
    assert_eq!(status.email.as_deref(), Some("Ada@Example.org"));
    assert!(!status.verified);
    let me = ada.me().await.unwrap();
    assert_eq!(me.email.as_deref(), Some("Ada@Example.org"));
    assert!(!me.email_verified);

    let mail = smtp.wait_for("Ada@Example.org").await;
    assert!(
        mail.subject().starts_with("Verify your email address"),
        "{}",
        mail.show()
    );
    assert!(mail.header("From").unwrap().contains("chat@chat.test"));
    let link = mail.link().expect("a link in the mail").to_owned();
    assert!(link.starts_with(&format!("{PUBLIC}/api/users/me/email/verify?token=")));
    let code = mail
        .line_after("(chat-tui: /verify CODE):")
        .unwrap()
        .to_owned();
    assert!(
        link.ends_with(&code),
        "the link carries the code: {link} / {code}"
    );

    // A wrong token first.
    assert_bad_token(ada.verify_email("not-the-token").await);
    let (status, _) = open_link(
        &server,
        &format!("{PUBLIC}/api/users/me/email/verify?token=x"),
    )
    .await;
    assert_eq!(status, 400);

    // The link works (no login needed: it is opened in a browser).
    let (status, text) = open_link(&server, &link).await;
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("verified"));
    let me = ada.me().await.unwrap();
    assert!(me.email_verified);
    assert!(ada.email_status().await.unwrap().verified);

    // Used once: the code and the link are refused now.
    assert_bad_token(ada.verify_email(&code).await);
    assert_eq!(open_link(&server, &link).await.0, 400);
    // Setting the verified address again (any case) keeps it verified.
    let again = ada
        .set_email("ada@EXAMPLE.org", testkit::password())
        .await
        .unwrap();
    assert!(again.verified);

    // A new address is unverified again; an expired token is refused.
    ada.set_email("ada@other.example", testkit::password())
        .await
        .unwrap();
    let mail = smtp.wait_for("ada@other.example").await;
    let code = mail
        .line_after("(chat-tui: /verify CODE):")
        .unwrap()
        .to_owned();
    sqlx::query("UPDATE email_tokens SET expires_at = now() - interval '1 second'")
        .execute(server.store().pool())
        .await
        .unwrap();
    assert_bad_token(ada.verify_email(&code).await);
    assert!(!ada.me().await.unwrap().email_verified);
}

#[tokio::test]
async fn verified_addresses_are_unique_in_any_case() {
    let smtp = SmtpServer::start().await;
    let server = TestServer::with_config(mail_config(&smtp)).await;
    let (ada, _) = server.user("ada").await;
    let (bob, _) = server.user("bob").await;

    // Both may ask for one address while neither has verified it...
    ada.set_email("team@example.org", testkit::password())
        .await
        .unwrap();
    bob.set_email("TEAM@example.org", testkit::password())
        .await
        .unwrap();
    // Addresses compare in any case: two mails to one address, told apart by greeting.
    smtp.wait_for_nth("team@example.org", 1, Duration::from_secs(30))
        .await;
    let code_of = |name: &str| {
        let mail = smtp
            .mails()
            .into_iter()
            .find(|m| m.body.starts_with(&format!("Hello {name},")))
            .unwrap();
        mail.line_after("/verify CODE):").unwrap().to_owned()
    };
    let (ada_code, bob_code) = (code_of("ada"), code_of("bob"));
    // ...the first to verify gets it; the other is refused, at verification and after.
    ada.verify_email(&ada_code).await.unwrap();
    let (status, body) = api_error(bob.verify_email(&bob_code).await);
    assert_eq!((status, body.code), (409, ErrorCode::Conflict));
    let (status, body) = api_error(bob.set_email("Team@Example.ORG", testkit::password()).await);
    assert_eq!((status, body.code), (409, ErrorCode::Conflict));
    assert!(!bob.me().await.unwrap().email_verified);
}

#[tokio::test]
async fn required_verification_takes_an_address_at_registration_and_holds_login_until_verified() {
    let smtp = SmtpServer::start().await;
    let mut config = mail_config(&smtp);
    config.auth.require_verified_email = true;
    let server = TestServer::with_config(config).await;
    let client = server.client();
    let registration = |email: Option<&str>| RegisterRequest {
        username: "cleo".into(),
        password: testkit::password().into(),
        password_confirm: testkit::password().into(),
        display_name: None,
        invite_code: None,
        email: email.map(Into::into),
    };

    let (status, body) = api_error(client.register(&registration(None)).await);
    assert_eq!((status, body.details[0].field.as_str()), (400, "email"));
    client
        .register(&registration(Some("cleo@example.org")))
        .await
        .unwrap();

    let (status, body) = api_error(client.login("cleo", testkit::password()).await);
    assert_eq!(status, 403);
    assert_eq!(body.code, ErrorCode::EmailNotVerified);
    // A wrong password still says only that.
    let (status, body) = api_error(client.login("cleo", "wrong password!").await);
    assert_eq!((status, body.code), (401, ErrorCode::Unauthorized));

    let mail = smtp.wait_for("cleo@example.org").await;
    let code = mail.line_after("/verify CODE):").unwrap().to_owned();
    // Verified without a login (there is none yet).
    let status = client.verify_email(&code).await.unwrap();
    assert!(status.verified);
    let tokens = client.login("cleo", testkit::password()).await.unwrap();
    assert_eq!(tokens.user.username, "cleo");
    assert!(client.me().await.unwrap().email_verified);
}

#[tokio::test]
async fn mail_queued_while_the_smtp_server_is_away_survives_a_restart_and_is_sent() {
    let db = fresh_db().await;
    // A server whose SMTP server is not there: the mail waits in PostgreSQL, retried.
    let gone = SmtpServer::start().await;
    let config = mail_config(&gone);
    drop(gone);
    let first = TestServer::on(config.clone(), db.options()).await;
    let (ada, _) = first.user("ada").await;
    ada.set_email("ada@example.org", testkit::password())
        .await
        .unwrap();
    let store = first.store().clone();
    let tried = testkit::eventually(Duration::from_secs(30), || async {
        sqlx::query_scalar::<_, Option<String>>("SELECT last_error FROM email_outbox")
            .fetch_optional(store.pool())
            .await
            .unwrap()
            .flatten()
            .is_some()
    })
    .await;
    assert!(tried, "the first attempt failed and was recorded");
    first.stop().await.unwrap();

    // chatd starts again, with its SMTP server back: the mail arrives, and only once.
    let smtp = SmtpServer::start().await;
    let mut config = config;
    smtp.configure(&mut config, PUBLIC);
    let second = TestServer::on(config, db.options()).await;
    let mail = smtp.wait_for("ada@example.org").await;
    assert!(mail.subject().starts_with("Verify your email address"));
    let code = mail.line_after("/verify CODE):").unwrap().to_owned();
    let client = Client::new(&second.base_url).unwrap();
    assert!(client.verify_email(&code).await.unwrap().verified);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM email_outbox")
        .fetch_one(second.store().pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
    assert_eq!(smtp.count_to("ada@example.org"), 1);
}

#[tokio::test]
async fn with_email_off_the_endpoints_say_so() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (status, body) = api_error(ada.set_email("ada@example.org", testkit::password()).await);
    assert_eq!((status, body.code), (403, ErrorCode::Forbidden));
    assert!(body.message.contains("email is not enabled"));
    let (status, _) = api_error(server.client().request_password_reset("ada").await);
    assert_eq!(status, 403);
    let status = ada.email_status().await.unwrap();
    assert_eq!((status.email, status.verified), (None, false));
}
