//! Group profiles (name, slug, description, visibility, member cap, avatar), the public
//! directory and joining: each profile change is a numbered `chat:updated`, each join a
//! numbered `participant:joined`, like any other membership change.

use common::api::{
    ChatDetail, CreateGroupRequest, GroupProfile, GroupSummary, Page, UpdateChatRequest,
    Visibility, group_avatar_url,
};
use common::ids::{ChatId, UserId};
use common::limits::{PAGE_DEFAULT, PAGE_MAX, SEARCH_QUERY_MAX};
use common::ws::{ChatUpdated, ServerEvent};
use uuid::Uuid;

use super::rules::{check_description, check_max_members, check_name, check_slug};
use super::{ChatService, NOT_FOUND, lock_group, require, taken, view};
use crate::chat_events;
use crate::error::{Error, Result};
use crate::media::avatar::AvatarImages;
use crate::store::StoreError;
use crate::store::chats::tx;
use crate::store::groups::{self as store, GroupSummaryRow};

/// The checked profile of a new group with `members` members: description, visibility,
/// cap.
pub(super) fn new_profile(
    req: &CreateGroupRequest,
    members: usize,
) -> Result<(Option<String>, Visibility, i32)> {
    let mut problems = Vec::new();
    let description = match req.description.as_deref().map(check_description) {
        Some(Ok(d)) => d,
        Some(Err(p)) => {
            problems.push(p);
            None
        }
        None => None,
    };
    let cap = common::limits::GROUP_MEMBERS_MAX as u32;
    let max = match check_max_members(req.max_members.unwrap_or(cap), members) {
        Ok(max) => max,
        Err(p) => {
            problems.push(p);
            0
        }
    };
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    Ok((description, req.visibility.unwrap_or_default(), max))
}

/// The checked value, or `old` with the problem noted (every problem is answered at once).
fn keep<T>(
    problems: &mut Vec<common::ErrorDetail>,
    checked: std::result::Result<T, common::ErrorDetail>,
    old: T,
) -> T {
    checked.unwrap_or_else(|p| {
        problems.push(p);
        old
    })
}

/// A directory row as the API shows it.
pub(super) fn summary(row: GroupSummaryRow) -> GroupSummary {
    GroupSummary {
        id: row.id,
        name: row.name.unwrap_or_default(),
        slug: row.slug,
        description: row.description,
        visibility: view::visibility(&row.visibility),
        member_count: u32::try_from(row.member_count).unwrap_or(0),
        max_members: u32::try_from(row.max_members).unwrap_or(0),
        avatar_url: row.avatar_id.map(|a| group_avatar_url(row.id, a)),
    }
}

