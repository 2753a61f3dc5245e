//! `chatctl group` against a real PostgreSQL (and Redis) through the real binary: every
//! verb, its JSON, its exit codes, the size limit, the audit log, and what connected
//! members see live.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod support;

use common::api::{Chat, ChatList};
use reqwest::Method;
use serde_json::Value;
use support::{assert_code, chatctl, on_db};
use testkit::{TestServer, shared_redis_url, test_config};

fn usernames(members: &Value) -> Vec<(String, String)> {
    members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

async fn chats_of(client: &common::client::Client) -> Vec<Chat> {
    let list: ChatList = client
        .send(client.request(Method::GET, "/api/chats"))
        .await
        .unwrap();
    list.chats
}

#[tokio::test]
async fn every_group_verb_with_json_shapes_exit_codes_and_audit() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let (_ada, _) = server.user("ada").await;
    let (bob, _) = server.user("bob").await;
    server.users_fast("carl", 1).await;
    server.users_fast("dora", 1).await;
    let j = |args: &[&str]| {
        let mut full = vec!["--json"];
        full.extend_from_slice(args);
        full.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>| {
        let url = url.clone();
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            on_db(d, &url, &args).await
        }
    };

    // create: by username (any case) and by id; the owner first, then the members.
    let carl_id = server.store().pool().clone();
    let carl: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users WHERE username = 'carl0000'")
        .fetch_one(&carl_id)
        .await
        .unwrap();
    let carl_str = carl.to_string();
    let created = run(j(&[
        "group", "create", "Ops Team", "--owner", "ADA", "--member", "bob", "--member", &carl_str,
        "--slug", "Ops",
    ]))
    .await
    .ok();
    assert!(
        created.stderr.contains("no Redis configured"),
        "{created:?}"
    );
    let created = created.json();
    let group = &created["group"];
    assert_eq!(group["name"], "Ops Team");
    assert_eq!(group["slug"], "ops");
    assert_eq!(group["owner"]["username"], "ada");
    assert_eq!(group["memberCount"], 3);
    assert!(group["createdAt"].is_string() && group["lastActivityAt"].is_string());
    assert_eq!(created["livePublished"], false);
    let id = group["id"].as_str().unwrap().to_owned();
    assert_eq!(
        usernames(&created["members"]),
        pairs(&[("ada", "owner"), ("bob", "member"), ("carl0000", "member")])
    );
    assert_eq!(created["members"][1]["disabled"], false);
    assert!(created["members"][1]["joinedAt"].is_string());
    // A member sees the group through the API.
    let bobs = chats_of(&bob).await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].name.as_deref(), Some("Ops Team"));

    // The same rules as the API: slug taken, bad slug, bad name, unknown user.
    let taken = run(j(&[
        "group", "create", "Other", "--owner", "bob", "--slug", "ops",
    ]))
    .await;
    assert_code(&taken, 1);
    assert!(taken.stderr.contains("slug is taken"), "{taken:?}");
    let bad = run(j(&[
        "group", "create", "Other", "--owner", "bob", "--slug", "no",
    ]))
    .await;
    assert_code(&bad, 2);
    assert!(bad.stderr.contains("slug"), "{bad:?}");
    assert_code(
        &run(j(&["group", "create", " ", "--owner", "bob"])).await,
        2,
    );
    let nobody = run(j(&["group", "create", "X", "--owner", "nobody"])).await;
    assert_code(&nobody, 4);
    assert!(nobody.stderr.contains("no user named"));
    run(j(&["group", "create", "Zeta", "--owner", "bob"]))
        .await
        .ok();

    // list: by name, filters, paging.
    let all = run(j(&["group", "list"])).await.ok().json();
    assert_eq!(all["total"], 2);
    let names: Vec<&str> = all["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ops Team", "Zeta"]);
    assert_eq!(all["limit"], 50);
    let page = run(j(&["group", "list", "--limit", "1", "--offset", "1"]))
        .await
        .ok()
        .json();
    assert_eq!(
        (page["total"].as_i64(), page["groups"][0]["name"].as_str()),
        (Some(2), Some("Zeta"))
    );
    let q = run(j(&["group", "list", "--query", "TEAM"]))
        .await
        .ok()
        .json();
    assert_eq!(
        (q["total"].as_i64(), q["groups"][0]["slug"].as_str()),
        (Some(1), Some("ops"))
    );
    let of_carl = run(j(&["group", "list", "--member", "carl0000"]))
        .await
        .ok()
        .json();
    assert_eq!(of_carl["total"], 1);
    let of_dora = run(j(&["group", "list", "--member", "dora0000"]))
        .await
        .ok()
        .json();
    assert_eq!(of_dora["total"], 0);
    let table = run(vec!["group".into(), "list".into()]).await.ok();
    assert!(table.stdout.starts_with("SLUG"), "{table:?}");
    assert!(table.stdout.contains("Zeta"));

    // show: by slug or id; a table without --json; missing is exit 4.
    let by_slug = run(j(&["group", "show", "OPS"])).await.ok().json();
    let by_id = run(j(&["group", "show", &id])).await.ok().json();
    assert_eq!(by_slug, by_id);
    let shown = run(vec!["group".into(), "show".into(), "ops".into()])
        .await
        .ok();
    assert!(
        shown.stdout.contains("USERNAME") && shown.stdout.contains("owner"),
        "{shown:?}"
    );
    assert_code(&run(j(&["group", "show", "nope"])).await, 4);

    // add-member: the new one added, the present one skipped.
    let added = run(j(&["group", "add-member", "ops", "dora0000", "bob"]))
        .await
        .ok()
        .json();
    assert_eq!(added["added"][0]["username"], "dora0000");
    assert_eq!(added["alreadyMembers"][0]["username"], "bob");
    assert_eq!(added["group"]["memberCount"], 4);
    assert_code(&run(j(&["group", "add-member", "ops", "ghost"])).await, 4);

    // set-role: admin and back; the owner's role moves only by a transfer.
    let promoted = run(j(&["group", "set-role", "ops", "dora0000", "admin"]))
        .await
        .ok()
        .json();
    assert_eq!(promoted["members"][1]["username"], "dora0000");
    assert_eq!(promoted["members"][1]["role"], "admin");
    let owner = run(j(&["group", "set-role", "ops", "ada", "member"])).await;
    assert_code(&owner, 1);
    assert!(owner.stderr.contains("transfer"), "{owner:?}");
    let outsider = server.users_fast("eve", 1).await;
    assert_code(
        &run(j(&[
            "group",
            "set-role",
            "ops",
            &outsider[0].to_string(),
            "admin",
        ]))
        .await,
        4,
    );

    // rename: name and slug; the old slug is free and finds nothing.
    let renamed = run(j(&[
        "group",
        "rename",
        "ops",
        "--name",
        "Operations",
        "--slug",
        "operations",
    ]))
    .await
    .ok()
    .json();
    assert_eq!(
        (
            renamed["group"]["name"].as_str(),
            renamed["group"]["slug"].as_str()
        ),
        (Some("Operations"), Some("operations"))
    );
    assert_code(&run(j(&["group", "show", "ops"])).await, 4);
    assert_code(
        &run(j(&["group", "rename", "operations", "--slug", "Bad Slug"])).await,
        2,
    );
    assert_code(&run(j(&["group", "rename", "operations"])).await, 2);

    // remove-member: refused without --yes and no terminal; the owner cannot be removed.
    let unconfirmed = run(j(&["group", "remove-member", "operations", "carl0000"])).await;
    assert_code(&unconfirmed, 2);
    assert!(unconfirmed.stderr.contains("--yes"));
    assert_eq!(
        run(j(&["group", "show", "operations"])).await.ok().json()["group"]["memberCount"],
        4
    );
    let removed = run(j(&[
        "group",
        "remove-member",
        "operations",
        "carl0000",
        "--yes",
    ]))
    .await
    .ok()
    .json();
    assert_eq!(removed["removed"]["username"], "carl0000");
    assert_eq!(removed["group"]["memberCount"], 3);
    assert_code(
        &run(j(&[
            "group",
            "remove-member",
            "operations",
            "carl0000",
            "--yes",
        ]))
        .await,
        4,
    );
    let owner = run(j(&["group", "remove-member", "operations", "ada", "--yes"])).await;
    assert_code(&owner, 1);

    // transfer: the old owner becomes an admin.
    assert_code(
        &run(j(&["group", "transfer", "operations", "bob"])).await,
        2,
    );
    let moved = run(j(&["group", "transfer", "operations", "bob", "--yes"]))
        .await
        .ok()
        .json();
    assert_eq!(moved["previousOwner"]["username"], "ada");
    assert_eq!(moved["group"]["owner"]["username"], "bob");
    assert_eq!(
        usernames(&moved["members"]),
        pairs(&[("bob", "owner"), ("ada", "admin"), ("dora0000", "admin")])
    );
    let again = run(j(&["group", "transfer", "operations", "bob", "--yes"])).await;
    assert_code(&again, 1);

    // delete: refused without --yes; then gone for everyone.
    assert_code(&run(j(&["group", "delete", "operations"])).await, 2);
    let deleted = run(j(&["group", "delete", "operations", "--yes"]))
        .await
        .ok()
        .json();
    assert_eq!(deleted["deleted"], true);
    assert_eq!(deleted["id"].as_str(), Some(id.as_str()));
    assert_eq!(deleted["members"], 3);
    assert_code(&run(j(&["group", "show", &id])).await, 4);
    assert_eq!(run(j(&["group", "list"])).await.ok().json()["total"], 1);
    let bobs = chats_of(&bob).await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0].name.as_deref(), Some("Zeta"));

    // Every change is audited, with the operator as actor (not an account).
    let actions: Vec<(String, Option<uuid::Uuid>, String)> = sqlx::query_as(
        "SELECT action, actor_id, details->>'via' FROM audit_log \
         WHERE target_type = 'chat' AND target_id = $1 ORDER BY id",
    )
    .bind(&id)
    .fetch_all(server.store().pool())
    .await
    .unwrap();
    let names: Vec<&str> = actions.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "admin.group_create",
            "admin.group_add_members",
            "admin.group_set_role",
            "admin.group_rename",
            "admin.group_remove_member",
            "admin.group_transfer",
            "admin.group_delete"
        ]
    );
    assert!(actions.iter().all(|a| a.1.is_none() && a.2 == "chatctl"));
}

