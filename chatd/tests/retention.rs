//! Retention against a real database and real storage, with time moved by configuration
//! (`retention.clock_offset_secs`: the job judges messages as if it were two days later):
//! expired messages leave history, search, mentions, notifications and storage while their
//! seq slots stay; unexpired ones stay; a group's shorter policy applies and a longer one is
//! refused; an offline client resyncs to a consistent view; two nodes never double-prune.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::io::Cursor;
use std::path::Path;
use std::time::Duration;

use chatd::config::Config;
use common::api::{ChatCursor, CreateGroupRequest, MessagePage, SyncRequest};
use common::client::search::MessageSearch;
use common::client::{AttachmentFile, Client, ClientError, PageAt};
use common::ws::ServerEvent;
use common::{ChatId, ErrorCode, UserId};
use testkit::chat::{post, send, text};
use testkit::{TestServer, eventually, test_config};

const TWO_DAYS: u64 = 2 * 24 * 3600;
const WAIT: Duration = Duration::from_secs(20);

/// Messages older than `server_days` go (judged two days ahead), groups may set their own.
fn config(data_dir: &Path, server_days: Option<u32>) -> Config {
    let mut config = test_config();
    config.data_dir = data_dir.to_path_buf();
    config.retention.message_days = server_days;
    config.retention.allow_chat_override = true;
    config.retention.clock_offset_secs = TWO_DAYS;
    // Passes run when the test says (the timer's first pass finds an empty database).
    config.retention.interval_secs = 3600;
    config
}

