//! Membership of groups: adding, removing, leaving, roles, ownership, deletion.

use common::api::Role;
use common::ids::{ChatId, UserId};
use common::ws::{ChatUpdated, LeftReason, ParticipantLeft, RoleChange, ServerEvent};
use sqlx::PgConnection;

use super::{ChatService, group_too_large, lock_group, require, view};
use crate::chat_events;
use crate::error::{Error, Result};
use crate::fanout::MembershipChange;
use crate::store::StoreError;
use crate::store::chats::tx;

impl ChatService {
    /// Adds users as members (admins and the owner). Users already in are skipped.
    pub async fn add_participants(
        &self,
        caller: UserId,
        chat: ChatId,
        users: &[UserId],
    ) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "admin", "only admins can add members")?;
        let mut users = users.to_vec();
        users.sort();
        users.dedup();
        let found = tx::existing_users(&mut txn, &users).await?;
        if found.len() != users.len() {
            return Err(Error::field("userIds", "names a user that does not exist"));
        }
        let current = crate::store::messages::tx::members_among(&mut txn, chat, &users).await?;
        users.retain(|u| !current.contains(u));
        if users.is_empty() {
            return Ok(());
        }
        let count = tx::member_count(&mut txn, chat).await?;
        let (_, _, cap, _) = crate::store::groups::tx_profile(&mut txn, chat).await?;
        if count as usize + users.len() > common::limits::GROUP_MEMBERS_MAX {
            let mut detail = group_too_large();
            detail.field = "userIds".into();
            return Err(Error::Validation(vec![detail]));
        }
        if count + users.len() as i64 > i64::from(cap) {
            return Err(Error::field(
                "userIds",
                format!("this group's cap is {cap} members"),
            ));
        }
        let members: Vec<(UserId, &str)> = users.iter().map(|u| (*u, "member")).collect();
        let events = self
            .add_members(&mut txn, chat, &members, Some(caller))
            .await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.publish_joined(chat, events);
        self.added(chat, caller, users);
        Ok(())
    }

    /// Removes a member: the owner removes anyone else, an admin removes plain members.
    pub async fn remove_participant(
        &self,
        caller: UserId,
        chat: ChatId,
        user: UserId,
    ) -> Result<()> {
        if caller == user {
            return self.leave(caller, chat).await;
        }
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "admin", "only admins can remove members")?;
        let target = tx::member_role(&mut txn, chat, user)
            .await?
            .ok_or(Error::NotFound("not a member of this chat"))?;
        let allowed = match target.as_str() {
            "owner" => false,
            "admin" => locked.role == "owner",
            _ => true,
        };
        if !allowed {
            return Err(Error::Forbidden(
                "only the owner removes admins, and nobody the owner",
            ));
        }
        self.end(txn, chat, user, LeftReason::Removed, caller)
            .await?
            .publish(self);
        Ok(())
    }

    /// Leaves a group. The owner must transfer ownership first unless nobody else is left,
    /// in which case the group is deleted.
    pub async fn leave(&self, caller: UserId, chat: ChatId) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        if locked.role == "owner" {
            if tx::member_count(&mut txn, chat).await? > 1 {
                return Err(Error::Conflict(
                    "transfer ownership before leaving the group",
                ));
            }
            drop(txn);
            return self.delete(caller, chat).await;
        }
        self.end(txn, chat, caller, LeftReason::Left, caller)
            .await?
            .publish(self);
        Ok(())
    }

    /// Ends one membership inside the transaction and commits it.
    async fn end(
        &self,
        mut txn: sqlx::Transaction<'static, sqlx::Postgres>,
        chat: ChatId,
        user: UserId,
        reason: LeftReason,
        actor: UserId,
    ) -> Result<Pending> {
        let seq = tx::next_seqs(&mut txn, chat, 1).await?;
        tx::end_membership(&mut txn, chat, user, seq).await?;
        let event = ServerEvent::ParticipantLeft(ParticipantLeft {
            chat_id: chat,
            seq,
            user_id: user,
            reason,
        });
        chat_events::record(&mut txn, chat, seq, &event, Some(actor)).await?;
        txn.commit().await.map_err(StoreError::from)?;
        Ok(Pending {
            chat,
            event,
            left: vec![user],
        })
    }

    /// Makes a member an admin or back (owner only).
    pub async fn set_role(
        &self,
        caller: UserId,
        chat: ChatId,
        user: UserId,
        role: Role,
    ) -> Result<()> {
        if role == Role::Owner {
            return Err(Error::field(
                "role",
                "ownership moves with POST /api/chats/{id}/transfer",
            ));
        }
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "owner", "only the owner changes roles")?;
        let target = tx::member_role(&mut txn, chat, user)
            .await?
            .ok_or(Error::NotFound("not a member of this chat"))?;
        if target == "owner" {
            return Err(Error::Conflict(
                "the owner's role changes only by a transfer",
            ));
        }
        tx::set_role(&mut txn, chat, user, view::role_str(role)).await?;
        let event = roles_event(&mut txn, &locked, vec![(user, role)], Some(caller)).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        Ok(())
    }

    /// Hands ownership to another member; the old owner becomes an admin.
    pub async fn transfer(&self, caller: UserId, chat: ChatId, user: UserId) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "owner", "only the owner transfers ownership")?;
        if user == caller {
            return Err(Error::field("userId", "you already own this group"));
        }
        tx::member_role(&mut txn, chat, user)
            .await?
            .ok_or(Error::NotFound("not a member of this chat"))?;
        tx::set_role(&mut txn, chat, user, "owner").await?;
        tx::set_role(&mut txn, chat, caller, "admin").await?;
        let changes = vec![(user, Role::Owner), (caller, Role::Admin)];
        let event = roles_event(&mut txn, &locked, changes, Some(caller)).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        Ok(())
    }

    /// Deletes a group (owner only): it disappears for every member.
    pub async fn delete(&self, caller: UserId, chat: ChatId) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let locked = lock_group(&mut txn, chat, caller).await?;
        require(&locked, "owner", "only the owner deletes a group")?;
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
        chat_events::record(&mut txn, chat, seq, &event, Some(caller)).await?;
        txn.commit().await.map_err(StoreError::from)?;
        let change = MembershipChange {
            chat,
            joined: Vec::new(),
            left: members,
        };
        self.hub.to_chat(chat, &event, Some(change));
        Ok(())
    }
}

/// A committed membership end, to publish.
struct Pending {
    chat: ChatId,
    event: ServerEvent,
    left: Vec<UserId>,
}

impl Pending {
    fn publish(self, service: &ChatService) {
        let change = MembershipChange {
            chat: self.chat,
            joined: Vec::new(),
            left: self.left,
        };
        service.hub.to_chat(self.chat, &self.event, Some(change));
    }
}

/// Numbers and logs a `chat:updated` carrying role changes; `actor` is `None` for an
/// operator's change from `chatctl`.
pub(crate) async fn roles_event(
    txn: &mut PgConnection,
    locked: &crate::store::LockedChat,
    changes: Vec<(UserId, Role)>,
    actor: Option<UserId>,
) -> Result<ServerEvent> {
    let seq = tx::next_seqs(txn, locked.id, 1).await?;
    let event = ServerEvent::ChatUpdated(ChatUpdated {
        chat_id: locked.id,
        seq,
        name: locked.name.clone(),
        slug: locked.slug.clone(),
        roles: changes
            .into_iter()
            .map(|(user, role)| RoleChange {
                user_id: user,
                role,
            })
            .collect(),
        deleted: false,
        profile: None,
    });
    chat_events::record(txn, locked.id, seq, &event, actor).await?;
    Ok(event)
}
