//! The server operator's changes of groups (`chatctl group`): the same rules, limits,
//! numbered events and fan-out as a member's changes, acted by someone who is not a member.
//! There is no membership or role check (the operator stands above every group), the
//! events carry no actor (`chat_events.actor_id` NULL, `addedBy` absent; the audit log
//! names the operator), and the owner changes only by a transfer, as for members.

use common::ErrorDetail;
use common::api::{CreateGroupRequest, Role};
use common::ids::{ChatId, UserId};
use common::ws::{ChatUpdated, LeftReason, ParticipantLeft, ServerEvent};
use sqlx::PgConnection;

use super::members::roles_event;
use super::{
    ChatService, NOT_FOUND, check_name, check_slug, checked_group, group_too_large, taken,
};
use crate::chat_events;
use crate::error::{Error, Result};
use crate::fanout::MembershipChange;
use crate::store::chats::tx;
use crate::store::{LockedChat, StoreError, operator_tx};

const NOT_A_MEMBER: Error = Error::NotFound("not a member of this group");

impl ChatService {
    /// A new group owned by `owner`, who need not be the one asking. Returns its id.
    pub async fn operator_create_group(
        &self,
        owner: UserId,
        req: &CreateGroupRequest,
    ) -> Result<ChatId> {
        let (name, slug, others) = checked_group(owner, req)?;
        let mut txn = self.store.begin().await?;
        let mut everyone = others.clone();
        everyone.push(owner);
        let found = tx::existing_users(&mut txn, &everyone).await?;
        if !found.contains(&owner) {
            return Err(Error::field("owner", "names a disabled account"));
        }
        if found.len() != everyone.len() {
            return Err(Error::field("participantIds", "names a disabled account"));
        }
        let chat = ChatId::new();
        tx::insert_chat(
            &mut txn,
            chat,
            "group",
            name.as_deref(),
            slug.as_deref(),
            None,
            owner,
        )
        .await
        .map_err(taken)?;
        let mut members = vec![(owner, "owner")];
        members.extend(others.iter().map(|id| (*id, "member")));
        let events = self.add_members(&mut txn, chat, &members, None).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.publish_joined(chat, events);
        Ok(chat)
    }

    /// Adds users as members, within the size limit; returns those not already in.
    pub async fn operator_add_participants(
        &self,
        chat: ChatId,
        users: &[UserId],
    ) -> Result<Vec<UserId>> {
        let mut txn = self.store.begin().await?;
        lock_group(&mut txn, chat).await?;
        let mut users = users.to_vec();
        users.sort();
        users.dedup();
        let found = tx::existing_users(&mut txn, &users).await?;
        if found.len() != users.len() {
            return Err(Error::field("userIds", "names a disabled account"));
        }
        let current = crate::store::messages::tx::members_among(&mut txn, chat, &users).await?;
        users.retain(|u| !current.contains(u));
        if users.is_empty() {
            return Ok(users);
        }
        let count = tx::member_count(&mut txn, chat).await?;
        if count as usize + users.len() > common::limits::GROUP_MEMBERS_MAX {
            let mut detail = group_too_large();
            detail.field = "userIds".into();
            return Err(Error::Validation(vec![detail]));
        }
        let members: Vec<(UserId, &str)> = users.iter().map(|u| (*u, "member")).collect();
        let events = self.add_members(&mut txn, chat, &members, None).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.publish_joined(chat, events);
        Ok(users)
    }

    /// Removes any member but the owner (whose group would be left without one).
    pub async fn operator_remove_participant(&self, chat: ChatId, user: UserId) -> Result<()> {
        let mut txn = self.store.begin().await?;
        lock_group(&mut txn, chat).await?;
        let role = tx::member_role(&mut txn, chat, user)
            .await?
            .ok_or(NOT_A_MEMBER)?;
        if role == "owner" {
            return Err(Error::Conflict(
                "transfer ownership before removing the owner, or delete the group",
            ));
        }
        let seq = tx::next_seqs(&mut txn, chat, 1).await?;
        tx::end_membership(&mut txn, chat, user, seq).await?;
        let event = ServerEvent::ParticipantLeft(ParticipantLeft {
            chat_id: chat,
            seq,
            user_id: user,
            reason: LeftReason::Removed,
        });
        chat_events::record(&mut txn, chat, seq, &event, None).await?;
        txn.commit().await.map_err(StoreError::from)?;
        let change = MembershipChange {
            chat,
            joined: Vec::new(),
            left: vec![user],
        };
        self.hub.to_chat(chat, &event, Some(change));
        Ok(())
    }

