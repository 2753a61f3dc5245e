//! `chatctl retention status|run` against real PostgreSQL, with the job's clock moved by
//! configuration (`retention.clock_offset_secs`), not by waiting.

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

mod support;

use common::api::CreateGroupRequest;
use common::client::PageAt;
use support::{assert_code, on_db};
use testkit::TestServer;
use testkit::chat::post;

#[tokio::test]
async fn status_reports_what_is_due_and_run_prunes_it_once() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let (ada, _) = server.user("ada").await;
    let chat = ada
        .create_group(&CreateGroupRequest {
            name: "Old".into(),
            slug: None,
            participant_ids: Vec::new(),
            ..Default::default()
        })
        .await
        .unwrap()
        .chat
        .id;
    for i in 0..3 {
        post(&ada, chat, &format!("old {i}"), &format!("c-{i}")).await;
    }
    // Two days on, a one-day policy has expired all three.
    let policy = [
        "--set",
        "retention.message_days=1",
        "--set",
        "retention.clock_offset_secs=172800",
    ];
    let with = |verb: &[&'static str]| {
        let mut args: Vec<&str> = policy.to_vec();
        args.extend_from_slice(verb);
        args
    };

    let status = on_db(d, &url, &with(&["--json", "retention", "status"])).await;
    assert_code(&status, 0);
    let status = status.json();
    assert_eq!(status["messageDays"], 1);
    assert_eq!(status["due"], 3);
    assert!(status["oldestMessageAgeSecs"].as_i64().unwrap() >= 172_800);

    // Destructive: refused without --yes and without a terminal, nothing pruned.
    let refused = on_db(d, &url, &with(&["retention", "run"])).await;
    assert_code(&refused, 2);
    let run = on_db(d, &url, &with(&["--json", "retention", "run", "--yes"])).await;
    assert_code(&run, 0);
    let report = run.json();
    assert_eq!(report["messages"], 3, "{report}");
    assert_eq!(report["chats"][0]["chatId"], chat.to_string());

    let page = ada.messages(chat, PageAt::Latest, None).await.unwrap();
    assert_eq!(page.messages.len(), 3);
    assert!(
        page.messages
            .iter()
            .all(|m| m.deleted && m.content.is_none())
    );
    let again = on_db(d, &url, &with(&["--json", "retention", "run", "--yes"])).await;
    assert_eq!(again.ok().json()["messages"], 0);
    let status = on_db(d, &url, &with(&["--json", "retention", "status"])).await;
    assert_eq!(status.ok().json()["due"], 0);

    // No policy: nothing to run.
    let off = on_db(d, &url, &["retention", "run", "--yes"]).await;
    assert_code(&off, 2);
}
