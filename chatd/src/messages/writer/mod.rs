//! The send path. Every chat belongs to one of [`LANES`] lanes (by its id); a lane's writer
//! task takes the sends queued for any of its chats and stores up to [`BATCH_MAX`] of them
//! in one statement: one round trip, one range of sequence numbers per chat, one commit.
//! Every sender is answered only after that commit. Batching is what lets a busy chat, or
//! many quiet chats together, go past the commit rate of single-message transactions without
//! giving up commit-before-ack; one lane per chat keeps each chat's sends in order.
//!
//! The lanes are created up front and supervised (`crate::tasks`): a lane task that panics
//! is replaced, its queue kept; the sends of the batch it held are answered
//! `SERVICE_UNAVAILABLE`, which the client resends with the same `clientId`. On shutdown
//! [`MessageWriter::close`] refuses new sends and the lanes store what they hold, then end.

use std::sync::Arc;

use common::api::SendResult;
use common::ids::{AttachmentId, ChatId, MessageId, UserId};
use redis::aio::ConnectionManager;
use sqlx::Postgres;
use sqlx::pool::PoolConnection;
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;
use tracing::warn;

use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::metrics::SendMetrics;
use crate::store::Store;
use crate::tasks::Tasks;

mod checked;
mod fast;
mod forward;
#[cfg(feature = "test-hooks")]
mod hooks;
mod reply;

/// Most sends stored in one statement.
pub const BATCH_MAX: usize = 128;
/// Writer tasks. Each holds one database connection while it writes; more lanes than the
/// database has cores to run them only queue there.
pub const LANES: usize = 4;
/// A lane with nothing to write for this long gives its connection back to the pool.
const IDLE_RELEASE: std::time::Duration = std::time::Duration::from_millis(500);
/// Sends waiting per lane before new ones are refused with 503.
const QUEUE_MAX: usize = 16_384;
/// How many times the writer yields to let in-flight sends join a batch.
const GATHER_YIELDS: usize = 16;

/// A checked send (it travels to another node as JSON when that node owns the chat).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ValidSend {
    /// Author.
    pub sender: UserId,
    /// Text.
    pub content: String,
    /// `text` or `markdown`.
    pub content_type: String,
    /// Metadata.
    pub metadata: serde_json::Value,
    /// Reply target.
    pub reply_to_id: Option<MessageId>,
    /// Idempotency key.
    pub client_id: String,
    /// `@names` in the content.
    pub mentions: Vec<String>,
    /// Uploads to attach, in order (checked on the checked path only).
    pub attachments: Vec<AttachmentId>,
}

struct Pending {
    chat: ChatId,
    send: ValidSend,
    reply: oneshot::Sender<Result<SendResult>>,
}

type Queue = Arc<tokio::sync::Mutex<mpsc::Receiver<Pending>>>;

/// The writer lanes.
#[derive(Clone)]
pub struct MessageWriter {
    inner: Arc<Inner>,
    queues: Arc<[mpsc::Sender<Pending>]>,
    lanes: Tasks,
    /// With Redis: hands each send to the node that owns its chat.
    forwarder: Option<Arc<forward::Forwarder>>,
}

struct Inner {
    store: Store,
    hub: Hub,
    metrics: SendMetrics,
}

impl std::fmt::Debug for MessageWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageWriter").finish_non_exhaustive()
    }
}

