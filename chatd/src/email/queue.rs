//! The outgoing mail queue: mails wait in PostgreSQL (`email_outbox`), so a restart loses
//! none, and a supervised task on each node sends them one by one, retrying failures with
//! a doubling backoff. Requests only ever enqueue; no request waits on SMTP.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::metrics::counter::Counter;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::mailer::{Mailer, SendError};
use crate::config::EmailConfig;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::tasks::Tasks;

/// How often a sender looks for due mail without being woken (mail queued by another node,
/// retries coming due).
const POLL: Duration = Duration::from_secs(5);
/// The longest wait between two attempts of one mail.
const BACKOFF_MAX_SECS: u64 = 3600;

/// What this node's sender counts, exported as `chatd_mail_*_total` (the pending gauge is
/// read from the table at each scrape, so it covers every node).
#[derive(Clone, Debug, Default)]
pub struct MailMetrics {
    /// Mails the SMTP server took.
    pub sent: Counter,
    /// Attempts that failed, the last one of a given-up mail included.
    pub failed_attempts: Counter,
    /// Mails given up (permanent refusal, or `email.max_attempts` reached).
    pub given_up: Counter,
}

/// Hands mail to the queue. Cheap to clone.
#[derive(Clone, Debug)]
pub struct MailQueue {
    store: Store,
    capacity: i64,
    wake: Arc<Notify>,
}

impl MailQueue {
    /// The queue, and its sender task under `tasks`.
    pub fn start(
        store: Store,
        mailer: Mailer,
        config: &EmailConfig,
        metrics: MailMetrics,
        tasks: &Tasks,
    ) -> Self {
        let queue = Self {
            store,
            capacity: i64::from(config.queue_capacity),
            wake: Arc::new(Notify::new()),
        };
        let sender = Sender {
            store: queue.store.clone(),
            mailer,
            wake: queue.wake.clone(),
            metrics,
            max_attempts: config.max_attempts,
            backoff_secs: config.retry_backoff_secs,
            // Long enough for one exchange, so that no other node takes a mail being sent.
            lease_secs: config.timeout_secs.saturating_mul(2) + 10,
        };
        tasks.supervise("email-sender", move |token| sender.clone().run(token));
        queue
    }

    /// Queues a mail. A full queue refuses it (`SERVICE_UNAVAILABLE`, logged).
    pub async fn enqueue(&self, to: &str, subject: &str, body: &str) -> Result<()> {
        if !self
            .store
            .enqueue_mail(to, subject, body, self.capacity)
            .await?
        {
            warn!(
                capacity = self.capacity,
                "mail queue full (email.queue_capacity); mail refused"
            );
            return Err(Error::Unavailable(
                "the mail queue is full; try again later".into(),
            ));
        }
        self.wake.notify_one();
        Ok(())
    }
}

#[derive(Clone)]
struct Sender {
    store: Store,
    mailer: Mailer,
    wake: Arc<Notify>,
    metrics: MailMetrics,
    max_attempts: u32,
    backoff_secs: u64,
    lease_secs: u64,
}

impl Sender {
    async fn run(self, token: CancellationToken) {
        loop {
            while !token.is_cancelled() {
                match self.store.claim_mail(self.lease_secs as i64).await {
                    Ok(Some(mail)) => {
                        tokio::select! {
                            // A mail cut off here is sent again once its lease ends.
                            () = token.cancelled() => return,
                            () = self.attempt(mail) => {}
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        warn!(error = %e, "mail queue unreadable");
                        break;
                    }
                }
            }
            tokio::select! {
                () = token.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    async fn attempt(&self, mail: crate::store::outbox::OutboxRow) {
        let outcome = self
            .mailer
            .send(&mail.recipient, &mail.subject, &mail.body)
            .await;
        let attempts = mail.attempts.max(1) as u32;
        let result = match outcome {
            Ok(()) => {
                info!(mail = %mail.id, attempts, "mail sent");
                self.metrics.sent.inc();
                self.store.mail_sent(mail.id).await
            }
            Err(e) => {
                let retry = match &e {
                    SendError::Transient(_) if attempts < self.max_attempts => {
                        Some(backoff(self.backoff_secs, attempts))
                    }
                    _ => None,
                };
                self.metrics.failed_attempts.inc();
                if let Some(secs) = retry {
                    warn!(mail = %mail.id, attempts, retry_in_secs = secs, error = %e, "mail not sent; will retry");
                } else {
                    warn!(mail = %mail.id, attempts, error = %e, "mail not sent; given up");
                    self.metrics.given_up.inc();
                }
                self.store.mail_failed(mail.id, &e.to_string(), retry).await
            }
        };
        if let Err(e) = result {
            warn!(mail = %mail.id, error = %e, "mail queue not updated");
        }
    }
}

/// `first * 2^(attempts - 1)`, at most an hour.
fn backoff(first: u64, attempts: u32) -> u64 {
    let factor = 1_u64 << attempts.saturating_sub(1).min(20);
    first.saturating_mul(factor).min(BACKOFF_MAX_SECS)
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(super::backoff(30, 1), 30);
        assert_eq!(super::backoff(30, 2), 60);
        assert_eq!(super::backoff(30, 4), 240);
        assert_eq!(super::backoff(30, 30), 3600);
        assert_eq!(super::backoff(0, 3), 0);
    }
}
