//! Blocking and unblocking, and the list of the caller's blocks. A block is applied on every
//! node before its event goes out (`Hub::block_changed`); what it stops is decided in
//! `crate::blocks`.

use common::api::{Block, BlockList};
use common::ids::UserId;
use common::ws::{BlockUpdated, ContactRemoved, ContactRemovedReason, ServerEvent};

use super::{ContactService, removal_seen_by_other};
use crate::blocks::BlockChange;
use crate::error::{Error, Result};
use crate::store::StoreError;
use crate::store::social::tx;
use crate::user_events::{self, Outbox};

impl ContactService {
    /// The users the caller blocked.
    pub async fn blocks(&self, caller: UserId) -> Result<BlockList> {
        let rows = self.store.blocks_of(caller).await?;
        let ids: Vec<UserId> = rows.iter().map(|(id, _)| *id).collect();
        let users = self.users(&ids).await?;
        Ok(BlockList {
            blocks: rows
                .into_iter()
                .filter_map(|(id, created_at)| {
                    users.get(&id).map(|user| Block {
                        user: user.clone(),
                        created_at,
                    })
                })
                .collect(),
        })
    }

    /// Blocks `other` (again: nothing changes). Ends the contact and any request between
    /// the two.
    pub async fn block(&self, caller: UserId, other: UserId) -> Result<()> {
        self.set_block(caller, other, true).await
    }

    /// Unblocks `other` (not blocked: nothing changes).
    pub async fn unblock(&self, caller: UserId, other: UserId) -> Result<()> {
        self.set_block(caller, other, false).await
    }

    async fn set_block(&self, caller: UserId, other: UserId, active: bool) -> Result<()> {
        if other == caller {
            return Err(Error::field("userId", "you cannot block yourself"));
        }
        let mut txn = self.store.begin().await?;
        if self.store.user_by_id(other).await?.is_none() {
            return Err(Error::NotFound("no such user"));
        }
        let changed = if active {
            tx::insert_block(&mut txn, caller, other).await?
        } else {
            tx::delete_block(&mut txn, caller, other).await?
        };
        if !changed {
            return Ok(());
        }
        let mut outbox = Outbox::default();
        if active && let Some(row) = tx::contact_between(&mut txn, caller, other).await? {
            tx::delete_contact(&mut txn, row.id).await?;
            // The blocked side learns that the contact or request is gone, not why.
            for (side, reason) in [
                (caller, ContactRemovedReason::Blocked),
                (other, removal_seen_by_other(&row, other)),
            ] {
                let peer = row.other(side);
                outbox
                    .record(&mut txn, side, |user_seq| {
                        ServerEvent::ContactRemoved(ContactRemoved {
                            user_seq,
                            contact_id: row.id,
                            user_id: peer,
                            reason,
                        })
                    })
                    .await?;
            }
        }
        let block_event = user_events::record(&mut txn, caller, |user_seq| {
            ServerEvent::BlockUpdated(BlockUpdated {
                user_seq,
                user_id: other,
                blocked: active,
            })
        })
        .await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.block_changed(
            BlockChange {
                blocker: caller,
                blocked: other,
                active,
            },
            &block_event,
        );
        self.notifications.publish(&mut outbox);
        Ok(())
    }
}
