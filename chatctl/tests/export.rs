//! `chatctl export` against a real PostgreSQL through the real binary: a chat's and a
//! user's messages as JSON Lines, deleted messages without their content, time filters,
//! files written whole, and thousands of messages streamed in order.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{assert_code, on_db};
use testkit::TestServer;

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

#[tokio::test]
async fn a_chat_and_a_user_export_with_deleted_messages_left_empty() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let (ada, ada_t) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = testkit::chat::direct(&ada, bob_t.user.id).await;
    let hello = testkit::chat::post(&ada, chat, "hello @bob", "a-1").await;
    let secret = testkit::chat::post(&bob, chat, "the secret word", "b-1").await;
    testkit::chat::post(&bob, chat, "see you", "b-2").await;
    let status = ada
        .request(
            Method::POST,
            &format!("/api/messages/{}/reactions", hello.message_id),
        )
        .json(&json!({ "emoji": "👍" }))
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
    let status = bob
        .request(
            Method::DELETE,
            &format!("/api/messages/{}", secret.message_id),
        )
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");

    // A chat: every message by seq, to stdout.
    let run = on_db(d, &url, &["export", "--chat", &chat.to_string()])
        .await
        .ok();
    assert!(!run.stdout.contains("secret"), "{run:?}");
    assert!(run.stderr.contains("exported 3 message(s)"), "{run:?}");
    let all = lines(&run.stdout);
    assert_eq!(all.len(), 3);
    let first = &all[0];
    assert_eq!(first["id"], hello.message_id.to_string().as_str());
    assert_eq!(first["chatId"], chat.to_string().as_str());
    assert_eq!(first["chatKind"], "direct");
    assert!(first["chatName"].is_null());
    assert_eq!(first["seq"], hello.seq);
    assert_eq!(first["senderId"], ada_t.user.id.to_string().as_str());
    assert_eq!(first["senderUsername"], "ada");
    assert_eq!(first["content"], "hello @bob");
    assert_eq!(first["contentType"], "text");
    assert_eq!(first["deleted"], false);
    assert!(first["createdAt"].as_str().unwrap().ends_with('Z'));
    assert!(first["editedAt"].is_null() && first["replyToId"].is_null());
    assert_eq!(first["metadata"], json!({}));
    assert_eq!(first["mentions"][0]["username"], "bob");
    assert_eq!(first["reactions"][0]["emoji"], "👍");
    assert_eq!(first["reactions"][0]["username"], "ada");
    assert_eq!(first["attachments"], json!([]));
    let deleted = &all[1];
    assert_eq!(deleted["id"], secret.message_id.to_string().as_str());
    assert_eq!(deleted["deleted"], true);
    assert!(deleted["deletedAt"].is_string());
    assert!(deleted["content"].is_null());
    assert_eq!(deleted["senderUsername"], "bob");
    let seqs: Vec<i64> = all.iter().map(|m| m["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");

    // A user: only their messages, the deleted one without content, into a file.
    let file = d.join("bob.jsonl");
    let run = on_db(
        d,
        &url,
        &[
            "export",
            "--user",
            "BOB",
            "--output",
            file.to_str().unwrap(),
        ],
    )
    .await
    .ok();
    assert!(run.stdout.is_empty(), "{run:?}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("secret"));
    let bobs = lines(&text);
    let contents: Vec<&Value> = bobs.iter().map(|m| &m["content"]).collect();
    assert_eq!(contents, [&Value::Null, &json!("see you")]);
    assert!(bobs.iter().all(|m| m["senderUsername"] == "bob"));
    assert!(!d.join("bob.jsonl.partial").exists());
    // Readable by the operator only, like a backup, whatever the umask.
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&file).unwrap().permissions());
    assert_eq!(mode & 0o777, 0o600, "export file mode {mode:o}");

    // A group by its slug; a time window with nothing in it.
    let owner = ada_t.user.id.to_string();
    on_db(
        d,
        &url,
        &[
            "group", "create", "Team", "--owner", &owner, "--slug", "team",
        ],
    )
    .await
    .ok();
    let empty = on_db(d, &url, &["export", "--chat", "team"]).await.ok();
    assert!(empty.stdout.is_empty());
    let later = on_db(
        d,
        &url,
        &["export", "--user", "ada", "--since", "2999-01-01"],
    )
    .await
    .ok();
    assert!(later.stdout.is_empty(), "{later:?}");

    // Bad input: exit 2 or 4, nothing written.
    assert_code(&on_db(d, &url, &["export"]).await, 2);
    assert_code(
        &on_db(d, &url, &["export", "--chat", "x", "--user", "ada"]).await,
        2,
    );
    assert_code(
        &on_db(
            d,
            &url,
            &["export", "--user", "ada", "--since", "yesterday"],
        )
        .await,
        2,
    );
    let backwards = on_db(
        d,
        &url,
        &[
            "export",
            "--user",
            "ada",
            "--since",
            "2026-02-01",
            "--until",
            "2026-01-01",
        ],
    )
    .await;
    assert_code(&backwards, 2);
    assert_code(&on_db(d, &url, &["export", "--chat", "nope"]).await, 4);
    assert_code(&on_db(d, &url, &["export", "--user", "nobody"]).await, 4);

    // Audited: who was exported, how many messages.
    let audit: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT target_type, target_id, (details->>'messages')::bigint FROM audit_log \
         WHERE action = 'admin.export' ORDER BY id",
    )
    .fetch_all(server.store().pool())
    .await
    .unwrap();
    assert_eq!(audit[0], ("chat".into(), chat.to_string(), 3));
    assert_eq!(audit[1], ("user".into(), bob_t.user.id.to_string(), 2));
}