impl ChatService {
    /// Changes a group's name, slug, description, visibility or member cap (admins and the
    /// owner); fields left out stay.
    pub async fn update(
        &self,
        caller: UserId,
        chat: ChatId,
        req: &UpdateChatRequest,
    ) -> Result<ChatDetail> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "admin", "only admins can change a group")?;
        let (old_description, old_visibility, old_max, avatar) =
            store::tx_profile(&mut txn, chat).await?;
        let mut problems = Vec::new();
        let name = match &req.name {
            Some(name) => keep(&mut problems, check_name(name), String::new()),
            None => locked.name.clone().unwrap_or_default(),
        };
        let slug = match req.slug.as_deref() {
            Some(slug) => keep(&mut problems, check_slug(slug), None),
            None => locked.slug.clone(),
        };
        let description = match req.description.as_deref() {
            Some(text) => keep(&mut problems, check_description(text), None),
            None => old_description,
        };
        let max_members = match req.max_members {
            Some(max) => {
                let count = usize::try_from(tx::member_count(&mut txn, chat).await?).unwrap_or(0);
                check_max_members(max, count).unwrap_or_else(|p| {
                    problems.push(p);
                    old_max
                })
            }
            None => old_max,
        };
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        let visibility = req
            .visibility
            .unwrap_or_else(|| view::visibility(&old_visibility));
        tx::rename(&mut txn, chat, &name, slug.as_deref())
            .await
            .map_err(taken)?;
        store::tx_set_profile(
            &mut txn,
            chat,
            description.as_deref(),
            visibility.as_str(),
            max_members,
        )
        .await?;
        let profile_changed =
            req.description.is_some() || req.visibility.is_some() || req.max_members.is_some();
        let profile = profile_changed.then(|| GroupProfile {
            description,
            visibility,
            max_members: u32::try_from(max_members).unwrap_or(0),
            avatar_url: avatar.map(|a| group_avatar_url(chat, a)),
        });
        let seq = tx::next_seqs(&mut txn, chat, 1).await?;
        let event = ServerEvent::ChatUpdated(ChatUpdated {
            chat_id: chat,
            seq,
            name: Some(name),
            slug,
            roles: Vec::new(),
            deleted: false,
            profile,
        });
        chat_events::record(&mut txn, chat, seq, &event, Some(caller)).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        self.get(caller, chat).await
    }

    /// Fails unless `caller` is an admin or the owner of the group (checked before the
    /// costly decode of a new avatar; the change itself checks again under the lock).
    pub async fn require_admin(&self, caller: UserId, chat: ChatId) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "admin", "only admins can change a group")
    }

    /// Replaces (`Some`) or removes a group's avatar (admins and the owner); members get a
    /// `chat:updated` with the new profile.
    pub async fn set_avatar(
        &self,
        caller: UserId,
        chat: ChatId,
        images: Option<AvatarImages>,
    ) -> Result<Option<Uuid>> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "admin", "only admins can change a group")?;
        let id = images.as_ref().map(|_| Uuid::now_v7());
        let stored = id
            .zip(images.as_ref())
            .map(|(id, i)| (id, i.small.as_slice(), i.large.as_slice()));
        store::tx_set_avatar(&mut txn, chat, stored).await?;
        let (description, visibility, max, _) = store::tx_profile(&mut txn, chat).await?;
        let seq = tx::next_seqs(&mut txn, chat, 1).await?;
        let event = ServerEvent::ChatUpdated(ChatUpdated {
            chat_id: chat,
            seq,
            name: locked.name.clone(),
            slug: locked.slug.clone(),
            roles: Vec::new(),
            deleted: false,
            profile: Some(GroupProfile {
                description,
                visibility: view::visibility(&visibility),
                max_members: u32::try_from(max).unwrap_or(0),
                avatar_url: id.map(|a| group_avatar_url(chat, a)),
            }),
        });
        chat_events::record(&mut txn, chat, seq, &event, Some(caller)).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        Ok(id)
    }

    /// Public groups whose name or description contains `q` (all without one), a page at a
    /// time in creation order.
    pub async fn directory(
        &self,
        q: Option<&str>,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Page<GroupSummary>> {
        let q = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
        if q.as_ref()
            .is_some_and(|q| q.chars().count() > SEARCH_QUERY_MAX)
        {
            return Err(Error::field(
                "q",
                format!("must be at most {SEARCH_QUERY_MAX} characters"),
            ));
        }
        let limit = limit.unwrap_or(PAGE_DEFAULT);
        if !(1..=PAGE_MAX).contains(&limit) {
            return Err(Error::field(
                "limit",
                format!("must be between 1 and {PAGE_MAX}"),
            ));
        }
        let after = cursor
            .map(|c| {
                c.parse::<ChatId>()
                    .map_err(|_| Error::field("cursor", "invalid cursor"))
            })
            .transpose()?;
        let pattern = q.map(|q| {
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        });
        let mut rows = self
            .store
            .public_groups(pattern.as_deref(), after, i64::from(limit) + 1)
            .await?;
        let next_cursor = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id.to_string())
        } else {
            None
        };
        Ok(Page {
            items: rows.into_iter().map(summary).collect(),
            next_cursor,
        })
    }

    /// Joins a public group. A private group is "not found" (as for any chat one is not
    /// in); a member joining again gets the group unchanged.
    pub async fn join_public(&self, caller: UserId, chat: ChatId) -> Result<ChatDetail> {
        self.join(caller, chat, None).await
    }

    /// Joins `chat` (public, or any group through `invite`): under the chat's lock, checks
    /// the owner's block and the cap, takes one use of the invite, and adds the caller.
    pub(super) async fn join(
        &self,
        caller: UserId,
        chat: ChatId,
        invite: Option<Uuid>,
    ) -> Result<ChatDetail> {
        let mut txn = self.store.begin().await?;
        // A token whose group was deleted meanwhile is as gone as the group.
        let gone = if invite.is_some() {
            super::invites::GONE
        } else {
            NOT_FOUND
        };
        let target = store::tx_lock_for_join(&mut txn, chat).await?.ok_or(gone)?;
        if tx::member_role(&mut txn, chat, caller).await?.is_some() {
            drop(txn);
            return self.get(caller, chat).await;
        }
        if invite.is_none() && target.visibility != "public" {
            return Err(NOT_FOUND);
        }
        if let (Some(policy), Some(owner)) = (&self.policy, target.owner_id) {
            policy.blocks.check_join(owner, caller).await?;
        }
        let count = tx::member_count(&mut txn, chat).await?;
        if count >= i64::from(target.max_members) {
            return Err(Error::Conflict("this group is full"));
        }
        if let Some(invite) = invite
            && !store::tx_use_invite(&mut txn, invite).await?
        {
            return Err(super::invites::GONE);
        }
        let events = self
            .add_members(&mut txn, chat, &[(caller, "member")], Some(caller))
            .await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.publish_joined(chat, events);
        self.get(caller, chat).await
    }
}
