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

/// Two nodes with Redis and their metrics listeners on one fresh database, ada a client of
/// node A and bob of node B, their direct chat, and which node owns it (0: A, 1: B).
struct ChatAcrossNodes {
    _db: testkit::TestDb,
    nodes: [TestServer; 2],
    clients: [common::client::Client; 2],
    chat: common::ChatId,
    owner: usize,
}

async fn chat_across_nodes() -> ChatAcrossNodes {
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    // Boxed: a server's start-up future is large, and this one holds two.
    let node_a = Box::pin(TestServer::on(config.clone(), db.options())).await;
    let node_b = Box::pin(TestServer::on(config, db.options())).await;
    let (ada, _) = node_a.user("ada").await;
    let (bob, bob_t) = node_b.user("bob").await;
    let chat = testkit::chat::direct(&ada, bob_t.user.id).await;
    let nodes = [node_a, node_b];
    let clients = [ada, bob];
    let owner = owner_of_chat(&nodes, &clients, chat).await;
    ChatAcrossNodes {
        _db: db,
        nodes,
        clients,
        chat,
        owner,
    }
}

/// A counter of a node's `/metrics` (0 when absent).
async fn counter(node: &TestServer, name: &str) -> u64 {
    testkit::metric(&node.metrics().await, name).unwrap_or(0)
}

/// Posts from a client of each node into `chat` until one node hands its send over (both
/// nodes then know each other); returns the index of the chat's owner.
async fn owner_of_chat(
    nodes: &[TestServer; 2],
    clients: &[common::client::Client; 2],
    chat: common::ChatId,
) -> usize {
    for round in 0..100 {
        for (i, client) in clients.iter().enumerate() {
            testkit::chat::post(client, chat, "warm-up", &format!("warm-{round}-{i}")).await;
        }
        for (i, node) in nodes.iter().enumerate() {
            if counter(node, "chatd_send_forwarded_total").await > 0 {
                return 1 - i;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no send was handed over: the nodes never saw each other");
}

/// With Redis, a chat's sends are stored by one node whichever node they arrive at: the
/// other hands them over, its members still get every message once and in order, and the
/// senders get their acks.
#[tokio::test]
async fn a_chats_sends_are_stored_by_the_node_that_owns_it() {
    const EACH: usize = 20;
    let ChatAcrossNodes {
        _db,
        nodes,
        clients: [ada, bob],
        chat,
        owner,
    } = chat_across_nodes().await;
    let (owner_node, other_node) = (&nodes[owner], &nodes[1 - owner]);
    let stored_by_owner = counter(owner_node, "chatd_messages_sent_total").await;
    let stored_by_other = counter(other_node, "chatd_messages_sent_total").await;
    let handed_over = counter(other_node, "chatd_send_forwarded_total").await;

    let (mut ada_ws, _) = testkit::ws::connect(&ada).await;
    let (mut bob_ws, _) = testkit::ws::connect(&bob).await;
    let mut posting = Vec::new();
    for (name, client) in [("ada", ada.clone()), ("bob", bob.clone())] {
        posting.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for n in 0..EACH {
                let sent = testkit::chat::post(
                    &client,
                    chat,
                    &format!("{name} {n}"),
                    &format!("{name}-{n}"),
                )
                .await;
                assert!(!sent.duplicate);
                seqs.push(sent.seq);
            }
            seqs
        }));
    }
    let mut acked = Vec::new();
    for task in posting {
        acked.extend(task.await.unwrap());
    }
    acked.sort_unstable();
    let first = acked[0];
    let expected: Vec<i64> = (first..first + 2 * EACH as i64).collect();
    assert_eq!(acked, expected, "one seq per message, none skipped");
    let (seen_a, seen_b) = tokio::join!(
        message_seqs(&mut ada_ws, 2 * EACH),
        message_seqs(&mut bob_ws, 2 * EACH)
    );
    assert_eq!(
        seen_a, expected,
        "ada, on node A, got every message in order"
    );
    assert_eq!(
        seen_b, expected,
        "bob, on node B, got every message in order"
    );

    assert_eq!(
        counter(owner_node, "chatd_messages_sent_total").await - stored_by_owner,
        2 * EACH as u64,
        "the owner stored both nodes' sends"
    );
    assert_eq!(
        counter(other_node, "chatd_messages_sent_total").await,
        stored_by_other,
        "the other node stored none itself"
    );
    assert_eq!(
        counter(other_node, "chatd_send_forwarded_total").await - handed_over,
        EACH as u64
    );
    assert_eq!(
        counter(other_node, "chatd_send_forward_fallbacks_total").await,
        0
    );
}

