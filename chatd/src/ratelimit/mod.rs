//! Fixed-window attempt counters: failed logins per username and per address, registrations
//! per address. In memory on a single node, in Redis (shared by every node) when configured.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use redis::aio::ConnectionManager;

/// Counts attempts per key within a window.
#[derive(Clone)]
pub enum Counters {
    /// One node: a map in memory.
    Memory(Arc<Mutex<HashMap<String, (Instant, u32)>>>),
    /// Many nodes: `INCR` + `PEXPIRE` on Redis keys under `<prefix>rl:`.
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

impl Counters {
    /// In-memory counters.
    pub fn memory() -> Self {
        Self::Memory(Arc::new(Mutex::new(HashMap::new())))
    }

    /// Fails with [`Limited`] when `key` already has `max` attempts in its current window.
    /// A Redis error lets the attempt through: an outage of Redis must not lock users out.
    pub async fn check(&self, key: &str, max: u32) -> Result<(), Limited> {
        match self {
            Self::Memory(map) => {
                let Ok(map) = map.lock() else { return Ok(()) };
                let now = Instant::now();
                if let Some((expires, count)) = map.get(key)
                    && *expires > now
                    && *count >= max
                {
                    return Err(limited(expires.duration_since(now)));
                }
                Ok(())
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = format!("{prefix}rl:{key}");
                let count: Option<u32> = conn.get(&key).await.unwrap_or(None);
                if count.unwrap_or(0) < max {
                    return Ok(());
                }
                let ttl_ms: i64 = conn.pttl(&key).await.unwrap_or(1000);
                Err(limited(Duration::from_millis(ttl_ms.max(0) as u64)))
            }
        }
    }

    /// Counts one attempt for `key`; the first attempt starts a window of `window`.
    pub async fn hit(&self, key: &str, window: Duration) {
        match self {
            Self::Memory(map) => {
                let Ok(mut map) = map.lock() else { return };
                let now = Instant::now();
                // Forget expired windows now and then, so the map stays small.
                if map.len() > 10_000 {
                    map.retain(|_, (expires, _)| *expires > now);
                }
                let entry = map.entry(key.to_owned()).or_insert((now + window, 0));
                if entry.0 <= now {
                    *entry = (now + window, 0);
                }
                entry.1 += 1;
            }
            Self::Redis { conn, prefix } => {
                let mut conn = conn.clone();
                let key = format!("{prefix}rl:{key}");
                let count: redis::RedisResult<u32> = conn.incr(&key, 1).await;
                if let Ok(1) = count {
                    let _: redis::RedisResult<()> =
                        conn.pexpire(&key, window.as_millis() as i64).await;
                }
            }
        }
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
                let _: redis::RedisResult<()> = conn.del(format!("{prefix}rl:{key}")).await;
            }
        }
    }
}

fn limited(remaining: Duration) -> Limited {
    Limited {
        retry_after_secs: remaining.as_secs_f64().ceil().max(1.0) as u64,
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
            assert!(counters.check("k", 3).await.is_ok());
            counters.hit("k", window).await;
        }
        let limited = counters.check("k", 3).await.unwrap_err();
        assert_eq!(limited.retry_after_secs, 1);
        assert!(counters.check("other", 3).await.is_ok());
        tokio::time::sleep(window).await;
        assert!(counters.check("k", 3).await.is_ok());
        counters.hit("k", window).await;
        counters.reset("k").await;
        assert!(counters.check("k", 1).await.is_ok());
    }
}
