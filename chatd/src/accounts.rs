//! `AccountService`: deleting an account, for its owner (`DELETE /api/users/me`, after
//! `AuthService` checked the password) and for the operator (`chatctl user delete`). One
//! transaction: the account leaves every chat (`participant:left`; a group it owned passes
//! to its longest-standing admin, or member, with `chat:updated`; a group left empty is
//! deleted), its messages stay shown as from a deleted user or, with
//! `accounts.erase_messages_on_delete`, are deleted (`message:deleted`), its username is
//! quarantined, and its row goes with its sessions, contacts, blocks, push devices, settings
//! and notifications. The `user:deleted` notice that closes its sockets on every node is sent
//! by PostgreSQL on commit.

use common::api::Role;
use common::ids::{ChatId, UserId};
use common::ws::{LeftReason, MessageDeleted, ParticipantLeft, ServerEvent};
use tracing::{info, instrument};

use crate::chat_events;
use crate::config::AccountsConfig;
use crate::error::Result;
use crate::fanout::MembershipChange;
use crate::fanout::notices::{AdminNotice, CHANNEL};
use crate::hub::Hub;
use crate::store::accounts as atx;
use crate::store::chats::tx as ctx;
use crate::store::messages::tx as mtx;
use crate::store::{Store, StoreError};

/// What deleting an account removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Deleted {
    /// The username it had (quarantined, unless the quarantine is 0 days).
    pub username: String,
    /// Chats it left.
    pub chats_left: usize,
    /// Messages erased (with `accounts.erase_messages_on_delete`).
    pub messages_erased: usize,
}

/// Deletes accounts.
#[derive(Clone, Debug)]
pub struct AccountService {
    store: Store,
    hub: Hub,
    config: AccountsConfig,
}

/// An event to publish after the commit.
type Publish = (ChatId, ServerEvent, Option<MembershipChange>);

impl AccountService {
    /// Builds the service; `hub` carries its events (chatctl's collects them for Redis).
    pub fn new(store: Store, hub: Hub, config: AccountsConfig) -> Self {
        Self { store, hub, config }
    }

    /// Deletes the account; `None` when there is no such account.
    #[instrument(skip_all, fields(user_id = %user))]
    pub async fn delete(&self, user: UserId) -> Result<Option<Deleted>> {
        let id = user;
        let mut txn = self.store.begin().await?;
        let Some(username) = atx::lock_user(&mut txn, id).await? else {
            return Ok(None);
        };
        let mut out = Deleted {
            username,
            ..Deleted::default()
        };
        let mut publish: Vec<Publish> = Vec::new();
        let chats = atx::chats_of(&mut txn, id).await?;
        // Messages are only kept from chats the account is in: a chat it left keeps them as
        // they are (as from a deleted user) either way, like a deleted group does.
        for chat in chats {
            let Some(locked) = ctx::lock_chat(&mut txn, chat, id).await? else {
                continue;
            };
            if self.config.erase_messages_on_delete {
                for message in atx::messages_in(&mut txn, chat, id).await? {
                    mtx::soft_delete(&mut txn, message).await?;
                    crate::store::attachments::tx::delete_for_message(&mut txn, message).await?;
                    let seq = ctx::next_seqs(&mut txn, chat, 1).await?;
                    let event = ServerEvent::MessageDeleted(MessageDeleted {
                        chat_id: chat,
                        seq,
                        message_id: message,
                    });
                    chat_events::record(&mut txn, chat, seq, &event, None).await?;
                    publish.push((chat, event, None));
                    out.messages_erased += 1;
                }
            }
            if locked.kind == "group" && locked.role == "owner" {
                match atx::promote_successor(&mut txn, chat, id).await? {
                    Some(next) => {
                        let event = crate::chats::roles_event(
                            &mut txn,
                            &locked,
                            vec![(next, Role::Owner)],
                            None,
                        )
                        .await?;
                        publish.push((chat, event, None));
                    }
                    None => atx::mark_chat_deleted(&mut txn, chat).await?,
                }
            }
            let seq = ctx::next_seqs(&mut txn, chat, 1).await?;
            ctx::end_membership(&mut txn, chat, id, seq).await?;
            let event = ServerEvent::ParticipantLeft(ParticipantLeft {
                chat_id: chat,
                seq,
                user_id: user,
                reason: LeftReason::Left,
            });
            chat_events::record(&mut txn, chat, seq, &event, None).await?;
            let change = MembershipChange {
                chat,
                joined: Vec::new(),
                left: vec![id],
            };
            publish.push((chat, event, Some(change)));
            out.chats_left += 1;
        }
        atx::finish(
            &mut txn,
            id,
            &out.username,
            self.config.username_quarantine_days,
        )
        .await?;
        let notice = serde_json::to_string(&AdminNotice::UserDeleted { user_id: id })
            .map_err(|e| crate::error::Error::Internal(e.into()))?;
        atx::notify_on_commit(&mut txn, CHANNEL, &notice).await?;
        txn.commit().await.map_err(StoreError::from)?;
        for (chat, event, change) in publish {
            self.hub.to_chat(chat, &event, change);
        }
        info!(
            chats = out.chats_left,
            erased = out.messages_erased,
            "account deleted"
        );
        Ok(Some(out))
    }
}
