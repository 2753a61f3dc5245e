//! Which local users are members of which chats, for live delivery, kept right while
//! memberships are (re)loaded from PostgreSQL concurrently with membership events.
//!
//! A load reads committed state at some moment; a removal published while the load runs may
//! or may not be in what it read. Every membership event therefore bumps an epoch, and while
//! any load is in flight the last event per `(user, chat)` is remembered with its epoch. A
//! load started at epoch `e` never overrides an event newer than `e`: a stale read cannot
//! re-add a chat its user was removed from, nor drop one they just joined.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use common::ids::{ChatId, UserId};

use super::Registry;

/// The membership side of a node's registry.
#[derive(Debug, Default)]
pub(super) struct Membership {
    /// Chat -> local users who are members.
    chats: HashMap<ChatId, HashSet<UserId>>,
    /// User -> chats, to undo `chats` when the user's last connection goes.
    user_chats: HashMap<UserId, HashSet<ChatId>>,
    /// Counts membership events.
    epoch: u64,
    /// Start epochs of the loads in flight (with how many started at each).
    loads: BTreeMap<u64, usize>,
    /// While a load is in flight: the last event per `(user, chat)`, its epoch and whether
    /// it made the user a member. Cleared when no load is in flight, so it stays small.
    recent: HashMap<(UserId, ChatId), (u64, bool)>,
}

impl Membership {
    /// The local members of `chat`.
    pub(super) fn members(&self, chat: &ChatId) -> Option<&HashSet<UserId>> {
        self.chats.get(chat)
    }

    /// `user` joined `chat` (the user has a connection here).
    pub(super) fn join(&mut self, user: UserId, chat: ChatId) {
        self.record(user, chat, true);
        self.add(user, chat);
    }

    /// `user` left `chat`, or was removed, or the chat was deleted.
    pub(super) fn leave(&mut self, user: UserId, chat: ChatId) {
        self.record(user, chat, false);
        self.remove(user, chat);
    }

    /// `user`'s last connection here closed.
    pub(super) fn forget_user(&mut self, user: UserId) {
        for chat in self.user_chats.remove(&user).unwrap_or_default() {
            if let Some(users) = self.chats.get_mut(&chat) {
                users.remove(&user);
                if users.is_empty() {
                    self.chats.remove(&chat);
                }
            }
        }
    }

    /// A load is about to read PostgreSQL; returns its start epoch for [`Self::end_load`].
    pub(super) fn begin_load(&mut self) -> u64 {
        *self.loads.entry(self.epoch).or_default() += 1;
        self.epoch
    }

    /// The load started at `since` is over (applied or abandoned).
    pub(super) fn end_load(&mut self, since: u64) {
        if let Some(n) = self.loads.get_mut(&since) {
            *n -= 1;
            if *n == 0 {
                self.loads.remove(&since);
            }
        }
        match self.loads.keys().next() {
            None => self.recent.clear(),
            // Events older than every load in flight can no longer be overridden.
            Some(&oldest) => self.recent.retain(|_, (epoch, _)| *epoch > oldest),
        }
    }

    /// Adds `chats` read by a load started at `since` to `user`'s, except where a newer
    /// event said otherwise.
    pub(super) fn load(&mut self, user: UserId, chats: &[ChatId], since: u64) {
        for chat in chats {
            if self
                .newer_event(user, *chat, since)
                .is_none_or(|joined| joined)
            {
                self.add(user, *chat);
            }
        }
    }

    /// Replaces the memberships of `users` with `pairs` (`(user, chat)`) read by a load
    /// started at `since` (after this node may have missed events); newer events win.
    pub(super) fn replace(&mut self, users: &[UserId], pairs: &[(UserId, ChatId)], since: u64) {
        let users: HashSet<UserId> = users.iter().copied().collect();
        let read: HashSet<(UserId, ChatId)> = pairs.iter().copied().collect();
        for user in &users {
            let current: Vec<ChatId> = self
                .user_chats
                .get(user)
                .map(|c| c.iter().copied().collect())
                .unwrap_or_default();
            for chat in current {
                if !read.contains(&(*user, chat))
                    && !self.newer_event(*user, chat, since).unwrap_or(false)
                {
                    self.remove(*user, chat);
                }
            }
        }
        for (user, chat) in pairs {
            if users.contains(user) && self.newer_event(*user, *chat, since) != Some(false) {
                self.add(*user, *chat);
            }
        }
    }

    /// Whether an event newer than `since` made `user` a member of `chat` (`Some(true)`) or
    /// not (`Some(false)`).
    fn newer_event(&self, user: UserId, chat: ChatId, since: u64) -> Option<bool> {
        self.recent
            .get(&(user, chat))
            .filter(|(epoch, _)| *epoch > since)
            .map(|(_, joined)| *joined)
    }

    fn record(&mut self, user: UserId, chat: ChatId, joined: bool) {
        self.epoch += 1;
        if !self.loads.is_empty() {
            self.recent.insert((user, chat), (self.epoch, joined));
        }
    }

