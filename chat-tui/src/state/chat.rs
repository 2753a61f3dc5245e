//! One chat as the client holds it: the server's view, a gap-free cursor, the messages by
//! seq, pending sends, receipts of the other members, and the per-chat draft.

use std::collections::HashMap;

use common::api::{Chat, ChatKind, Message, Participant, Reaction, Role};
use common::ids::{ChatId, MessageId, UserId};
use common::ws::ServerEvent;
use time::OffsetDateTime;

use super::composer::Composer;

/// Where a send stands until the server has it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PendingState {
    /// Sent (or queued for the next connection); resent with the same client id.
    Sending,
    /// Refused; can be retried.
    Failed(String),
}

/// A message the server does not have yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingSend {
    /// Its idempotency key.
    pub client_id: String,
    /// The text.
    pub content: String,
    /// Its metadata (the formatting ranges of the composer's markers), sent again as is.
    pub metadata: Option<serde_json::Value>,
    /// Reply target.
    pub reply_to: Option<MessageId>,
    /// State.
    pub state: PendingState,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// Uploaded images it carries.
    pub attachments: Vec<common::api::Attachment>,
}

/// What applying a numbered event did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Applied; the cursor moved.
    Yes,
    /// Already held.
    Old,
    /// Something is missing before it: resync from the cursor.
    Gap,
    /// The caller is no longer a member: drop the chat.
    Gone,
}

/// A chat as held by the client.
#[derive(Clone, Debug)]
pub struct ChatView {
    /// The server's view (name, counts, last message, ...).
    pub chat: Chat,
    /// The highest seq applied.
    pub cursor: i64,
    /// Messages held, ascending seq.
    pub messages: Vec<Message>,
    /// Older messages exist on the server.
    pub has_more_before: bool,
    /// The latest page was loaded.
    pub loaded: bool,
    /// Members, once loaded.
    pub participants: Vec<Participant>,
    /// Other members' (delivered, read) watermarks.
    pub receipts: HashMap<UserId, (i64, i64)>,
    /// Sends not yet stored.
    pub pending: Vec<PendingSend>,
    /// The composer's draft and history for this chat.
    pub composer: Composer,
    /// Where the "new messages" line goes: after this seq (the read point when opened).
    pub new_line_after: Option<i64>,
    /// Message cursor: index into [`ChatView::items_len`]; `None` follows the bottom.
    pub selected: Option<usize>,
    /// Lines the view is scrolled up from the bottom of the selected item (see `scroll`).
    pub scroll: usize,
    /// Opened on unread messages older than the held pages: land again on the first unread
    /// as older pages arrive, until the user moves.
    pub landing: bool,
}

impl ChatView {
    /// A chat known from the list, with no messages loaded.
    pub fn new(chat: Chat) -> Self {
        Self {
            cursor: chat.last_seq,
            messages: chat.last_message.clone().into_iter().collect(),
            has_more_before: true,
            loaded: false,
            participants: Vec::new(),
            receipts: HashMap::new(),
            pending: Vec::new(),
            composer: Composer::default(),
            new_line_after: None,
            selected: None,
            scroll: 0,
            landing: false,
            chat,
        }
    }

    /// The chat's id.
    pub fn id(&self) -> ChatId {
        self.chat.id
    }

    /// Whether it is a direct chat.
    pub fn is_direct(&self) -> bool {
        self.chat.kind == ChatKind::Direct
    }

    /// Muted now.
    pub fn is_muted(&self, now: OffsetDateTime) -> bool {
        self.chat.muted_until.is_some_and(|until| until > now)
    }

    /// Messages plus pending sends: what the timeline lists.
    pub fn items_len(&self) -> usize {
        self.messages.len() + self.pending.len()
    }

    /// The message at `index` of the timeline, if it is a stored one.
    pub fn message_at(&self, index: usize) -> Option<&Message> {
        self.messages.get(index)
    }

    /// The index of a message.
    pub fn index_of(&self, id: MessageId) -> Option<usize> {
        self.messages.iter().position(|m| m.id == id)
    }

    /// A message by id.
    pub fn message(&self, id: MessageId) -> Option<&Message> {
        self.messages.iter().find(|m| m.id == id)
    }

