//! `/email` and `/verify` against a real chatd and a real SMTP server: the password is
//! typed into the form (drawn as dots), the verification mail arrives, `/verify` with its
//! code verifies the address; a wrong code is refused with the server's reason. On a
//! server that requires verified addresses, registration asks the mailed code and Ctrl-E
//! mails a new one (the old one refused).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod support;

use chat_tui::state::{ConnState, Event, Screen};
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

fn press(driver: &mut Driver, code: KeyCode, modifiers: KeyModifiers) {
    driver.update(Event::Key(KeyEvent::new(code, modifiers)));
}

#[tokio::test]
async fn registration_on_a_server_that_requires_email_asks_the_code_and_mails_a_new_one() {
    let smtp = SmtpServer::start().await;
    let mut config = test_config();
    smtp.configure(&mut config, "https://chat.example.test");
    config.auth.require_verified_email = true;
    let server = TestServer::with_config(config).await;
    let dir = testkit::temp_dir();
    let mut cleo = Driver::start(
        &server.base_url,
        chat_tui::session::SessionFile::new(dir.path(), "default"),
    );
    cleo.until("the login screen", |s| s.screen == Screen::Login)
        .await;

    // Ctrl-R: register; username, password twice, no display name, the address.
    press(&mut cleo, KeyCode::Char('r'), KeyModifiers::CONTROL);
    for value in [
        "cleo",
        testkit::password(),
        testkit::password(),
        "",
        "cleo@example.org",
    ] {
        press(&mut cleo, KeyCode::Tab, KeyModifiers::NONE);
        typed(&mut cleo, value);
    }
    press(&mut cleo, KeyCode::Enter, KeyModifiers::NONE);
    cleo.until("the code asked", |s| s.login.verifying).await;
    let screen = cleo.render(80, 24);
    assert!(screen.contains("Check your mail"), "{screen}");
    let first = smtp.wait_for("cleo@example.org").await;
    let first = first.line_after("/verify CODE):").unwrap().to_owned();

    // Ctrl-E: a new mail; the first code no longer works, the new one logs in.
    press(&mut cleo, KeyCode::Char('e'), KeyModifiers::CONTROL);
    cleo.until("the new code announced", |s| {
        s.login
            .info
            .as_deref()
            .is_some_and(|i| i.contains("A new code is on its way"))
    })
    .await;
    let second = smtp
        .wait_for_nth("cleo@example.org", 1, std::time::Duration::from_secs(30))
        .await;
    let second = second.line_after("/verify CODE):").unwrap().to_owned();
    typed(&mut cleo, &first);
    press(&mut cleo, KeyCode::Enter, KeyModifiers::NONE);
    cleo.until("the old code refused", |s| {
        s.login
            .error_of(chat_tui::state::login::Field::Code)
            .is_some_and(|e| e.contains("invalid, expired or already used token"))
    })
    .await;
    for _ in first.chars() {
        press(&mut cleo, KeyCode::Backspace, KeyModifiers::NONE);
    }
    typed(&mut cleo, &second);
    press(&mut cleo, KeyCode::Enter, KeyModifiers::NONE);
    cleo.until("logged in and connected", |s| {
        s.screen == Screen::Main && s.conn == ConnState::Connected
    })
    .await;
    assert!(
        server
            .client()
            .login("cleo", testkit::password())
            .await
            .is_ok()
    );
}
