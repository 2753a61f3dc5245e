//! Presence: online, away or offline, and when last seen, across devices and nodes.
//!
//! Each node knows its own connections. With Redis, each node writes its aggregate for a
//! user into `<prefix>presence:<user>` (field = node id) and keeps `<prefix>node:<id>` alive
//! with a 30 s expiry, so a crashed node's entries stop counting within 30 s. A user is
//! online if any live node says online, away if any says away, offline otherwise. Changes
//! go to the user's own connections and to those who share a chat with the user and whom
//! the user's privacy setting lets see it (everyone, contacts, nobody); the node where the
//! change happens picks the audience from PostgreSQL, so every node hears the same.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::ws::{PresenceStatus, UserStatus};
use redis::aio::ConnectionManager;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use tracing::warn;
use uuid::Uuid;

use common::UserId;

use crate::blocks::Blocks;
use crate::error::{Error, Result};
use crate::fanout::ConnId;
use crate::hub::Hub;
use crate::store::Store;
use crate::tasks::Tasks;

mod announce;
mod audience;

const NODE_TTL_SECS: u64 = 30;
/// The most users one presence snapshot may ask about.
const SNAPSHOT_MAX: usize = 500;
const REDIS_TIMEOUT: Duration = Duration::from_secs(1);

#[derive(Clone)]
struct Shared {
    conn: ConnectionManager,
    prefix: String,
    node: Uuid,
}

/// Presence of the users connected anywhere.
#[derive(Clone)]
pub struct Presence {
    local: Arc<Mutex<HashMap<UserId, HashMap<ConnId, PresenceStatus>>>>,
    last_seen: Arc<Mutex<HashMap<UserId, OffsetDateTime>>>,
    shared: Option<Shared>,
    store: Store,
    hub: Hub,
    blocks: Blocks,
    /// Users whose connections here changed, for the announcer.
    dirty: Arc<announce::Dirty>,
    /// The status this node last announced (or heard the shared state announce) per user;
    /// without Redis, what changes are measured against.
    announced: Arc<Mutex<HashMap<UserId, PresenceStatus>>>,
}

impl std::fmt::Debug for Presence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Presence").finish_non_exhaustive()
    }
}

impl Presence {
    /// Presence for this node; with Redis, shared with the others (the heartbeat runs
    /// under `tasks` until their token is cancelled).
    pub fn start(
        store: Store,
        hub: Hub,
        blocks: Blocks,
        redis: Option<(ConnectionManager, String)>,
        tasks: &Tasks,
    ) -> Self {
        let shared = redis.map(|(conn, prefix)| Shared {
            conn,
            prefix,
            node: Uuid::now_v7(),
        });
        if let Some(shared) = shared.clone() {
            tasks.supervise("presence-heartbeat", move |token| {
                heartbeat(shared.clone(), token)
            });
        }
        let presence = Self {
            local: Arc::new(Mutex::new(HashMap::new())),
            last_seen: Arc::new(Mutex::new(HashMap::new())),
            shared,
            store,
            hub,
            blocks,
            dirty: Arc::default(),
            announced: Arc::default(),
        };
        let announcer = presence.clone();
        tasks.supervise("presence-announcer", move |token| {
            announce::run(announcer.clone(), announcer.dirty.clone(), token)
        });
        presence
    }

    /// A connection of `user` opened.
    pub fn connected(&self, user: UserId, conn: ConnId) {
        self.change(user, |conns| {
            conns.insert(conn, PresenceStatus::Online);
        });
    }

    /// A connection of `user` set itself online or away (checked by [`Self::set_status`]).
    fn set(&self, user: UserId, conn: ConnId, status: PresenceStatus) {
        let status = if status == PresenceStatus::Away {
            status
        } else {
            PresenceStatus::Online
        };
        self.change(user, |conns| {
            conns.insert(conn, status);
        });
    }

    /// A connection of `user` says it is online or away; offline is what disconnecting
    /// means, never something a client sets.
    pub fn set_status(&self, user: UserId, conn: ConnId, status: PresenceStatus) -> Result<()> {
        if status == PresenceStatus::Offline {
            return Err(Error::field(
                "status",
                "online or away; offline follows disconnecting",
            ));
        }
        self.set(user, conn, status);
        Ok(())
    }

    /// A connection of `user` closed.
    pub fn disconnected(&self, user: UserId, conn: ConnId) {
        self.change(user, |conns| {
            conns.remove(&conn);
        });
    }

    /// The user's status now, and when they were last seen if offline.
    pub async fn status_of(&self, user: UserId) -> (PresenceStatus, Option<OffsetDateTime>) {
        let status = self.global(user).await;
        let seen = if status == PresenceStatus::Offline {
            self.last_seen(user).await
        } else {
            None
        };
        (status, seen)
    }

