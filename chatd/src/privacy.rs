//! `PrivacyService`: reading and changing a user's privacy settings. A change is a
//! `settings:updated` user event (every device of the user hears it, and `sync` by
//! `userSeq` recovers it), and a change of who sees the user's presence is shown at once to
//! those who gain or lose it. The rules themselves are applied where each thing is exposed:
//! presence (`realtime::Presence`), search (`UserService`), direct chats (`ChatService`),
//! contact requests (`ContactService`).

use common::UserId;
use common::api::{Privacy, UpdatePrivacyRequest};
use common::ws::{ServerEvent, SettingsUpdated};
use tracing::warn;

use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::realtime::Presence;
use crate::store::{Store, StoreError};
use crate::user_events::Outbox;

/// Privacy settings.
#[derive(Clone, Debug)]
pub struct PrivacyService {
    store: Store,
    hub: Hub,
    presence: Presence,
}

impl PrivacyService {
    /// Builds the service.
    pub fn new(store: Store, hub: Hub, presence: Presence) -> Self {
        Self {
            store,
            hub,
            presence,
        }
    }

    /// The caller's settings.
    pub async fn get(&self, caller: UserId) -> Result<Privacy> {
        self.store
            .privacy_of(caller)
            .await?
            .ok_or(Error::NotFound("no such user"))
    }

    /// Changes the fields `req` sets; returns the settings as they are now.
    pub async fn update(&self, caller: UserId, req: &UpdatePrivacyRequest) -> Result<Privacy> {
        let mut txn = self.store.begin().await?;
        let Some(before) = self.store.privacy_of(caller).await? else {
            return Err(Error::NotFound("no such user"));
        };
        let after = before.with(req);
        // The row lock of set_privacy orders concurrent changes; what it read is `before`.
        let before = self
            .store
            .set_privacy(&mut txn, caller, &after)
            .await?
            .unwrap_or(before);
        let mut outbox = Outbox::default();
        outbox
            .record(&mut txn, caller, |user_seq| {
                ServerEvent::SettingsUpdated(SettingsUpdated {
                    user_seq,
                    dnd: None,
                    mute: None,
                    privacy: Some(after),
                })
            })
            .await?;
        txn.commit().await.map_err(StoreError::from)?;
        for (user, event) in outbox.drain() {
            self.hub.to_users(vec![user], &event);
        }
        if let Err(e) = self
            .presence
            .audience_changed(caller, before.presence, after.presence)
            .await
        {
            // Stored and announced to the user; the others see it at their next snapshot.
            warn!(error = %e, "presence audience change not announced");
        }
        Ok(after)
    }
}
