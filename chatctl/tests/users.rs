//! `chatctl user` against a real PostgreSQL (and Redis), through the real binary: every
//! verb, its JSON, its exit codes, and what a change does to a logged-in client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod support;

use std::time::Duration;

use common::client::ClientError;
use futures_util::StreamExt;
use support::chatctl;
use testkit::{TestServer, password, shared_redis_url};

const PW: &str = "a fine long password\n";

#[tokio::test]
async fn create_list_show_with_json_shapes() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let created = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "--json",
            "user",
            "create",
            "Ada",
            "--display-name",
            "Ada L.",
            "--admin",
            "--password-stdin",
        ],
        Some(PW),
    )
    .await
    .ok()
    .json();
    assert_eq!(created["username"], "ada");
    assert_eq!(created["displayName"], "Ada L.");
    assert_eq!(created["role"], "admin");
    assert_eq!(created["disabled"], false);
    assert!(created["id"].as_str().unwrap().len() == 36);
    assert!(created["createdAt"].is_string());
    assert_eq!(created["liveSessions"], 0);
    for name in ["bob", "bella", "carl"] {
        chatctl(
            d,
            &[
                "--database-url",
                &url,
                "user",
                "create",
                name,
                "--password-stdin",
            ],
            Some(PW),
        )
        .await
        .ok();
    }
    // The account chatctl made logs in over the API with the same password.
    let tokens = server.client().login("ada", PW.trim()).await.unwrap();
    assert_eq!(tokens.user.username, "ada");

    let all = chatctl(d, &["--database-url", &url, "--json", "user", "list"], None)
        .await
        .ok()
        .json();
    assert_eq!(all["total"], 4);
    let names: Vec<&str> = all["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["ada", "bella", "bob", "carl"]);
    assert_eq!(all["users"][0]["liveSessions"], 1);
    assert!(all["users"][0]["lastSeenAt"].is_string());

    let b = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "--json",
            "user",
            "list",
            "--query",
            "B",
            "--limit",
            "1",
            "--offset",
            "1",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(b["total"], 2);
    assert_eq!(b["users"].as_array().unwrap().len(), 1);
    assert_eq!(b["users"][0]["username"], "bob");
    let admins = chatctl(
        d,
        &["--database-url", &url, "--json", "user", "list", "--admin"],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(admins["total"], 1);

    let table = chatctl(d, &["--database-url", &url, "user", "list"], None)
        .await
        .ok();
    assert!(table.stdout.starts_with("USERNAME"), "{table:?}");
    assert!(table.stdout.contains("bella"));

    let shown = chatctl(
        d,
        &["--database-url", &url, "--json", "user", "show", "BOB"],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(shown["username"], "bob");
    assert_eq!(shown["role"], "user");
    let missing = chatctl(d, &["--database-url", &url, "user", "show", "nobody"], None).await;
    assert_eq!(missing.code, 4, "{missing:?}");
    assert!(missing.stderr.contains("no user named"));

    let taken = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "user",
            "create",
            "ada",
            "--password-stdin",
        ],
        Some(PW),
    )
    .await;
    assert_eq!(taken.code, 1);
    assert!(taken.stderr.contains("taken"), "{taken:?}");
}

#[tokio::test]
async fn passwords_are_never_arguments_and_follow_the_policy() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    for args in [
        vec!["user", "create", "eve", "--password", "secret123"],
        vec!["user", "create", "eve", "secret123"],
        vec!["user", "reset-password", "eve", "secret123"],
    ] {
        let mut full = vec!["--database-url", url.as_str()];
        full.extend(args);
        let run = chatctl(d, &full, None).await;
        assert_eq!(run.code, 2, "{run:?}");
    }
    // No terminal and no --password-stdin: refused, nothing created.
    let run = chatctl(d, &["--database-url", &url, "user", "create", "eve"], None).await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--password-stdin"), "{run:?}");
    // The registration policy applies.
    for weak in ["short\n", "eve-is-great-pw\n", "zzzzzzzzzz\n"] {
        let run = chatctl(
            d,
            &[
                "--database-url",
                &url,
                "user",
                "create",
                "eve",
                "--password-stdin",
            ],
            Some(weak),
        )
        .await;
        assert_eq!(run.code, 2, "{weak:?}: {run:?}");
        assert!(run.stderr.contains("password refused"));
    }
    let run = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "user",
            "create",
            "no way",
            "--password-stdin",
        ],
        Some(PW),
    )
    .await;
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("username"));
    let list = chatctl(d, &["--database-url", &url, "--json", "user", "list"], None)
        .await
        .ok()
        .json();
    assert_eq!(list["total"], 0);
}

