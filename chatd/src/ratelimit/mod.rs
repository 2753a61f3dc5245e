//! Fixed-window attempt counters: logins per username and per address, registrations per
//! address. In memory on a single node, in Redis (shared by every node) when configured.
//!
//! An attempt is counted *before* the work it guards, atomically with the check, so a burst
//! of parallel requests cannot slip past the limit while the first ones are still running.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;

/// Counts attempts per key within a window.
#[derive(Clone)]
pub enum Counters {
    /// One node: a map in memory.
    Memory(Arc<Mutex<HashMap<String, (Instant, u32)>>>),
    /// Many nodes: Redis keys under `<prefix>rl:`, counted and expired in one script.
    Redis {
        /// The shared connection.
        conn: ConnectionManager,
        /// `redis.key_prefix`.
        prefix: String,
    },
}

impl std::fmt::Debug for Counters {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Memory(_) => "Counters::Memory",
            Self::Redis { .. } => "Counters::Redis",
        })
    }
}

/// When a limit is reached: how long until the window resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    /// Seconds until another attempt can succeed (at least 1).
    pub retry_after_secs: u64,
}

/// A limit check never holds a request longer than this.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

/// Increments the key, starts its window on the first hit (or if it somehow has none), and
/// returns the count and the window's remaining milliseconds, all in one atomic step.
const ATTEMPT_SCRIPT: &str = r"
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
";

impl Counters {
    /// In-memory counters.
    pub fn memory() -> Self {
        Self::Memory(Arc::new(Mutex::new(HashMap::new())))
    }

    /// Counts one attempt for `key` and fails with [`Limited`] when it is over `max` within
    /// the current window (the first attempt starts a window of `window`). A Redis error lets
    /// the attempt through: an outage of Redis must not lock users out.
    pub async fn attempt(&self, key: &str, max: u32, window: Duration) -> Result<(), Limited> {
        let (count, remaining) = match self {
            Self::Memory(map) => {
                let Ok(mut map) = map.lock() else {
                    return Ok(());
                };
                let now = Instant::now();
                // Forget expired windows now and then, so the map stays small.
                if map.len() > 10_000 {
                    map.retain(|_, (expires, _)| *expires > now);
                }
                let entry = map.entry(key.to_owned()).or_insert((now + window, 0));
                if entry.0 <= now {
                    *entry = (now + window, 0);
                }
                entry.1 = entry.1.saturating_add(1);
                (entry.1, entry.0.saturating_duration_since(now))
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let script = redis::Script::new(ATTEMPT_SCRIPT);
                let mut invocation = script.key(format!("{prefix}rl:{key}"));
                invocation.arg(window.as_millis() as u64);
                let call = invocation.invoke_async::<(u32, i64)>(&mut conn);
                match tokio::time::timeout(REDIS_TIMEOUT, call).await {
                    Ok(Ok((count, ttl_ms))) => (count, Duration::from_millis(ttl_ms.max(0) as u64)),
                    Ok(Err(e)) => {
                        tracing::warn!(error = %e, "rate limit counter unavailable; allowing");
                        return Ok(());
                    }
                    Err(_) => {
                        tracing::warn!("rate limit counter timed out; allowing");
                        return Ok(());
                    }
                }
            }
        };
        if count > max {
            return Err(Limited {
                retry_after_secs: remaining.as_secs_f64().ceil().max(1.0) as u64,
            });
        }
        Ok(())
    }

    /// Forgets `key` (a successful login clears the username's failures).
    pub async fn reset(&self, key: &str) {
        match self {
            Self::Memory(map) => {
                if let Ok(mut map) = map.lock() {
                    map.remove(key);
                }
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let cmd = redis::cmd("DEL").arg(format!("{prefix}rl:{key}")).clone();
                let _ = tokio::time::timeout(REDIS_TIMEOUT, cmd.query_async::<()>(&mut conn)).await;
            }
        }
    }

    /// Takes back one attempt of `key` (a successful login does not count against its
    /// address).
    pub async fn forgive(&self, key: &str) {
        match self {
            Self::Memory(map) => {
                if let Ok(mut map) = map.lock()
                    && let Some(entry) = map.get_mut(key)
                {
                    entry.1 = entry.1.saturating_sub(1);
                }
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let cmd = redis::cmd("DECR").arg(format!("{prefix}rl:{key}")).clone();
                let _ = tokio::time::timeout(REDIS_TIMEOUT, cmd.query_async::<()>(&mut conn)).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_counters_limit_then_expire() {
        let counters = Counters::memory();
        let window = Duration::from_millis(200);
        for _ in 0..3 {
            assert!(counters.attempt("k", 3, window).await.is_ok());
        }
        let limited = counters.attempt("k", 3, window).await.unwrap_err();
        assert_eq!(limited.retry_after_secs, 1);
        assert!(counters.attempt("other", 3, window).await.is_ok());
        tokio::time::sleep(window).await;
        assert!(counters.attempt("k", 3, window).await.is_ok());
        counters.reset("k").await;
        assert!(counters.attempt("k", 1, window).await.is_ok());
        counters.forgive("k").await;
        assert!(counters.attempt("k", 1, window).await.is_ok());
    }

    #[tokio::test]
    async fn a_limit_of_zero_refuses_every_attempt() {
        let counters = Counters::memory();
        assert!(
            counters
                .attempt("k", 0, Duration::from_secs(1))
                .await
                .is_err()
        );
    }
}
