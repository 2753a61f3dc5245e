//! Panics under the running UI: a background task's panic leaves the terminal alone (the UI
//! still owns it) and is reported to the UI loop; the terminal is restored exactly once,
//! whether the UI ends normally or panics itself.

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chat_tui::panics::PanicRouter;

fn counting() -> (Arc<AtomicUsize>, impl Fn() + Send + Sync + 'static) {
    let count = Arc::new(AtomicUsize::new(0));
    let seen = count.clone();
    (count, move || {
        seen.fetch_add(1, Ordering::SeqCst);
    })
}

// One test, so that no other test's panics pass through the hook meanwhile.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_terminal_is_restored_once_and_only_by_the_ui() {
    // A background task panics while the UI runs.
    let (restores, restore) = counting();
    let router = PanicRouter::install(restore);
    let task = tokio::spawn(async { panic!("the network task broke") });
    assert!(task.await.unwrap_err().is_panic());
    assert_eq!(restores.load(Ordering::SeqCst), 0, "restored under the UI");
    let message = tokio::time::timeout(Duration::from_secs(10), router.failed())
        .await
        .expect("the UI was not told");
    assert!(message.contains("the network task broke"), "{message}");
    // The UI ends on it: the terminal is restored once.
    drop(router);
    assert_eq!(restores.load(Ordering::SeqCst), 1);

    // The UI itself panics: restored by the hook, not again when the guard goes.
    let (restores, restore) = counting();
    let router = PanicRouter::install(restore);
    let ui = std::panic::catch_unwind(|| panic!("the UI broke"));
    assert!(ui.is_err());
    assert_eq!(restores.load(Ordering::SeqCst), 1);
    assert_eq!(router.failure(), None);
    drop(router);
    assert_eq!(restores.load(Ordering::SeqCst), 1);
}
