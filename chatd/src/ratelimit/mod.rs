//! Fixed-window attempt counters: logins per username and per address, registrations per
//! address. In memory on a single node, in Redis (shared by every node) when configured.
//! The per-user send rate is in `send.rs`.
//!
//! An attempt is counted *before* the work it guards, atomically with the check, so a burst
//! of parallel requests cannot slip past the limit while the first ones are still running.
//!
//! Keys may hold what a client sent (a username of any length), so neither store keeps them
//! as they are: both use the key's SHA-256 digest, and the in-memory table is bounded in
//! keys ([`MEMORY_CAPACITY`]) whatever arrives.

mod memory;
mod send;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::aio::ConnectionManager;

pub use memory::TableSize;
use memory::{MemoryTable, digest};
pub use send::{SendLimit, SendLimited};

/// Most keys the in-memory table holds (about 100 bytes each, so about 10 MB at most).
pub const MEMORY_CAPACITY: usize = 100_000;

/// Counts attempts per key within a window.
#[derive(Clone)]
pub enum Counters {
    /// One node: a map in memory.
    Memory(Arc<Mutex<MemoryTable>>),
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

/// [`ATTEMPT_SCRIPT`] hashed once (the SHA-1 that `EVALSHA` names it by), not per attempt.
static ATTEMPT: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(ATTEMPT_SCRIPT));

impl Counters {
    /// In-memory counters of at most [`MEMORY_CAPACITY`] keys.
    pub fn memory() -> Self {
        Self::memory_with_capacity(MEMORY_CAPACITY)
    }

    /// In-memory counters of at most `capacity` keys.
    pub fn memory_with_capacity(capacity: usize) -> Self {
        Self::Memory(Arc::new(Mutex::new(MemoryTable::new(capacity))))
    }

    /// What the in-memory table holds; `None` for Redis, whose keys expire there.
    pub fn memory_size(&self) -> Option<TableSize> {
        match self {
            Self::Memory(table) => table.lock().ok().map(|table| table.size()),
            Self::Redis { .. } => None,
        }
    }

    /// Counts one attempt for `key` and fails with [`Limited`] when it is over `max` within
    /// the current window (the first attempt starts a window of `window`). A Redis error lets
    /// the attempt through: an outage of Redis must not lock users out.
    pub async fn attempt(&self, key: &str, max: u32, window: Duration) -> Result<(), Limited> {
        let (count, remaining) = match self {
            Self::Memory(table) => {
                let Ok(mut table) = table.lock() else {
                    return Ok(());
                };
                table.attempt(digest(key), window, Instant::now())
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let mut invocation = ATTEMPT.key(redis_key(prefix, key));
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
            Self::Memory(table) => {
                if let Ok(mut table) = table.lock() {
                    table.remove(&digest(key));
                }
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let cmd = redis::cmd("DEL").arg(redis_key(prefix, key)).clone();
                let _ = tokio::time::timeout(REDIS_TIMEOUT, cmd.query_async::<()>(&mut conn)).await;
            }
        }
    }

    /// Takes back one attempt of `key` (a successful login does not count against its
    /// address).
    pub async fn forgive(&self, key: &str) {
        match self {
            Self::Memory(table) => {
                if let Ok(mut table) = table.lock() {
                    table.forgive(&digest(key));
                }
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let cmd = redis::cmd("DECR").arg(redis_key(prefix, key)).clone();
                let _ = tokio::time::timeout(REDIS_TIMEOUT, cmd.query_async::<()>(&mut conn)).await;
            }
        }
    }
}

/// `<prefix>rl:<hex digest of key>`: the same length for every key, however long the key.
fn redis_key(prefix: &str, key: &str) -> String {
    digest(key)
        .iter()
        .fold(format!("{prefix}rl:"), |mut name, b| {
            let _ = write!(name, "{b:02x}");
            name
        })
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
