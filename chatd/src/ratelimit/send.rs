//! The per-user send rate (`limits.messages_per_sec`, `limits.messages_burst`), a GCRA:
//! in memory on every node, and also in Redis when Redis is configured, so that a user has
//! one rate whichever nodes their devices are on rather than one per node.
//!
//! The shared count is kept off the send's path: a send is decided by this node's limiter
//! and by what Redis answered for the user's earlier sends (refused until a time), and is
//! then counted in Redis in the background. Waiting for Redis on every send cost a round
//! trip per message (a quarter of one busy chat's throughput, measured). The price: a user
//! sending from several nodes at once may get one more send per node through while a
//! count is on its way, a round trip's worth; one node alone is always exact.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::ids::UserId;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use redis::aio::ConnectionManager;

use crate::tasks::Tasks;

/// A count in Redis is given up after this long (the node's own limiter still holds).
const REDIS_TIMEOUT: Duration = Duration::from_millis(200);

/// How often the in-memory limiter forgets users whose allowance is full again.
const PRUNE_EVERY: Duration = Duration::from_mins(1);

/// One GCRA step on a shared key, all in Redis's clock: the theoretical arrival time in
/// microseconds moves by one emission interval per send; a send that would move it more
/// than `burst` intervals ahead of now is refused with the microseconds to wait.
const GCRA_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + emission
local allow_at = new_tat - emission * burst
if now < allow_at then return allow_at - now end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return 0
";

/// Refused: the send may be retried after this many seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendLimited {
    /// Seconds until another send can succeed.
    pub retry_after_secs: u64,
}

/// The send rate of every user.
#[derive(Clone)]
pub struct SendLimit {
    local: Arc<DefaultKeyedRateLimiter<UserId>>,
    shared: Option<Arc<Shared>>,
}

/// The rate in Redis, and what it last said about each user this node counted.
struct Shared {
    conn: ConnectionManager,
    prefix: String,
    /// The script, its digest computed once (sent by `EVALSHA` on every send).
    script: redis::Script,
    emission_us: u64,
    burst: u32,
    /// Users Redis refused, and until when.
    refused_until: Mutex<HashMap<UserId, Instant>>,
}

impl std::fmt::Debug for SendLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendLimit")
            .field("shared", &self.shared.is_some())
            .finish_non_exhaustive()
    }
}

impl SendLimit {
    /// `per_sec` sends a second, `burst` at once, per user; shared through `redis` (with
    /// its key prefix) when given.
    pub fn new(per_sec: u32, burst: u32, redis: Option<(ConnectionManager, String)>) -> Self {
        let per_sec = NonZeroU32::new(per_sec).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        Self {
            local: Arc::new(RateLimiter::keyed(
                Quota::per_second(per_sec).allow_burst(burst),
            )),
            shared: redis.map(|(conn, prefix)| {
                Arc::new(Shared {
                    conn,
                    prefix,
                    script: redis::Script::new(GCRA_SCRIPT),
                    emission_us: 1_000_000 / u64::from(per_sec.get()),
                    burst: burst.get(),
                    refused_until: Mutex::new(HashMap::new()),
                })
            }),
        }
    }

    /// Forgets, now and then, the users whose allowance is full again (and whose refusal
    /// by Redis has run out), so that the limiter holds only recent senders.
    pub fn start_pruning(&self, tasks: &Tasks) {
        let (local, shared) = (self.local.clone(), self.shared.clone());
        tasks.supervise("send-limit-prune", move |token| {
            let (local, shared) = (local.clone(), shared.clone());
            async move {
                let mut timer = tokio::time::interval(PRUNE_EVERY);
                while token.run_until_cancelled(timer.tick()).await.is_some() {
                    local.retain_recent();
                    local.shrink_to_fit();
                    if let Some(shared) = &shared {
                        let now = Instant::now();
                        shared.refusals().retain(|_, until| *until > now);
                    }
                }
            }
        });
    }

    /// Counts one send of `user`, or refuses it.
    pub fn check(&self, user: UserId) -> Result<(), SendLimited> {
        if let Some(shared) = &self.shared {
            let refused = shared.refusals().get(&user).copied();
            if let Some(until) = refused.filter(|until| *until > Instant::now()) {
                return Err(limited(until - Instant::now()));
            }
        }
        self.local.check_key(&user).map_err(|not_until| {
            limited(not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            )))
        })?;
        if let Some(shared) = &self.shared {
            let shared = shared.clone();
            tokio::spawn(async move { shared.count(user).await });
        }
        Ok(())
    }
}

impl Shared {
    fn refusals(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, Instant>> {
        // A panic while holding this lock cannot leave the map inconsistent.
        self.refused_until
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a send in Redis; a refusal there refuses the user's next sends on this node
    /// until Redis' time to wait has passed.
    async fn count(&self, user: UserId) {
        let mut invocation = self.script.key(format!("{}sl:{user}", self.prefix));
        invocation.arg(self.emission_us).arg(self.burst);
        let mut conn = self.conn.clone();
        let call = invocation.invoke_async::<u64>(&mut conn);
        match tokio::time::timeout(REDIS_TIMEOUT, call).await {
            Ok(Ok(0)) => {
                self.refusals().remove(&user);
            }
            Ok(Ok(wait_us)) => {
                let until = Instant::now() + Duration::from_micros(wait_us);
                self.refusals().insert(user, until);
            }
            // Redis being down must not stop people from talking: the node's own limiter
            // still bounds each user.
            Ok(Err(error)) => {
                tracing::warn!(%error, "shared send limit unavailable; using this node's");
            }
            Err(_) => tracing::warn!("shared send limit timed out; using this node's"),
        }
    }
}

fn limited(wait: Duration) -> SendLimited {
    SendLimited {
        retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
    }
}
