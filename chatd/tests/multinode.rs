//! Two chatd nodes on one PostgreSQL and one Redis: one account system, shared limits.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use common::ErrorCode;
use testkit::{TestServer, fresh_db, password, shared_redis_url, test_config};

#[tokio::test]
async fn two_nodes_share_accounts_tokens_and_login_limits() {
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    config.limits.login_failures_per_user = 3;
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;

    let (on_a, _) = node_a.user("carl").await;
    // A token from node A works on node B: one secret, one session table.
    let on_b = node_b.client();
    on_b.set_tokens(on_a.tokens());
    assert_eq!(on_b.me().await.unwrap().user.username, "carl");
    // And a refresh on B rotates the session A issued.
    on_b.refresh().await.unwrap();
    assert_eq!(
        on_a.refresh().await.unwrap_err().status(),
        Some(401),
        "A's token was rotated on B"
    );

    // Failed logins counted on either node add up in Redis.
    let (a, b) = (node_a.client(), node_b.client());
    assert_eq!(
        a.login("carl", "wrong one").await.unwrap_err().status(),
        Some(401)
    );
    assert_eq!(
        b.login("carl", "wrong two").await.unwrap_err().status(),
        Some(401)
    );
    assert_eq!(
        a.login("carl", "wrong three").await.unwrap_err().status(),
        Some(401)
    );
    let limited = b.login("carl", password()).await.unwrap_err();
    assert_eq!(
        limited.body().map(|b| b.code),
        Some(ErrorCode::RateLimitExceeded)
    );
}

/// The seqs of the first `n` `message:new` frames on `socket`, in the order they came.
async fn message_seqs(socket: &mut common::client::Socket, n: usize) -> Vec<i64> {
    let mut seqs = Vec::with_capacity(n);
    while seqs.len() < n {
        let (frame, _) = testkit::ws::expect(socket, "message:new").await;
        seqs.push(frame.data["seq"].as_i64().unwrap());
    }
    seqs
}

/// A chat's live events reach every client in seq order whichever node committed them: four
/// senders, two on each node, post into one group at once; a member on each node gets
/// every message in seq order with no gap, so a client on protocol.md's rules never has to
/// resync. (Without the per-chat ordering, a node handed its own commits to its clients at
/// once and the other node's a Redis hop later: clients saw seq 11 before 10.)
#[tokio::test]
async fn a_chats_events_arrive_in_seq_order_whichever_node_committed_them() {
    const EACH: usize = 60;
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    // Generous: the test asserts the order, not how long a predecessor may take.
    config.ws.reorder_window_ms = 5_000;
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;

    let mut senders = Vec::new();
    for (i, node) in [&node_a, &node_b, &node_a, &node_b].iter().enumerate() {
        senders.push(node.user(&format!("sender{i}")).await);
    }
    let (reader_a, tokens_a) = node_a.user("reader_a").await;
    let (reader_b, tokens_b) = node_b.user("reader_b").await;
    let mut members: Vec<common::UserId> = senders.iter().map(|(_, t)| t.user.id).collect();
    members.extend([tokens_a.user.id, tokens_b.user.id]);
    let owner = &senders[0].0;
    let group = owner
        .create_group(&common::api::CreateGroupRequest {
            name: "ordered".into(),
            slug: None,
            participant_ids: members[1..].to_vec(),
            ..Default::default()
        })
        .await
        .unwrap()
        .chat
        .id;
    let (mut socket_a, _) = testkit::ws::connect(&reader_a).await;
    let (mut socket_b, _) = testkit::ws::connect(&reader_b).await;
    // Both sockets hear the group on both nodes: one message, seen on each.
    testkit::chat::post(owner, group, "ready", "ready").await;
    let first_a = message_seqs(&mut socket_a, 1).await[0];
    let first_b = message_seqs(&mut socket_b, 1).await[0];
    assert_eq!(first_a, first_b);

    let mut posting = Vec::new();
    for (i, (client, _)) in senders.into_iter().enumerate() {
        posting.push(tokio::spawn(async move {
            for n in 0..EACH {
                testkit::chat::post(&client, group, &format!("{i}:{n}"), &format!("c{i}-{n}"))
                    .await;
            }
        }));
    }
    let total = 4 * EACH;
    let (seen_a, seen_b) = tokio::join!(
        message_seqs(&mut socket_a, total),
        message_seqs(&mut socket_b, total)
    );
    for task in posting {
        task.await.unwrap();
    }
    let expected: Vec<i64> = (first_a + 1..=first_a + total as i64).collect();
    assert_eq!(seen_a, expected, "the member on node A");
    assert_eq!(seen_b, expected, "the member on node B");
}

#[tokio::test]
async fn one_users_send_rate_is_shared_by_every_node() {
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    config.limits.messages_per_sec = 1;
    config.limits.messages_burst = 3;
    let node_a = TestServer::on(config.clone(), db.options()).await;
    let node_b = TestServer::on(config, db.options()).await;
    let (on_a, _) = node_a.user("dana").await;
    let (_, erin) = node_a.user("erin").await;
    let chat = testkit::chat::direct(&on_a, erin.user.id).await;
    let on_b = node_b.client();
    on_b.set_tokens(on_a.tokens());

    // The burst spent on node A...
    for i in 0..3 {
        testkit::chat::post(&on_a, chat, "on a", &format!("a-{i}")).await;
    }
    // ...is spent on node B too: one rate per user, not one per node. (A node of its own
    // would take three more at once; one refill a second lets at most a few through on a
    // slow machine, so one of three refused is the shared limit.)
    let mut refused = None;
    for i in 0..3 {
        let text = testkit::chat::text("on b", &format!("b-{i}"));
        if let Err(e) = testkit::chat::send(&on_b, chat, &text).await {
            refused = Some(e);
            break;
        }
    }
    let refused = refused.expect("node B let a fresh burst through");
    assert_eq!(
        refused.body().map(|b| b.code),
        Some(ErrorCode::RateLimitExceeded),
        "{refused}"
    );
}
