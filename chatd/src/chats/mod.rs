//! Chats and groups: listing, creating, renaming, deleting, and membership with roles.
//! Every change locks the chat row, takes its sequence numbers, records its events and
//! commits before anything is published.

mod groups;
mod invites;
mod members;
pub(crate) use members::roles_event;
mod operator;
mod retention;
mod rules;
pub mod view;

use std::collections::HashMap;

use common::api::{Chat, ChatDetail, CreateGroupRequest, DirectChatsFrom, User};
use common::ids::{ChatId, UserId};
use common::ws::{ParticipantJoined, ServerEvent};
use sqlx::PgConnection;

use crate::blocks::Blocks;
use rules::{check_name, check_slug, checked_group, group_too_large};

use crate::chat_events;
use crate::error::{Error, Result};
use crate::fanout::MembershipChange;
use crate::hub::Hub;
use crate::messages::view::hydrate;
use crate::notifications::Notifier;
use crate::store::chats::tx::{self, CreateChatError};
use crate::store::{ChatRow, LockedChat, Store, StoreError};

/// Chat operations.
#[derive(Clone, Debug)]
pub struct ChatService {
    store: Store,
    hub: Hub,
    policy: Option<ChatPolicy>,
}

/// What a server adds to the bare chat rules (`chatctl`'s operator changes go without):
/// the block and contact checks of direct chats and the notifications of group
/// invitations.
#[derive(Clone, Debug)]
pub struct ChatPolicy {
    /// The block rules.
    pub blocks: Blocks,
    /// `contacts.direct_chats_require_contact`.
    pub direct_requires_contact: bool,
    /// Where group invitations become notifications.
    pub notifier: Notifier,
}

impl ChatService {
    /// Builds the service.
    pub fn new(store: Store, hub: Hub) -> Self {
        Self {
            store,
            hub,
            policy: None,
        }
    }

