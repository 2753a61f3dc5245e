//! The missed-message digest against a real SMTP server: a user offline on every node gets
//! one mail with their unread direct messages and mentions (sender, chat, first lines
//! sanitized, a deep link that resolves), without muted chats, blocked senders or group
//! messages that do not mention them; at most one per interval; none for a user who is
//! online, in do-not-disturb or turned digests off.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::time::Duration;

use common::api::{CreateGroupRequest, EmailDigest, SilenceRequest};
use common::client::Client;
use testkit::chat::{direct, post};
use testkit::ws::connect;
use testkit::{SmtpServer, TestServer, test_config};

const PUBLIC: &str = "https://chat.example.test";
const WAIT: Duration = Duration::from_secs(30);

async fn verified(smtp: &SmtpServer, client: &Client, email: &str) {
    client.set_email(email, testkit::password()).await.unwrap();
    let mail = smtp.wait_for(email).await;
    let code = mail.line_after("/verify CODE):").unwrap();
    assert!(client.verify_email(code).await.unwrap().verified);
}

fn digests(smtp: &SmtpServer, to: &str) -> Vec<testkit::ReceivedMail> {
    smtp.mails()
        .into_iter()
        .filter(|m| m.to() == to && m.subject().contains("unread message"))
        .collect()
}

async fn wait_digests(smtp: &SmtpServer, to: &str, n: usize) -> Vec<testkit::ReceivedMail> {
    let arrived = testkit::eventually(WAIT, || {
        let done = digests(smtp, to).len() >= n;
        async move { done }
    })
    .await;
    assert!(arrived, "no digest #{n} to {to}: {:?}", smtp.mails());
    digests(smtp, to)
}

#[tokio::test]
async fn an_offline_user_gets_one_sanitized_digest_of_direct_messages_and_mentions() {
    let smtp = SmtpServer::start().await;
    let mut config = test_config();
    smtp.configure(&mut config, PUBLIC);
    config.email.digest_after_mins = 0;
    config.email.digest_interval_mins = 60;
    config.email.digest_check_secs = 1;
    // Six chats' sends keep up to four writer lanes' connections; the test's five leave too
    // few for the digest and mail tasks beside the requests.
    config.database.max_connections = 10;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (carol, carol_t) = server.user("carol").await;
    let (mallory, mallory_t) = server.user("mallory").await;
    let (dave, dave_t) = server.user("dave").await;
    let (frank, frank_t) = server.user("frank").await;
    let (gus, gus_t) = server.user("gus").await;
    let (hal, hal_t) = server.user("hal").await;
    let (ivy, ivy_t) = server.user("ivy").await;
    let ada_id = ada.me().await.unwrap().user.id;

    // Digests off while the scene is set, so that one round sees all of it.
    ada.set_email_digest(EmailDigest::Off).await.unwrap();
    verified(&smtp, &ada, "ada@example.org").await;

    let bob_chat = direct(&bob, ada_id).await;
    post(
        &bob,
        bob_chat,
        "hello\tada\u{202e}!\u{200b}\n\nsecond line\nthird\nfourth stays out",
        "b-1",
    )
    .await;
    let group = carol
        .create_group(&CreateGroupRequest {
            name: "Launch Team".into(),
            slug: Some("launch".into()),
            participant_ids: vec![ada_id, bob_t.user.id],
            ..Default::default()
        })
        .await
        .unwrap()
        .chat
        .id;
    post(&carol, group, "@ada please review the plan", "c-1").await;
    post(&carol, group, "lunch at noon, nobody named", "c-2").await;
    let mallory_chat = direct(&mallory, ada_id).await;
    post(&mallory, mallory_chat, "buy my stuff", "m-1").await;
    ada.block(mallory_t.user.id).await.unwrap();
    let dave_chat = direct(&dave, ada_id).await;
    post(&dave, dave_chat, "muted chatter", "d-1").await;
    ada.mute_chat(
        dave_chat,
        &SilenceRequest {
            until: None,
            forever: true,
        },
    )
    .await
    .unwrap();

    ada.set_email_digest(EmailDigest::MentionsAndDirect)
        .await
        .unwrap();
    let mail = wait_digests(&smtp, "ada@example.org", 1).await.remove(0);
    println!("--- digest as received ---\n{}", mail.show());
    assert_eq!(mail.subject(), "2 unread messages on chat.example.test");
    let body = &mail.body;
    assert!(body.contains("Direct message from @bob"), "{body}");
    assert!(
        body.lines().any(|l| l.trim_end() == "  > hello ada!"),
        "{body}"
    );
    assert!(
        body.contains("> second line") && body.contains("> third"),
        "{body}"
    );
    assert!(!body.contains("fourth stays out"), "{body}");
    assert!(!body.contains(['\t', '\u{202e}', '\u{200b}']), "{body:?}");
    assert!(
        body.contains("@carol mentioned you in Launch Team"),
        "{body}"
    );
    assert!(body.contains("> @ada please review the plan"), "{body}");
    for absent in ["lunch at noon", "buy my stuff", "muted chatter"] {
        assert!(!body.contains(absent), "{absent} in {body}");
    }
    // The deep links resolve for the reader.
    let links: Vec<&str> = body
        .split_whitespace()
        .filter(|w| w.starts_with("chat://"))
        .collect();
    assert_eq!(links.len(), 2, "{body}");
    assert!(
        links[1].starts_with("chat://chat.example.test/c/launch/m/"),
        "{}",
        links[1]
    );
    let first = ada.resolve_link(links[0]).await.unwrap();
    assert_eq!(first.chat_id, bob_chat);
    assert!(first.message_id.is_some());
    assert_eq!(ada.resolve_link(links[1]).await.unwrap().chat_id, group);

    // At most one per interval: bob writes again; frank (offline) and gus (online) get
    // messages after that. Frank's digest comes from a round that saw bob's second message.
    post(&bob, bob_chat, "are you there?", "b-2").await;
    verified(&smtp, &gus, "gus@example.org").await;
    let (_gus_ws, _) = connect(&gus).await;
    let gus_chat = direct(&carol, gus_t.user.id).await;
    post(&carol, gus_chat, "gus, you are online", "c-3").await;
    // Do-not-disturb and the setting `off` hold digests back too.
    verified(&smtp, &hal, "hal@example.org").await;
    hal.set_dnd(&SilenceRequest {
        until: None,
        forever: true,
    })
    .await
    .unwrap();
    let hal_chat = direct(&carol, hal_t.user.id).await;
    post(&carol, hal_chat, "hal, you are busy", "c-5").await;
    verified(&smtp, &ivy, "ivy@example.org").await;
    ivy.set_email_digest(EmailDigest::Off).await.unwrap();
    let ivy_chat = direct(&carol, ivy_t.user.id).await;
    post(&carol, ivy_chat, "ivy, you said no mail", "c-6").await;
    verified(&smtp, &frank, "frank@example.org").await;
    let frank_chat = direct(&carol, frank_t.user.id).await;
    post(&carol, frank_chat, "frank, you are not", "c-4").await;
    let frank_mail = wait_digests(&smtp, "frank@example.org", 1).await.remove(0);
    assert!(frank_mail.body.contains("frank, you are not"));
    assert_eq!(digests(&smtp, "ada@example.org").len(), 1);
    for quiet in ["gus@example.org", "hal@example.org", "ivy@example.org"] {
        assert!(digests(&smtp, quiet).is_empty(), "{quiet}");
    }
    let _ = (dave_t, carol_t);
}
