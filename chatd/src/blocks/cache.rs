//! Every block of the server, in memory on each node, so that fan-out can leave a blocked
//! user's messages, typing and presence out without asking PostgreSQL per frame, and the
//! send path can skip its block check for the senders nobody blocked (nearly everyone).
//!
//! Loaded at start, changed by the `block` of deliveries (which reach every node), and
//! reloaded whenever a node may have missed deliveries (Redis resubscribe or resync).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};

use common::ids::{ChatId, MessageId, UserId};
use serde::{Deserialize, Serialize};

/// A block or an unblock, carried by a delivery to every node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BlockChange {
    /// Who blocks.
    pub blocker: UserId,
    /// Who is blocked.
    pub blocked: UserId,
    /// Blocked now (false: unblocked).
    pub active: bool,
}

/// Whose activity a frame shows, so that blocks apply to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Actor {
    /// The sender, typist or user whose status it is.
    pub user: UserId,
    /// Also hidden from the users the actor blocked (presence, typing), not only from
    /// those who blocked the actor (messages).
    pub mutual: bool,
    /// For a message event: `(chat, seq, message)`, sent as `message:hidden` to the users
    /// who blocked the sender, so that their seqs stay gap-free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<(ChatId, i64, MessageId)>,
}

#[derive(Debug, Default)]
struct Pairs {
    /// blocked -> blockers.
    blockers: HashMap<UserId, HashSet<UserId>>,
    /// blocker -> blocked.
    blocked: HashMap<UserId, HashSet<UserId>>,
}

/// The blocks of the server. Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct BlockCache {
    pairs: Arc<RwLock<Pairs>>,
}

impl BlockCache {
    /// Replaces everything with `pairs` of `(blocker, blocked)`.
    pub fn replace(&self, pairs: &[(UserId, UserId)]) {
        let mut fresh = Pairs::default();
        for (blocker, blocked) in pairs {
            fresh.blockers.entry(*blocked).or_default().insert(*blocker);
            fresh.blocked.entry(*blocker).or_default().insert(*blocked);
        }
        if let Ok(mut inner) = self.pairs.write() {
            *inner = fresh;
        }
    }

    /// Applies one change.
    pub fn apply(&self, change: BlockChange) {
        let Ok(mut inner) = self.pairs.write() else {
            return;
        };
        if change.active {
            inner
                .blockers
                .entry(change.blocked)
                .or_default()
                .insert(change.blocker);
            inner
                .blocked
                .entry(change.blocker)
                .or_default()
                .insert(change.blocked);
        } else {
            if let Some(set) = inner.blockers.get_mut(&change.blocked) {
                set.remove(&change.blocker);
                if set.is_empty() {
                    inner.blockers.remove(&change.blocked);
                }
            }
            if let Some(set) = inner.blocked.get_mut(&change.blocker) {
                set.remove(&change.blocked);
                if set.is_empty() {
                    inner.blocked.remove(&change.blocker);
                }
            }
        }
    }

    /// Whether anyone blocked `user`: false for nearly every sender, who then needs no
    /// further check.
    pub fn is_blocked_by_anyone(&self, user: UserId) -> bool {
        self.pairs
            .read()
            .is_ok_and(|p| p.blockers.contains_key(&user))
    }

    /// Whether `user` blocked someone or was blocked by someone.
    pub fn involves(&self, user: UserId) -> bool {
        self.pairs
            .read()
            .is_ok_and(|p| p.blockers.contains_key(&user) || p.blocked.contains_key(&user))
    }

    /// The users `blocker` blocked.
    pub fn blocked_by(&self, blocker: UserId) -> HashSet<UserId> {
        self.pairs
            .read()
            .ok()
            .and_then(|p| p.blocked.get(&blocker).cloned())
            .unwrap_or_default()
    }

    /// Whether `by` blocked `target`.
    pub fn blocks(&self, by: UserId, target: UserId) -> bool {
        self.pairs
            .read()
            .is_ok_and(|p| p.blocked.get(&by).is_some_and(|set| set.contains(&target)))
    }

    /// The users from whom `actor`'s frame is hidden: those who blocked the actor, and with
    /// `mutual` those the actor blocked. Empty (and allocation-free) in the common case.
    pub fn hidden_from(&self, actor: &Actor) -> HashSet<UserId> {
        let Ok(pairs) = self.pairs.read() else {
            return HashSet::new();
        };
        let mut out = pairs.blockers.get(&actor.user).cloned().unwrap_or_default();
        if actor.mutual
            && let Some(blocked) = pairs.blocked.get(&actor.user)
        {
            out.extend(blocked.iter().copied());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_one_directional_unless_mutual() {
        let cache = BlockCache::default();
        let (ada, bob, cy) = (UserId::new(), UserId::new(), UserId::new());
        cache.apply(BlockChange {
            blocker: ada,
            blocked: bob,
            active: true,
        });
        assert!(cache.blocks(ada, bob) && !cache.blocks(bob, ada));
        assert!(cache.is_blocked_by_anyone(bob) && !cache.is_blocked_by_anyone(ada));
        let message = Actor {
            user: bob,
            mutual: false,
            placeholder: None,
        };
        assert_eq!(cache.hidden_from(&message), HashSet::from([ada]));
        let ada_typing = Actor {
            user: ada,
            mutual: true,
            placeholder: None,
        };
        assert_eq!(cache.hidden_from(&ada_typing), HashSet::from([bob]));
        let ada_message = Actor {
            mutual: false,
            ..ada_typing
        };
        assert!(cache.hidden_from(&ada_message).is_empty());
        cache.apply(BlockChange {
            blocker: ada,
            blocked: bob,
            active: false,
        });
        assert!(!cache.is_blocked_by_anyone(bob));
        cache.replace(&[(cy, ada)]);
        assert!(cache.blocks(cy, ada) && !cache.blocks(ada, bob));
    }
}
