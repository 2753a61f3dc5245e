//! Sends handed to the node that owns their chat ([`crate::cluster`]), over Redis, so that
//! one node's lane batches every send of a busy chat. Two nodes writing into one chat each
//! wait for the other's commit on the chat's row (its `last_seq`), and each commits smaller
//! batches; through the owner, the chat is written as on one node.
//!
//! A node subscribes to `<prefix>sends:<node>` (sends for its chats) and
//! `<prefix>sent:<node>` (the answers to the sends it handed over). Nothing here may lose a
//! send or store one twice: whenever the owner does not answer with a stored message (no
//! node listening, an error, no answer in [`ANSWER_WAIT`]), the node that took the send
//! stores it itself, and the send's `clientId` makes a second store of the same message
//! return the first. An owner that did not answer is passed over for a few seconds, so
//! that a frozen node costs one wait, not one per send.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::api::SendResult;
use common::ids::ChatId;
use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};
use uuid::Uuid;

use super::{MessageWriter, ValidSend};
use crate::cluster::Nodes;
use crate::tasks::Tasks;

/// How long a node waits for the owner's answer before storing the send itself. A send is
/// answered in milliseconds; this is for an owner that stopped or froze mid-send.
const ANSWER_WAIT: Duration = Duration::from_secs(1);
/// An owner that did not answer (or had nobody listening) is passed over for this long:
/// its chats' sends are stored by the node that takes them, rather than each waiting
/// [`ANSWER_WAIT`] on a node that is frozen or gone (its entry lasts up to 5 s more).
const PASS_OVER: Duration = Duration::from_secs(5);

/// How often a stopping node looks whether every handed-over send has its answer.
const STOP_CHECK: Duration = Duration::from_millis(50);

/// This node's two channels: the sends handed to it, the answers to those it handed on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Inbox {
    Sends,
    Answers,
}

/// A send handed to its chat's owner.
#[derive(Debug, Serialize, Deserialize)]
struct Handed<S> {
    /// The node waiting for the answer.
    from: Uuid,
    /// Its number for the send, echoed in the answer.
    id: u64,
    chat: ChatId,
    send: S,
}

/// The owner's answer: the stored message, or none (the sender's node then stores it, and
/// answers with the same error the owner met, should it meet it too).
#[derive(Debug, Serialize, Deserialize)]
struct Answer {
    id: u64,
    result: Option<SendResult>,
}

/// How a handed-over send ended.
#[derive(Debug)]
pub(super) enum Handover {
    /// Stored by the owner.
    Stored(Box<SendResult>),
    /// Not stored by the owner: store it here.
    Refused,
    /// Unknown (no answer in time): store it here; if the owner did store it, the
    /// `clientId` returns that message.
    Unanswered,
}

/// This node's side of the handover: the sends it waits on, and its Redis connection.
pub(super) struct Forwarder {
    nodes: Arc<Nodes>,
    conn: ConnectionManager,
    prefix: String,
    next: AtomicU64,
    waiting: Mutex<HashMap<u64, oneshot::Sender<Option<SendResult>>>>,
    /// Owners that did not answer, and until when they are passed over.
    passed_over: Mutex<HashMap<Uuid, Instant>>,
}

impl std::fmt::Debug for Forwarder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarder")
            .field("node", &self.nodes.me())
            .finish_non_exhaustive()
    }
}

impl Forwarder {
    /// Starts the heartbeat and the subscriber under `tasks`; sends handed to this node are
    /// stored by `local` (a writer that hands nothing on).
    pub(super) fn start(
        local: &MessageWriter,
        client: &redis::Client,
        conn: ConnectionManager,
        prefix: &str,
        tasks: &Tasks,
    ) -> Arc<Self> {
        let nodes = Nodes::new(Uuid::now_v7());
        nodes.start(conn.clone(), prefix, tasks);
        let forwarder = Arc::new(Self {
            nodes,
            conn,
            prefix: prefix.to_owned(),
            next: AtomicU64::new(0),
            waiting: Mutex::new(HashMap::new()),
            passed_over: Mutex::new(HashMap::new()),
        });
        for (inbox, name) in [
            (Inbox::Sends, "send-handover"),
            (Inbox::Answers, "send-handover-answers"),
        ] {
            let (me, spawner) = (forwarder.clone(), tasks.clone());
            let (local, client) = (local.clone(), client.clone());
            tasks.supervise(name, move |token| {
                let (me, local, client, spawner) =
                    (me.clone(), local.clone(), client.clone(), spawner.clone());
                async move { me.listen(inbox, &client, &local, &spawner, &token).await }
            });
        }
        forwarder
    }

    /// The other node that owns `chat`, if any and if it has been answering.
    pub(super) fn owner_of(&self, chat: ChatId) -> Option<Uuid> {
        let owner = self.nodes.other_owner(chat)?;
        let mut passed_over = lock(&self.passed_over);
        match passed_over.get(&owner) {
            Some(until) if *until > Instant::now() => None,
            Some(_) => {
                passed_over.remove(&owner);
                Some(owner)
            }
            None => Some(owner),
        }
    }

    /// `owner` did not answer: its chats are stored here for [`PASS_OVER`].
    fn pass_over(&self, owner: Uuid) {
        lock(&self.passed_over).insert(owner, Instant::now() + PASS_OVER);
    }

