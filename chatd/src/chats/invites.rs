//! Invite links of groups: created and revoked by admins and the owner, previewed and used
//! by anyone signed in. Tokens are 256 random bits, stored as SHA-256 only; a use is taken
//! in the join's transaction, so racing joins never exceed `maxUses`.

use common::api::{ChatDetail, CreateGroupInviteRequest, GroupInvite, GroupSummary};
use common::ids::{ChatId, UserId};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use super::groups::summary;
use super::{ChatService, lock_group, require};
use crate::auth::{new_secret_token, secret_hash};
use crate::error::{Error, Result};
use crate::store::groups::InviteRow;

/// What an unknown, revoked, expired or used-up token answers: one error for all, so a
/// token reveals nothing about the group it once opened.
pub(super) const GONE: Error =
    Error::NotFound("no such invite, or it expired, was revoked or is used up");

/// Shortest and longest lifetime of an invite, in seconds.
const EXPIRY_SECS: std::ops::RangeInclusive<u64> = 60..=30 * 24 * 3600;
/// Most uses of one invite.
const USES_MAX: u32 = 10_000;

fn invite(row: InviteRow) -> GroupInvite {
    GroupInvite {
        id: row.id,
        chat_id: row.chat_id,
        token: None,
        link: None,
        web_link: None,
        uses: u32::try_from(row.uses).unwrap_or(0),
        max_uses: row.max_uses.and_then(|m| u32::try_from(m).ok()),
        expires_at: row.expires_at,
        created_at: row.created_at,
    }
}

impl ChatService {
    async fn require_group_admin(
        &self,
        caller: UserId,
        chat: ChatId,
        why: &'static str,
    ) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "admin", why)
    }

    /// A new invite link to `chat` (admins and the owner); its links name `host`.
    pub async fn create_invite(
        &self,
        caller: UserId,
        chat: ChatId,
        req: &CreateGroupInviteRequest,
        host: &str,
    ) -> Result<GroupInvite> {
        let mut problems = Vec::new();
        if req
            .expires_in_secs
            .is_some_and(|s| !EXPIRY_SECS.contains(&s))
        {
            problems.push(common::ErrorDetail::new(
                "expiresInSecs",
                format!(
                    "must be between {} and {}",
                    EXPIRY_SECS.start(),
                    EXPIRY_SECS.end()
                ),
            ));
        }
        if req.max_uses.is_some_and(|m| !(1..=USES_MAX).contains(&m)) {
            problems.push(common::ErrorDetail::new(
                "maxUses",
                format!("must be between 1 and {USES_MAX}"),
            ));
        }
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        self.require_group_admin(caller, chat, "only admins can create invite links")
            .await?;
        let token = new_secret_token();
        let expires_at = req.expires_in_secs.map(|s| {
            OffsetDateTime::now_utc() + Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX))
        });
        let max_uses = req.max_uses.and_then(|m| i32::try_from(m).ok());
        let row = self
            .store
            .insert_group_invite(
                Uuid::now_v7(),
                chat,
                &secret_hash(&token),
                caller,
                expires_at,
                max_uses,
            )
            .await?;
        let (link, web_link) = common::links::invite_links(host, &token);
        Ok(GroupInvite {
            token: Some(token),
            link: Some(link),
            web_link: Some(web_link),
            ..invite(row)
        })
    }

    /// The working invites of `chat` (admins and the owner), newest first.
    pub async fn invites(&self, caller: UserId, chat: ChatId) -> Result<Vec<GroupInvite>> {
        self.require_group_admin(caller, chat, "only admins can see invite links")
            .await?;
        let rows = self.store.group_invites(chat).await?;
        Ok(rows.into_iter().map(invite).collect())
    }

    /// Revokes an invite of `chat` (admins and the owner).
    pub async fn revoke_invite(&self, caller: UserId, chat: ChatId, id: Uuid) -> Result<()> {
        self.require_group_admin(caller, chat, "only admins can revoke invite links")
            .await?;
        if self.store.revoke_group_invite(chat, id).await? {
            Ok(())
        } else {
            Err(Error::NotFound("no such invite"))
        }
    }

    /// What a working token opens, without joining.
    pub async fn preview_invite(&self, token: &str) -> Result<GroupSummary> {
        let (_, chat) = self
            .store
            .live_invite(&secret_hash(token))
            .await?
            .ok_or(GONE)?;
        let row = self.store.group_summary(chat).await?.ok_or(GONE)?;
        Ok(summary(row))
    }

    /// Joins the group a working token opens, taking one of its uses (none when the caller
    /// is a member already).
    pub async fn join_by_invite(&self, caller: UserId, token: &str) -> Result<ChatDetail> {
        let (id, chat) = self
            .store
            .live_invite(&secret_hash(token))
            .await?
            .ok_or(GONE)?;
        self.join(caller, chat, Some(id)).await
    }
}
