//! The per-user send rate (`limits.messages_per_sec`, `limits.messages_burst`), a GCRA:
//! in memory on one node, and in Redis (one script call per send) when Redis is
//! configured, so that a user has one rate whichever nodes their devices are on rather
//! than one per node.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use common::ids::UserId;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use redis::aio::ConnectionManager;

use crate::tasks::Tasks;

/// A send waits on Redis at most this long; then the node's own limiter decides.
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
    shared: Option<(ConnectionManager, String)>,
    /// The script, its digest computed once (sent by `EVALSHA` on every send).
    script: redis::Script,
    emission_us: u64,
    burst: u32,
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
            shared: redis,
            script: redis::Script::new(GCRA_SCRIPT),
            emission_us: 1_000_000 / u64::from(per_sec.get()),
            burst: burst.get(),
        }
    }

    /// Forgets, now and then, the users whose allowance is full again, so that the
    /// in-memory limiter holds only recent senders.
    pub fn start_pruning(&self, tasks: &Tasks) {
        let local = self.local.clone();
        tasks.supervise("send-limit-prune", move |token| {
            let local = local.clone();
            async move {
                let mut timer = tokio::time::interval(PRUNE_EVERY);
                while token.run_until_cancelled(timer.tick()).await.is_some() {
                    local.retain_recent();
                    local.shrink_to_fit();
                }
            }
        });
    }

    /// Counts one send of `user`, or refuses it.
    pub async fn check(&self, user: UserId) -> Result<(), SendLimited> {
        if let Some((conn, prefix)) = &self.shared {
            match self.check_shared(conn.clone(), prefix, user).await {
                Ok(0) => return Ok(()),
                Ok(wait_us) => return Err(limited(Duration::from_micros(wait_us))),
                // Redis being down must not stop people from talking: the node's own
                // limiter still bounds each user.
                Err(error) => {
                    tracing::warn!(%error, "shared send limit unavailable; using this node's");
                }
            }
        }
        self.local.check_key(&user).map_err(|not_until| {
            limited(not_until.wait_time_from(governor::clock::Clock::now(
                &governor::clock::DefaultClock::default(),
            )))
        })
    }

    async fn check_shared(
        &self,
        mut conn: ConnectionManager,
        prefix: &str,
        user: UserId,
    ) -> anyhow::Result<u64> {
        let mut invocation = self.script.key(format!("{prefix}sl:{user}"));
        invocation.arg(self.emission_us).arg(self.burst);
        let call = invocation.invoke_async::<u64>(&mut conn);
        Ok(tokio::time::timeout(REDIS_TIMEOUT, call).await??)
    }
}

fn limited(wait: Duration) -> SendLimited {
    SendLimited {
        retry_after_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
    }
}