#[tokio::test]
async fn thousands_of_messages_stream_in_order_and_filter_by_time() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let ids = server.users_fast("s", 2).await;
    let owner = ids[0].to_string();
    let member = ids[1].to_string();
    let created = on_db(
        d,
        &url,
        &[
            "--json", "group", "create", "Big", "--owner", &owner, "--member", &member,
        ],
    )
    .await
    .ok()
    .json();
    let chat: uuid::Uuid = created["group"]["id"].as_str().unwrap().parse().unwrap();
    let base = created["group"]["lastSeq"].as_i64().unwrap();
    // 5,000 messages, one a minute from 2026-01-01 00:01 UTC, arranged in the store
    // directly: sending them through the API would only test the rate limit.
    let mut tx = server.store().pool().begin().await.unwrap();
    sqlx::query(
        "INSERT INTO messages (id, chat_id, seq, sender_id, content, created_at) \
         SELECT gen_random_uuid(), $1, $2 + n, $3, 'message ' || n, \
                timestamptz '2026-01-01 00:00:00+00' + n * interval '1 minute' \
         FROM generate_series(1, 5000) AS n",
    )
    .bind(chat)
    .bind(base)
    .bind(ids[0])
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("UPDATE chats SET last_seq = last_seq + 5000 WHERE id = $1")
        .bind(chat)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let run = on_db(d, &url, &["export", "--chat", &chat.to_string()])
        .await
        .ok();
    let all = lines(&run.stdout);
    assert_eq!(all.len(), 5000);
    for (i, message) in all.iter().enumerate() {
        let n = i as i64 + 1;
        assert_eq!(message["seq"], base + n);
        assert_eq!(message["content"], format!("message {n}"));
    }
    assert_eq!(all[0]["chatName"], "Big");

    // [2026-01-02, 2026-01-03): minutes 1440 to 2879.
    let day = on_db(
        d,
        &url,
        &[
            "export",
            "--user",
            &owner,
            "--since",
            "2026-01-02",
            "--until",
            "2026-01-03T00:00:00Z",
        ],
    )
    .await
    .ok();
    let window = lines(&day.stdout);
    assert_eq!(window.len(), 1440);
    assert_eq!(window[0]["content"], "message 1440");
    assert_eq!(window[1439]["content"], "message 2879");
}