impl MessageWriter {
    /// Starts the lanes under `lanes` (a group of their own, so that the shutdown can stop
    /// and wait for them before anything else). Each stores on `store` and publishes
    /// through `hub`.
    pub fn start(store: Store, hub: Hub, lanes: Tasks) -> Self {
        let inner = Arc::new(Inner {
            store,
            hub,
            metrics: SendMetrics::default(),
        });
        let queues: Vec<mpsc::Sender<Pending>> = (0..LANES)
            .map(|lane| {
                let (tx, rx) = mpsc::channel(QUEUE_MAX);
                // The queue outlives a lane task that panics: its replacement takes it over.
                let rx: Queue = Arc::new(tokio::sync::Mutex::new(rx));
                let inner = inner.clone();
                lanes.supervise(format!("writer-lane-{lane}"), move |token| {
                    let (inner, rx) = (inner.clone(), rx.clone());
                    async move {
                        let mut rx = rx.lock().await;
                        run(&inner, lane, &mut rx, &token).await;
                    }
                });
                tx
            })
            .collect();
        Self {
            inner,
            queues: queues.into(),
            lanes,
            forwarder: None,
        }
    }

    /// Hands each send to the node that owns its chat (`crate::cluster`), so that a chat's
    /// sends are batched on one node whichever node they arrive at; sends for this node's
    /// chats, handed over or not, are stored here.
    #[must_use]
    pub fn with_owners(
        mut self,
        client: &redis::Client,
        conn: ConnectionManager,
        prefix: &str,
    ) -> Self {
        let local = self.clone();
        self.forwarder = Some(forward::Forwarder::start(
            &local,
            client,
            conn,
            prefix,
            &self.lanes,
        ));
        self
    }

    /// What the lanes count (messages stored, batch sizes, commit times).
    pub fn metrics(&self) -> &SendMetrics {
        &self.inner.metrics
    }

    /// Stores `send` in `chat` and answers once it is committed.
    pub async fn send(&self, chat: ChatId, send: ValidSend) -> Result<SendResult> {
        if self.lanes.token().is_cancelled() {
            return Err(shutting_down());
        }
        let Some((forwarder, owner)) = self
            .forwarder
            .as_ref()
            .and_then(|f| Some((f, f.owner_of(chat)?)))
        else {
            return self.store_here(chat, send).await;
        };
        let metrics = &self.inner.metrics;
        match forwarder.hand_over(owner, chat, &send).await {
            forward::Handover::Stored(result) => {
                metrics.forwarded.inc();
                Ok(*result)
            }
            forward::Handover::Refused => {
                metrics.forward_fallbacks.inc();
                self.store_here(chat, send).await
            }
            forward::Handover::Unanswered => {
                metrics.forward_fallbacks.inc();
                // If the owner stored it after all, this finds its message by `clientId`.
                // For the client this is still its first send (its ack is this one), and
                // the caller's notifications must not be skipped as for a resend.
                let mut result = self.store_here(chat, send).await?;
                result.duplicate = false;
                Ok(result)
            }
        }
    }

    /// Stores `send` on this node's lane for `chat`.
    async fn store_here(&self, chat: ChatId, send: ValidSend) -> Result<SendResult> {
        let answer = self.submit(chat, send)?;
        answer.await.map_err(|_| {
            // The lane died holding this send (it is being replaced), or the server stopped.
            Error::Unavailable("the send was interrupted; resend it with the same clientId".into())
        })?
    }

    /// Queues `send` on its lane now; the receiver gets the outcome once it is committed.
    fn submit(
        &self,
        chat: ChatId,
        send: ValidSend,
    ) -> Result<oneshot::Receiver<Result<SendResult>>> {
        if self.lanes.token().is_cancelled() {
            return Err(shutting_down());
        }
        let (reply, answer) = oneshot::channel();
        let queue = &self.queues[lane_of(chat)];
        queue
            .try_send(Pending { chat, send, reply })
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => Error::Unavailable(
                    "the server is receiving more than it can store; retry".into(),
                ),
                mpsc::error::TrySendError::Closed(_) => shutting_down(),
            })?;
        Ok(answer)
    }

    /// Stops taking sends (they are answered `SERVICE_UNAVAILABLE`); the lanes store and
    /// answer what they hold, then end.
    pub fn close(&self) {
        self.lanes.token().cancel();
    }

    /// Resolves once every lane has ended (after [`Self::close`]).
    pub async fn drained(&self) {
        self.lanes.tracker().close();
        self.lanes.tracker().wait().await;
    }
}