    /// Hands `send` to `owner` and waits for its answer.
    pub(super) async fn hand_over(&self, owner: Uuid, chat: ChatId, send: &ValidSend) -> Handover {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = oneshot::channel();
        self.waiting_slots().insert(id, tx);
        let handed = Handed {
            from: self.nodes.me(),
            id,
            chat,
            send,
        };
        let Ok(text) = serde_json::to_string(&handed) else {
            self.waiting_slots().remove(&id);
            return Handover::Refused;
        };
        let listeners: redis::RedisResult<i64> = redis::cmd("PUBLISH")
            .arg(format!("{}sends:{owner}", self.prefix))
            .arg(text)
            .query_async(&mut self.conn.clone())
            .await;
        // The owner is gone (or Redis is): nothing was handed over.
        if !matches!(listeners, Ok(n) if n > 0) {
            self.waiting_slots().remove(&id);
            if listeners.is_ok() {
                self.pass_over(owner);
            }
            return Handover::Refused;
        }
        match tokio::time::timeout(ANSWER_WAIT, rx).await {
            Ok(Ok(Some(result))) => Handover::Stored(Box::new(result)),
            Ok(Ok(None)) => Handover::Refused,
            Ok(Err(_)) => Handover::Unanswered,
            Err(_) => {
                self.waiting_slots().remove(&id);
                self.pass_over(owner);
                Handover::Unanswered
            }
        }
    }

    fn waiting_slots(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<u64, oneshot::Sender<Option<SendResult>>>> {
        lock(&self.waiting)
    }

    /// Takes what comes on one of this node's two channels, resubscribing when Redis drops
    /// the subscription. Once `token` is cancelled (the node stops), the sends channel is
    /// left at once (other nodes then store their sends themselves), and the answers
    /// channel as soon as no send waits for its answer: a send handed over before the stop
    /// is still answered.
    async fn listen(
        &self,
        inbox: Inbox,
        client: &redis::Client,
        local: &MessageWriter,
        spawner: &Tasks,
        token: &CancellationToken,
    ) {
        let me = self.nodes.me();
        let channel = match inbox {
            Inbox::Sends => format!("{}sends:{me}", self.prefix),
            Inbox::Answers => format!("{}sent:{me}", self.prefix),
        };
        let mut backoff = Duration::from_millis(100);
        while !self.done(inbox, token) {
            match client.get_async_pubsub().await {
                Ok(mut pubsub) => {
                    if let Err(e) = pubsub.subscribe(&channel).await {
                        warn!(error = %e, %channel, "send handover: subscribe failed");
                    } else {
                        if inbox == Inbox::Sends {
                            info!(node = %me, "taking the sends of this node's chats from other nodes");
                        }
                        backoff = Duration::from_millis(100);
                        let mut stream = pubsub.on_message();
                        loop {
                            let msg = tokio::select! {
                                msg = stream.next() => msg,
                                () = token.cancelled(), if !token.is_cancelled() => continue,
                                () = tokio::time::sleep(STOP_CHECK), if token.is_cancelled() => {
                                    if self.done(inbox, token) {
                                        return;
                                    }
                                    continue;
                                }
                            };
                            let Some(msg) = msg else { break };
                            let Ok(text) = msg.get_payload::<String>() else {
                                continue;
                            };
                            match inbox {
                                Inbox::Answers => self.answered(&text),
                                Inbox::Sends => self.store_handed(&text, local, spawner),
                            }
                        }
                        warn!(%channel, "send handover: lost the subscription; resubscribing");
                    }
                }
                Err(e) => warn!(error = %e, "send handover: cannot connect; retrying"),
            }
            if self.done(inbox, token) {
                return;
            }
            tokio::select! {
                () = token.cancelled(), if !token.is_cancelled() => {}
                () = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(Duration::from_secs(5));
        }
    }

    /// Whether the loop on `inbox` may end.
    fn done(&self, inbox: Inbox, token: &CancellationToken) -> bool {
        token.is_cancelled()
            && match inbox {
                Inbox::Sends => true,
                Inbox::Answers => self.waiting_slots().is_empty(),
            }
    }

    fn answered(&self, text: &str) {
        match serde_json::from_str::<Answer>(text) {
            Ok(answer) => {
                if let Some(waiter) = self.waiting_slots().remove(&answer.id) {
                    let _ = waiter.send(answer.result);
                }
            }
            Err(e) => debug!(error = %e, "ignoring a malformed send answer"),
        }
    }

    /// Queues a handed send on this node's lane at once (so that sends keep the order in
    /// which they were handed over) and answers once it is stored.
    fn store_handed(&self, text: &str, local: &MessageWriter, spawner: &Tasks) {
        let handed = match serde_json::from_str::<Handed<ValidSend>>(text) {
            Ok(handed) => handed,
            Err(e) => {
                debug!(error = %e, "ignoring a malformed handed send");
                return;
            }
        };
        let queued = local.submit(handed.chat, handed.send);
        let (mut conn, channel) = (
            self.conn.clone(),
            format!("{}sent:{}", self.prefix, handed.from),
        );
        let id = handed.id;
        spawner.spawn(async move {
            let result = match queued {
                Ok(stored) => match stored.await {
                    Ok(Ok(result)) => Some(result),
                    Ok(Err(e)) => {
                        e.log();
                        None
                    }
                    Err(_) => None,
                },
                Err(_) => None,
            };
            let Ok(text) = serde_json::to_string(&Answer { id, result }) else {
                return;
            };
            let sent: redis::RedisResult<i64> = redis::cmd("PUBLISH")
                .arg(channel)
                .arg(text)
                .query_async(&mut conn)
                .await;
            if let Err(e) = sent {
                // The other node stores it itself after its wait, and finds this one.
                debug!(error = %e, "a send's answer was not published");
            }
        });
    }
}

/// A panic while holding one of these locks cannot leave its map inconsistent.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
