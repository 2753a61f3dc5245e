//! The `SQLite` side of the cache: the schema, reading a [`Snapshot`] and writing a
//! [`CacheWrite`] in one transaction, the per-chat bound, and emptying it all.
//! `secure_delete` is on, so a deleted message's text, or the text an edit replaced, is
//! overwritten in the file rather than left in a free page.

use std::path::Path;

use anyhow::Context as _;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde::de::DeserializeOwned;

use common::api::Message;
use common::ids::ChatId;

use super::{CacheWrite, ChatRow, Queued, Snapshot};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chats (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    cursor INTEGER NOT NULL,
    loaded INTEGER NOT NULL,
    has_more_before INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_chat ON messages (chat_id, seq);
CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
);
";

/// The open cache file.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    messages_per_chat: u32,
}

impl Store {
    /// Opens (or creates, mode 0600) the cache at `path`, keeping at most
    /// `messages_per_chat` messages per chat.
    pub fn open(path: &Path, messages_per_chat: u32) -> anyhow::Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        // Created private before SQLite opens it; its journal takes the same mode.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options
            .open(path)
            .with_context(|| format!("creating {}", path.display()))?;
        let conn = Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        conn.execute_batch("PRAGMA secure_delete = ON; PRAGMA journal_mode = DELETE;")?;
        conn.execute_batch(SCHEMA)
            .with_context(|| format!("{} is not a chat-tui cache", path.display()))?;
        Ok(Self {
            conn,
            messages_per_chat: messages_per_chat.max(1),
        })
    }

    /// What the first frame needs: the chat list, users, cursors, the queue, and the
    /// messages of the chat open last. The other chats' messages come with
    /// [`Store::messages`], after the first frame.
    pub fn load(&self) -> anyhow::Result<Snapshot> {
        let mut snapshot = Snapshot {
            me: self.meta("me")?,
            open_chat: self.meta("open_chat")?,
            ..Snapshot::default()
        };
        let mut chats = self
            .conn
            .prepare("SELECT body, cursor, loaded, has_more_before FROM chats")?;
        let rows = chats.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?;
        for row in rows {
            let (body, cursor, loaded, has_more_before) = row?;
            let Ok(chat) = serde_json::from_str::<common::api::Chat>(&body) else {
                continue;
            };
            let held = if snapshot.open_chat == Some(chat.id) {
                self.messages(chat.id)?
            } else {
                Vec::new()
            };
            snapshot.chats.push((
                ChatRow {
                    chat,
                    cursor,
                    loaded,
                    has_more_before,
                },
                held,
            ));
        }
        snapshot.users = self.bodies("SELECT body FROM users")?;
        snapshot.outbox = self.bodies::<Queued>("SELECT body FROM outbox ORDER BY position")?;
        Ok(snapshot)
    }

    /// The cached messages of one chat, ascending seq.
    pub fn messages(&self, chat: ChatId) -> anyhow::Result<Vec<Message>> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT body FROM messages WHERE chat_id = ?1 ORDER BY seq")?;
        let rows = statement.query_map([chat.to_string()], |r| r.get::<_, String>(0))?;
        Ok(rows
            .filter_map(|b| b.ok().and_then(|b| serde_json::from_str(&b).ok()))
            .collect())
    }

    /// Writes one batch in one transaction.
    pub fn write(&mut self, write: &CacheWrite) -> anyhow::Result<()> {
        let limit = i64::from(self.messages_per_chat);
        let tx = self.conn.transaction()?;
        if write.clear {
            clear(&tx)?;
        }
        if let Some(me) = &write.me {
            let held: Option<String> = tx
                .query_row("SELECT value FROM meta WHERE key = 'me'", [], |r| r.get(0))
                .optional()?;
            let other = held
                .and_then(|h| serde_json::from_str::<common::api::User>(&h).ok())
                .is_some_and(|u| u.id != me.id);
            if other {
                clear(&tx)?;
            }
            put_meta(&tx, "me", me)?;
        }
        for id in &write.dropped {
            tx.execute("DELETE FROM chats WHERE id = ?1", [id.to_string()])?;
            tx.execute("DELETE FROM messages WHERE chat_id = ?1", [id.to_string()])?;
        }
        for row in &write.chats {
            tx.execute(
                "INSERT OR REPLACE INTO chats (id, body, cursor, loaded, has_more_before)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    row.chat.id.to_string(),
                    serde_json::to_string(&row.chat)?,
                    row.cursor,
                    row.loaded,
                    row.has_more_before
                ],
            )?;
        }
        let mut touched = Vec::new();
        for m in &write.messages {
            tx.execute(
                "INSERT OR REPLACE INTO messages (id, chat_id, seq, body) VALUES (?1, ?2, ?3, ?4)",
                params![
                    m.id.to_string(),
                    m.chat_id.to_string(),
                    m.seq,
                    serde_json::to_string(m)?
                ],
            )?;
            if !touched.contains(&m.chat_id) {
                touched.push(m.chat_id);
            }
        }
        for chat in touched {
            // The bound: the newest `limit` messages of the chat stay.
            let cut = tx.execute(
                "DELETE FROM messages WHERE chat_id = ?1 AND seq <= (
                         SELECT seq FROM messages WHERE chat_id = ?1
                         ORDER BY seq DESC LIMIT 1 OFFSET ?2)",
                params![chat.to_string(), limit],
            )?;
            if cut > 0 {
                tx.execute(
                    "UPDATE chats SET has_more_before = 1 WHERE id = ?1",
                    [chat.to_string()],
                )?;
            }
        }
        for user in &write.users {
            tx.execute(
                "INSERT OR REPLACE INTO users (id, body) VALUES (?1, ?2)",
                params![user.id.to_string(), serde_json::to_string(user)?],
            )?;
        }
        for q in &write.queued {
            tx.execute(
                "INSERT OR IGNORE INTO outbox (client_id, body) VALUES (?1, ?2)",
                params![q.client_id, serde_json::to_string(q)?],
            )?;
        }
        for id in &write.sent {
            tx.execute("DELETE FROM outbox WHERE client_id = ?1", [id])?;
        }
        if let Some(chat) = write.open_chat {
            put_meta(&tx, "open_chat", &chat)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Empties the cache (`chat-tui cache clear`).
    pub fn clear(&mut self) -> anyhow::Result<()> {
        let tx = self.conn.transaction()?;
        clear(&tx)?;
        tx.commit()?;
        // Gives the freed pages back, so the file holds nothing of what it held.
        self.conn.execute_batch("VACUUM")?;
        Ok(())
    }

    /// Messages held per chat, for `chat-tui cache` and tests.
    pub fn counts(&self) -> anyhow::Result<(u64, u64)> {
        let chats = self
            .conn
            .query_row("SELECT count(*) FROM chats", [], |r| r.get(0))?;
        let messages = self
            .conn
            .query_row("SELECT count(*) FROM messages", [], |r| r.get(0))?;
        Ok((chats, messages))
    }

    fn meta<T: DeserializeOwned>(&self, key: &str) -> anyhow::Result<Option<T>> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?;
        Ok(value.and_then(|v| serde_json::from_str(&v).ok()))
    }

    fn bodies<T: DeserializeOwned>(&self, sql: &str) -> anyhow::Result<Vec<T>> {
        let mut statement = self.conn.prepare(sql)?;
        let rows = statement.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows
            .filter_map(|b| b.ok().and_then(|b| serde_json::from_str(&b).ok()))
            .collect())
    }
}

fn put_meta(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    value: &impl Serialize,
) -> anyhow::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
        params![key, serde_json::to_string(value)?],
    )?;
    Ok(())
}

fn clear(tx: &rusqlite::Transaction<'_>) -> anyhow::Result<()> {
    tx.execute_batch(
        "DELETE FROM meta; DELETE FROM chats; DELETE FROM messages; DELETE FROM users;
         DELETE FROM outbox;",
    )?;
    Ok(())
}