    /// Puts a message in its place by seq, replacing the copy with the same id.
    pub fn upsert(&mut self, message: Message) {
        if let Some(existing) = self.messages.iter_mut().find(|m| m.id == message.id) {
            *existing = message;
            return;
        }
        if let Some(client_id) = &message.client_id {
            self.pending.retain(|p| &p.client_id != client_id);
        }
        let at = self.messages.partition_point(|m| m.seq < message.seq);
        if let Some(selected) = self.selected.as_mut().filter(|s| **s >= at) {
            *selected += 1;
        }
        self.messages.insert(at, message);
    }

    /// Merges a page of messages (a fresh load or older history).
    pub fn merge_page(&mut self, messages: Vec<Message>) {
        for message in messages {
            self.upsert(message);
        }
    }

    /// Applies a numbered event under the cursor rule: only `cursor + 1` applies.
    pub fn apply(&mut self, event: &ServerEvent, me: UserId) -> Applied {
        let Some((_, seq)) = event.seq() else {
            return Applied::Old;
        };
        if seq <= self.cursor {
            return Applied::Old;
        }
        if seq > self.cursor + 1 {
            return Applied::Gap;
        }
        self.cursor = seq;
        self.chat.last_seq = self.chat.last_seq.max(seq);
        match event {
            ServerEvent::MessageNew(e) => {
                let from_other = e.message.sender_id != Some(me);
                if from_other && e.message.seq > self.chat.last_read_seq {
                    self.chat.unread_count += 1;
                    if e.message.mentions.contains(&me) {
                        self.chat.mention_count += 1;
                    }
                }
                self.chat.last_activity_at = e.message.created_at;
                self.chat.last_message = Some(e.message.clone());
                self.upsert(e.message.clone());
            }
            ServerEvent::MessageEdited(e) => {
                self.last_message_changed(e.message.id, |last| last.clone_from(&e.message));
                self.upsert(e.message.clone());
            }
            ServerEvent::MessageDeleted(e) => {
                // The list's preview (and the offline cache's copy of it) must not keep the text.
                self.last_message_changed(e.message_id, |last| {
                    last.deleted = true;
                    last.content = None;
                    last.reactions.clear();
                    last.mentions.clear();
                });
                if let Some(m) = self.messages.iter_mut().find(|m| m.id == e.message_id) {
                    m.deleted = true;
                    m.content = None;
                    m.reactions.clear();
                    m.mentions.clear();
                }
            }
            ServerEvent::ChatPruned(e) => self.pruned(e.floor_seq),
            ServerEvent::ReactionAdded(e) => {
                if let Some(m) = self.messages.iter_mut().find(|m| m.id == e.message_id) {
                    add_reaction(&mut m.reactions, &e.emoji, e.user_id);
                }
            }
            ServerEvent::ReactionRemoved(e) => {
                if let Some(m) = self.messages.iter_mut().find(|m| m.id == e.message_id) {
                    remove_reaction(&mut m.reactions, &e.emoji, e.user_id);
                }
            }
            ServerEvent::ParticipantJoined(e)
                if !self.participants.iter().any(|p| p.user.id == e.user.id) =>
            {
                self.participants.push(Participant {
                    user: e.user.clone(),
                    role: e.role,
                    joined_at: e.user.created_at,
                    last_read_seq: 0,
                    last_delivered_seq: 0,
                });
                self.chat.member_count += 1;
            }
            ServerEvent::ParticipantLeft(e) => {
                if e.user_id == me {
                    return Applied::Gone;
                }
                let before = self.participants.len();
                self.participants.retain(|p| p.user.id != e.user_id);
                if self.participants.len() < before || self.participants.is_empty() {
                    self.chat.member_count = self.chat.member_count.saturating_sub(1);
                }
            }
            ServerEvent::ChatUpdated(e) => {
                if e.deleted {
                    return Applied::Gone;
                }
                self.chat.name.clone_from(&e.name);
                self.chat.slug.clone_from(&e.slug);
                if let Some(profile) = &e.profile {
                    self.set_profile(profile);
                }
                for change in &e.roles {
                    if change.user_id == me {
                        self.chat.role = change.role;
                    }
                    if let Some(p) = self
                        .participants
                        .iter_mut()
                        .find(|p| p.user.id == change.user_id)
                    {
                        p.role = change.role;
                    }
                }
            }
            _ => {}
        }
        Applied::Yes
    }

