//! Fault injection for the tests (feature `test-hooks`, never in a release build): a send
//! whose content is one of these markers makes the writer misbehave on purpose.

use std::time::Duration;

use tokio::sync::mpsc;

use super::{Pending, ValidSend};
use crate::error::{Error, Result};

/// The lane panics while it holds the batch, before storing anything.
pub const PANIC_IN_LANE: &str = "test-hook:panic-in-lane";
/// The lane panics after the fast path committed the batch, before answering or publishing.
pub const PANIC_AFTER_COMMIT: &str = "test-hook:panic-after-commit";
/// Anywhere in the content: the checked path of the chat fails (as if the database went
/// away for that statement).
pub const FAIL_CHECKED: &str = "test-hook:fail-checked";
/// `test-hook:batch-of:N` anywhere in the content: a lane that takes this send first waits
/// until N sends (this one included) are queued, so that they form one batch.
pub const BATCH_OF: &str = "test-hook:batch-of:";

/// Waits, as [`BATCH_OF`] asks, for the rest of a batch to be queued (at most 10 s).
pub async fn hold(first: &ValidSend, rx: &mpsc::Receiver<Pending>) {
    let Some(n) = first.content.split_once(BATCH_OF).and_then(|(_, rest)| {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<usize>().ok()
    }) else {
        return;
    };
    for _ in 0..1000 {
        if rx.len() + 1 >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Panics as [`PANIC_IN_LANE`] asks.
pub fn panic_in_lane(batch: &[Pending]) {
    assert!(
        !batch.iter().any(|p| p.send.content == PANIC_IN_LANE),
        "injected panic in a writer lane"
    );
}

/// Panics as [`PANIC_AFTER_COMMIT`] asks, once the batch is stored.
pub fn panic_after_commit<'a>(stored: impl IntoIterator<Item = &'a str>) {
    assert!(
        !stored.into_iter().any(|c| c == PANIC_AFTER_COMMIT),
        "injected panic in a writer lane after its commit"
    );
}

/// Fails as [`FAIL_CHECKED`] asks.
pub fn fail_checked(sends: &[ValidSend]) -> Result<()> {
    if sends.iter().any(|s| s.content.contains(FAIL_CHECKED)) {
        return Err(Error::Unavailable(
            "injected failure of the checked path".into(),
        ));
    }
    Ok(())
}
