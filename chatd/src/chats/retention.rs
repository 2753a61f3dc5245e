//! A group's own retention (`PUT /api/chats/{id}/retention`): set by its owner, only when the
//! operator allows it (`retention.allow_chat_override`), and never longer than the server's.

use common::api::ChatDetail;
use common::ids::{ChatId, UserId};

use super::{ChatService, lock_group, require};
use crate::config::{RETENTION_DAYS_MAX, RetentionConfig};
use crate::error::{Error, Result};
use crate::store::StoreError;
use crate::store::retention::tx;

impl ChatService {
    /// Sets (`Some`) or clears (`None`) the group's retention in days.
    pub async fn set_retention(
        &self,
        caller: UserId,
        chat: ChatId,
        days: Option<u32>,
        policy: &RetentionConfig,
    ) -> Result<ChatDetail> {
        if let Some(days) = days {
            let max = policy.message_days.unwrap_or(RETENTION_DAYS_MAX);
            if !(1..=max).contains(&days) {
                return Err(Error::field(
                    "days",
                    format!("must be between 1 and {max} (the server keeps messages {max} days)"),
                ));
            }
        }
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(
            &locked,
            "owner",
            "only the owner can set a group's retention",
        )?;
        if !policy.allow_chat_override {
            return Err(Error::Forbidden(
                "this server does not let groups set their own retention",
            ));
        }
        let days = days.map(|d| i32::try_from(d).unwrap_or(i32::MAX));
        tx::set_chat_days(&mut txn, chat, days).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.get(caller, chat).await
    }
}
