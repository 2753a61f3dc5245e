//! The background indexer: keeps `message_search` in step with each chat's event log, off
//! the send path. A send costs nothing for search; the indexer reads the events after each
//! chat's watermark (new, edited and deleted messages), tokenizes in Rust and writes the
//! index in batches. A search first catches up the searcher's own chats, so the lag is only
//! ever visible to nobody: it bounds how much work a search may do inline instead.

use std::time::Duration;

use common::ids::ChatId;
use tracing::{debug, warn};

use super::tokens::tsvector_literal;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::search::tx;
use crate::tasks::Tasks;

/// Chats one background round indexes.
const CHATS_PER_ROUND: i64 = 32;
/// Events of one chat one round indexes; a longer backlog takes several rounds.
const EVENTS_PER_CHAT: i64 = 2000;

/// The indexer handle. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Indexer {
    store: Store,
}

impl Indexer {
    /// An indexer over `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Runs rounds every `interval` (at once again while a backlog remains), under
    /// `tasks`, until their token is cancelled.
    pub fn start(&self, interval: Duration, tasks: &Tasks) {
        let this = self.clone();
        tasks.supervise("search-indexer", move |token| {
            let this = this.clone();
            async move {
                while !token.is_cancelled() {
                    match this.round().await {
                        Ok(true) => continue,
                        Ok(false) => {}
                        Err(e) => warn!(error = %e, "search indexing failed; retrying"),
                    }
                    tokio::select! {
                        () = token.cancelled() => return,
                        () = tokio::time::sleep(interval) => {}
                    }
                }
            }
        });
    }

    /// One background round; true when it stopped at a limit (a backlog remains).
    ///
    /// A round that took everything there was waits for the next interval rather than
    /// looping: under a steady stream of sends, looping at once would index a handful of
    /// messages per transaction, hundreds of times a second, on the cores the send path
    /// needs. Waiting makes rounds fewer and larger, and costs searches nothing, since a
    /// search catches up its own chats first.
    pub async fn round(&self) -> Result<bool> {
        let chats = self
            .store
            .search_lagging_chats(None, CHATS_PER_ROUND)
            .await?;
        if chats.is_empty() {
            return Ok(false);
        }
        let saturated_chats = chats.len() as i64 == CHATS_PER_ROUND;
        let saturated_events = self.index(&chats, true).await?;
        Ok(saturated_chats || saturated_events)
    }

    /// Brings the index of `chats` up to their last committed event (waiting for another
    /// indexer that holds one), up to [`EVENTS_PER_CHAT`] each.
    pub async fn catch_up(&self, chats: &[ChatId]) -> Result<()> {
        let lagging = self
            .store
            .search_lagging_chats(Some(chats), i64::MAX)
            .await?;
        if lagging.is_empty() {
            return Ok(());
        }
        self.index(&lagging, false).await.map(|_| ())
    }

    /// Indexes `chats` up to [`EVENTS_PER_CHAT`] each; true when some chat had more.
    async fn index(&self, chats: &[ChatId], skip_locked: bool) -> Result<bool> {
        let mut txn = self.store.begin().await?;
        let locked = tx::lock_windows(&mut txn, chats, skip_locked).await?;
        let more = locked
            .iter()
            .any(|w| w.last_seq > w.indexed_seq + EVENTS_PER_CHAT);
        let windows: Vec<(ChatId, i64, i64)> = locked
            .into_iter()
            .filter(|w| w.last_seq > w.indexed_seq)
            .map(|w| {
                (
                    w.chat_id,
                    w.indexed_seq,
                    w.last_seq.min(w.indexed_seq + EVENTS_PER_CHAT),
                )
            })
            .collect();
        if windows.is_empty() {
            return Ok(more);
        }
        let (touched, sources) = tx::touched_messages(&mut txn, &windows).await?;
        let docs = tokio::task::spawn_blocking(move || {
            let docs: Vec<String> = sources
                .iter()
                .map(|s| {
                    let content = s.content.as_deref().unwrap_or("");
                    match &s.attachment_names {
                        // File names are words of the message for search (not for snippets,
                        // which show its text).
                        Some(names) => tsvector_literal(&format!("{content}\n{names}")),
                        None => tsvector_literal(content),
                    }
                })
                .collect();
            (sources, docs)
        })
        .await
        .map_err(|e| Error::Internal(e.into()))?;
        let (sources, docs) = docs;
        tx::write_docs(&mut txn, &touched, &sources, &docs).await?;
        tx::advance(&mut txn, &windows).await?;
        tx::merge_pending(&mut txn).await?;
        txn.commit().await.map_err(crate::store::StoreError::from)?;
        debug!(
            chats = windows.len(),
            messages = touched.len(),
            "search index updated"
        );
        Ok(more)
    }
}
