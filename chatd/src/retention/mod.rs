//! Retention: the supervised job that prunes messages older than the policy
//! (`[retention]`, a group's own shorter `retentionDays`) in small batches, each its own
//! short transaction under an advisory lock so that one node at a time prunes.
//!
//! A batch takes the oldest expired messages of one chat just above its prune floor, empties
//! them (their seq slots stay as deleted messages, so sync and unread counts stay whole),
//! deletes their mentions, reactions, notifications and search entries, detaches their
//! attachments, and records one numbered `chat:pruned` event with the new floor. The
//! attachments' files are removed after the commit (a missing one is not an error).

use std::sync::Arc;
use std::time::Duration;

use common::ids::ChatId;
use common::ws::{ChatPruned, ServerEvent};
use prometheus_client::metrics::counter::Counter;
use serde::Serialize;
use tracing::{info, warn};

use crate::chat_events;
use crate::config::RetentionConfig;
use crate::error::Result;
use crate::hub::Hub;
use crate::media::BlobStore;
use crate::store::retention::{Policy, PrunedFile, RetentionFigures, tx};
use crate::store::{Store, StoreError};
use crate::tasks::Tasks;

/// The job's counters, registered in `/metrics` by [`crate::metrics::Metrics::with_retention`].
#[derive(Clone, Debug, Default)]
pub struct RetentionMetrics {
    /// Messages pruned.
    pub pruned: Counter,
    /// Passes run.
    pub runs: Counter,
    /// Passes that failed.
    pub errors: Counter,
}

/// What one pass did.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PassReport {
    /// Messages pruned (that still had content).
    pub messages: i64,
    /// Batches committed.
    pub batches: u64,
    /// Chats a batch touched, each with its new floor.
    pub chats: Vec<PrunedChat>,
    /// Attachments whose files were removed.
    pub attachments: u64,
    /// The pass stopped because another node (or chatctl) held the lock.
    pub busy: bool,
}

/// One chat's prune within a pass.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PrunedChat {
    /// The chat.
    pub chat_id: ChatId,
    /// Messages pruned in it.
    pub messages: i64,
    /// Every message at or below this seq is gone.
    pub floor_seq: i64,
}

/// The policy and figures for `chatctl retention status`.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionStatus {
    /// The server's days, if any.
    pub message_days: Option<u32>,
    /// Whether group owners may set a shorter one.
    pub allow_chat_override: bool,
    /// Seconds between passes.
    pub interval_secs: u64,
    /// Messages per batch.
    pub batch_size: u32,
    /// The job's clock offset (0 in production).
    pub clock_offset_secs: u64,
    /// Groups with a policy of their own.
    pub chats_with_policy: i64,
    /// Age of the oldest message that still has content, in seconds (by the job's clock).
    pub oldest_message_age_secs: Option<i64>,
    /// Messages the policy has expired, pruned at the next pass.
    pub due: i64,
}

enum Batch {
    Pruned(PrunedChat, usize),
    Nothing,
    Busy,
}

/// The retention job. Cheap to clone.
#[derive(Clone, Debug)]
pub struct RetentionService {
    store: Store,
    hub: Hub,
    blobs: BlobStore,
    config: Arc<RetentionConfig>,
    metrics: RetentionMetrics,
}

impl RetentionService {
    /// The job over `store`, telling clients through `hub` and removing files from `blobs`.
    pub fn new(store: Store, hub: Hub, blobs: BlobStore, config: RetentionConfig) -> Self {
        Self {
            store,
            hub,
            blobs,
            config: Arc::new(config),
            metrics: RetentionMetrics::default(),
        }
    }

    /// The job's counters.
    pub fn metrics(&self) -> &RetentionMetrics {
        &self.metrics
    }

    fn policy(&self) -> Policy {
        Policy {
            server_days: self
                .config
                .message_days
                .map(|d| i32::try_from(d).unwrap_or(i32::MAX)),
            chat_override: self.config.allow_chat_override,
            offset_secs: i64::try_from(self.config.clock_offset_secs).unwrap_or(i64::MAX),
        }
    }

    /// The policy, the oldest message's age and how many messages are due.
    pub async fn status(&self) -> Result<RetentionStatus> {
        let RetentionFigures {
            oldest,
            due,
            chats_with_policy,
        } = self.store.retention_figures(self.policy()).await?;
        let now =
            time::OffsetDateTime::now_utc() + time::Duration::seconds(self.policy().offset_secs);
        Ok(RetentionStatus {
            message_days: self.config.message_days,
            allow_chat_override: self.config.allow_chat_override,
            interval_secs: self.config.interval_secs,
            batch_size: self.config.batch_size,
            clock_offset_secs: self.config.clock_offset_secs,
            chats_with_policy,
            oldest_message_age_secs: oldest.map(|t| (now - t).whole_seconds().max(0)),
            due,
        })
    }

