//! A resync of many chats at once against a real chatd: every chat gets exactly its own
//! gap (new messages, edits, deletes, reactions, a gap longer than the page), a chat the
//! user was removed from during the gap comes back as not a member, and a chat joined
//! during the gap comes with its last seq only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::api::{ChatCursor, ChatSync, EditMessageRequest, SyncRequest};
use common::ws::ServerEvent;
use common::{ChatId, UserId};
use reqwest::Method;
use social_support::group;
use testkit::TestServer;
use testkit::chat::post;

fn kinds(chat: &ChatSync) -> Vec<String> {
    chat.events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

fn seqs(chat: &ChatSync) -> Vec<i64> {
    chat.events.iter().map(|e| e.seq().unwrap().1).collect()
}

#[tokio::test]
async fn a_resync_of_many_chats_gives_each_chat_exactly_its_own_gap() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let bob_id: UserId = bob_t.user.id;

    // Bob is in twelve groups and has seen one message in each.
    let mut chats: Vec<ChatId> = Vec::new();
    let mut seen = Vec::new();
    for i in 0..12 {
        let chat = group(&ada, &format!("g{i}"), None, &[bob_id]).await.chat.id;
        seen.push(post(&ada, chat, &format!("hello {i}"), &format!("h-{i}")).await);
        chats.push(chat);
    }

    // While Bob is away: chat 0 stays quiet; chat 1 gets three messages; in chat 2 the
    // seen message is edited and a new one deleted; Bob is removed from chat 3; chat 4
    // gets more than a page; chat 5 gets a reaction; chats 6 to 11 get one message each.
    for i in 0..3 {
        post(&ada, chats[1], &format!("one {i}"), &format!("one-{i}")).await;
    }
    let edit = EditMessageRequest {
        content: "hello 2, fixed".into(),
        metadata: None,
    };
    ada.edit_message(seen[2].message_id, &edit).await.unwrap();
    let secret = post(&ada, chats[2], "secret", "deleted-one").await;
    ada.delete_message(secret.message_id).await.unwrap();
    ada.request(
        Method::DELETE,
        &format!("/api/chats/{}/participants/{bob_id}", chats[3]),
    )
    .send()
    .await
    .unwrap()
    .error_for_status()
    .unwrap();
    post(&ada, chats[3], "after bob left", "left").await;
    for i in 0..7 {
        post(&ada, chats[4], &format!("four {i}"), &format!("four-{i}")).await;
    }
    ada.request(
        Method::POST,
        &format!("/api/messages/{}/reactions", seen[5].message_id),
    )
    .json(&serde_json::json!({"emoji": "🎉"}))
    .send()
    .await
    .unwrap()
    .error_for_status()
    .unwrap();
    for (i, chat) in chats.iter().enumerate().skip(6) {
        post(&ada, *chat, &format!("late {i}"), &format!("late-{i}")).await;
    }
    let joined = group(&ada, "joined in the gap", None, &[bob_id])
        .await
        .chat
        .id;
    let welcome = post(&ada, joined, "welcome", "welcome").await;

    let request = SyncRequest {
        chats: chats
            .iter()
            .zip(&seen)
            .map(|(chat, s)| ChatCursor {
                chat_id: *chat,
                seq: s.seq,
            })
            .collect(),
        limit: Some(5),
        ..SyncRequest::default()
    };
    let answer = bob.sync(&request).await.unwrap();
    let of = |chat: ChatId| answer.chats.iter().find(|c| c.chat_id == chat).unwrap();
    assert_eq!(
        answer.chats.len(),
        13,
        "every chat once: {:?}",
        answer.chats
    );

    let quiet = of(chats[0]);
    assert!(quiet.member && quiet.events.is_empty() && !quiet.has_more);
    assert_eq!(quiet.last_seq, seen[0].seq);

    let three = of(chats[1]);
    assert_eq!(
        seqs(three),
        (seen[1].seq + 1..=seen[1].seq + 3).collect::<Vec<_>>()
    );
    assert_eq!(three.last_seq, seen[1].seq + 3);

    let changed = of(chats[2]);
    assert_eq!(
        kinds(changed),
        ["message:edited", "message:new", "message:deleted"]
    );
    let ServerEvent::MessageEdited(edited) = &changed.events[0] else {
        panic!("{:?}", changed.events[0]);
    };
    assert_eq!(edited.message.content.as_deref(), Some("hello 2, fixed"));
    assert!(!serde_json::to_string(&answer).unwrap().contains("secret"));

    let removed = of(chats[3]);
    assert!(!removed.member && removed.events.is_empty());
    assert!(
        !serde_json::to_string(&answer)
            .unwrap()
            .contains("after bob left")
    );

    let long = of(chats[4]);
    assert!(long.has_more);
    assert_eq!(
        seqs(long),
        (seen[4].seq + 1..=seen[4].seq + 5).collect::<Vec<_>>()
    );

    assert_eq!(kinds(of(chats[5])), ["reaction:added"]);
    for (i, chat) in chats.iter().enumerate().skip(6) {
        let late = of(*chat);
        assert_eq!(kinds(late), ["message:new"], "chat {i}");
        let ServerEvent::MessageNew(new) = &late.events[0] else {
            panic!()
        };
        assert_eq!(
            new.message.content.as_deref(),
            Some(format!("late {i}").as_str())
        );
    }

    let new_chat = of(joined);
    assert!(new_chat.member && new_chat.events.is_empty());
    assert_eq!(new_chat.last_seq, welcome.seq);
}
