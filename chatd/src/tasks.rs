//! One owner for background work: every long-lived loop of the server runs under a
//! [`Tasks`] handle (a `TaskTracker` and a `CancellationToken`), stops when the token is
//! cancelled, and is restarted with backoff if it panics (logged, and counted in
//! `chatd_task_restarts_total`). The shutdown sequence in `server` cancels and waits on
//! these handles in order.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::{error, info};

/// Restarts of supervised tasks, by task name.
pub type Restarts = Family<Vec<(String, String)>, Counter>;

/// The first wait before restarting a task that panicked; doubled on each panic in a row.
const BACKOFF_FIRST: Duration = Duration::from_millis(100);
/// The longest wait between restarts.
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// A task that ran this long before panicking starts again from the first backoff.
const STABLE_AFTER: Duration = Duration::from_mins(1);

/// The owner of a group of background tasks. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct Tasks {
    tracker: TaskTracker,
    token: CancellationToken,
    restarts: Restarts,
}

impl Tasks {
    /// A new group with its own tracker and token.
    pub fn new() -> Self {
        Self::default()
    }

    /// A group that stops with this one (its token is a child), tracked on its own so that
    /// the shutdown can stop and wait for it first; restarts are counted in the same family.
    #[must_use]
    pub fn child(&self) -> Self {
        Self {
            tracker: TaskTracker::new(),
            token: self.token.child_token(),
            restarts: self.restarts.clone(),
        }
    }

    /// The token every loop of this group stops on.
    pub fn token(&self) -> &CancellationToken {
        &self.token
    }

    /// The tracker of this group's tasks.
    pub fn tracker(&self) -> &TaskTracker {
        &self.tracker
    }

    /// The restart counters, for the metrics registry.
    pub fn restarts(&self) -> &Restarts {
        &self.restarts
    }

    /// Spawns a one-off task on the tracker (it is waited for at shutdown, not restarted).
    pub fn spawn<F>(&self, task: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.tracker.spawn(task);
    }

    /// Runs the loop `make(token)` builds under [`supervise`].
    pub fn supervise<F, Fut>(&self, name: impl Into<String>, make: F)
    where
        F: FnMut(CancellationToken) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        supervise(name, &self.tracker, &self.token, &self.restarts, make);
    }

    /// Cancels the token, then waits for every task of the group to end.
    pub async fn stop(&self) {
        self.token.cancel();
        self.tracker.close();
        self.tracker.wait().await;
    }
}

/// Runs a long-lived loop on `tracker`: `make(token)` builds the loop, which must return
/// once `token` is cancelled. If the loop panics, the panic is logged (by the panic hook
/// and here, with the task's name), counted in `restarts`, and a new loop is built after a
/// backoff. A loop that returns by itself is done.
pub fn supervise<F, Fut>(
    name: impl Into<String>,
    tracker: &TaskTracker,
    token: &CancellationToken,
    restarts: &Restarts,
    mut make: F,
) where
    F: FnMut(CancellationToken) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let name = name.into();
    let token = token.clone();
    let counter = restarts
        .get_or_create(&vec![("task".to_owned(), name.clone())])
        .clone();
    tracker.spawn(async move {
        let mut backoff = BACKOFF_FIRST;
        loop {
            let started = Instant::now();
            // The loop's own state is dropped with it when it panics: whatever it held (a
            // batch's reply channels, say) is released and its waiters see it gone.
            let outcome = AssertUnwindSafe(make(token.clone())).catch_unwind().await;
            let Err(payload) = outcome else {
                return;
            };
            if token.is_cancelled() {
                return;
            }
            if started.elapsed() >= STABLE_AFTER {
                backoff = BACKOFF_FIRST;
            }
            counter.inc();
            error!(
                task = %name,
                panic = %panic_message(payload.as_ref()),
                restart_in_ms = backoff.as_millis() as u64,
                "background task panicked; restarting it"
            );
            tokio::select! {
                () = token.cancelled() => return,
                () = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(BACKOFF_MAX);
            info!(task = %name, "background task restarted");
        }
    });
}

/// The text of a panic payload (`panic!` with a literal or a formatted message).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "(not a text)"
    }
}

/// Routes panics to the log: one `ERROR` event with the message and the place, instead of
/// a raw backtrace on stderr that log collectors split into lines. Call once, from `main`,
/// after the subscriber is installed.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
            .unwrap_or_default();
        let thread = std::thread::current();
        error!(
            panic = %panic_message(info.payload()),
            %location,
            thread = thread.name().unwrap_or("unnamed"),
            "panic"
        );
    }));
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[tokio::test]
    async fn a_loop_that_panics_is_restarted_and_counted_until_cancelled() {
        let tasks = Tasks::new();
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = runs.clone();
        tasks.supervise("flaky", move |token| {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            async move {
                assert!(n >= 2, "injected panic {n}");
                token.cancelled().await;
            }
        });
        let restarted = async {
            while runs.load(Ordering::SeqCst) < 3 {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), restarted)
            .await
            .unwrap_or_else(|_| panic!("not restarted"));
        let count = tasks
            .restarts()
            .get_or_create(&vec![("task".to_owned(), "flaky".to_owned())])
            .get();
        assert_eq!(count, 2);
        tokio::time::timeout(Duration::from_secs(5), tasks.stop())
            .await
            .unwrap_or_else(|_| panic!("did not stop on the token"));
        assert_eq!(runs.load(Ordering::SeqCst), 3);
    }
}