    /// The statuses of those of `users` that `viewer` may see: the users who share a chat
    /// with the viewer (and the viewer), not across a block in either direction, and whose
    /// privacy setting lets the viewer see it.
    pub async fn snapshot(&self, viewer: UserId, users: &[UserId]) -> Result<Vec<UserStatus>> {
        if users.len() > SNAPSHOT_MAX {
            return Err(Error::field("userIds", "at most 500 users"));
        }
        let mut visible = self.store.contacts_by_chat(viewer).await?;
        visible.retain(|u| !self.blocks.separates(viewer, *u));
        let mut visible = self.store.presence_visible_to(viewer, &visible).await?;
        visible.push(viewer);
        let mut out = Vec::new();
        for id in users.iter().filter(|id| visible.contains(id)) {
            let (status, last_seen_at) = self.status_of(*id).await;
            out.push(UserStatus {
                user_id: *id,
                status,
                last_seen_at,
            });
        }
        Ok(out)
    }

    /// Applies a change to the user's connections here; the announcer writes it to Redis
    /// and tells those who see the user, off the caller's path.
    fn change(&self, user: UserId, apply: impl FnOnce(&mut HashMap<ConnId, PresenceStatus>)) {
        {
            let Ok(mut all) = self.local.lock() else {
                return;
            };
            let conns = all.entry(user).or_default();
            apply(conns);
            if conns.is_empty() {
                all.remove(&user);
            }
        }
        self.dirty.mark(user);
    }

    fn local_status(&self, user: UserId) -> PresenceStatus {
        self.local
            .lock()
            .ok()
            .and_then(|all| all.get(&user).map(|c| aggregate(c.values().copied())))
            .unwrap_or(PresenceStatus::Offline)
    }

    async fn global(&self, user: UserId) -> PresenceStatus {
        let local = self.local_status(user);
        let Some(shared) = &self.shared else {
            return local;
        };
        let mut conn = shared.conn.clone();
        let key = format!("{}presence:{user}", shared.prefix);
        let entries: HashMap<String, String> = match tokio::time::timeout(
            REDIS_TIMEOUT,
            redis::cmd("HGETALL").arg(&key).query_async(&mut conn),
        )
        .await
        {
            Ok(Ok(entries)) => entries,
            _ => return local,
        };
        let others: Vec<(String, String)> = entries
            .into_iter()
            .filter(|(node, _)| *node != shared.node.to_string())
            .collect();
        if others.is_empty() {
            return local;
        }
        let node_keys: Vec<String> = others
            .iter()
            .map(|(n, _)| format!("{}node:{n}", shared.prefix))
            .collect();
        let alive: Vec<Option<String>> = match tokio::time::timeout(
            REDIS_TIMEOUT,
            redis::cmd("MGET").arg(&node_keys).query_async(&mut conn),
        )
        .await
        {
            Ok(Ok(alive)) => alive,
            _ => return local,
        };
        let remote = others
            .iter()
            .zip(alive)
            .filter(|(_, alive)| alive.is_some())
            .map(|((_, status), _)| {
                if status == "away" {
                    PresenceStatus::Away
                } else {
                    PresenceStatus::Online
                }
            });
        aggregate(
            remote
                .chain(std::iter::once(local))
                .filter(|s| *s != PresenceStatus::Offline),
        )
    }

    async fn last_seen(&self, user: UserId) -> Option<OffsetDateTime> {
        if let Some(shared) = &self.shared {
            let mut conn = shared.conn.clone();
            let cmd = redis::cmd("GET")
                .arg(format!("{}seen:{user}", shared.prefix))
                .clone();
            if let Ok(Ok(Some(ts))) =
                tokio::time::timeout(REDIS_TIMEOUT, cmd.query_async::<Option<i64>>(&mut conn)).await
            {
                return OffsetDateTime::from_unix_timestamp(ts).ok();
            }
        }
        self.last_seen
            .lock()
            .ok()
            .and_then(|seen| seen.get(&user).copied())
    }
}

/// Online beats away beats offline.
fn aggregate(statuses: impl Iterator<Item = PresenceStatus>) -> PresenceStatus {
    let mut best = PresenceStatus::Offline;
    for status in statuses {
        match status {
            PresenceStatus::Online => return PresenceStatus::Online,
            PresenceStatus::Away => best = PresenceStatus::Away,
            PresenceStatus::Offline => {}
        }
    }
    best
}

async fn heartbeat(shared: Shared, token: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(NODE_TTL_SECS / 3));
    loop {
        tokio::select! {
            () = token.cancelled() => return,
            _ = tick.tick() => {}
        }
        let mut conn = shared.conn.clone();
        let cmd = redis::cmd("SET")
            .arg(format!("{}node:{}", shared.prefix, shared.node))
            .arg(1)
            .arg("EX")
            .arg(NODE_TTL_SECS)
            .clone();
        if let Ok(Err(e)) =
            tokio::time::timeout(REDIS_TIMEOUT, cmd.query_async::<()>(&mut conn)).await
        {
            warn!(error = %e, "presence heartbeat failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn online_beats_away_beats_offline() {
        use PresenceStatus::{Away, Offline, Online};
        assert_eq!(aggregate([Away, Online].into_iter()), Online);
        assert_eq!(aggregate([Away, Offline].into_iter()), Away);
        assert_eq!(aggregate(std::iter::empty()), Offline);
    }
}