    /// Adds the block and contact checks of direct chats and the notifications of
    /// group invitations.
    #[must_use]
    pub fn with_policy(mut self, policy: ChatPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Notifies the users `actor` added to `chat`.
    fn added(&self, chat: ChatId, actor: UserId, users: Vec<UserId>) {
        if let Some(policy) = &self.policy {
            policy.notifier.group_invite(chat, actor, users);
        }
    }

    /// May `caller` open a direct chat with `other`? Not across a block (either way), and
    /// with `contacts.direct_chats_require_contact` only between contacts.
    async fn check_direct(&self, caller: UserId, other: UserId) -> Result<()> {
        let Some(policy) = &self.policy else {
            return Ok(());
        };
        policy.blocks.check_pair(caller, other).await?;
        if policy.direct_requires_contact && !self.store.are_contacts(caller, other).await? {
            return Err(Error::Forbidden(
                "direct chats on this server need an accepted contact request first",
            ));
        }
        Ok(())
    }

    /// May `caller` start a new direct chat with `other`? Not when `other` accepts them from
    /// contacts only and they are not contacts. A chat the two already have stays open:
    /// the setting is about who may start one.
    async fn check_direct_privacy(&self, caller: UserId, other: UserId) -> Result<()> {
        if self.policy.is_none() {
            return Ok(());
        }
        let contacts_only = self
            .store
            .privacy_of(other)
            .await?
            .is_some_and(|p| p.direct_chats == DirectChatsFrom::Contacts);
        if contacts_only && !self.store.are_contacts(caller, other).await? {
            return Err(Error::Forbidden(
                "this user accepts direct chats from contacts only",
            ));
        }
        Ok(())
    }

    /// The ids of the chats `user` is a current member of (what a new connection follows).
    pub async fn ids_of(&self, user: UserId) -> Result<Vec<ChatId>> {
        Ok(self.store.chat_ids_of(user).await?)
    }

    /// The caller's chats, most recent activity first, with last messages and peers.
    pub async fn list(&self, caller: UserId) -> Result<Vec<Chat>> {
        let rows = self.store.chats_of(caller).await?;
        self.views(rows).await
    }

    /// One chat with its members; `NOT_FOUND` for anyone who is not a member.
    pub async fn get(&self, caller: UserId, chat: ChatId) -> Result<ChatDetail> {
        let row = self.store.chat_for(caller, chat).await?.ok_or(NOT_FOUND)?;
        self.detail(row).await
    }

    /// One chat by its slug; `NOT_FOUND` for anyone who is not a member.
    pub async fn get_by_slug(&self, caller: UserId, slug: &str) -> Result<ChatDetail> {
        let row = self
            .store
            .chat_by_slug_for(caller, slug)
            .await?
            .ok_or(NOT_FOUND)?;
        self.detail(row).await
    }

    async fn detail(&self, row: ChatRow) -> Result<ChatDetail> {
        let members = self.store.members(row.id).await?;
        let ids: Vec<UserId> = members.iter().map(|m| m.user_id).collect();
        let users = self.users(&ids).await?;
        let chat = self.views(vec![row]).await?.remove(0);
        let participants = members
            .into_iter()
            .filter_map(|m| {
                users
                    .get(&m.user_id)
                    .cloned()
                    .map(|u| view::participant(&m, u))
            })
            .collect();
        Ok(ChatDetail { chat, participants })
    }

    async fn views(&self, rows: Vec<ChatRow>) -> Result<Vec<Chat>> {
        let ids: Vec<ChatId> = rows.iter().map(|r| r.id).collect();
        let peer_ids: Vec<UserId> = rows.iter().filter_map(|r| r.peer_id).collect();
        let (last_rows, peers) = tokio::try_join!(
            async { Ok(self.store.last_messages(&ids).await?) },
            self.users(&peer_ids)
        )?;
        let mut last: HashMap<ChatId, common::api::Message> = hydrate(&self.store, last_rows)
            .await?
            .into_iter()
            .map(|m| (m.chat_id, m))
            .collect();
        Ok(rows
            .into_iter()
            .map(|row| {
                let last = last.remove(&row.id);
                view::chat(row, &peers, last)
            })
            .collect())
    }

    async fn users(&self, ids: &[UserId]) -> Result<HashMap<UserId, User>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(self
            .store
            .users_by_ids(ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u.to_api()))
            .collect())
    }

    /// The one direct chat of the caller and `other`, created on first use.
    pub async fn direct(&self, caller: UserId, other: UserId) -> Result<ChatDetail> {
        if caller == other {
            return Err(Error::field("userId", "a direct chat needs another user"));
        }
        self.check_direct(caller, other).await?;
        let (lo, hi) = if caller < other {
            (caller, other)
        } else {
            (other, caller)
        };
        for _ in 0..3 {
            let mut txn = self.store.begin().await?;
            if tx::find_direct(&mut txn, lo, hi).await?.is_some() {
                break;
            }
            if tx::existing_users(&mut txn, &[other]).await?.is_empty() {
                return Err(Error::NotFound("no such user"));
            }
            self.check_direct_privacy(caller, other).await?;
            let chat = ChatId::new();
            match tx::insert_chat(&mut txn, chat, "direct", None, None, Some((lo, hi)), caller)
                .await
            {
                Ok(()) => {}
                // Created concurrently by the other side: read theirs.
                Err(CreateChatError::Taken(_)) => continue,
                Err(CreateChatError::Store(e)) => return Err(e.into()),
            }
            let events = self
                .add_members(
                    &mut txn,
                    chat,
                    &[(caller, "member"), (other, "member")],
                    Some(caller),
                )
                .await?;
            txn.commit().await.map_err(StoreError::from)?;
            self.publish_joined(chat, events);
            break;
        }
        let mut txn = self.store.begin().await?;
        let chat = tx::find_direct(&mut txn, lo, hi).await?.ok_or(NOT_FOUND)?;
        drop(txn);
        self.get(caller, chat).await
    }

    /// A new group with the caller as owner.
    pub async fn create_group(
        &self,
        caller: UserId,
        req: &CreateGroupRequest,
    ) -> Result<ChatDetail> {
        let (name, slug, others) = checked_group(caller, req)?;
        let (description, visibility, max_members) = groups::new_profile(req, others.len() + 1)?;
        let mut txn = self.store.begin().await?;
        let found = tx::existing_users(&mut txn, &others).await?;
        if found.len() != others.len() {
            return Err(Error::field(
                "participantIds",
                "names a user that does not exist",
            ));
        }
        let chat = ChatId::new();
        tx::insert_chat(
            &mut txn,
            chat,
            "group",
            name.as_deref(),
            slug.as_deref(),
            None,
            caller,
        )
        .await
        .map_err(taken)?;
        crate::store::groups::tx_set_profile(
            &mut txn,
            chat,
            description.as_deref(),
            visibility.as_str(),
            max_members,
        )
        .await?;
        let mut members = vec![(caller, "owner")];
        members.extend(others.iter().map(|id| (*id, "member")));
        let events = self
            .add_members(&mut txn, chat, &members, Some(caller))
            .await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.publish_joined(chat, events);
        self.added(chat, caller, others);
        self.get(caller, chat).await
    }

    /// Adds members `(user, role)` at fresh sequence numbers and records their events.
    async fn add_members(
        &self,
        txn: &mut PgConnection,
        chat: ChatId,
        members: &[(UserId, &str)],
        added_by: Option<UserId>,
    ) -> Result<Vec<ServerEvent>> {
        let ids: Vec<UserId> = members.iter().map(|m| m.0).collect();
        let users = self.users(&ids).await?;
        let last = tx::next_seqs(txn, chat, members.len() as i64).await?;
        let mut seq = last - members.len() as i64;
        let mut events = Vec::new();
        for (user, role) in members {
            seq += 1;
            tx::upsert_member(txn, chat, *user, role, seq).await?;
            // Every member row has its user row (a foreign key), so this always finds one;
            // skipping would leave a hole in the sequence.
            let profile = users
                .get(user)
                .cloned()
                .ok_or_else(|| Error::Internal(anyhow::anyhow!("user {user} vanished")))?;
            let event = ServerEvent::ParticipantJoined(ParticipantJoined {
                chat_id: chat,
                seq,
                user: profile,
                role: view::role(role),
                added_by,
            });
            chat_events::record(txn, chat, seq, &event, added_by).await?;
            events.push(event);
        }
        Ok(events)
    }

    fn publish_joined(&self, chat: ChatId, events: Vec<ServerEvent>) {
        for event in events {
            let joined = match &event {
                ServerEvent::ParticipantJoined(e) => vec![e.user.id],
                _ => Vec::new(),
            };
            let change = MembershipChange {
                chat,
                joined,
                left: Vec::new(),
            };
            self.hub.to_chat(chat, &event, Some(change));
        }
    }
}

const NOT_FOUND: Error = Error::NotFound("no such chat");

async fn lock_group(txn: &mut PgConnection, chat: ChatId, caller: UserId) -> Result<LockedChat> {
    let locked = tx::lock_chat(txn, chat, caller).await?.ok_or(NOT_FOUND)?;
    if locked.kind != "group" {
        return Err(Error::BadRequest(
            "a direct chat has no name, roles or members to manage".into(),
        ));
    }
    Ok(locked)
}

/// At least `min` (`admin` or `owner`).
fn require(locked: &LockedChat, min: &str, message: &'static str) -> Result<()> {
    let rank = |r: &str| match r {
        "owner" => 2,
        "admin" => 1,
        _ => 0,
    };
    if rank(&locked.role) >= rank(min) {
        Ok(())
    } else {
        Err(Error::Forbidden(message))
    }
}

fn taken(e: CreateChatError) -> Error {
    match e {
        CreateChatError::Taken(_) => Error::Conflict("that slug is taken"),
        CreateChatError::Store(e) => e.into(),
    }
}
