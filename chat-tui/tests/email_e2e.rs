//! `/email` and `/verify` against a real chatd and a real SMTP server: the password is
//! typed into the form (drawn as dots), the verification mail arrives, `/verify` with its
//! code verifies the address; a wrong code is refused with the server's reason.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod support;

use chat_tui::state::{ConnState, Event};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::Driver;
use testkit::{SmtpServer, TestServer, test_config};

fn typed(driver: &mut Driver, text: &str) {
    for c in text.chars() {
        driver.update(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
}

#[tokio::test]
async fn email_and_verify_set_and_verify_the_address_through_the_client() {
    let smtp = SmtpServer::start().await;
    let mut config = test_config();
    smtp.configure(&mut config, "https://chat.example.test");
    let server = TestServer::with_config(config).await;
    let (rest, _) = server.user("ada").await;
    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "ada").await;
    let mut ada = Driver::start(&server.base_url, file);
    ada.until("connected", |s| s.conn == ConnState::Connected)
        .await;

    ada.send_text("/email ada@example.org");
    typed(&mut ada, testkit::password());
    let screen = ada.render(80, 24);
    assert!(!screen.contains(testkit::password()), "{screen}");
    assert!(screen.contains('•'), "{screen}");
    ada.update(Event::Key(KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    )));
    ada.until("the code mailed", |s| {
        s.notice
            .as_deref()
            .is_some_and(|n| n.contains("a code was mailed to ada@example.org"))
    })
    .await;
    let mail = smtp.wait_for("ada@example.org").await;
    let code = mail.line_after("/verify CODE):").unwrap().to_owned();

    ada.send_text("/verify not-the-code");
    ada.until("the refusal", |s| {
        s.notice
            .as_deref()
            .is_some_and(|n| n.contains("invalid, expired or already used token"))
    })
    .await;
    assert!(!rest.me().await.unwrap().email_verified);

    ada.send_text(&format!("/verify {code}"));
    ada.until("verified", |s| {
        s.notice
            .as_deref()
            .is_some_and(|n| n.contains("ada@example.org is verified"))
    })
    .await;
    assert!(rest.me().await.unwrap().email_verified);
}
