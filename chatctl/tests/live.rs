//! `chatctl user disable` against two running chatd nodes on one PostgreSQL and one Redis:
//! the user's live WebSocket on either node is closed at once.

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

mod support;

use std::time::Duration;

use support::chatctl;
use testkit::{TestServer, fresh_db, shared_redis_url, test_config};

#[tokio::test]
async fn disabling_a_user_closes_their_sockets_on_every_node() {
    let db = fresh_db().await;
    let redis_url = shared_redis_url().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(redis_url.clone()));
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config.clone(), db.options()).await;
    let (_, _) = node_a.user("dora").await;
    let on_b = node_b.client();
    on_b.login("dora", testkit::password()).await.unwrap();
    let (socket, _) = testkit::ws::connect(&on_b).await;

    let dir = testkit::temp_dir();
    let file = dir.path().join("chatd.toml");
    std::fs::write(
        &file,
        format!("[redis]\nkey_prefix = \"{}\"\n", config.redis.key_prefix),
    )
    .unwrap();
    chatctl(
        dir.path(),
        &[
            "--config",
            file.to_str().unwrap(),
            "--database-url",
            &db.url(),
            "--redis-url",
            &redis_url,
            "user",
            "disable",
            "dora",
        ],
        None,
    )
    .await
    .ok();
    let code = tokio::time::timeout(Duration::from_secs(10), socket.closed())
        .await
        .expect("the socket on node B stayed open");
    assert_eq!(code, Some(common::ws::close::UNAUTHORIZED));
}
