//! Who hears a user's presence under their privacy setting, and what changes when the
//! setting does.

use common::api::PresenceAudience;
use common::ids::UserId;
use common::ws::{PresenceStatus, ServerEvent, UserStatus};

use super::Presence;
use crate::error::Result;

impl Presence {
    /// Who, besides the user, hears the user's presence: those who share a chat with them,
    /// narrowed by `presence` (or the stored setting).
    pub(super) async fn audience(
        &self,
        user: UserId,
        presence: Option<PresenceAudience>,
    ) -> Result<Vec<UserId>> {
        let presence = match presence {
            Some(p) => p,
            None => {
                self.store
                    .privacy_of(user)
                    .await?
                    .unwrap_or_default()
                    .presence
            }
        };
        let sharers = self.store.contacts_by_chat(user).await?;
        Ok(self
            .store
            .presence_audience(user, presence, &sharers)
            .await?)
    }

    /// The user's presence setting changed from `before` to `after`: those who may now see
    /// it get the user's status, those who no longer may get `offline` with no last seen
    /// time (what a user who was never seen looks like), so the change shows at once.
    pub async fn audience_changed(
        &self,
        user: UserId,
        before: PresenceAudience,
        after: PresenceAudience,
    ) -> Result<()> {
        if before == after {
            return Ok(());
        }
        let old = self.audience(user, Some(before)).await?;
        let new = self.audience(user, Some(after)).await?;
        let gained: Vec<UserId> = new.iter().filter(|u| !old.contains(u)).copied().collect();
        let lost: Vec<UserId> = old.iter().filter(|u| !new.contains(u)).copied().collect();
        if !gained.is_empty() {
            let (status, last_seen_at) = self.status_of(user).await;
            let event = ServerEvent::UserStatus(UserStatus {
                user_id: user,
                status,
                last_seen_at,
            });
            self.hub.to_users(gained, &event);
        }
        if !lost.is_empty() {
            let event = ServerEvent::UserStatus(UserStatus {
                user_id: user,
                status: PresenceStatus::Offline,
                last_seen_at: None,
            });
            self.hub.to_users(lost, &event);
        }
        Ok(())
    }
}
