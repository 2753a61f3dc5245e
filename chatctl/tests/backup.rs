//! `chatctl backup` against real PostgreSQL: a full round trip into a new database (every
//! table's rows and every attachment identical, a server on it lets users log in), damaged
//! archives refused before anything is written, and pruning old archives.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod support;

use std::path::{Path, PathBuf};

use sqlx::PgConnection;
use support::{EmptyDb, chatctl};
use testkit::{TestServer, password, test_config};

/// Every table of the schema plus sqlx's bookkeeping.
fn tables() -> Vec<&'static str> {
    let mut t = chatd::store::COUNTED_TABLES.to_vec();
    t.push("_sqlx_migrations");
    t
}

async fn fingerprint(conn: &mut PgConnection) -> Vec<(String, i64, Option<String>)> {
    let mut out = Vec::new();
    for table in tables() {
        let (n, md5): (i64, Option<String>) = sqlx::query_as(&format!(
            "SELECT count(*), md5(string_agg(t::text, ',' ORDER BY t::text)) FROM {table} t"
        ))
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        out.push((table.to_owned(), n, md5));
    }
    out
}

/// Chats, members, messages (with metadata, a reply, a deleted one), reactions, events and
/// an attachment row, written directly: the messaging API does not exist yet.
async fn populate(server: &TestServer) -> (uuid::Uuid, uuid::Uuid) {
    let (_, ada) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    let (ada, bob) = (ada.user.id.0, bob.user.id.0);
    let pool = server.store().pool();
    let chat = uuid::Uuid::now_v7();
    let m1 = uuid::Uuid::now_v7();
    let m2 = uuid::Uuid::now_v7();
    let m3 = uuid::Uuid::now_v7();
    for sql in [
        "INSERT INTO chats (id, kind, name, slug, created_by, last_seq) VALUES ($1, 'group', 'General', 'general', $2, 5)",
        "INSERT INTO chat_members (chat_id, user_id, role, last_read_seq) VALUES ($1, $2, 'owner', 3), ($1, $3, 'member', 1)",
        "INSERT INTO messages (id, chat_id, seq, sender_id, client_id, content, metadata) VALUES \
           ($4, $1, 1, $2, 'c1', 'hello *world*', '{\"formatting\":[{\"start\":6,\"end\":13,\"style\":\"bold\"}]}'), \
           ($5, $1, 2, $3, 'c2', 'héllo, ünïcode ✓', '{}')",
        "INSERT INTO messages (id, chat_id, seq, sender_id, content, reply_to_id, deleted_at) VALUES ($6, $1, 3, $3, NULL, $4, now())",
        "INSERT INTO reactions (message_id, user_id, emoji) VALUES ($4, $3, '👍'), ($5, $2, '🎉')",
        "INSERT INTO chat_events (chat_id, seq, kind, actor_id, message_id, payload) VALUES \
           ($1, 1, 'message', $2, $4, '{}'), ($1, 2, 'message', $3, $5, '{}'), ($1, 3, 'delete', $3, $6, '{\"x\":1}')",
        "INSERT INTO attachments (id, uploader_id, message_id, file_name, content_type, size_bytes, sha256, storage_key) \
           VALUES ($6, $2, $4, 'a.bin', 'application/octet-stream', 3, '\\x010203', 'ab/file1')",
    ] {
        sqlx::query(sql)
            .bind(chat)
            .bind(ada)
            .bind(bob)
            .bind(m1)
            .bind(m2)
            .bind(m3)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    (ada, bob)
}

fn write_attachments(data_dir: &Path) -> Vec<PathBuf> {
    let files = [
        PathBuf::from("ab/file1"),
        PathBuf::from("cd/ef/file2"),
        PathBuf::from("top"),
    ];
    for (i, rel) in files.iter().enumerate() {
        let path = data_dir.join("attachments").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let content: Vec<u8> = (0..(50_000 * (i + 1))).map(|n| (n * 7 + i) as u8).collect();
        std::fs::write(path, content).unwrap();
    }
    files.to_vec()
}

#[tokio::test]
async fn round_trip_into_a_new_database() {
    let server = TestServer::start().await;
    let db = server.db().unwrap();
    let url = db.url();
    populate(&server).await;
    let source_dir = testkit::temp_dir();
    let files = write_attachments(source_dir.path());
    let s = source_dir.path();
    chatctl(
        s,
        &[
            "--database-url",
            &url,
            "user",
            "create",
            "root",
            "--admin",
            "--password-stdin",
        ],
        Some("operator secret\n"),
    )
    .await
    .ok();
    let backups = testkit::temp_dir();
    let mut source = sqlx::Connection::connect_with(&db.options()).await.unwrap();
    let before = fingerprint(&mut source).await;

    let created = chatctl(
        s,
        &[
            "--database-url",
            &url,
            "--json",
            "backup",
            "create",
            "--output",
            backups.path().to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok()
    .json();
    let file = created["file"].as_str().unwrap().to_owned();
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "archives are readable by their owner only"
        );
    }
    assert!(
        Path::new(&file)
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("chatd-")
    );
    assert_eq!(created["attachments"], 3);
    let manifest = &created["manifest"];
    assert_eq!(manifest["format"], 1);
    assert_eq!(manifest["suiteVersion"], common::VERSION);
    let latest = chatd::store::MIGRATOR
        .iter()
        .map(|m| m.version)
        .max()
        .unwrap();
    assert_eq!(manifest["schemaVersion"], latest);
    assert!(
        manifest["postgresVersion"]
            .as_str()
            .unwrap()
            .chars()
            .next()
            .unwrap()
            .is_ascii_digit()
    );
    assert_eq!(manifest["rowCounts"]["users"], 3);
    assert_eq!(manifest["rowCounts"]["messages"], 3);
    let parts = manifest["parts"].as_array().unwrap();
    assert_eq!(parts.len(), 4);
    assert_eq!(parts[0]["path"], "database.dump");
    assert!(
        parts
            .iter()
            .all(|p| p["sha256"].as_str().unwrap().len() == 64 && p["size"].as_u64().unwrap() > 0)
    );
    // The backup is itself audited, after the dump.
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'admin.backup_create'")
            .fetch_one(server.store().pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);

    let verified = chatctl(s, &["--json", "backup", "verify", &file], None)
        .await
        .ok()
        .json();
    assert_eq!(verified["ok"], true);

    // Restore into a database with nothing in it, and a new data directory.
    let target = EmptyDb::create(db).await;
    let target_dir = testkit::temp_dir();
    let restored = chatctl(
        target_dir.path(),
        &[
            "--database-url",
            &target.url,
            "--json",
            "backup",
            "restore",
            &file,
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(restored["rowCountsMatch"], true);
    assert_eq!(restored["attachments"], 3);
    let mut conn = target.connect().await;
    // The restore writes its own audit record (after the dump's rows); every other row is
    // identical.
    let audit_restore: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'admin.backup_restore'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!(audit_restore, 1);
    sqlx::query("DELETE FROM audit_log WHERE action = 'admin.backup_restore'")
        .execute(&mut conn)
        .await
        .unwrap();
    let after = fingerprint(&mut conn).await;
    for ((table, n, md5), (_, n2, md5b)) in before.iter().zip(&after) {
        assert_eq!(
            (n, md5),
            (n2, md5b),
            "table {table} differs after the round trip"
        );
    }
    for rel in &files {
        let a = std::fs::read(s.join("attachments").join(rel)).unwrap();
        let restored = target_dir.path().join("attachments").join(rel);
        let b = std::fs::read(&restored).unwrap();
        assert!(a == b, "{} differs", rel.display());
        // Restored files are as private as the ones chatd writes.
        let mode = |p: &Path| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(p).unwrap().permissions().mode() & 0o777
        };
        assert_eq!(mode(&restored), 0o600, "{}", restored.display());
        assert_eq!(mode(restored.parent().unwrap()), 0o700);
    }
    assert!(
        std::fs::read_dir(target_dir.path()).unwrap().all(|e| !e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .starts_with(".chatctl")),
        "the work directory is cleaned up"
    );

    // A chatd on the restored database lets the users log in.
    let restored_server = TestServer::on(test_config(), target.options.clone()).await;
    let tokens = restored_server
        .client()
        .login("ada", password())
        .await
        .unwrap();
    assert_eq!(tokens.user.username, "ada");
    restored_server
        .client()
        .login("root", "operator secret")
        .await
        .unwrap();
    restored_server.stop().await.unwrap();
    drop(conn);
    target.drop_with(db).await;
}

#[tokio::test]
async fn a_damaged_archive_is_refused_and_nothing_is_written() {
    let server = TestServer::start().await;
    let db = server.db().unwrap();
    let url = db.url();
    populate(&server).await;
    let dir = testkit::temp_dir();
    let d = dir.path();
    let good = d.join("good.tar");
    chatctl(
        d,
        &[
            "--database-url",
            &url,
            "backup",
            "create",
            "--output",
            good.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    let bytes = std::fs::read(&good).unwrap();

    // The marker entry takes 1024 bytes, the dump's header 512: flip a byte of the dump.
    let mut flipped = bytes.clone();
    flipped[1536 + 100] ^= 0x40;
    let bad = d.join("flipped.tar");
    std::fs::write(&bad, &flipped).unwrap();
    let truncated = d.join("truncated.tar");
    std::fs::write(&truncated, &bytes[..bytes.len() * 2 / 3]).unwrap();
    let not_ours = d.join("other.tar");
    std::fs::write(&not_ours, b"just some text").unwrap();

    for (file, expect) in [
        (&bad, "SHA-256 mismatch"),
        (&truncated, "truncated"),
        (&not_ours, "corrupted or truncated"),
    ] {
        let verify = chatctl(d, &["backup", "verify", file.to_str().unwrap()], None).await;
        assert_eq!(verify.code, 1, "{verify:?}");
        assert!(
            verify.stderr.contains("failed verification") && verify.stderr.contains(expect),
            "{verify:?}"
        );

        let target = EmptyDb::create(db).await;
        let target_dir = testkit::temp_dir();
        let restore = chatctl(
            target_dir.path(),
            &[
                "--database-url",
                &target.url,
                "backup",
                "restore",
                file.to_str().unwrap(),
            ],
            None,
        )
        .await;
        assert_eq!(restore.code, 1, "{restore:?}");
        assert!(
            restore.stderr.contains(expect) && restore.stderr.contains("nothing was restored"),
            "{restore:?}"
        );
        let mut conn = target.connect().await;
        let tables: i64 =
            sqlx::query_scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(tables, 0, "the target database stays empty");
        assert_eq!(
            std::fs::read_dir(target_dir.path()).unwrap().count(),
            0,
            "no file was left in the data directory"
        );
        drop(conn);
        target.drop_with(db).await;
    }

    // A database holding data is not overwritten without --force.
    let refused = chatctl(
        d,
        &[
            "--database-url",
            &url,
            "backup",
            "restore",
            good.to_str().unwrap(),
        ],
        None,
    )
    .await;
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("not empty"), "{refused:?}");

    // A database that has the schema but no rows (chatd started once on it) is fine.
    let migrated = testkit::fresh_db().await;
    chatctl(
        d,
        &[
            "--database-url",
            &migrated.url(),
            "backup",
            "restore",
            good.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    let users = chatctl(
        d,
        &["--database-url", &migrated.url(), "--json", "user", "list"],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(users["total"], 2);
    // And with --force, over data.
    chatctl(
        d,
        &[
            "--database-url",
            &migrated.url(),
            "backup",
            "restore",
            "--force",
            good.to_str().unwrap(),
        ],
        None,
    )
    .await
    .ok();
    let users = chatctl(
        d,
        &["--database-url", &migrated.url(), "--json", "user", "list"],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(users["total"], 2);
}

#[tokio::test]
async fn list_shows_newest_first_and_keep_prunes_with_consent() {
    let server = TestServer::start().await;
    let url = server.db().unwrap().url();
    let dir = testkit::temp_dir();
    let d = dir.path();
    let backups = d.join("backups");
    std::fs::create_dir(&backups).unwrap();
    let mut made = Vec::new();
    for name in ["one.tar", "two.tar", "three.tar"] {
        let path = backups.join(name);
        chatctl(
            d,
            &[
                "--database-url",
                &url,
                "backup",
                "create",
                "--output",
                path.to_str().unwrap(),
            ],
            None,
        )
        .await
        .ok();
        made.push(path);
    }
    std::fs::write(backups.join("unrelated.tar"), b"not a backup").unwrap();
    let listed = chatctl(
        d,
        &["--json", "backup", "list", backups.to_str().unwrap()],
        None,
    )
    .await
    .ok()
    .json();
    let names: Vec<&str> = listed["archives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["file"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = made.iter().rev().map(|p| p.display().to_string()).collect();
    assert_eq!(names, expected);

    let refused = chatctl(
        d,
        &["backup", "list", backups.to_str().unwrap(), "--keep", "1"],
        None,
    )
    .await;
    assert_eq!(refused.code, 2, "{refused:?}");
    assert!(made.iter().all(|p| p.exists()));
    let pruned = chatctl(
        d,
        &[
            "--json",
            "backup",
            "list",
            backups.to_str().unwrap(),
            "--keep",
            "1",
            "--yes",
        ],
        None,
    )
    .await
    .ok()
    .json();
    assert_eq!(pruned["deleted"].as_array().unwrap().len(), 2);
    assert!(made[2].exists() && !made[0].exists() && !made[1].exists());
    assert!(
        backups.join("unrelated.tar").exists(),
        "files that are not backups are never deleted"
    );
}
