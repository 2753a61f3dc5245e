//! Presence changes leave the connect path: opening or closing a socket only marks its user
//! dirty here, and one task writes the node's statuses to Redis and announces what changed.
//! With Redis, a batch of changed users costs one round trip (a pipeline of one script per
//! user, which writes this node's entry, aggregates the live nodes' entries and compares
//! the result with the status last announced, atomically, so exactly one node announces a
//! change even when two nodes change the same user at once).

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use common::UserId;
use common::ws::{PresenceStatus, ServerEvent, UserStatus};
use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::warn;

use super::{Presence, REDIS_TIMEOUT, Shared};

/// The most users one round trip settles.
const BATCH: usize = 256;
/// How many announcements (each reads its audience from PostgreSQL) run at once.
const ANNOUNCING: usize = 8;

/// Writes this node's entry for one user, then returns `{changed, status}`: the status of
/// the user over every live node (this one counts as live), and whether it differs from the
/// one last announced by any node. Going offline records the time last seen.
const SCRIPT: &str = r"
local key, state, seen = KEYS[1], KEYS[2], KEYS[3]
local node, status, prefix, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if status == 'offline' then
  redis.call('HDEL', key, node)
else
  redis.call('HSET', key, node, status)
end
local entries = redis.call('HGETALL', key)
local best = 'offline'
for i = 1, #entries, 2 do
  local n, s = entries[i], entries[i + 1]
  if n == node or redis.call('EXISTS', prefix .. 'node:' .. n) == 1 then
    if s == 'online' then
      best = 'online'
    elseif best == 'offline' then
      best = 'away'
    end
  end
end
local before = redis.call('GET', state) or 'offline'
if before == best then
  return {0, best}
end
if best == 'offline' then
  redis.call('DEL', state)
  redis.call('SET', seen, now)
else
  redis.call('SET', state, best)
end
return {1, best}
";

/// The users whose connections changed since the announcer last looked.
#[derive(Default)]
pub(super) struct Dirty {
    users: Mutex<HashSet<UserId>>,
    wake: Notify,
}

impl Dirty {
    pub(super) fn mark(&self, user: UserId) {
        if let Ok(mut users) = self.users.lock() {
            users.insert(user);
        }
        self.wake.notify_one();
    }

    fn take(&self) -> Vec<UserId> {
        self.users
            .lock()
            .map(|mut users| users.drain().collect())
            .unwrap_or_default()
    }
}

/// The announcer's loop: settles the dirty users until `token` is cancelled, then once
/// more for what is still marked.
pub(super) async fn run(presence: Presence, dirty: Arc<Dirty>, token: CancellationToken) {
    loop {
        let cancelled = tokio::select! {
            () = dirty.wake.notified() => false,
            () = token.cancelled() => true,
        };
        let users = dirty.take();
        for chunk in users.chunks(BATCH) {
            presence.settle(chunk).await;
        }
        if cancelled {
            return;
        }
    }
}

impl Presence {
    /// Writes and announces the statuses of `users` as their connections here stand now.
    async fn settle(&self, users: &[UserId]) {
        let now = OffsetDateTime::now_utc();
        let changes = match &self.shared {
            Some(shared) => match self.settle_shared(shared, users, now).await {
                Ok(changes) => changes,
                Err(e) => {
                    warn!(error = %e, "presence not written to redis; announcing this node's view");
                    self.settle_local(users)
                }
            },
            None => self.settle_local(users),
        };
        let announcements = changes.into_iter().map(|(user, status)| {
            let offline = status == PresenceStatus::Offline;
            if offline && let Ok(mut seen) = self.last_seen.lock() {
                seen.insert(user, now);
            }
            let event = ServerEvent::UserStatus(UserStatus {
                user_id: user,
                status,
                last_seen_at: offline.then_some(now),
            });
            async move {
                match self.audience(user, None).await {
                    Ok(mut audience) => {
                        audience.push(user);
                        self.hub.to_users(audience, &event);
                    }
                    Err(e) => warn!(error = %e, "presence change not announced"),
                }
            }
        });
        futures_util::stream::iter(announcements)
            .for_each_concurrent(ANNOUNCING, |a| a)
            .await;
    }

    /// One pipeline for the batch: which users' status over every node changed, and to what.
    async fn settle_shared(
        &self,
        shared: &Shared,
        users: &[UserId],
        now: OffsetDateTime,
    ) -> redis::RedisResult<Vec<(UserId, PresenceStatus)>> {
        let node = shared.node.to_string();
        let mut pipe = redis::pipe();
        for user in users {
            pipe.cmd("EVAL")
                .arg(SCRIPT)
                .arg(3)
                .arg(format!("{}presence:{user}", shared.prefix))
                .arg(format!("{}pstate:{user}", shared.prefix))
                .arg(format!("{}seen:{user}", shared.prefix))
                .arg(&node)
                .arg(name(self.local_status(*user)))
                .arg(&shared.prefix)
                .arg(now.unix_timestamp());
        }
        let mut conn = shared.conn.clone();
        // EVAL sends the script each time: it is small, and EVALSHA would need a retry on
        // NOSCRIPT (a restarted Redis forgets scripts) in the middle of a pipeline.
        let answers: Vec<(i64, String)> =
            match tokio::time::timeout(REDIS_TIMEOUT, pipe.query_async(&mut conn)).await {
                Ok(answers) => answers?,
                Err(_) => {
                    return Err(redis::RedisError::from((redis::ErrorKind::Io, "timed out")));
                }
            };
        let changes = users
            .iter()
            .zip(answers)
            .filter(|(_, (changed, _))| *changed == 1)
            .map(|(user, (_, status))| (*user, parse(&status)))
            .collect::<Vec<_>>();
        if let Ok(mut announced) = self.announced.lock() {
            for (user, status) in &changes {
                announced.insert(*user, *status);
            }
        }
        Ok(changes)
    }

    /// Without Redis (or while it cannot be reached): this node's status against the one
    /// this node announced last.
    fn settle_local(&self, users: &[UserId]) -> Vec<(UserId, PresenceStatus)> {
        let Ok(mut announced) = self.announced.lock() else {
            return Vec::new();
        };
        users
            .iter()
            .filter_map(|user| {
                let now = self.local_status(*user);
                let before = announced
                    .get(user)
                    .copied()
                    .unwrap_or(PresenceStatus::Offline);
                if now == PresenceStatus::Offline {
                    announced.remove(user);
                } else {
                    announced.insert(*user, now);
                }
                (now != before).then_some((*user, now))
            })
            .collect()
    }
}

fn name(status: PresenceStatus) -> &'static str {
    match status {
        PresenceStatus::Online => "online",
        PresenceStatus::Away => "away",
        PresenceStatus::Offline => "offline",
    }
}

fn parse(status: &str) -> PresenceStatus {
    match status {
        "online" => PresenceStatus::Online,
        "away" => PresenceStatus::Away,
        _ => PresenceStatus::Offline,
    }
}
