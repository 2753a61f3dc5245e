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