/// A send whose owner does not answer in time (the test hook holds any lane that takes it
/// for 10 s) is stored by the node that took it, after the handover's 1 s wait: the owner
/// stores it first, the other node finds it by its `clientId`, and the sender gets one ack
/// (not marked as a resend: it sent once), the chat one message, the reader one frame.
#[tokio::test]
async fn a_send_the_owner_does_not_answer_is_stored_once_by_the_node_that_took_it() {
    let ChatAcrossNodes {
        _db,
        nodes,
        clients,
        chat,
        owner,
    } = chat_across_nodes().await;
    // The other node's client sends; the owner's client reads.
    let (other_node, sender, reader) = (&nodes[1 - owner], &clients[1 - owner], &clients[owner]);
    let (mut reader_ws, _) = testkit::ws::connect(reader).await;

    // The owner's lane waits for a second send that never comes.
    let held = testkit::chat::post(sender, chat, "held test-hook:batch-of:2", "held").await;
    assert!(!held.duplicate, "for the sender it is a first send");
    assert_eq!(
        counter(other_node, "chatd_send_forward_fallbacks_total").await,
        1
    );
    // Both lanes have let go by now. The node that found the message stored publishes it
    // again (a resend's first publication may never have happened): the same message at
    // the same seq, which a client on protocol.md's rules applies once.
    let frames = testkit::ws::frames_within(
        &mut reader_ws,
        "message:new",
        std::time::Duration::from_secs(3),
    )
    .await;
    let copies: std::collections::HashSet<(String, i64)> = frames
        .iter()
        .filter(|f| f.data["message"]["clientId"] == "held")
        .map(|f| {
            (
                f.data["message"]["id"].as_str().unwrap().to_owned(),
                f.data["seq"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        copies,
        std::collections::HashSet::from([(held.message_id.to_string(), held.seq)]),
        "the reader got one message: {frames:?}"
    );
    let page = sender
        .messages(chat, common::client::PageAt::Latest, Some(50))
        .await
        .unwrap();
    let stored = page
        .messages
        .iter()
        .filter(|m| m.client_id.as_deref() == Some("held"))
        .count();
    assert_eq!(stored, 1, "the chat holds it once");
    let after = testkit::chat::post(sender, chat, "after", "after").await;
    assert_eq!(after.seq, held.seq + 1, "and nothing else took a seq");
}

/// The owner of a chat stops: the other node stores the chat's sends itself from then on,
/// and its members keep getting them.
#[tokio::test]
async fn when_a_chats_owner_stops_the_other_node_stores_its_sends() {
    let ChatAcrossNodes {
        _db,
        nodes: [node_a, node_b],
        clients: [ada, bob],
        chat,
        owner,
    } = chat_across_nodes().await;
    let (stopping, staying, sender) = if owner == 0 {
        (node_a, node_b, bob)
    } else {
        (node_b, node_a, ada)
    };
    stopping.stop().await.unwrap();
    let (mut sender_ws, _) = testkit::ws::connect(&sender).await;
    for n in 0..5 {
        let sent = testkit::chat::post(&sender, chat, "still here", &format!("after-{n}")).await;
        let (frame, _) = testkit::ws::expect(&mut sender_ws, "message:new").await;
        assert_eq!(frame.data["seq"].as_i64(), Some(sent.seq));
    }
    assert!(counter(&staying, "chatd_messages_sent_total").await >= 5);
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
    in_seq_order_from_both_nodes(false).await;
}

/// The same with each send handed to the chat's owner node (the default with Redis).
#[tokio::test]
async fn a_chats_events_arrive_in_seq_order_when_its_owner_stores_them() {
    in_seq_order_from_both_nodes(true).await;
}

async fn in_seq_order_from_both_nodes(send_to_chat_owner: bool) {
    const EACH: usize = 60;
    let db = fresh_db().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(shared_redis_url().await));
    config.redis.send_to_chat_owner = send_to_chat_owner;
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
