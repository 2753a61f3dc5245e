//! Block policy: the one place that decides what a block between two users stops. A block
//! closes a direct chat (no new one, no sends in an existing one) and contact requests
//! either way; hides the blocked user's messages from the blocker (in pages, sync and live
//! fan-out, as `message:hidden` stand-ins) and their mentions, replies and invitations from
//! the blocker's notifications; and keeps presence and typing from passing either way.
//!
//! Fan-out applies it per frame through [`BlockCache::hidden_from`]; chats, contacts,
//! messages, sync, presence and notifications call [`Blocks`].

mod cache;

use std::collections::HashSet;

pub use cache::{Actor, BlockCache, BlockChange};

use common::ids::{ChatId, UserId};

use crate::error::{Error, Result};
use crate::store::Store;

/// The block rules over this node's [`BlockCache`] (and PostgreSQL where the cache cannot
/// answer alone). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Blocks {
    store: Store,
    cache: BlockCache,
}

impl Blocks {
    /// The rules over `cache`, the node's copy of every block.
    pub fn new(store: Store, cache: BlockCache) -> Self {
        Self { store, cache }
    }

    /// May `caller` start something with `other` that a block forbids (a direct chat, a
    /// contact request)? Not across a block, either way; the error says which way.
    pub async fn check_pair(&self, caller: UserId, other: UserId) -> Result<()> {
        let (caller_blocks, other_blocks) = self.store.blocks_between(caller, other).await?;
        if other_blocks {
            return Err(Error::Blocked("this user blocked you"));
        }
        if caller_blocks {
            return Err(Error::Blocked("you blocked this user; unblock them first"));
        }
        Ok(())
    }

    /// May `joiner` join a group `owner` owns (from the directory or by an invite link)?
    /// Not when the owner blocked them: a block keeps the blocked user out of what the
    /// blocker runs.
    pub async fn check_join(&self, owner: UserId, joiner: UserId) -> Result<()> {
        let (_, owner_blocks) = self.store.blocks_between(joiner, owner).await?;
        if owner_blocks {
            return Err(Error::Blocked("the group's owner blocked you"));
        }
        Ok(())
    }

    /// May `caller` send into `chat`? Refused in a direct chat a block separates. Senders
    /// that are in no block (nearly all) pass on an in-memory look-up, with no query.
    pub async fn check_send(&self, caller: UserId, chat: ChatId) -> Result<()> {
        if !self.cache.involves(caller) {
            return Ok(());
        }
        match self.store.direct_chat_block(chat, caller).await? {
            Some(false) => Err(Error::Blocked("the other member blocked you")),
            Some(true) => Err(Error::Blocked(
                "you blocked this user; unblock them to send",
            )),
            None => Ok(()),
        }
    }

    /// The senders whose messages `viewer` does not see (the users the viewer blocked):
    /// left out of pages, and `message:hidden` in sync.
    pub fn hidden_senders(&self, viewer: UserId) -> HashSet<UserId> {
        self.cache.blocked_by(viewer)
    }

    /// Whether presence and typing may pass between `a` and `b`: not across a block,
    /// whoever blocked whom.
    pub fn separates(&self, a: UserId, b: UserId) -> bool {
        self.cache.blocks(a, b) || self.cache.blocks(b, a)
    }

    /// Whether `recipient` hears nothing of what `actor` does to them (mentions, replies,
    /// invitations, pushes): when the recipient blocked the actor.
    pub fn silences(&self, recipient: UserId, actor: UserId) -> bool {
        self.cache.blocks(recipient, actor)
    }
}
