//! Full-text search over real HTTP: every script found, the query syntax, ranking, snippets
//! with highlights, pagination, and that only current members find only live messages.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::time::Duration;

use common::api::{ChatDetail, CreateGroupRequest, EditMessageRequest, SearchResults};
use common::client::{Client, ClientError};
use common::{ChatId, ErrorCode, UserId};
use reqwest::Method;
use testkit::TestServer;
use testkit::chat::post;

async fn group(owner: &Client, name: &str, members: &[UserId]) -> ChatId {
    let req = CreateGroupRequest {
        name: name.into(),
        slug: None,
        participant_ids: members.to_vec(),
        ..Default::default()
    };
    let chat: ChatDetail = owner
        .send(owner.request(Method::POST, "/api/chats/group").json(&req))
        .await
        .unwrap();
    chat.chat.id
}

async fn search_raw(client: &Client, query: &[(&str, &str)]) -> Result<SearchResults, ClientError> {
    client
        .send(
            client
                .request(Method::GET, "/api/messages/search")
                .query(query),
        )
        .await
}

async fn search(client: &Client, q: &str) -> SearchResults {
    search_raw(client, &[("q", q)]).await.unwrap()
}

fn contents(results: &SearchResults) -> Vec<String> {
    results
        .results
        .iter()
        .map(|h| h.message.content.clone().unwrap())
        .collect()
}

/// The snippet with each highlight in brackets.
fn marked(results: &SearchResults, i: usize) -> String {
    let hit = &results.results[i];
    let mut out = String::new();
    for (n, c) in hit.snippet.chars().enumerate() {
        if hit.highlights.iter().any(|r| r.start as usize == n) {
            out.push('[');
        }
        out.push(c);
        if hit.highlights.iter().any(|r| r.end as usize == n + 1) {
            out.push(']');
        }
    }
    out
}

fn code(err: ClientError) -> ErrorCode {
    match err {
        ClientError::Api { body, .. } => body.code,
        other => panic!("expected an API error, got {other}"),
    }
}

#[tokio::test]
async fn words_of_every_script_are_found_and_highlighted() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, "World", &[bob_t.user.id]).await;
    let messages = [
        "Die Straßenbahn fährt heute nicht",
        "Привет, как дела с отчётом?",
        "Καλημέρα σε όλους",
        "東京タワーに行きました",
        "我们明天在北京开会",
        "مرحبا بكم في الاجتماع",
        "ภาษาไทยง่ายมาก",
        "ship it 🚀 today",
        "नमस्ते दुनिया",
    ];
    for (i, m) in messages.iter().enumerate() {
        post(&ada, chat, m, &format!("m{i}")).await;
    }
    let cases = [
        ("straßenbahn", "Die [Straßenbahn] fährt heute nicht"),
        ("ОТЧЁТОМ", "Привет, как дела с [отчётом]?"),
        ("καλημέρα", "[Καλημέρα] σε όλους"),
        ("タワー", "東京[タワー]に行きました"),
        ("東京", "[東京]タワーに行きました"),
        ("北京", "我们明天在[北京]开会"),
        ("北", "我们明天在[北]京开会"),
        ("الاجتماع", "مرحبا بكم في [الاجتماع]"),
        ("ไทย", "ภาษา[ไทย]ง่ายมาก"),
        ("🚀", "ship it [🚀] today"),
        ("दुनिया", "नमस्ते [दुनिया]"),
    ];
    for (q, expected) in cases {
        let found = search(&bob, q).await;
        assert_eq!(found.results.len(), 1, "{q}: {:?}", contents(&found));
        assert_eq!(marked(&found, 0), expected, "{q}");
    }
    // A substring of a word in a spaced script is not a word.
    assert!(search(&bob, "bahn").await.results.is_empty());
    assert_eq!(search(&bob, "straßen*").await.results.len(), 1);
}

#[tokio::test]
async fn phrases_exclusions_alternatives_and_ranking() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob_t) = server.user("bob").await;
    let chat = group(&ada, "Ops", &[bob_t.user.id]).await;
    post(&ada, chat, "the deploy failed on staging", "a").await;
    post(&ada, chat, "failed to deploy, rolling back", "b").await;
    post(&ada, chat, "deploy deploy deploy: the deploy is done", "c").await;
    post(&ada, chat, "release notes are out", "d").await;

    let phrase = search(&ada, "\"deploy failed\"").await;
    assert_eq!(contents(&phrase), ["the deploy failed on staging"]);
    let both = search(&ada, "deploy failed").await;
    assert_eq!(both.results.len(), 2);
    let excluded = search(&ada, "deploy -staging").await;
    assert_eq!(excluded.results.len(), 2);
    assert!(!contents(&excluded).iter().any(|c| c.contains("staging")));
    let either = search(&ada, "release OR staging").await;
    assert_eq!(either.results.len(), 2);
    // The message that is most about the word comes first.
    let ranked = search(&ada, "deploy").await;
    assert_eq!(ranked.results.len(), 3);
    assert_eq!(
        contents(&ranked)[0],
        "deploy deploy deploy: the deploy is done"
    );
    assert!(ranked.results[0].rank > ranked.results[2].rank);
    // Filters: the chat, the author.
    let filtered = search_raw(
        &ada,
        &[
            ("q", "deploy"),
            ("chatId", &chat.to_string()),
            ("from", &bob_t.user.id.to_string()),
        ],
    )
    .await
    .unwrap();
    assert!(filtered.results.is_empty());
}