#[tokio::test]
async fn a_group_holds_at_most_300_members() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let ids = server.users_fast("m", 301).await;
    let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
    let mut args = vec![
        "--json", "group", "create", "Big", "--owner", &ids[0], "--slug", "big",
    ];
    for id in &ids[1..300] {
        args.extend(["--member", id.as_str()]);
    }
    let full = on_db(d, &url, &args).await.ok().json();
    assert_eq!(full["group"]["memberCount"], 300);
    let refused = on_db(d, &url, &["group", "add-member", "big", &ids[300]]).await;
    assert_code(&refused, 2);
    assert!(refused.stderr.contains("at most 300"), "{refused:?}");
    let shown = on_db(d, &url, &["--json", "group", "show", "big"])
        .await
        .ok()
        .json();
    assert_eq!(shown["group"]["memberCount"], 300);

    // Creating with 301 at once is refused too, and makes nothing.
    let mut args = vec!["group", "create", "Bigger", "--owner", &ids[0]];
    for id in &ids[1..] {
        args.extend(["--member", id.as_str()]);
    }
    assert_code(&on_db(d, &url, &args).await, 2);
    let list = on_db(d, &url, &["--json", "group", "list"])
        .await
        .ok()
        .json();
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn connected_members_see_the_operators_changes_live_through_redis() {
    let redis_url = shared_redis_url().await;
    let mut config = test_config();
    config.redis.url = Some(chatd::config::Secret::new(redis_url.clone()));
    let server = TestServer::with_config(config.clone()).await;
    let url = server.db().unwrap().url();
    let (ada, _) = server.user("ada").await;
    let (bob, bob_tokens) = server.user("bob").await;
    let (mut ada_ws, _) = testkit::ws::connect(&ada).await;
    let (mut bob_ws, _) = testkit::ws::connect(&bob).await;

    let dir = testkit::temp_dir();
    let file = dir.path().join("chatd.toml");
    std::fs::write(
        &file,
        format!("[redis]\nkey_prefix = \"{}\"\n", config.redis.key_prefix),
    )
    .unwrap();
    let ctl = |args: &[&str]| {
        let mut full = vec![
            "--config",
            file.to_str().unwrap(),
            "--database-url",
            url.as_str(),
            "--redis-url",
            redis_url.as_str(),
            "--json",
        ];
        full.extend_from_slice(args);
        let full: Vec<String> = full.iter().map(|s| (*s).to_owned()).collect();
        let d = dir.path().to_owned();
        async move {
            let args: Vec<&str> = full.iter().map(String::as_str).collect();
            chatctl(&d, &args, None).await
        }
    };

    let created = ctl(&[
        "group", "create", "Live", "--owner", "ada", "--slug", "live",
    ])
    .await
    .ok()
    .json();
    assert_eq!(created["livePublished"], true);
    let chat = created["group"]["id"].as_str().unwrap().to_owned();
    let (joined, _) = testkit::ws::expect(&mut ada_ws, "participant:joined").await;
    assert_eq!(joined.data["chatId"], chat.as_str());
    assert_eq!(joined.data["user"]["username"], "ada");

    // The operator adds bob: ada and bob (already connected) both hear it.
    ctl(&["group", "add-member", "live", "bob"]).await.ok();
    let (joined, _) = testkit::ws::expect(&mut ada_ws, "participant:joined").await;
    assert_eq!(joined.data["user"]["username"], "bob");
    assert_eq!(joined.data["role"], "member");
    assert!(joined.data["addedBy"].is_null(), "{joined:?}");
    let (bob_joined, _) = testkit::ws::expect(&mut bob_ws, "participant:joined").await;
    assert_eq!(bob_joined.data["chatId"], chat.as_str());
    assert_eq!(bob_joined.data["seq"], joined.data["seq"]);

    // Bob's open socket now gets the group's messages without reconnecting.
    let chat_id: common::ChatId = serde_json::from_value(Value::String(chat.clone())).unwrap();
    testkit::chat::post(&ada, chat_id, "welcome bob", "c-1").await;
    let (message, _) = testkit::ws::expect(&mut bob_ws, "message:new").await;
    assert_eq!(message.data["message"]["content"], "welcome bob");

    ctl(&["group", "set-role", "live", "bob", "admin"])
        .await
        .ok();
    let (updated, _) = testkit::ws::expect(&mut ada_ws, "chat:updated").await;
    assert_eq!(updated.data["roles"][0]["role"], "admin");
    let (updated, _) = testkit::ws::expect(&mut bob_ws, "chat:updated").await;
    assert_eq!(updated.data["roles"][0]["role"], "admin");
    ctl(&["group", "rename", "live", "--name", "Live Ops"])
        .await
        .ok();
    let (updated, _) = testkit::ws::expect(&mut bob_ws, "chat:updated").await;
    assert_eq!(updated.data["name"], "Live Ops");

    ctl(&["group", "remove-member", "live", "bob", "--yes"])
        .await
        .ok();
    let (left, _) = testkit::ws::expect(&mut ada_ws, "participant:left").await;
    assert_eq!(left.data["userId"], bob_tokens.user.id.to_string().as_str());
    assert_eq!(left.data["reason"], "removed");
    let (left, _) = testkit::ws::expect(&mut bob_ws, "participant:left").await;
    assert_eq!(left.data["reason"], "removed");

    ctl(&["group", "delete", "live", "--yes"]).await.ok();
    let (gone, _) = testkit::ws::expect(&mut ada_ws, "chat:updated").await;
    assert_eq!(gone.data["deleted"], true);
}
