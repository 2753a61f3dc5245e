//! The bus between nodes: every delivery is handed to this node's registry at once and
//! published on one Redis channel that every node subscribes to; a node skips its own.
//! A subscriber that loses Redis reconnects by itself; what it missed meanwhile is
//! recovered by clients' resync.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info, warn};
use uuid::Uuid;

use super::{Bus, Delivery, Registry};
use crate::store::Store;
use crate::tasks::Tasks;

/// How many deliveries may wait for the publisher before new ones are dropped (and left to
/// resync).
const PUBLISH_QUEUE: usize = 65_536;
/// The most deliveries one pipeline publishes: bounds one round trip's size (a delivery
/// is a few hundred bytes to a few KiB).
const PUBLISH_BATCH: usize = 256;

/// What goes over `<prefix>events`: a delivery, or a node's call to resync. Nodes publish
/// it, and so does `chatctl` for the changes it makes (with an `origin` of its own).
#[derive(Debug, Serialize, Deserialize)]
pub struct WireDelivery {
    /// The publisher (a node's id, or a fresh one per `chatctl` run): a node skips what it
    /// published itself. A plain uuid: no id type of `common` names a publisher.
    pub origin: Uuid,
    /// Set by a node whose publishing failed for a while: every node tells its clients to
    /// resync, since they may have missed that node's events.
    #[serde(default)]
    pub resync: bool,
    /// The delivery, to hand to every node's registry.
    #[serde(default)]
    pub delivery: Option<Delivery>,
}

/// Many nodes on one Redis.
#[derive(Debug, Clone)]
pub struct RedisBus {
    node: Uuid,
    registry: Arc<Registry>,
    outbox: mpsc::Sender<String>,
    /// Set when a delivery could not even be queued; the publisher then asks every node
    /// to have its clients resync.
    overflowed: Arc<std::sync::atomic::AtomicBool>,
}

impl RedisBus {
    /// Starts the publisher and the subscriber tasks on `client`, on the channels
    /// `<prefix>events` (deliveries) and `<prefix>admin` (operator notices from `chatctl`),
    /// under `tasks`. When their token is cancelled the publisher publishes what is queued
    /// (the shutdown waits for it) and the subscriber stops.
    pub fn start(
        client: redis::Client,
        prefix: &str,
        registry: Arc<Registry>,
        store: Store,
        tasks: &Tasks,
    ) -> Self {
        let node = Uuid::now_v7();
        let channel = format!("{prefix}events");
        let admin = format!("{prefix}admin");
        let (outbox, inbox) = mpsc::channel(PUBLISH_QUEUE);
        // The queue outlives a publisher that panics: its replacement takes it over.
        let inbox = Arc::new(tokio::sync::Mutex::new(inbox));
        let overflowed = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let publisher = Publisher {
            client: client.clone(),
            channel: channel.clone(),
            node,
            overflowed: overflowed.clone(),
        };
        tasks.supervise("redis-publisher", move |token| {
            let (publisher, inbox) = (publisher.clone(), inbox.clone());
            async move {
                let mut inbox = inbox.lock().await;
                publisher.run(&mut inbox, &token).await;
            }
        });
        let subscriber_registry = registry.clone();
        tasks.supervise("redis-subscriber", move |token| {
            subscribe_loop(
                client.clone(),
                [channel.clone(), admin.clone()],
                node,
                subscriber_registry.clone(),
                store.clone(),
                token,
            )
        });
        Self {
            node,
            registry,
            outbox,
            overflowed,
        }
    }
}

