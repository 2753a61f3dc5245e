//! The nodes of a deployment that shares one Redis, and which of them owns a chat.
//!
//! Each node keeps itself in the sorted set `<prefix>writers` with an expiry time as its
//! score, renewed every [`BEAT`]; the same round trip drops the expired and reads the rest.
//! A chat's owner is chosen from that list by rendezvous hashing (the node whose hash with
//! the chat is highest), so every node with the same list picks the same owner, and a node
//! joining or leaving moves only its share of the chats.
//!
//! Ownership is a hint for speed, never needed for correctness: two nodes that disagree for
//! a moment both store into the chat, as any node may, and the database keeps the order.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use common::ids::ChatId;
use redis::aio::ConnectionManager;
use sha2::{Digest, Sha256};
use tokio_util::sync::CancellationToken;
use tracing::{debug, warn};
use uuid::Uuid;

use crate::tasks::Tasks;

/// How often a node renews its entry and reads the others'.
const BEAT: Duration = Duration::from_secs(1);
/// How long an entry counts without renewal: a node that stops (or hangs) owns nothing after
/// this. A node that exits cleanly removes its entry at once.
const TTL_MS: u64 = 5_000;

/// Renews this node's entry (expiring [`TTL_MS`] from Redis' clock, so that the nodes'
/// clocks do not matter), removes the expired ones and returns the live nodes.
const BEAT_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
return redis.call('ZRANGE', KEYS[1], 0, -1)
";

static BEAT_ONCE: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(BEAT_SCRIPT));

/// This node and the live nodes it knows of.
#[derive(Debug)]
pub struct Nodes {
    me: Uuid,
    /// Sorted; always holds `me`. Only this node while Redis cannot be reached.
    live: RwLock<Arc<[Uuid]>>,
}

impl Nodes {
    /// A node alone (until [`Self::start`]'s first beat).
    pub fn new(me: Uuid) -> Arc<Self> {
        Arc::new(Self {
            me,
            live: RwLock::new(Arc::from([me])),
        })
    }

    /// Starts the heartbeat under `tasks`: the entry `<prefix>writers` is renewed every
    /// second until the tasks' token is cancelled, then removed.
    pub fn start(self: &Arc<Self>, conn: ConnectionManager, prefix: &str, tasks: &Tasks) {
        let key = format!("{prefix}writers");
        let nodes = self.clone();
        tasks.supervise("cluster-heartbeat", move |token| {
            let (nodes, conn, key) = (nodes.clone(), conn.clone(), key.clone());
            async move { nodes.beat(conn, &key, &token).await }
        });
    }

    /// This node's id.
    pub fn me(&self) -> Uuid {
        self.me
    }

    /// The node that owns `chat`, when it is another one.
    pub fn other_owner(&self, chat: ChatId) -> Option<Uuid> {
        let live = self.live.read().map(|l| l.clone()).ok()?;
        if live.len() < 2 {
            return None;
        }
        let owner = owner_among(chat, &live)?;
        (owner != self.me).then_some(owner)
    }

    async fn beat(&self, mut conn: ConnectionManager, key: &str, token: &CancellationToken) {
        let mut every = tokio::time::interval(BEAT);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                () = token.cancelled() => break,
            }
            let mut call = BEAT_ONCE.key(key);
            call.arg(self.me.to_string()).arg(TTL_MS);
            let answer: redis::RedisResult<Vec<String>> = call.invoke_async(&mut conn).await;
            let live = match answer {
                Ok(ids) => {
                    let mut live: Vec<Uuid> =
                        ids.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect();
                    if !live.contains(&self.me) {
                        live.push(self.me);
                    }
                    live.sort_unstable();
                    live
                }
                Err(e) => {
                    // Every chat is this node's own until Redis answers again.
                    debug!(error = %e, "cluster heartbeat failed; storing every chat here");
                    vec![self.me]
                }
            };
            if let Ok(mut slot) = self.live.write() {
                *slot = live.into();
            }
        }
        // Leaving: the others stop sending this node their chats' messages at once.
        let gone: redis::RedisResult<()> = redis::cmd("ZREM")
            .arg(key)
            .arg(self.me.to_string())
            .query_async(&mut conn)
            .await;
        if let Err(e) = gone {
            warn!(error = %e, "cluster: could not remove this node's entry; it expires by itself");
        }
    }
}

/// Rendezvous hashing: the node whose hash with the chat is highest.
fn owner_among(chat: ChatId, nodes: &[Uuid]) -> Option<Uuid> {
    nodes.iter().copied().max_by_key(|node| {
        let mut hash = Sha256::new();
        hash.update(chat.as_uuid().as_bytes());
        hash.update(node.as_bytes());
        let digest = hash.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_node_picks_the_same_owner_and_a_leaving_node_moves_only_its_chats() {
        let nodes: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let chats: Vec<ChatId> = (0..3000).map(|_| ChatId::new()).collect();
        let owners: Vec<Uuid> = chats
            .iter()
            .map(|c| owner_among(*c, &nodes).unwrap())
            .collect();
        let mut reversed = nodes.clone();
        reversed.reverse();
        for (chat, owner) in chats.iter().zip(&owners) {
            assert_eq!(
                owner_among(*chat, &reversed),
                Some(*owner),
                "order matters not"
            );
        }
        for node in &nodes {
            let share = owners.iter().filter(|o| *o == node).count();
            assert!(
                (700..1300).contains(&share),
                "an uneven share: {share} of 3000"
            );
        }
        let without_last = &nodes[..2];
        for (chat, owner) in chats.iter().zip(&owners) {
            let now = owner_among(*chat, without_last).unwrap();
            if *owner != nodes[2] {
                assert_eq!(now, *owner, "a chat of a node that stayed moved");
            }
        }
    }

    #[test]
    fn a_node_alone_owns_nothing_elsewhere() {
        let nodes = Nodes::new(Uuid::now_v7());
        assert_eq!(nodes.other_owner(ChatId::new()), None);
    }
}
