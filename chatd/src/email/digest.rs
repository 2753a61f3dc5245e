//! The missed-message digest: a supervised task that, every `email.digest_check_secs`,
//! mails users with a verified address who are offline on every node (for at least
//! `email.digest_after_mins`) one summary of their unread direct messages and mentions,
//! at most one per `email.digest_interval_mins`. The store's query leaves out muted chats,
//! do-not-disturb, blocked senders and users who turned digests off; the claim of a
//! digest is one conditional `UPDATE`, so two nodes never mail the same one.

use common::ids::UserId;
use std::time::Duration;

use common::ws::PresenceStatus;
use time::OffsetDateTime;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::{EmailService, compose};
use crate::config::link_host;
use crate::error::Result;
use crate::realtime::Presence;
use crate::store::email::DigestCandidate;
use crate::tasks::Tasks;

/// Users looked at per page of a round.
const CANDIDATES: i64 = 200;
/// Messages one digest lists.
const ITEMS: i64 = 20;

impl EmailService {
    /// Starts the digest task (with mail and digests on).
    pub fn start_digests(&self, presence: Presence, tasks: &Tasks) {
        if !self.enabled() || !self.config.digest_enabled {
            return;
        }
        let service = self.clone();
        tasks.supervise("email-digest", move |token| {
            service.clone().digest_loop(presence.clone(), token)
        });
    }

    async fn digest_loop(self, presence: Presence, token: CancellationToken) {
        let every = Duration::from_secs(self.config.digest_check_secs.max(1));
        loop {
            tokio::select! {
                () = token.cancelled() => return,
                () = tokio::time::sleep(every) => {}
            }
            if let Err(e) = self.digest_round(&presence).await {
                warn!(error = %e, "missed-message digests not sent this round");
            }
        }
    }

    /// One round: every candidate offline long enough gets its digest.
    async fn digest_round(&self, presence: &Presence) -> Result<()> {
        let after = mins(self.config.digest_after_mins);
        let interval = mins(self.config.digest_interval_mins);
        let mut after_id = UserId::from(uuid::Uuid::nil());
        loop {
            let candidates = self
                .store
                .digest_candidates(after, interval, after_id, CANDIDATES)
                .await?;
            let Some(last) = candidates.last() else {
                return Ok(());
            };
            after_id = last.id;
            for candidate in &candidates {
                // One user's failure (a full queue, say) does not hold up the others.
                if offline_long_enough(presence, candidate, after).await
                    && let Err(e) = self.digest_one(candidate, after, interval).await
                {
                    warn!(user_id = %candidate.id, error = %e, "missed-message digest not sent");
                }
            }
        }
    }

    async fn digest_one(&self, user: &DigestCandidate, after: i32, interval: i32) -> Result<()> {
        let items = self
            .store
            .digest_items(user.id, user.email_digest_at, after, ITEMS)
            .await?;
        if items.is_empty() || !self.store.claim_digest(user.id, interval).await? {
            return Ok(());
        }
        let host = link_host(Some(&self.base)).unwrap_or_default();
        let mail = compose::digest(&self.base, &user.username, &items, |item| {
            crate::links::message_link(
                &host,
                item.chat_id,
                item.chat_slug.as_deref(),
                item.message_id,
            )
        });
        self.queue()?
            .enqueue(&user.email, &mail.subject, &mail.body)
            .await?;
        info!(user_id = %user.id, messages = items.len(), "missed-message digest queued");
        Ok(())
    }
}

/// Offline on every node now, and last seen at least `after` minutes ago (or never on
/// this deployment's record).
async fn offline_long_enough(presence: &Presence, user: &DigestCandidate, after: i32) -> bool {
    let (status, last_seen) = presence.status_of(user.id).await;
    if status != PresenceStatus::Offline {
        return false;
    }
    last_seen.is_none_or(|seen| {
        OffsetDateTime::now_utc() - seen >= time::Duration::minutes(i64::from(after))
    })
}

fn mins(value: u64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}