    /// Makes a member an admin or a plain member (not the owner: that is a transfer).
    pub async fn operator_set_role(&self, chat: ChatId, user: UserId, role: Role) -> Result<()> {
        if role == Role::Owner {
            return Err(Error::field("role", "ownership moves only by a transfer"));
        }
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat).await?;
        let current = tx::member_role(&mut txn, chat, user)
            .await?
            .ok_or(NOT_A_MEMBER)?;
        if current == "owner" {
            return Err(Error::Conflict(
                "the owner's role changes only by a transfer",
            ));
        }
        tx::set_role(&mut txn, chat, user, super::view::role_str(role)).await?;
        let event = roles_event(&mut txn, &locked, vec![(user, role)], None).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        Ok(())
    }

    /// Makes a member the owner; the previous owner, if the group still has one, becomes an
    /// admin. Returns the previous owner.
    pub async fn operator_transfer(&self, chat: ChatId, user: UserId) -> Result<Option<UserId>> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat).await?;
        tx::member_role(&mut txn, chat, user)
            .await?
            .ok_or(NOT_A_MEMBER)?;
        let previous = operator_tx::owner_of(&mut txn, chat).await?;
        if previous == Some(user) {
            return Err(Error::Conflict("that member already owns the group"));
        }
        tx::set_role(&mut txn, chat, user, "owner").await?;
        let mut changes = vec![(user, Role::Owner)];
        if let Some(old) = previous {
            tx::set_role(&mut txn, chat, old, "admin").await?;
            changes.push((old, Role::Admin));
        }
        let event = roles_event(&mut txn, &locked, changes, None).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        Ok(previous)
    }

    /// Renames a group and/or changes its slug (`Some("")` removes it).
    pub async fn operator_rename(
        &self,
        chat: ChatId,
        name: Option<&str>,
        slug: Option<&str>,
    ) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat).await?;
        let mut problems: Vec<ErrorDetail> = Vec::new();
        let name = match name.map(check_name) {
            Some(Ok(name)) => name,
            Some(Err(d)) => {
                problems.push(d);
                String::new()
            }
            None => locked.name.clone().unwrap_or_default(),
        };
        let slug = match slug.map(check_slug) {
            Some(Ok(slug)) => slug,
            Some(Err(d)) => {
                problems.push(d);
                None
            }
            None => locked.slug.clone(),
        };
        if !problems.is_empty() {
            return Err(Error::Validation(problems));
        }
        tx::rename(&mut txn, chat, &name, slug.as_deref())
            .await
            .map_err(taken)?;
        let seq = tx::next_seqs(&mut txn, chat, 1).await?;
        let event = ServerEvent::ChatUpdated(ChatUpdated {
            chat_id: chat,
            seq,
            name: Some(name),
            slug,
            roles: Vec::new(),
            deleted: false,
            profile: None,
        });
        chat_events::record(&mut txn, chat, seq, &event, None).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        Ok(())
    }

    /// Deletes a group for every member. Returns the members it had.
    pub async fn operator_delete(&self, chat: ChatId) -> Result<Vec<UserId>> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat).await?;
        let members = self.store.member_ids(chat).await?;
        let seq = tx::next_seqs(&mut txn, chat, 1).await?;
        tx::mark_deleted(&mut txn, chat).await?;
        let event = ServerEvent::ChatUpdated(ChatUpdated {
            chat_id: chat,
            seq,
            name: locked.name.clone(),
            slug: locked.slug.clone(),
            roles: Vec::new(),
            deleted: true,
            profile: None,
        });
        chat_events::record(&mut txn, chat, seq, &event, None).await?;
        txn.commit().await.map_err(StoreError::from)?;
        let change = MembershipChange {
            chat,
            joined: Vec::new(),
            left: members.clone(),
        };
        self.hub.to_chat(chat, &event, Some(change));
        Ok(members)
    }
}

async fn lock_group(txn: &mut PgConnection, chat: ChatId) -> Result<LockedChat> {
    let locked = operator_tx::lock_chat(txn, chat).await?.ok_or(NOT_FOUND)?;
    if locked.kind != "group" {
        return Err(Error::BadRequest(
            "a direct chat has no name, roles or members to manage".into(),
        ));
    }
    Ok(locked)
}