fn shutting_down() -> Error {
    Error::Unavailable(
        "the server is shutting down; resend with the same clientId once reconnected".into(),
    )
}

/// The lane that stores `chat`'s sends. UUIDv7's low bits are random, so chats spread
/// evenly.
pub fn lane_of(chat: ChatId) -> usize {
    (chat.as_uuid().as_u128() % LANES as u128) as usize
}

/// One lane until `token` is cancelled and its queue is empty.
async fn run(
    inner: &Inner,
    lane: usize,
    rx: &mut mpsc::Receiver<Pending>,
    token: &CancellationToken,
) {
    // The lane keeps its connection between batches while it is busy: taking one from the
    // pool costs a health-check round trip, which was a large share of a small batch's
    // time. An idle lane gives it back, so that four quiet lanes do not sit on connections
    // that requests need (with a small pool they would starve them).
    let mut conn: Option<PoolConnection<Postgres>> = None;
    loop {
        let next = if token.is_cancelled() {
            // Closed: new sends fail at once, the ones already queued are stored.
            rx.close();
            rx.recv().await
        } else {
            tokio::select! {
                biased;
                next = rx.recv() => next,
                () = token.cancelled() => continue,
                () = tokio::time::sleep(IDLE_RELEASE), if conn.is_some() => {
                    conn = None;
                    continue;
                }
            }
        };
        let Some(first) = next else {
            return;
        };
        #[cfg(feature = "test-hooks")]
        hooks::hold(&first.send, rx).await;
        let mut batch = vec![first];
        // Sends that are already on their way (other connections' frames being decoded on
        // the other worker threads) join this batch if we give them a moment: a few yields
        // cost microseconds and save a whole commit round for each of them.
        for _ in 0..GATHER_YIELDS {
            while batch.len() < BATCH_MAX {
                match rx.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            if batch.len() >= BATCH_MAX {
                break;
            }
            tokio::task::yield_now().await;
        }
        #[cfg(feature = "test-hooks")]
        hooks::panic_in_lane(&batch);
        let started = std::time::Instant::now();
        let size = batch.len();
        let stored = write(inner, &mut conn, batch).await;
        let metrics = &inner.metrics;
        metrics.messages.inc_by(stored);
        metrics.batch_size.observe(f64::from(size as u32));
        metrics
            .commit_seconds
            .observe(started.elapsed().as_secs_f64());
        tracing::debug!(
            lane,
            size,
            micros = started.elapsed().as_micros() as u64,
            "batch stored"
        );
    }
}

/// Stores a batch and answers its senders; returns how many messages were newly stored.
async fn write(
    inner: &Inner,
    conn: &mut Option<PoolConnection<Postgres>>,
    batch: Vec<Pending>,
) -> u64 {
    let (sends, replies): (Vec<(ChatId, ValidSend)>, Vec<_>) = batch
        .into_iter()
        .map(|p| ((p.chat, p.send), p.reply))
        .unzip();
    let results = match fast::store_batch(inner, conn, &sends).await {
        Ok(results) => results,
        Err(e) if sends.len() > 1 => {
            // `store_batch` fails only before anything is stored: one bad apple must not
            // fail the rest.
            warn!(error = %e, size = sends.len(), "batch failed; storing its sends one by one");
            let mut results = Vec::with_capacity(sends.len());
            for send in &sends {
                results.push(
                    match fast::store_batch(inner, conn, std::slice::from_ref(send)).await {
                        Ok(mut one) => one.remove(0),
                        Err(e) => Err(e),
                    },
                );
            }
            results
        }
        Err(e) => vec![Err(e)],
    };
    let mut stored = 0;
    for (reply, result) in replies.into_iter().zip(results) {
        if result.as_ref().is_ok_and(|r| !r.duplicate) {
            stored += 1;
        }
        let _ = reply.send(result);
    }
    stored
}