async fn group(owner: &Client, name: &str, members: &[UserId]) -> ChatId {
    owner
        .create_group(&CreateGroupRequest {
            name: name.into(),
            slug: None,
            participant_ids: members.to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .chat
        .id
}

fn png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(64, 48, image::Rgba([10, 200, 30, 255]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// An image large enough to get a thumbnail.
fn big_png() -> Vec<u8> {
    let img = image::RgbaImage::from_fn(800, 600, |x, y| {
        image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// Files under `<data_dir>/attachments`.
fn stored_files(dir: &Path) -> usize {
    fn walk(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    walk(&dir.join("attachments"))
}

/// Some file under `dir`.
fn first_file(dir: &Path) -> Option<std::path::PathBuf> {
    std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
        if e.path().is_dir() {
            first_file(&e.path())
        } else {
            Some(e.path())
        }
    })
}

async fn search_count(client: &Client, q: &str) -> usize {
    client
        .search_messages(&MessageSearch {
            q: q.into(),
            ..MessageSearch::default()
        })
        .await
        .unwrap()
        .results
        .len()
}

/// The user's mention notifications (group invitations are notifications too).
async fn mentions(client: &Client) -> Vec<common::api::Notification> {
    let page = client.notifications().await.unwrap();
    page.notifications
        .into_iter()
        .filter(|n| n.kind == common::api::NotificationKind::Mention)
        .collect()
}

async fn history(client: &Client, chat: ChatId) -> MessagePage {
    client.messages(chat, PageAt::Latest, None).await.unwrap()
}

fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> ErrorCode {
    match result {
        Err(ClientError::Api { body, .. }) => body.code,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn expired_messages_leave_history_search_mentions_notifications_and_storage() {
    let dir = testkit::temp_dir();
    let mut cfg = config(dir.path(), Some(3));
    cfg.metrics.listen = Some(([127, 0, 0, 1], 0).into());
    let server = TestServer::with_config(cfg).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let short = group(&ada, "Short", &[bob_t.user.id]).await;
    let long = group(&ada, "Long", &[bob_t.user.id]).await;
    // The group's own day is shorter than the server's three: two days on, only it expires.
    let set = ada.set_chat_retention(short, Some(1)).await.unwrap();
    assert_eq!(set.chat.retention_days, Some(1));

    let image = ada.upload_attachment("cat.png", png()).await.unwrap();
    let mut with_file = text("@bob look pruneword", "a-1");
    with_file.attachment_ids = vec![image.id];
    let gone = send(&ada, short, &with_file).await.unwrap();
    let kept = post(&ada, long, "@bob still here keepword", "a-2").await;
    assert!(stored_files(dir.path()) > 0);
    // Notifications are made off the send path, and search indexes in the background.
    assert!(eventually(WAIT, || async { mentions(&bob).await.len() == 2 }).await);
    assert_eq!(search_count(&bob, "pruneword").await, 1);
    assert_eq!(search_count(&bob, "keepword").await, 1);

    // A file already gone from storage does not stop the prune (nor leave the row).
    let first = first_file(&dir.path().join("attachments")).unwrap();
    std::fs::remove_file(first).unwrap();

    let (mut socket, _) = testkit::ws::connect(&bob).await;
    let status = server.retention().status().await.unwrap();
    assert_eq!(status.due, 1, "{status:?}");
    let report = server.retention().run_pass().await.unwrap();
    assert_eq!((report.messages, report.attachments), (1, 1), "{report:?}");

    // Connected members hear it once, with the floor.
    let (frame, _) = testkit::ws::expect(&mut socket, "chat:pruned").await;
    assert_eq!(frame.data["chatId"], short.to_string());
    assert_eq!(frame.data["floorSeq"], gone.seq);
    assert_eq!(frame.data["count"], 1);

    // History keeps the slot, without content; the other group is untouched.
    let page = history(&bob, short).await;
    let slot = page.messages.iter().find(|m| m.seq == gone.seq).unwrap();
    assert!(slot.deleted && slot.content.is_none() && slot.attachments.is_empty());
    let page = history(&bob, long).await;
    let live = page.messages.iter().find(|m| m.seq == kept.seq).unwrap();
    assert_eq!(live.content.as_deref(), Some("@bob still here keepword"));

    assert_eq!(search_count(&bob, "pruneword").await, 0);
    assert_eq!(search_count(&bob, "keepword").await, 1);
    let notes = mentions(&bob).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].message_id, Some(kept.message_id));
    let chats = bob.chats().await.unwrap().chats;
    let of = |id: ChatId| chats.iter().find(|c| c.id == id).unwrap();
    assert_eq!((of(short).unread_count, of(short).mention_count), (0, 0));
    assert_eq!((of(long).unread_count, of(long).mention_count), (1, 1));
    // The file and its thumbnail are gone from storage, and so is the row.
    assert_eq!(stored_files(dir.path()), 0);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM attachments")
        .fetch_one(server.store().pool())
        .await
        .unwrap();
    assert_eq!(rows, 0);

    // Nothing is pruned twice; the status says nothing is due.
    let again = server.retention().run_pass().await.unwrap();
    assert_eq!(again.messages, 0);
    assert_eq!(server.retention().status().await.unwrap().due, 0);
    let metrics = server.metrics().await;
    assert!(
        metrics.contains("chatd_retention_pruned_messages_total 1"),
        "{metrics}"
    );
    assert!(metrics.contains("chatd_retention_runs_total"), "{metrics}");
}

#[tokio::test]
async fn a_group_retention_longer_than_the_servers_or_not_allowed_is_refused() {
    let dir = testkit::temp_dir();
    let server = TestServer::with_config(config(dir.path(), Some(30))).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, "Team", &[bob_t.user.id]).await;

    assert_eq!(
        api_error(ada.set_chat_retention(chat, Some(31)).await),
        ErrorCode::ValidationError
    );
    assert_eq!(
        api_error(ada.set_chat_retention(chat, Some(0)).await),
        ErrorCode::ValidationError
    );
    assert_eq!(
        api_error(bob.set_chat_retention(chat, Some(7)).await),
        ErrorCode::Forbidden
    );
    let set = ada.set_chat_retention(chat, Some(30)).await.unwrap();
    assert_eq!(set.chat.retention_days, Some(30));
    assert_eq!(bob.chat(chat).await.unwrap().chat.retention_days, Some(30));
    let cleared = ada.set_chat_retention(chat, None).await.unwrap();
    assert_eq!(cleared.chat.retention_days, None);
    // Malformed input gets the error body too.
    let raw = ada
        .request(
            reqwest::Method::PUT,
            &format!("/api/chats/{chat}/retention"),
        )
        .json(&serde_json::json!({"days": -1}));
    assert_eq!(
        api_error(ada.send::<serde_json::Value>(raw).await),
        ErrorCode::ValidationError
    );

    // A server that does not allow it refuses any value.
    let mut strict = config(dir.path(), Some(30));
    strict.retention.allow_chat_override = false;
    let other = TestServer::with_config(strict).await;
    let (cy, _) = other.user("carol").await;
    let mine = group(&cy, "Mine", &[]).await;
    assert_eq!(
        api_error(cy.set_chat_retention(mine, Some(1)).await),
        ErrorCode::Forbidden
    );
}

#[tokio::test]
async fn a_client_offline_during_the_prune_resyncs_to_a_consistent_view() {
    let dir = testkit::temp_dir();
    let server = TestServer::with_config(config(dir.path(), Some(1))).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, "Team", &[bob_t.user.id]).await;
    let first = post(&ada, chat, "one", "a-1").await;
    // Bob saw the first message, then went offline.
    let cursor = first.seq;
    let mut last = first.seq;
    for i in 2..=4 {
        last = post(&ada, chat, &format!("message {i}"), &format!("a-{i}"))
            .await
            .seq;
    }
    let report = server.retention().run_pass().await.unwrap();
    assert_eq!(report.messages, 4);

    let answer = bob
        .sync(&SyncRequest {
            chats: vec![ChatCursor {
                chat_id: chat,
                seq: cursor,
            }],
            ..SyncRequest::default()
        })
        .await
        .unwrap();
    let mine = answer.chats.iter().find(|c| c.chat_id == chat).unwrap();
    assert!(!mine.has_more);
    // Every missed message comes as its tombstone, then the prune with the floor; the log is
    // gap-free up to the chat's last seq.
    let mut seqs = Vec::new();
    let mut floor = None;
    for event in &mine.events {
        let (_, seq) = event.seq().unwrap();
        seqs.push(seq);
        match event {
            ServerEvent::MessageNew(e) => {
                assert!(e.message.deleted && e.message.content.is_none(), "{e:?}");
            }
            ServerEvent::ChatPruned(p) => floor = Some(p.floor_seq),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(floor, Some(last));
    let expected: Vec<i64> = (cursor + 1..=mine.last_seq).collect();
    assert_eq!(seqs, expected);
    // The REST view agrees: every slot is there and empty; nothing is unread.
    let page = history(&bob, chat).await;
    assert!(
        page.messages
            .iter()
            .all(|m| m.deleted && m.content.is_none())
    );
    assert!(page.messages.iter().any(|m| m.seq == first.seq));
    let chats = bob.chats().await.unwrap().chats;
    assert_eq!(chats.iter().find(|c| c.id == chat).unwrap().unread_count, 0);
}

#[tokio::test]
async fn two_nodes_pruning_at_once_prune_each_message_once() {
    let dir = testkit::temp_dir();
    let mut cfg = config(dir.path(), Some(1));
    cfg.retention.batch_size = 2;
    let a = TestServer::with_config(cfg.clone()).await;
    let b = TestServer::on(cfg, a.db().unwrap().options()).await;
    let (ada, _) = a.user("ada").await;
    let (_bob, bob_t) = a.user("bob").await;
    let one = group(&ada, "One", &[bob_t.user.id]).await;
    let two = group(&ada, "Two", &[bob_t.user.id]).await;
    for i in 0..7 {
        post(&ada, one, &format!("one {i}"), &format!("o-{i}")).await;
    }
    for i in 0..5 {
        post(&ada, two, &format!("two {i}"), &format!("t-{i}")).await;
    }
    // While someone else holds the job's advisory lock (documented in operations.md), a
    // pass prunes nothing and says so.
    let mut holder = a.store().pool().acquire().await.unwrap();
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(0x6368_6174_7265_746e_i64)
        .execute(&mut *holder)
        .await
        .unwrap();
    let blocked = b.retention().run_pass().await.unwrap();
    assert!(blocked.busy && blocked.messages == 0, "{blocked:?}");
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(0x6368_6174_7265_746e_i64)
        .execute(&mut *holder)
        .await
        .unwrap();
    drop(holder);

    let (ra, rb) = tokio::join!(a.retention().run_pass(), b.retention().run_pass());
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.messages + rb.messages, 12, "{ra:?} {rb:?}");
    // The logs agree: the prune events of each chat add up to its messages, and their
    // floors only rise.
    for (chat, total) in [(one, 7), (two, 5)] {
        let events: Vec<(i64, serde_json::Value)> = sqlx::query_as(
            "SELECT seq, payload FROM chat_events WHERE chat_id = $1 AND kind = 'chat:pruned' \
             ORDER BY seq",
        )
        .bind(chat)
        .fetch_all(a.store().pool())
        .await
        .unwrap();
        let counts: i64 = events
            .iter()
            .map(|e| e.1["data"]["count"].as_i64().unwrap())
            .sum();
        assert_eq!(counts, total);
        let floors: Vec<i64> = events
            .iter()
            .map(|e| e.1["data"]["floorSeq"].as_i64().unwrap())
            .collect();
        assert!(floors.windows(2).all(|w| w[0] < w[1]), "{floors:?}");
    }
    assert_eq!(b.retention().run_pass().await.unwrap().messages, 0);
}

#[tokio::test]
async fn pruned_attachments_leave_the_s3_bucket_and_unexpired_ones_stay() {
    let s3 = testkit::S3Server::start().await;
    let dir = testkit::temp_dir();
    let mut cfg = config(dir.path(), Some(3));
    cfg.attachments = s3.attachments_config(&cfg.attachments);
    let server = TestServer::with_config(cfg).await;
    let (ada, _) = server.user("ada").await;
    let short = group(&ada, "Short", &[]).await;
    let long = group(&ada, "Long", &[]).await;
    ada.set_chat_retention(short, Some(1)).await.unwrap();
    let mut sent = Vec::new();
    for (chat, name) in [(short, "old.png"), (long, "kept.png")] {
        let image = ada.upload_attachment(name, big_png()).await.unwrap();
        let mut req = text("", name);
        req.attachment_ids = vec![image.id];
        send(&ada, chat, &req).await.unwrap();
        sent.push(image.id);
    }
    // Each image is a file and a thumbnail in the bucket.
    assert_eq!(s3.keys().len(), 4, "{:?}", s3.keys());
    let report = server.retention().run_pass().await.unwrap();
    assert_eq!((report.messages, report.attachments), (1, 1), "{report:?}");
    let keys = s3.keys();
    assert_eq!(keys.len(), 2, "{keys:?}");
    let kept = sent[1].as_uuid().simple().to_string();
    assert!(keys.iter().all(|k| k.contains(&kept)), "{keys:?}");
    let get = |id| ada.download_attachment(id, AttachmentFile::Original, 10 << 20);
    assert!(get(sent[0]).await.is_err());
    assert!(get(sent[1]).await.is_ok());
}

#[tokio::test]
async fn a_node_with_a_policy_prunes_by_itself_on_its_timer() {
    let dir = testkit::temp_dir();
    // A node without a policy stores the messages; it prunes nothing.
    let mut plain = test_config();
    plain.data_dir = dir.path().to_path_buf();
    let a = TestServer::with_config(plain).await;
    let (ada, _) = a.user("ada").await;
    let chat = group(&ada, "Team", &[]).await;
    let sent = post(&ada, chat, "soon gone", "a-1").await;
    assert!(!a.retention().run_pass().await.unwrap().busy);
    assert!(!history(&ada, chat).await.messages[0].deleted);
    // A node with one joins: its job's first pass (at start, then every interval) prunes.
    let _b = TestServer::on(config(dir.path(), Some(1)), a.db().unwrap().options()).await;
    assert!(
        eventually(WAIT, || async {
            let page = history(&ada, chat).await;
            page.messages
                .iter()
                .any(|m| m.seq == sent.seq && m.deleted && m.content.is_none())
        })
        .await
    );
}
