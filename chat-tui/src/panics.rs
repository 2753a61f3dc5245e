//! Panics while the full-screen UI runs. One on the UI's own thread restores the terminal
//! (once) before its message is printed. One on a background task (the network task) must
//! not touch the terminal under the running UI, nor print over it: it is logged to the log
//! file and reported to the UI loop, which ends, so that the terminal is restored exactly
//! once and the failure printed after.

use std::panic::PanicHookInfo;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::ThreadId;

type Hook = Box<dyn Fn(&PanicHookInfo<'_>) + Send + Sync>;

/// Routes panics while installed; restores the terminal once when dropped.
pub struct PanicRouter {
    inner: Arc<Inner>,
}

struct Inner {
    ui_thread: ThreadId,
    active: AtomicBool,
    restored: AtomicBool,
    restore: Box<dyn Fn() + Send + Sync>,
    failure: Mutex<Option<String>>,
    failed: tokio::sync::Notify,
}

impl std::fmt::Debug for PanicRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PanicRouter").finish_non_exhaustive()
    }
}

impl Inner {
    fn restore_once(&self) {
        if !self.restored.swap(true, Ordering::SeqCst) {
            (self.restore)();
        }
    }
}

impl PanicRouter {
    /// Installs the panic hook; the calling thread is the UI's. `restore` puts the terminal
    /// back.
    pub fn install(restore: impl Fn() + Send + Sync + 'static) -> Self {
        let inner = Arc::new(Inner {
            ui_thread: std::thread::current().id(),
            active: AtomicBool::new(true),
            restored: AtomicBool::new(false),
            restore: Box::new(restore),
            failure: Mutex::new(None),
            failed: tokio::sync::Notify::new(),
        });
        let previous: Hook = std::panic::take_hook();
        let shared = inner.clone();
        std::panic::set_hook(Box::new(move |info| {
            let on_ui = std::thread::current().id() == shared.ui_thread;
            if !shared.active.load(Ordering::SeqCst) || on_ui {
                shared.restore_once();
                previous(info);
                return;
            }
            let message = describe(info);
            tracing::error!(panic = %message, "a background task panicked");
            if let Ok(mut failure) = shared.failure.lock() {
                failure.get_or_insert(message);
            }
            shared.failed.notify_one();
        }));
        Self { inner }
    }

    /// Resolves with the message of the first background panic.
    pub async fn failed(&self) -> String {
        loop {
            if let Some(message) = self.failure() {
                return message;
            }
            self.inner.failed.notified().await;
        }
    }

    /// The first background panic, if any.
    pub fn failure(&self) -> Option<String> {
        self.inner.failure.lock().ok().and_then(|f| f.clone())
    }

    /// Puts the terminal back unless that was done already.
    pub fn restore_once(&self) {
        self.inner.restore_once();
    }
}

impl Drop for PanicRouter {
    fn drop(&mut self) {
        self.inner.restore_once();
        // From now on panics print as usual: the terminal is the shell's again.
        self.inner.active.store(false, Ordering::SeqCst);
    }
}

/// The panic's message and place.
fn describe(info: &PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)");
    match info.location() {
        Some(at) => format!("{text} at {}:{}", at.file(), at.line()),
        None => text.to_owned(),
    }
}