    fn add(&mut self, user: UserId, chat: ChatId) {
        self.chats.entry(chat).or_default().insert(user);
        self.user_chats.entry(user).or_default().insert(chat);
    }

    fn remove(&mut self, user: UserId, chat: ChatId) {
        if let Some(users) = self.chats.get_mut(&chat) {
            users.remove(&user);
            if users.is_empty() {
                self.chats.remove(&chat);
            }
        }
        if let Some(chats) = self.user_chats.get_mut(&user) {
            chats.remove(&chat);
        }
    }
}

/// A read of memberships from PostgreSQL in flight: events published meanwhile win over
/// what it read. Ends when applied or dropped.
#[derive(Debug)]
pub struct MembershipLoad {
    pub(super) registry: Arc<Registry>,
    pub(super) since: u64,
}

impl Drop for MembershipLoad {
    fn drop(&mut self) {
        if let Ok(mut inner) = self.registry.inner.write() {
            inner.membership.end_load(self.since);
        }
    }
}

impl Registry {
    /// Starts a read of memberships from PostgreSQL (see [`MembershipLoad`]).
    pub fn begin_load(self: &Arc<Self>) -> MembershipLoad {
        let since = self
            .inner
            .write()
            .map(|mut i| i.membership.begin_load())
            .unwrap_or_default();
        MembershipLoad {
            registry: self.clone(),
            since,
        }
    }

    /// Applies `chats`, read by `load`, to `user` (if still connected here).
    pub fn load_chats(&self, user: UserId, chats: &[ChatId], load: MembershipLoad) {
        if let Ok(mut inner) = self.inner.write()
            && inner.by_user.contains_key(&user)
        {
            inner.membership.load(user, chats, load.since);
        }
        drop(load);
    }

    /// Replaces the chat memberships of `users` with `memberships` (`(user, chat)` pairs
    /// read by `load` from PostgreSQL), after deliveries may have been missed.
    pub fn replace_memberships(
        &self,
        users: &[UserId],
        memberships: &[(UserId, ChatId)],
        load: MembershipLoad,
    ) {
        if let Ok(mut inner) = self.inner.write() {
            let users: Vec<UserId> = users
                .iter()
                .filter(|u| inner.by_user.contains_key(u))
                .copied()
                .collect();
            inner.membership.replace(&users, memberships, load.since);
        }
        drop(load);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(m: &Membership, user: UserId, chat: ChatId) -> bool {
        m.members(&chat).is_some_and(|u| u.contains(&user))
    }

    #[test]
    fn a_stale_load_does_not_re_add_a_removed_chat() {
        let mut m = Membership::default();
        let (user, chat) = (UserId::new(), ChatId::new());
        let since = m.begin_load();
        // The load read the chat; the removal was published before the load was applied.
        m.leave(user, chat);
        m.load(user, &[chat], since);
        m.end_load(since);
        assert!(!member(&m, user, chat));
        assert!(m.recent.is_empty(), "nothing kept once no load runs");
    }

    #[test]
    fn a_load_keeps_a_join_it_did_not_see_and_adds_what_it_read() {
        let mut m = Membership::default();
        let (user, old, new) = (UserId::new(), ChatId::new(), ChatId::new());
        let since = m.begin_load();
        m.join(user, new);
        m.load(user, &[old], since);
        m.end_load(since);
        assert!(member(&m, user, old) && member(&m, user, new));
    }

    #[test]
    fn removed_then_added_again_during_a_load_stays_a_member() {
        let mut m = Membership::default();
        let (user, chat) = (UserId::new(), ChatId::new());
        let since = m.begin_load();
        m.leave(user, chat);
        m.join(user, chat);
        m.load(user, &[], since);
        m.end_load(since);
        assert!(member(&m, user, chat));
    }

    #[test]
    fn a_replace_drops_what_is_gone_but_keeps_newer_events() {
        let mut m = Membership::default();
        let (user, gone, kept, joined) =
            (UserId::new(), ChatId::new(), ChatId::new(), ChatId::new());
        m.join(user, gone);
        m.join(user, kept);
        let since = m.begin_load();
        m.join(user, joined);
        m.leave(user, kept);
        // Read before the two events: `gone` is no longer there, `kept` still is.
        m.replace(&[user], &[(user, kept)], since);
        m.end_load(since);
        assert!(!member(&m, user, gone));
        assert!(!member(&m, user, kept), "the newer removal wins");
        assert!(member(&m, user, joined), "the newer join wins");
    }

    #[test]
    fn events_before_a_load_began_do_not_override_it() {
        let mut m = Membership::default();
        let (user, chat) = (UserId::new(), ChatId::new());
        let first = m.begin_load();
        m.leave(user, chat);
        // A second load starts after the removal; it reads the chat again (re-added later).
        let second = m.begin_load();
        m.end_load(first);
        m.load(user, &[chat], second);
        m.end_load(second);
        assert!(member(&m, user, chat));
    }
}
