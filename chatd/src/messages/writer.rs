//! The send path. Every chat belongs to one of [`LANES`] lanes (by its id); a lane's writer
//! task takes the sends queued for any of its chats and stores up to [`BATCH_MAX`] of them
//! in one statement: one round trip, one range of sequence numbers per chat, one commit.
//! Every sender is answered only after that commit. Batching is what lets a busy chat, or
//! many quiet chats together, go past the commit rate of single-message transactions without
//! giving up commit-before-ack; one lane per chat keeps each chat's sends in order.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::api::SendResult;
use sqlx::Postgres;
use sqlx::pool::PoolConnection;
use tokio::sync::{mpsc, oneshot};
use tracing::warn;
use uuid::Uuid;

use super::view::{hydrate, to_api};
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::metrics::SendMetrics;
use crate::store::chats::tx as ctx;
use crate::store::messages::tx as mtx;
use crate::store::{MessageRow, NewMessage, Store, StoreError};

/// Most sends stored in one statement.
pub const BATCH_MAX: usize = 128;
/// Writer tasks. Each holds one database connection while it writes; more lanes than the
/// database has cores to run them only queue there.
pub const LANES: usize = 4;
/// Sends waiting per lane before new ones are refused with 503.
const QUEUE_MAX: usize = 16_384;
/// How many times the writer yields to let in-flight sends join a batch.
const GATHER_YIELDS: usize = 16;
/// A lane's writer task ends after this long without sends.
const IDLE: Duration = Duration::from_secs(30);

/// A checked send.
#[derive(Debug, Clone)]
pub struct ValidSend {
    /// Author.
    pub sender: Uuid,
    /// Text.
    pub content: String,
    /// `text` or `markdown`.
    pub content_type: String,
    /// Metadata.
    pub metadata: serde_json::Value,
    /// Reply target.
    pub reply_to_id: Option<Uuid>,
    /// Idempotency key.
    pub client_id: String,
    /// `@names` in the content.
    pub mentions: Vec<String>,
    /// Uploads to attach, in order (checked on the checked path only).
    pub attachments: Vec<Uuid>,
}

struct Pending {
    chat: Uuid,
    send: ValidSend,
    reply: oneshot::Sender<Result<SendResult>>,
}

/// The writer lanes.
#[derive(Clone)]
pub struct MessageWriter {
    inner: Arc<Inner>,
}

struct Inner {
    queues: Mutex<HashMap<usize, mpsc::Sender<Pending>>>,
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
    /// A writer over `store` that publishes through `hub`.
    pub fn new(store: Store, hub: Hub) -> Self {
        Self {
            inner: Arc::new(Inner {
                queues: Mutex::new(HashMap::new()),
                store,
                hub,
                metrics: SendMetrics::default(),
            }),
        }
    }

    /// What the lanes count (messages stored, batch sizes, commit times).
    pub fn metrics(&self) -> &SendMetrics {
        &self.inner.metrics
    }

    /// Stores `send` in `chat` and answers once it is committed.
    pub async fn send(&self, chat: Uuid, send: ValidSend) -> Result<SendResult> {
        let (reply, answer) = oneshot::channel();
        self.enqueue(Pending { chat, send, reply })?;
        answer
            .await
            .map_err(|_| Error::Unavailable("the send was interrupted; resend it".into()))?
    }

    fn enqueue(&self, pending: Pending) -> Result<()> {
        // UUIDv7's low bits are random, so chats spread evenly.
        let lane = (pending.chat.as_u128() % LANES as u128) as usize;
        let mut queues = self
            .inner
            .queues
            .lock()
            .map_err(|_| Error::Internal(anyhow::anyhow!("writer map poisoned")))?;
        let queue = queues.entry(lane).or_insert_with(|| {
            let (tx, rx) = mpsc::channel(QUEUE_MAX);
            tokio::spawn(run(self.inner.clone(), lane, rx));
            tx
        });
        queue.try_send(pending).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => {
                Error::Unavailable("the server is receiving more than it can store; retry".into())
            }
            mpsc::error::TrySendError::Closed(_) => {
                Error::Unavailable("the chat's writer stopped; retry".into())
            }
        })
    }
}