#[tokio::test]
async fn disable_cuts_off_at_once_and_tells_every_node() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let prefix = format!("t{}:", uuid::Uuid::now_v7().simple());
    let config = d.join("chatd.toml");
    std::fs::write(&config, format!("[redis]\nkey_prefix = \"{prefix}\"\n")).unwrap();
    let redis_url = shared_redis_url().await;
    let (client, tokens) = server.user("carol").await;
    client.me().await.unwrap();
    let (socket, _) = testkit::ws::connect(&client).await;

    let redis = redis::Client::open(redis_url.as_str()).unwrap();
    let mut pubsub = redis.get_async_pubsub().await.unwrap();
    pubsub.subscribe(format!("{prefix}admin")).await.unwrap();

    let out = chatctl(
        d,
        &[
            "--config",
            config.to_str().unwrap(),
            "--database-url",
            &url,
            "--redis-url",
            &redis_url,
            "--json",
            "user",
            "disable",
            "carol",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(out["user"]["disabled"], true);
    assert_eq!(out["revokedSessions"].as_array().unwrap().len(), 1);
    assert_eq!(out["noticePublished"], true);

    // The access token is still unexpired, and refused at once.
    let err = client.me().await.unwrap_err();
    assert!(
        matches!(err, ClientError::Api { status: 401, .. }),
        "{err:?}"
    );
    assert!(server.client().login("carol", password()).await.is_err());
    // The node has no Redis: the notice reached its open socket through PostgreSQL, long
    // before the socket's own once-a-minute session check.
    let closed = tokio::time::timeout(Duration::from_secs(10), socket.closed()).await;
    assert_eq!(closed, Ok(Some(common::ws::close::UNAUTHORIZED)));

    let msg = tokio::time::timeout(Duration::from_secs(5), pubsub.on_message().next())
        .await
        .expect("no notice on Redis")
        .unwrap();
    let notice: serde_json::Value =
        serde_json::from_str(&msg.get_payload::<String>().unwrap()).unwrap();
    assert_eq!(
        notice,
        serde_json::json!({ "type": "user:disabled", "userId": tokens.user.id })
    );

    let list = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "--json",
            "user",
            "list",
            "--disabled",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(list["total"], 1);
    chatctl(
        d,
        &["--database-url", &url, "user", "enable", "carol"],
        None,
    )
    .await
    .ok();
    server.client().login("carol", password()).await.unwrap();

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'admin.%' ORDER BY id")
            .fetch_all(server.store().pool())
            .await
            .unwrap();
    assert_eq!(actions, ["admin.user_disable", "admin.user_enable"]);
    let details: serde_json::Value =
        sqlx::query_scalar("SELECT details FROM audit_log WHERE action = 'admin.user_disable'")
            .fetch_one(server.store().pool())
            .await
            .unwrap();
    assert_eq!(details["via"], "chatctl");
    assert_eq!(details["revokedSessions"], 1);
}

#[tokio::test]
async fn sessions_revoke_reset_role_and_delete() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let (first, tokens) = server.user("dave").await;
    let (second, _) = {
        let c = server.client();
        let t = c.login("dave", password()).await.unwrap();
        (c, t)
    };
    let sessions = chatctl(
        d,
        &["--database-url", &url, "--json", "user", "sessions", "dave"],
        None,
    )
    .await
    .ok()
    .json();
    let sessions = sessions.as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    assert!(
        sessions
            .iter()
            .all(|s| s["state"] == "live" && s["revokedAt"].is_null())
    );
    assert!(sessions[0]["lastUsedAt"].is_string() && sessions[0]["expiresAt"].is_string());

    // One session.
    let sid = tokens.session_id.to_string();
    chatctl(
        d,
        &["--database-url", &url, "user", "revoke", "dave", &sid],
        None,
    )
    .await
    .ok();
    assert!(matches!(
        first.me().await,
        Err(ClientError::Api { status: 401, .. })
    ));
    second.me().await.unwrap();
    let again = chatctl(
        d,
        &["--database-url", &url, "user", "revoke", "dave", &sid],
        None,
    )
    .await;
    assert_eq!(again.code, 4, "{again:?}");
    let neither = chatctl(d, &["--database-url", &url, "user", "revoke", "dave"], None).await;
    assert_eq!(neither.code, 2, "a session id or --all is required");

    // All of them.
    let all = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "--json",
            "user",
            "revoke",
            "dave",
            "--all",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(all["revokedSessions"].as_array().unwrap().len(), 1);
    assert!(matches!(
        second.me().await,
        Err(ClientError::Api { status: 401, .. })
    ));
    let listed = chatctl(
        d,
        &["--database-url", &url, "--json", "user", "sessions", "dave"],
        None,
    )
    .await
    .ok()
    .json();
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["state"] == "revoked")
    );

    // Reset password: the old one stops working, sessions are revoked.
    let third = server.client();
    third.login("dave", password()).await.unwrap();
    chatctl(
        d,
        &[
            "--database-url",
            &url,
            "user",
            "reset-password",
            "dave",
            "--password-stdin",
        ],
        Some("brand new secret\n"),
    )
    .await
    .ok();
    assert!(matches!(
        third.me().await,
        Err(ClientError::Api { status: 401, .. })
    ));
    assert!(server.client().login("dave", password()).await.is_err());
    server
        .client()
        .login("dave", "brand new secret")
        .await
        .unwrap();

    // Role.
    let admin = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "--json",
            "user",
            "set-role",
            "dave",
            "admin",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(admin["role"], "admin");
    let bad = chatctl(
        d,
        &["--database-url", &url, "user", "set-role", "dave", "root"],
        None,
    )
    .await;
    assert_eq!(bad.code, 2);
    let user = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "--json",
            "user",
            "set-role",
            "dave",
            "user",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(user["role"], "user");

    // Delete: a message of dave's stays, with no sender.
    let pool = server.store().pool();
    let chat = uuid::Uuid::now_v7();
    sqlx::query("INSERT INTO chats (id, kind, name, created_by) VALUES ($1, 'group', 'g', $2)")
        .bind(chat)
        .bind(tokens.user.id.0)
        .execute(pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO messages (id, chat_id, seq, sender_id, content) VALUES ($1, $2, 1, $3, 'hi')",
    )
    .bind(uuid::Uuid::now_v7())
    .bind(chat)
    .bind(tokens.user.id.0)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO chat_events (chat_id, seq, kind, actor_id) VALUES ($1, 2, 'chat:updated', $2)",
    )
    .bind(chat)
    .bind(tokens.user.id.0)
    .execute(pool)
    .await
    .unwrap();
    let refused = chatctl(d, &["--database-url", &url, "user", "delete", "dave"], None).await;
    assert_eq!(refused.code, 2, "no --yes and no terminal: {refused:?}");
    let deleted = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "--json",
            "user",
            "delete",
            "dave",
            "--yes",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(deleted["deleted"], true);
    assert_eq!(
        chatctl(d, &["--database-url", &url, "user", "show", "dave"], None)
            .await
            .code,
        4
    );
    let sender: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT sender_id FROM messages WHERE chat_id = $1")
            .bind(chat)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(sender, None);
    let actor: Option<uuid::Uuid> =
        sqlx::query_scalar("SELECT actor_id FROM chat_events WHERE chat_id = $1")
            .bind(chat)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(
        actor, None,
        "the deleted user is no longer named as an actor"
    );
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'admin.%' ORDER BY id")
            .fetch_all(pool)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "admin.session_revoke",
            "admin.sessions_revoke_all",
            "admin.user_reset_password",
            "admin.user_set_role",
            "admin.user_set_role",
            "admin.user_delete"
        ]
    );
}