    /// Retention pruned everything at or below `floor`: each goes as if deleted.
    fn pruned(&mut self, floor: i64) {
        let last = self.chat.last_message.as_mut().filter(|m| m.seq <= floor);
        for m in last
            .into_iter()
            .chain(self.messages.iter_mut().filter(|m| m.seq <= floor))
        {
            m.deleted = true;
            m.content = None;
            m.reactions.clear();
            m.mentions.clear();
            m.attachments.clear();
        }
    }

    /// A group's description, visibility, cap and avatar, as `chat:updated` carries them.
    fn set_profile(&mut self, profile: &common::api::GroupProfile) {
        self.chat.description.clone_from(&profile.description);
        self.chat.visibility = profile.visibility;
        self.chat.max_members = Some(profile.max_members);
        self.chat.avatar_url.clone_from(&profile.avatar_url);
    }

    fn last_message_changed(&mut self, id: MessageId, change: impl FnOnce(&mut Message)) {
        if let Some(last) = self.chat.last_message.as_mut().filter(|m| m.id == id) {
            change(last);
        }
    }

    /// A receipt from another member (watermarks never move back).
    pub fn receipt(&mut self, user: UserId, seq: i64, read: bool) {
        let entry = self.receipts.entry(user).or_insert((0, 0));
        entry.0 = entry.0.max(seq);
        if read {
            entry.1 = entry.1.max(seq);
        }
    }

    /// Delivered to / read by someone else (the best of the other members).
    pub fn ticks(&self, seq: i64) -> (bool, bool) {
        let delivered = self.receipts.values().any(|(d, r)| *d >= seq || *r >= seq);
        let read = self.receipts.values().any(|(_, r)| *r >= seq);
        (delivered, read)
    }

    /// The newest seq of a stored message, if any.
    pub fn newest_message_seq(&self) -> Option<i64> {
        self.messages.last().map(|m| m.seq)
    }

    /// The user's read point moved (here or on another device).
    pub fn mark_read(&mut self, seq: i64) {
        if seq > self.chat.last_read_seq {
            self.chat.last_read_seq = seq;
            let unread = self
                .messages
                .iter()
                .filter(|m| m.seq > seq && !m.deleted)
                .count();
            self.chat.unread_count = if self.loaded {
                unread as i64
            } else {
                self.chat.unread_count.min(unread as i64)
            };
            if seq >= self.chat.last_seq || self.chat.unread_count == 0 {
                self.chat.unread_count = 0;
                self.chat.mention_count = 0;
            }
        }
    }

    /// Loads members and their receipts.
    pub fn set_participants(&mut self, participants: Vec<Participant>, me: UserId) {
        for p in &participants {
            if p.user.id != me {
                self.receipt(p.user.id, p.last_delivered_seq, false);
                self.receipt(p.user.id, p.last_read_seq, true);
            }
        }
        self.chat.member_count = participants.len() as u32;
        self.participants = participants;
    }

    /// The role of the user in this chat.
    pub fn role_of(&self, user: UserId) -> Option<Role> {
        self.participants
            .iter()
            .find(|p| p.user.id == user)
            .map(|p| p.role)
    }
}

fn add_reaction(reactions: &mut Vec<Reaction>, emoji: &str, user: UserId) {
    if let Some(r) = reactions.iter_mut().find(|r| r.emoji == emoji) {
        if !r.user_ids.contains(&user) {
            r.user_ids.push(user);
        }
    } else {
        reactions.push(Reaction {
            emoji: emoji.to_owned(),
            user_ids: vec![user],
        });
    }
}

fn remove_reaction(reactions: &mut Vec<Reaction>, emoji: &str, user: UserId) {
    if let Some(r) = reactions.iter_mut().find(|r| r.emoji == emoji) {
        r.user_ids.retain(|u| *u != user);
    }
    reactions.retain(|r| !r.user_ids.is_empty());
}