async fn run(inner: Arc<Inner>, lane: usize, mut rx: mpsc::Receiver<Pending>) {
    // The lane keeps its connection between batches: taking one from the pool costs a
    // health-check round trip, which was a large share of a small batch's time.
    let mut conn: Option<PoolConnection<Postgres>> = None;
    loop {
        let first = match tokio::time::timeout(IDLE, rx.recv()).await {
            Ok(Some(first)) => first,
            Ok(None) => return,
            Err(_) => {
                // Senders enqueue under this same lock, so nothing can slip in between the
                // emptiness check and the removal.
                let Ok(mut queues) = inner.queues.lock() else {
                    return;
                };
                if rx.is_empty() {
                    queues.remove(&lane);
                    return;
                }
                continue;
            }
        };
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
        let started = std::time::Instant::now();
        let size = batch.len();
        let stored = write(&inner, &mut conn, batch).await;
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
    let (sends, replies): (Vec<(Uuid, ValidSend)>, Vec<_>) = batch
        .into_iter()
        .map(|p| ((p.chat, p.send), p.reply))
        .unzip();
    let results = match store_batch(inner, conn, &sends).await {
        Ok(results) => results,
        Err(e) if sends.len() > 1 => {
            // One bad apple (a client id raced in another chat, say) must not fail the rest.
            warn!(error = %e, size = sends.len(), "batch failed; storing its sends one by one");
            let mut results = Vec::with_capacity(sends.len());
            for send in &sends {
                results.push(
                    match store_batch(inner, conn, std::slice::from_ref(send)).await {
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

enum Outcome {
    /// To be stored in this batch.
    Fresh,
    Refused(Error),
    Stored(Box<MessageRow>, bool),
    SameAs(usize),
}

/// What one batch needs to know, read under the chat's lock.
struct Known {
    members: Vec<Uuid>,
    existing: Vec<MessageRow>,
    valid_replies: Vec<Uuid>,
    mentionable: HashMap<String, Uuid>,
    /// `(attachment, uploader)` of named uploads still free to attach.
    attachable: Vec<(Uuid, Uuid)>,
}

/// Stores `sends` (chat, send): the common case (members sending new messages) in one
/// statement, the rest (duplicates, refusals, races) on the checked path, chat by chat. One
/// result per send, in order.
async fn store_batch(
    inner: &Inner,
    conn: &mut Option<PoolConnection<Postgres>>,
    sends: &[(Uuid, ValidSend)],
) -> Result<Vec<Result<SendResult>>> {
    let mut mentionable: HashMap<(Uuid, String), Uuid> = HashMap::new();
    for chat in chats_in_order(sends) {
        let mut wanted: Vec<String> = sends
            .iter()
            .filter(|(c, _)| *c == chat)
            .flat_map(|(_, s)| s.mentions.iter().cloned())
            .collect();
        if wanted.is_empty() {
            continue;
        }
        wanted.sort();
        wanted.dedup();
        for (name, user) in inner.store.members_named(chat, &wanted).await? {
            mentionable.insert((chat, name), user);
        }
    }
    let mut mentions = Vec::new();
    let batch: Vec<NewMessage> = sends
        .iter()
        .map(|(chat, send)| {
            let id = Uuid::now_v7();
            mentions.extend(
                send.mentions
                    .iter()
                    .filter_map(|n| mentionable.get(&(*chat, n.clone())))
                    .map(|u| (id, *u)),
            );
            new_message(id, *chat, send)
        })
        .collect();
    // Any failure of the fast path (a racing duplicate, say) stored nothing: settle all on
    // the checked path.
    let db_started = std::time::Instant::now();
    // Attachments are claimed under the chat's lock: such batches take the checked path.
    let stored = if sends.iter().any(|(_, s)| !s.attachments.is_empty()) {
        Vec::new()
    } else {
        insert_fast(inner, conn, &batch, &mentions).await
    };
    tracing::trace!(
        micros = db_started.elapsed().as_micros() as u64,
        "fast path statement"
    );
    let outcomes: Vec<Outcome> = batch
        .iter()
        .map(|m| match stored.iter().find(|row| row.id == m.id) {
            Some(row) => Outcome::Stored(Box::new(row.clone()), false),
            None => Outcome::Fresh,
        })
        .collect();
    let leftover: Vec<usize> = (0..sends.len())
        .filter(|i| matches!(outcomes[*i], Outcome::Fresh))
        .collect();
    // Publish the stored ones first: whatever the checked path stores comes after them.
    let mut results = respond(inner, outcomes, &mentions, &HashMap::new()).await?;
    for chat in chats_in_order(sends) {
        let mine: Vec<usize> = leftover
            .iter()
            .copied()
            .filter(|i| sends[*i].0 == chat)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let rest: Vec<ValidSend> = mine.iter().map(|i| sends[*i].1.clone()).collect();
        for (i, result) in mine
            .into_iter()
            .zip(store_checked(inner, chat, &rest).await?)
        {
            results[i] = result;
        }
    }
    Ok(results)
}

/// The fast path's one statement, on the lane's connection. A failure stored nothing (the
/// statement is atomic): the caller settles those sends on the checked path. The connection
/// is given up after a failure, since it may be the connection that failed.
async fn insert_fast(
    inner: &Inner,
    held: &mut Option<PoolConnection<Postgres>>,
    batch: &[NewMessage],
    mentions: &[(Uuid, Uuid)],
) -> Vec<MessageRow> {
    if held.is_none() {
        *held = inner.store.acquire().await.ok();
    }
    let Some(conn) = held.as_mut() else {
        return Vec::new();
    };
    match mtx::insert_messages(conn, batch, mentions).await {
        Ok(rows) => rows,
        Err(e) => {
            tracing::debug!(error = %e, "fast path refused the batch");
            *held = None;
            Vec::new()
        }
    }
}

/// The distinct chats of `sends`, in order of first appearance.
fn chats_in_order(sends: &[(Uuid, ValidSend)]) -> Vec<Uuid> {
    let mut chats: Vec<Uuid> = Vec::new();
    for (chat, _) in sends {
        if !chats.contains(chat) {
            chats.push(*chat);
        }
    }
    chats
}

fn new_message(id: Uuid, chat: Uuid, send: &ValidSend) -> NewMessage {
    NewMessage {
        id,
        chat_id: chat,
        sender_id: send.sender,
        client_id: send.client_id.clone(),
        content: send.content.clone(),
        content_type: send.content_type.clone(),
        metadata: send.metadata.clone(),
        reply_to_id: send.reply_to_id,
    }
}

/// The checked path: under the chat's lock, classify every send (not a member, duplicate,
/// bad reply) and store the new ones.
async fn store_checked(
    inner: &Inner,
    chat: Uuid,
    sends: &[ValidSend],
) -> Result<Vec<Result<SendResult>>> {
    let mut txn = inner.store.begin().await?;
    if !ctx::lock_chat_row(&mut txn, chat).await? {
        return Ok(sends
            .iter()
            .map(|_| Err(Error::NotFound("no such chat")))
            .collect());
    }
    let known = load(&mut txn, chat, sends).await?;
    let mut outcomes = classify(chat, sends, &known);
    let mentions = store_fresh(&mut txn, chat, sends, &known, &mut outcomes).await?;
    let attached = attach_stored(&mut txn, sends, &outcomes).await?;
    txn.commit().await.map_err(StoreError::from)?;
    respond(inner, outcomes, &mentions, &attached).await
}

async fn load(txn: &mut sqlx::PgConnection, chat: Uuid, sends: &[ValidSend]) -> Result<Known> {
    let mut senders: Vec<Uuid> = sends.iter().map(|s| s.sender).collect();
    senders.sort();
    senders.dedup();
    let members = mtx::members_among(txn, chat, &senders).await?;
    let all_senders: Vec<Uuid> = sends.iter().map(|s| s.sender).collect();
    let client_ids: Vec<String> = sends.iter().map(|s| s.client_id.clone()).collect();
    let existing = mtx::by_client_ids(txn, &all_senders, &client_ids).await?;
    let replies: Vec<Uuid> = sends.iter().filter_map(|s| s.reply_to_id).collect();
    let valid_replies = if replies.is_empty() {
        Vec::new()
    } else {
        mtx::messages_in_chat(txn, chat, &replies).await?
    };
    let mut wanted: Vec<String> = sends
        .iter()
        .flat_map(|s| s.mentions.iter().cloned())
        .collect();
    wanted.sort();
    wanted.dedup();
    let mentionable = if wanted.is_empty() {
        HashMap::new()
    } else {
        mtx::members_named(txn, chat, &wanted)
            .await?
            .into_iter()
            .collect()
    };
    let named: Vec<Uuid> = sends
        .iter()
        .flat_map(|s| s.attachments.iter().copied())
        .collect();
    let attachable = if named.is_empty() {
        Vec::new()
    } else {
        crate::store::attachments::tx::lock_unattached(txn, &named).await?
    };
    Ok(Known {
        members,
        existing,
        valid_replies,
        mentionable,
        attachable,
    })
}

/// Links the attachments of the sends stored just now; their API views by message.
async fn attach_stored(
    txn: &mut sqlx::PgConnection,
    sends: &[ValidSend],
    outcomes: &[Outcome],
) -> Result<HashMap<Uuid, Vec<common::api::Attachment>>> {
    let links: Vec<(Uuid, Uuid, i16)> = sends
        .iter()
        .zip(outcomes)
        .filter_map(|(send, outcome)| match outcome {
            Outcome::Stored(row, false) => Some((row.id, &send.attachments)),
            _ => None,
        })
        .flat_map(|(message, ids)| {
            ids.iter()
                .enumerate()
                .map(move |(i, id)| (message, *id, i as i16))
        })
        .collect();
    if links.is_empty() {
        return Ok(HashMap::new());
    }
    crate::store::attachments::tx::attach(txn, &links).await?;
    let messages: Vec<Uuid> = links.iter().map(|l| l.0).collect();
    let rows = crate::store::attachments::tx::attachments_of(txn, &messages).await?;
    Ok(super::view::attachments_by_message(&rows))
}

fn classify(chat: Uuid, sends: &[ValidSend], known: &Known) -> Vec<Outcome> {
    sends
        .iter()
        .enumerate()
        .map(|(i, send)| {
            let earlier = sends[..i]
                .iter()
                .position(|s| s.sender == send.sender && s.client_id == send.client_id);
            let stored = known.existing.iter().find(|m| {
                m.sender_id == Some(send.sender) && m.client_id.as_deref() == Some(&send.client_id)
            });
            if !known.members.contains(&send.sender) {
                Outcome::Refused(Error::NotFound("no such chat"))
            } else if let Some(row) = stored {
                if row.chat_id == chat {
                    Outcome::Stored(Box::new(row.clone()), true)
                } else {
                    Outcome::Refused(Error::Conflict(
                        "this clientId was used for a message in another chat",
                    ))
                }
            } else if let Some(j) = earlier {
                Outcome::SameAs(j)
            } else if send
                .reply_to_id
                .is_some_and(|r| !known.valid_replies.contains(&r))
            {
                Outcome::Refused(Error::field("replyToId", "must be a message of this chat"))
            } else if !attachable(sends, i, known) {
                Outcome::Refused(Error::field(
                    "attachmentIds",
                    "must be your own uploads that are not attached to a message yet",
                ))
            } else {
                Outcome::Fresh
            }
        })
        .collect()
}

/// The attachments of send `i` are its sender's, free, and not claimed earlier in the batch.
fn attachable(sends: &[ValidSend], i: usize, known: &Known) -> bool {
    let send = &sends[i];
    send.attachments.iter().all(|a| {
        known.attachable.contains(&(*a, send.sender))
            && !sends[..i].iter().any(|s| s.attachments.contains(a))
    })
}

/// Stores the fresh sends at consecutive sequence numbers; returns their mentions.
async fn store_fresh(
    txn: &mut sqlx::PgConnection,
    chat: Uuid,
    sends: &[ValidSend],
    known: &Known,
    outcomes: &mut [Outcome],
) -> Result<Vec<(Uuid, Uuid)>> {
    let fresh: Vec<usize> = (0..sends.len())
        .filter(|i| matches!(outcomes[*i], Outcome::Fresh))
        .collect();
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let mut mentions = Vec::new();
    let batch: Vec<NewMessage> = fresh
        .iter()
        .map(|i| {
            let send = &sends[*i];
            let id = Uuid::now_v7();
            mentions.extend(
                send.mentions
                    .iter()
                    .filter_map(|n| known.mentionable.get(n))
                    .map(|u| (id, *u)),
            );
            new_message(id, chat, send)
        })
        .collect();
    let rows = mtx::insert_messages(txn, &batch, &mentions).await?;
    for (i, message) in fresh.into_iter().zip(&batch) {
        if let Some(row) = rows.iter().find(|row| row.id == message.id) {
            outcomes[i] = Outcome::Stored(Box::new(row.clone()), false);
        }
    }
    Ok(mentions)
}

/// After the commit: publish the new messages in sequence order and answer every send.
async fn respond(
    inner: &Inner,
    outcomes: Vec<Outcome>,
    mentions: &[(Uuid, Uuid)],
    attachments: &HashMap<Uuid, Vec<common::api::Attachment>>,
) -> Result<Vec<Result<SendResult>>> {
    let duplicates: Vec<MessageRow> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Stored(row, true) => Some((**row).clone()),
            _ => None,
        })
        .collect();
    let mut hydrated: HashMap<Uuid, common::api::Message> = hydrate(&inner.store, duplicates)
        .await?
        .into_iter()
        .map(|m| (m.id.as_uuid(), m))
        .collect();
    let server_time = time::OffsetDateTime::now_utc();
    let answer = |message: common::api::Message, duplicate: bool| SendResult {
        message_id: message.id,
        seq: message.seq,
        server_time,
        duplicate,
        message,
    };
    let mut results: Vec<Result<SendResult>> = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        let result = match outcome {
            Outcome::Refused(e) => Err(e),
            Outcome::Fresh => Err(Error::Internal(anyhow::anyhow!("a send was not stored"))),
            Outcome::Stored(row, true) => {
                let message = hydrated
                    .remove(&row.id)
                    .unwrap_or_else(|| to_api(*row, Vec::new(), Vec::new()));
                Ok(answer(message, true))
            }
            Outcome::Stored(row, false) => {
                let own: Vec<Uuid> = mentions
                    .iter()
                    .filter(|m| m.0 == row.id)
                    .map(|m| m.1)
                    .collect();
                let chat = row.chat_id;
                let attached = attachments.get(&row.id).cloned().unwrap_or_default();
                let mut message = to_api(*row, own, Vec::new());
                message.attachments = attached;
                let event = common::ws::ServerEvent::MessageNew(common::ws::MessageEvent {
                    chat_id: message.chat_id,
                    seq: message.seq,
                    message: message.clone(),
                });
                inner.hub.to_chat(chat, &event, None);
                Ok(answer(message, false))
            }
            Outcome::SameAs(j) => match &results[j] {
                Ok(first) => Ok(SendResult {
                    duplicate: true,
                    ..first.clone()
                }),
                Err(_) => Err(Error::Conflict(
                    "this clientId was refused earlier in the batch",
                )),
            },
        };
        results.push(result);
    }
    Ok(results)
}