impl Bus for RedisBus {
    fn publish(&self, delivery: Delivery) {
        self.registry.deliver(delivery.clone());
        let wire = WireDelivery {
            origin: self.node,
            resync: false,
            delivery: Some(delivery),
        };
        match serde_json::to_string(&wire) {
            Ok(text) => {
                if self.outbox.try_send(text).is_err() {
                    warn!("redis publish queue full: a delivery is left to resync");
                    self.overflowed
                        .store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
            Err(e) => warn!(error = %e, "cannot serialize a delivery"),
        }
    }
}

#[derive(Clone)]
struct Publisher {
    client: redis::Client,
    channel: String,
    node: Uuid,
    overflowed: Arc<std::sync::atomic::AtomicBool>,
}

impl Publisher {
    /// Publishes the queued deliveries in order until `token` is cancelled and the queue
    /// is empty: whatever has queued up meanwhile goes in one pipeline (one round trip for
    /// up to [`PUBLISH_BATCH`] deliveries, in order). Once cancelled, a batch that cannot be
    /// published at once is given up (clients resync) rather than holding up the shutdown.
    async fn run(&self, inbox: &mut mpsc::Receiver<String>, token: &CancellationToken) {
        let mut conn = None;
        let mut lost_some = false;
        let mut batch = Vec::with_capacity(PUBLISH_BATCH);
        loop {
            batch.clear();
            if token.is_cancelled() {
                while batch.len() < PUBLISH_BATCH {
                    match inbox.try_recv() {
                        Ok(text) => batch.push(text),
                        Err(_) => break,
                    }
                }
                if batch.is_empty() {
                    return;
                }
            } else {
                tokio::select! {
                    biased;
                    got = inbox.recv_many(&mut batch, PUBLISH_BATCH) => if got == 0 {
                        return;
                    },
                    () = token.cancelled() => continue,
                }
            }
            if self
                .overflowed
                .swap(false, std::sync::atomic::Ordering::Relaxed)
            {
                lost_some = true;
            }
            if !self.publish(&mut conn, &mut lost_some, &batch, token).await {
                return;
            }
        }
    }

    /// Publishes one batch of deliveries, in order, in one pipeline (preceded by the call
    /// to resync when some were lost before); false when it gives up on the rest
    /// (stopping, and Redis cannot be reached).
    async fn publish(
        &self,
        conn: &mut Option<redis::aio::MultiplexedConnection>,
        lost_some: &mut bool,
        batch: &[String],
        token: &CancellationToken,
    ) -> bool {
        let (client, channel, node) = (&self.client, &self.channel, self.node);
        loop {
            if conn.is_none() {
                match client.get_multiplexed_async_connection().await {
                    Ok(c) => *conn = Some(c),
                    Err(e) if token.is_cancelled() => {
                        warn!(error = %e, "redis publisher: cannot connect while stopping; the rest is left to resync");
                        return false;
                    }
                    Err(e) => {
                        warn!(error = %e, "redis publisher: cannot connect; retrying");
                        tokio::select! {
                            () = token.cancelled() => {}
                            () = tokio::time::sleep(Duration::from_millis(500)) => {}
                        }
                        continue;
                    }
                }
            }
            let Some(c) = conn.as_mut() else { continue };
            let mut pipe = redis::pipe();
            if *lost_some {
                let notice = WireDelivery {
                    origin: node,
                    resync: true,
                    delivery: None,
                };
                if let Ok(notice) = serde_json::to_string(&notice) {
                    pipe.cmd("PUBLISH").arg(channel).arg(notice).ignore();
                }
            }
            for text in batch {
                pipe.cmd("PUBLISH").arg(channel).arg(text).ignore();
            }
            let published: redis::RedisResult<()> = pipe.query_async(c).await;
            match published {
                Ok(()) => *lost_some = false,
                Err(e) => {
                    warn!(error = %e, size = batch.len(), "redis publish failed; the deliveries are left to resync");
                    *conn = None;
                    *lost_some = true;
                }
            }
            return true;
        }
    }
}

/// After missed deliveries: memberships are re-read from PostgreSQL (a missed join or
/// removal must not linger), then every client is told to resync.
async fn recover(registry: &Arc<Registry>, store: &Store) {
    let users = registry.local_users();
    if !users.is_empty() {
        // Events that arrive while PostgreSQL is read win over what it returns.
        let load = registry.begin_load();
        match store.memberships_of(&users).await {
            Ok(memberships) => registry.replace_memberships(&users, &memberships, load),
            Err(e) => warn!(error = %e, "memberships not refreshed; clients will resync anyway"),
        }
    }
    // Blocks changed meanwhile arrived with deliveries this node may have missed.
    match store.all_blocks().await {
        Ok(pairs) => registry.blocks().replace(&pairs),
        Err(e) => warn!(error = %e, "blocks not refreshed"),
    }
    registry.ask_everyone_to_resync();
}

async fn subscribe_loop(
    client: redis::Client,
    [channel, admin]: [String; 2],
    node: Uuid,
    registry: Arc<Registry>,
    store: Store,
    token: CancellationToken,
) {
    let mut backoff = Duration::from_millis(100);
    while !token.is_cancelled() {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => {
                if let Err(e) = pubsub.subscribe(&[&channel, &admin]).await {
                    warn!(error = %e, "redis subscribe failed");
                } else {
                    info!(%channel, "subscribed to the fan-out channel");
                    backoff = Duration::from_millis(100);
                    // Whatever happened while we were away is for clients to resync.
                    recover(&registry, &store).await;
                    let mut stream = pubsub.on_message();
                    // This node's own deliveries come back too; they start with its origin
                    // (the first field, as this node serialized them), so they are skipped
                    // without decoding the frame they carry.
                    let own = own_prefix(node);
                    while let Some(Some(msg)) = token.run_until_cancelled(stream.next()).await {
                        let Ok(text) = msg.get_payload::<String>() else {
                            continue;
                        };
                        if msg.get_channel_name() == admin {
                            super::notices::apply(&registry, &text);
                            continue;
                        }
                        if text.starts_with(&own) {
                            continue;
                        }
                        match serde_json::from_str::<WireDelivery>(&text) {
                            Ok(wire) if wire.origin == node => {}
                            Ok(wire) if wire.resync => recover(&registry, &store).await,
                            Ok(WireDelivery {
                                delivery: Some(delivery),
                                ..
                            }) => registry.deliver(delivery),
                            Ok(_) => {}
                            Err(e) => debug!(error = %e, "ignoring a malformed delivery"),
                        }
                    }
                    if token.is_cancelled() {
                        return;
                    }
                    warn!("lost the redis subscription; reconnecting");
                }
            }
            Err(e) => warn!(error = %e, "redis subscriber: cannot connect; retrying"),
        }
        tokio::select! {
            () = token.cancelled() => return,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// How every delivery a node publishes begins: its `origin`, the first field.
fn own_prefix(node: Uuid) -> String {
    format!("{{\"origin\":\"{node}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nodes_deliveries_begin_with_its_origin_and_no_one_elses_do() {
        let (node, other) = (Uuid::now_v7(), Uuid::now_v7());
        for resync in [false, true] {
            let wire = WireDelivery {
                origin: node,
                resync,
                delivery: None,
            };
            let text = serde_json::to_string(&wire).unwrap();
            assert!(text.starts_with(&own_prefix(node)), "{text}");
            assert!(!text.starts_with(&own_prefix(other)), "{text}");
        }
    }
}