#[tokio::test]
async fn only_current_members_find_only_live_messages() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (carol, _) = server.user("carol").await;
    let chat = group(&ada, "Secret", &[bob_t.user.id]).await;
    let other = group(&ada, "Other", &[]).await;
    post(&ada, chat, "the launch code is pineapple", "a").await;
    let deleted = post(&ada, chat, "pineapple pizza is a crime", "b").await;
    post(&ada, other, "pineapple in another chat", "c").await;
    let edited = post(&ada, chat, "meet at the old harbour", "d").await;

    assert_eq!(search(&bob, "pineapple").await.results.len(), 2);
    // Not a member: nothing, and a chat filter on that chat is "not found".
    assert!(search(&carol, "pineapple").await.results.is_empty());
    let refused = search_raw(&carol, &[("q", "pineapple"), ("chatId", &chat.to_string())])
        .await
        .unwrap_err();
    assert_eq!(code(refused), ErrorCode::NotFound);

    // Deleted messages are never returned, edited ones by their new words only.
    let gone = ada
        .request(
            Method::DELETE,
            &format!("/api/messages/{}", deleted.message_id),
        )
        .send()
        .await
        .unwrap();
    assert!(gone.status().is_success());
    let _: serde_json::Value = ada
        .send(
            ada.request(Method::PUT, &format!("/api/messages/{}", edited.message_id))
                .json(&EditMessageRequest {
                    content: "meet at the new station".into(),
                    metadata: None,
                }),
        )
        .await
        .unwrap();
    assert_eq!(
        contents(&search(&bob, "pineapple").await),
        ["the launch code is pineapple"]
    );
    assert!(search(&bob, "harbour").await.results.is_empty());
    assert_eq!(search(&bob, "station").await.results.len(), 1);

    // After leaving, none of the chat's messages, old or new.
    let left = bob
        .request(Method::POST, &format!("/api/chats/{chat}/leave"))
        .send()
        .await
        .unwrap();
    assert!(left.status().is_success());
    post(&ada, chat, "pineapple again", "e").await;
    assert!(search(&bob, "pineapple").await.results.is_empty());
    assert_eq!(search(&ada, "pineapple").await.results.len(), 3);
}

#[tokio::test]
async fn pages_follow_the_cursor_without_repeats() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let chat = group(&ada, "Log", &[]).await;
    for i in 0..25 {
        let words = "alert ".repeat(1 + i % 4);
        post(&ada, chat, &format!("{words}number {i}"), &format!("m{i}")).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = vec![("q", "alert".to_owned()), ("limit", "10".to_owned())];
        if let Some(c) = &cursor {
            query.push(("cursor", c.clone()));
        }
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let page = search_raw(&ada, &query).await.unwrap();
        pages += 1;
        let ranks: Vec<f32> = page.results.iter().map(|h| h.rank).collect();
        assert!(
            ranks.windows(2).all(|w| w[0] >= w[1]),
            "best first: {ranks:?}"
        );
        seen.extend(page.results.into_iter().map(|h| h.message.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (25, 25));
}

#[tokio::test]
async fn bad_queries_get_a_clear_error() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    for query in [
        vec![("q", "")],
        vec![("q", "-spam")],
        vec![("q", "!!!")],
        vec![("q", "x"), ("cursor", "garbage")],
        vec![("q", "x"), ("limit", "0")],
        vec![("q", "x"), ("before", "yesterday")],
    ] {
        let err = search_raw(&ada, &query).await.unwrap_err();
        assert_eq!(code(err), ErrorCode::ValidationError, "{query:?}");
    }
    let long = "x".repeat(300);
    assert_eq!(
        code(search_raw(&ada, &[("q", &long)]).await.unwrap_err()),
        ErrorCode::ValidationError
    );
}

#[tokio::test]
async fn the_index_is_built_in_the_background_not_on_send() {
    let mut config = testkit::test_config();
    config.search.index_interval_ms = 50;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let chat = group(&ada, "Bg", &[]).await;
    let sent = post(&ada, chat, "indexed later by the background task", "a").await;
    let pool = server.store().pool().clone();
    let id = sent.message_id.as_uuid();
    let indexed = testkit::eventually(Duration::from_secs(10), || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT count(*) FROM message_search WHERE message_id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
                == 1
        }
    })
    .await;
    assert!(indexed, "the background indexer never indexed the message");
}