    /// One pass: batches until nothing is due or another node holds the lock.
    pub async fn run_pass(&self) -> Result<PassReport> {
        self.metrics.runs.inc();
        let outcome = self.pass().await;
        if outcome.is_err() {
            self.metrics.errors.inc();
        }
        outcome
    }

    async fn pass(&self) -> Result<PassReport> {
        let mut report = PassReport::default();
        if !self.config.enabled() {
            return Ok(report);
        }
        let mut from = None;
        loop {
            match self.batch(from).await? {
                Batch::Nothing => return Ok(report),
                Batch::Busy => {
                    report.busy = true;
                    return Ok(report);
                }
                Batch::Pruned(chat, files) => {
                    from = Some(chat.chat_id);
                    report.batches += 1;
                    report.messages += chat.messages;
                    report.attachments += files as u64;
                    match report.chats.iter_mut().find(|c| c.chat_id == chat.chat_id) {
                        Some(seen) => {
                            seen.messages += chat.messages;
                            seen.floor_seq = chat.floor_seq;
                        }
                        None => report.chats.push(chat),
                    }
                }
            }
        }
    }

    /// One chat's next batch, in one short transaction.
    async fn batch(&self, from: Option<ChatId>) -> Result<Batch> {
        let policy = self.policy();
        let mut txn = self.store.begin().await?;
        if !tx::try_lock(&mut txn).await? {
            return Ok(Batch::Busy);
        }
        let Some((chat, floor, days)) = tx::next_chat(&mut txn, policy, from).await? else {
            return Ok(Batch::Nothing);
        };
        let expired = tx::expired_prefix(
            &mut txn,
            chat,
            floor,
            days,
            policy.offset_secs,
            i64::from(self.config.batch_size),
        )
        .await?;
        let Some(&(_, new_floor)) = expired.last() else {
            return Ok(Batch::Nothing);
        };
        let ids: Vec<_> = expired.iter().map(|e| e.0).collect();
        let (count, files) = tx::prune(&mut txn, &ids).await?;
        let seq = crate::store::chats::tx::next_seqs(&mut txn, chat, 1).await?;
        let event = ServerEvent::ChatPruned(ChatPruned {
            chat_id: chat,
            seq,
            floor_seq: new_floor,
            count,
        });
        chat_events::record(&mut txn, chat, seq, &event, None).await?;
        tx::set_floor(&mut txn, chat, new_floor).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.metrics
            .pruned
            .inc_by(u64::try_from(count).unwrap_or(0));
        self.hub.to_chat(chat, &event, None);
        let removed = self.remove_files(&files).await;
        Ok(Batch::Pruned(
            PrunedChat {
                chat_id: chat,
                messages: count,
                floor_seq: new_floor,
            },
            removed,
        ))
    }

    /// Removes the files of pruned attachments, then their rows. A failure leaves the row
    /// marked deleted, so the media cleanup retries it.
    async fn remove_files(&self, files: &[PrunedFile]) -> usize {
        let mut removed = 0;
        for file in files {
            let keys = std::iter::once(&file.storage_key).chain(file.thumbnail_key.as_ref());
            let mut ok = true;
            for key in keys {
                if let Err(e) = self.blobs.delete(key).await {
                    warn!(error = %e, attachment = %file.id, "retention: removing a file failed");
                    ok = false;
                }
            }
            if ok {
                match self.store.delete_attachment_row(file.id).await {
                    Ok(()) => removed += 1,
                    Err(e) => warn!(error = %e, attachment = %file.id, "retention: row kept"),
                }
            }
        }
        removed
    }

    /// Runs a pass every `interval_secs` under `tasks` (nothing when no policy can apply).
    pub fn start(&self, tasks: &Tasks) {
        if !self.config.enabled() {
            return;
        }
        let this = self.clone();
        let every = Duration::from_secs(self.config.interval_secs);
        tasks.supervise("retention", move |token| {
            let this = this.clone();
            async move {
                loop {
                    // A pass can be long after retention is first turned on; shutdown does
                    // not wait for it. A batch cut short rolls back; files of a committed
                    // one not yet removed stay marked deleted for the media cleanup.
                    let outcome = tokio::select! {
                        () = token.cancelled() => return,
                        outcome = this.run_pass() => outcome,
                    };
                    match outcome {
                        Ok(r) if r.messages > 0 => {
                            info!(messages = r.messages, chats = r.chats.len(), "pruned");
                        }
                        Ok(_) => {}
                        Err(e) => warn!(error = %e, "retention pass failed"),
                    }
                    tokio::select! {
                        () = token.cancelled() => return,
                        () = tokio::time::sleep(every) => {}
                    }
                }
            }
        });
    }
}
