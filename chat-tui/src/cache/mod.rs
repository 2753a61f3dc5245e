//! The offline cache: one `SQLite` file per profile (`<data dir>/<profile>.cache.sqlite`,
//! mode 0600) holding the chat list, the newest messages of each opened chat (bounded per
//! chat), users, the per-chat cursors, the last open chat and the sends
//! not yet acknowledged. The client draws from it before the network answers and syncs
//! from its cursors; the reducer says what to write ([`CacheWrite`]), a thread of its own
//! writes it, so the screen never waits for the disk.

mod store;

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use common::api::{Attachment, Chat, Message, User};
use common::ids::{ChatId, MessageId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use store::Store;

/// Messages kept per chat unless `[cache] messages_per_chat` says otherwise.
pub const DEFAULT_MESSAGES_PER_CHAT: u32 = 2_000;

/// The cache file of a profile.
pub fn path_for(data_dir: &Path, profile: &str) -> PathBuf {
    crate::private_file::path_for(data_dir, profile, ".cache.sqlite")
}

/// One chat as cached: the server's view and where the client stands in it.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatRow {
    /// The server's view.
    pub chat: Chat,
    /// The highest seq applied.
    pub cursor: i64,
    /// Its newest page was loaded (the messages held are the newest ones).
    pub loaded: bool,
    /// Older messages exist on the server.
    pub has_more_before: bool,
}

/// A send the server has not acknowledged: resent with its client id on the next connect,
/// also after a restart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    /// The chat.
    pub chat_id: ChatId,
    /// The idempotency key.
    pub client_id: String,
    /// The text.
    pub content: String,
    /// Its metadata (formatting ranges), sent as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_json::Value>,
    /// Reply target.
    pub reply_to: Option<MessageId>,
    /// When it was written.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Uploaded images it carries.
    pub attachments: Vec<Attachment>,
}

/// What the cache holds for the first frame (the other chats' messages follow by
/// [`load_rest`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// The user the cache belongs to.
    pub me: Option<User>,
    /// Chats, the open one with its cached messages (ascending seq).
    pub chats: Vec<(ChatRow, Vec<Message>)>,
    /// Users seen.
    pub users: Vec<User>,
    /// The chat open at the last write.
    pub open_chat: Option<ChatId>,
    /// Unacknowledged sends, in the order they were written.
    pub outbox: Vec<Queued>,
}

/// One batch of changes, written in one transaction. The reducer builds it from what an
/// event changed; empty parts write nothing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CacheWrite {
    /// The logged-in user: a different one than the cache's empties it first.
    pub me: Option<User>,
    /// Chats to insert or replace.
    pub chats: Vec<ChatRow>,
    /// Messages to insert or replace (edits replace the text, deletes drop it).
    pub messages: Vec<Message>,
    /// Users to insert or replace.
    pub users: Vec<User>,
    /// Chats (and their messages) to remove.
    pub dropped: Vec<ChatId>,
    /// Sends to queue.
    pub queued: Vec<Queued>,
    /// Sends acknowledged or refused: out of the queue.
    pub sent: Vec<String>,
    /// The chat now open.
    pub open_chat: Option<ChatId>,
    /// Empty the whole cache (a logout).
    pub clear: bool,
}

impl CacheWrite {
    /// Whether it writes nothing.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}

/// The writer thread's handle: writes go in order, never waiting on the disk.
#[derive(Clone, Debug)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
}

enum Job {
    Write(Box<CacheWrite>),
    Flush(mpsc::Sender<()>),
}

impl Writer {
    /// Starts the thread that owns `store`.
    pub fn spawn(mut store: Store) -> Self {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::spawn(move || {
            while let Ok(job) = rx.recv() {
                match job {
                    Job::Write(write) => {
                        if let Err(e) = store.write(&write) {
                            tracing::warn!(error = %e, "could not write the cache");
                        }
                    }
                    Job::Flush(done) => {
                        let _ = done.send(());
                    }
                }
            }
        });
        Self { tx }
    }

    /// Queues a write.
    pub fn write(&self, write: CacheWrite) {
        let _ = self.tx.send(Job::Write(Box::new(write)));
    }

    /// Waits until every write queued before has been written (at exit, in tests).
    pub fn flush(&self) {
        let (tx, rx) = mpsc::channel();
        if self.tx.send(Job::Flush(tx)).is_ok() {
            let _ = rx.recv();
        }
    }
}

/// Reads the cached messages of every chat but the open one on a thread of its own, after
/// the first frame, and hands each chat's to the reducer as [`NetEvent::Cached`].
///
/// [`NetEvent::Cached`]: crate::state::NetEvent::Cached
pub fn load_rest(
    path: PathBuf,
    messages_per_chat: u32,
    chats: Vec<ChatId>,
    events: tokio::sync::mpsc::UnboundedSender<crate::state::Event>,
) {
    std::thread::spawn(move || {
        let store = match Store::open(&path, messages_per_chat) {
            Ok(store) => store,
            Err(e) => return tracing::warn!(error = %e, "could not read the cache"),
        };
        for chat_id in chats {
            match store.messages(chat_id) {
                Ok(messages) if messages.is_empty() => {}
                Ok(messages) => {
                    let event = crate::state::NetEvent::Cached { chat_id, messages };
                    if events.send(crate::state::Event::Net(event)).is_err() {
                        return;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not read the cache"),
            }
        }
    });
}
