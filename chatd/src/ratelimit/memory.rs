//! The single-node counter table: fixed-window counts in memory, bounded in size whatever
//! the keys and however many arrive.
//!
//! Keys are stored as SHA-256 digests, so a key costs the same 32 bytes whether it is an
//! address or a 64 KB username. The table holds at most `capacity` keys; a new key that
//! finds it full first drops every expired window, then the window that ends soonest (the
//! one whose count would be forgotten next anyway). An index ordered by window end makes
//! both cheap, so a flood of new keys costs `O(log n)` each, never a scan.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

/// A key as stored: the digest of the caller's key.
pub type KeyDigest = [u8; 32];

/// The digest a key is stored under (also used for Redis key names).
pub fn digest(key: &str) -> KeyDigest {
    Sha256::digest(key.as_bytes()).into()
}

/// What the table holds, for tests and diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TableSize {
    /// Keys held.
    pub keys: usize,
    /// Bytes held by keys and counts (an estimate of the table's own memory, index included).
    pub bytes: usize,
}

/// Estimated bytes per key: the map entry (digest, window end, count) and its index entry.
const BYTES_PER_KEY: usize =
    size_of::<(KeyDigest, (Instant, u32))>() + size_of::<(Instant, KeyDigest)>();

/// Fixed-window counters with a bounded number of keys.
#[derive(Debug)]
pub struct MemoryTable {
    counts: HashMap<KeyDigest, (Instant, u32)>,
    /// Every key by the end of its window, for eviction in that order.
    by_end: BTreeSet<(Instant, KeyDigest)>,
    capacity: usize,
}

impl MemoryTable {
    /// A table of at most `capacity` keys (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            counts: HashMap::new(),
            by_end: BTreeSet::new(),
            capacity: capacity.max(1),
        }
    }

    /// Counts one attempt of `key` at `now`; returns the count in the window and the time
    /// left in it.
    pub fn attempt(&mut self, key: KeyDigest, window: Duration, now: Instant) -> (u32, Duration) {
        let entry = match self.counts.get(&key) {
            Some(&(end, count)) if end > now => (end, count),
            Some(&(end, _)) => {
                // A window that has run out starts again.
                self.by_end.remove(&(end, key));
                self.by_end.insert((now + window, key));
                (now + window, 0)
            }
            None => {
                self.make_room(now);
                self.by_end.insert((now + window, key));
                (now + window, 0)
            }
        };
        let count = entry.1.saturating_add(1);
        self.counts.insert(key, (entry.0, count));
        (count, entry.0.saturating_duration_since(now))
    }

    /// Forgets `key`.
    pub fn remove(&mut self, key: &KeyDigest) {
        if let Some((end, _)) = self.counts.remove(key) {
            self.by_end.remove(&(end, *key));
        }
    }

    /// Takes one attempt of `key` back.
    pub fn forgive(&mut self, key: &KeyDigest) {
        if let Some(entry) = self.counts.get_mut(key) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }

    /// What the table holds now.
    pub fn size(&self) -> TableSize {
        TableSize {
            keys: self.counts.len(),
            bytes: self.counts.len() * BYTES_PER_KEY,
        }
    }

    /// Drops expired windows, then the soonest-ending ones, until a new key fits.
    fn make_room(&mut self, now: Instant) {
        while let Some(&(end, key)) = self.by_end.first() {
            if end > now && self.counts.len() < self.capacity {
                break;
            }
            self.by_end.pop_first();
            self.counts.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_never_holds_more_than_its_capacity() {
        let mut table = MemoryTable::new(100);
        let now = Instant::now();
        for i in 0..10_000 {
            let key = digest(&format!("login:user:{}{i}", "x".repeat(60)));
            table.attempt(key, Duration::from_mins(15), now);
            assert!(table.size().keys <= 100);
        }
        assert_eq!(table.size().keys, 100);
        assert_eq!(table.size().bytes, 100 * BYTES_PER_KEY);
    }

    #[test]
    fn expired_windows_go_first_then_the_soonest_ending() {
        let mut table = MemoryTable::new(3);
        let start = Instant::now();
        let short = digest("short");
        let long = digest("long");
        let middle = digest("middle");
        table.attempt(short, Duration::from_secs(1), start);
        table.attempt(long, Duration::from_secs(100), start);
        table.attempt(middle, Duration::from_secs(50), start);
        // `short` has expired: it goes, the two live ones stay with their counts.
        let later = start + Duration::from_secs(2);
        table.attempt(digest("new"), Duration::from_secs(10), later);
        assert!(!table.counts.contains_key(&short));
        assert_eq!(table.attempt(long, Duration::from_secs(100), later).0, 2);
        // Full with live windows: the one ending soonest (`new`, at +12 s) makes room.
        table.attempt(digest("newer"), Duration::from_secs(10), later);
        assert!(!table.counts.contains_key(&digest("new")));
        assert_eq!(table.attempt(middle, Duration::from_secs(50), later).0, 2);
        assert_eq!(table.by_end.len(), table.counts.len());
    }

    #[test]
    fn a_window_that_ran_out_starts_again_and_keeps_the_index_in_step() {
        let mut table = MemoryTable::new(10);
        let start = Instant::now();
        let key = digest("k");
        table.attempt(key, Duration::from_secs(1), start);
        table.attempt(key, Duration::from_secs(1), start);
        let (count, left) =
            table.attempt(key, Duration::from_secs(1), start + Duration::from_secs(5));
        assert_eq!((count, left), (1, Duration::from_secs(1)));
        assert_eq!(table.by_end.len(), 1);
        table.remove(&key);
        assert_eq!(table.by_end.len(), 0);
        assert_eq!(table.size().keys, 0);
    }
}
