//! The heart of the client: [`AppState`] and the pure reducer [`AppState::update`]
//! (state + event -> state + commands). No I/O happens here; the terminal loop and the
//! network task carry out the returned [`Command`]s.
//!
//! Over 400 lines because [`AppState`] lists every piece of the screen's state in one
//! struct; the reducer's work is split by concern into the submodules.

pub mod attachments;
pub mod chat;
pub mod composer;
pub mod contacts;
pub mod directory;
mod editing;
pub mod email;
pub mod event;
mod forms;
mod jump;
mod keys;
pub mod login;
mod mute;
mod net;
pub mod notifications;
pub mod overlay;
pub mod persist;
mod pickers;
pub mod privacy;
mod profiles;
mod roles;
mod scroll;
pub mod search;
mod slash;
pub mod social;
pub mod user_sync;

use std::collections::HashMap;

use common::api::User;
use common::ids::{ChatId, UserId};
use common::ws::PresenceStatus;
use time::OffsetDateTime;

pub use chat::{ChatView, PendingSend, PendingState};
pub use event::{Command, ConnState, Event, Hidden, NetEvent, Transport};
pub use overlay::Overlay;

use crate::config::NotifyRules;
use crate::keymap::Keymap;
use login::LoginForm;

/// Which screen is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Restoring a kept session.
    Starting,
    /// The login / register form.
    Login,
    /// Chats.
    Main,
}

/// Which pane has the keyboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The chat list.
    ChatList,
    /// The timeline's message cursor.
    Timeline,
    /// The composer.
    Composer,
}

/// How long another user's typing indicator lasts without a repeat.
const TYPING_TTL_SECS: i64 = 6;
/// How often `typing:start` is repeated while typing.
const TYPING_REPEAT_SECS: i64 = 3;
/// Typing stops after this long without a keystroke.
const TYPING_IDLE_SECS: i64 = 5;
/// The user counts as away after this long without a key.
const AWAY_AFTER_SECS: i64 = 600;

/// Everything the client shows and knows.
#[derive(Debug)]
#[allow(clippy::struct_excessive_bools)] // independent flags of the screen, not a state machine
pub struct AppState {
    /// The screen.
    pub screen: Screen,
    /// The login form.
    pub login: LoginForm,
    /// The logged-in user.
    pub me: Option<User>,
    /// Connection state.
    pub conn: ConnState,
    /// The transport of the last connection (none before the first).
    pub transport: Option<Transport>,
    /// Chats, most recent activity first.
    pub chats: Vec<ChatView>,
    /// The open chat.
    pub selected: Option<ChatId>,
    /// Keyboard focus.
    pub focus: Focus,
    /// The overlay on top, if any.
    pub overlay: Option<Overlay>,
    /// Users seen (chat peers, members, search results).
    pub users: HashMap<UserId, User>,
    /// Presence of users.
    pub presence: HashMap<UserId, PresenceStatus>,
    /// Who is typing where, until when.
    pub typing: HashMap<ChatId, Vec<(UserId, OffsetDateTime)>>,
    /// The member panel is shown.
    pub show_members: bool,
    /// The last notice for the status line.
    pub notice: Option<String>,
    /// The clock.
    pub now: OffsetDateTime,
    /// Keys.
    pub keymap: Keymap,
    /// Notification rules.
    pub notify: NotifyRules,
    /// The terminal has focus (unknown counts as yes).
    pub terminal_focused: bool,
    /// Rows of the timeline at the last draw, for paging.
    pub page_rows: usize,
    /// Columns of the terminal at the last resize.
    pub cols: u16,
    /// Rows of the terminal at the last resize.
    pub rows: u16,
    /// The local offset timestamps are shown in (day separators count as lines).
    pub utc_offset: time::UtcOffset,
    /// The matches of the last Tab in the composer.
    completion: Option<editing::Completion>,
    /// The composer while no chat is open: it takes commands (`/dm`, `/group`...).
    pub lobby: composer::Composer,
    /// The chat being typed in and when `typing:start` was last sent.
    typing_sent: Option<(ChatId, OffsetDateTime)>,
    last_keystroke: OffsetDateTime,
    /// Drafts kept from the last run, put into their chats as they arrive.
    pub restored_drafts: HashMap<ChatId, String>,
    /// Older history is being loaded for these chats.
    loading_older: Vec<ChatId>,
    /// Presence was set to away for idleness.
    idle_away: bool,
    /// Contacts, blocks, do-not-disturb, chats opened at an older message.
    pub social: social::Social,
    /// The program should end.
    pub quit: bool,
    /// Uploads in the composers, previews, the download directory.
    pub attachments: attachments::Attachments,
    /// The user-event cursor (`userSeq`).
    pub user_cursor: user_sync::UserCursor,
    /// An offline cache is open: the reducer says what to write to it (`persist`).
    pub caching: bool,
}

impl AppState {
    /// A fresh state at `now`.
    pub fn new(keymap: Keymap, notify: NotifyRules, now: OffsetDateTime) -> Self {
        Self {
            screen: Screen::Starting,
            login: LoginForm::default(),
            me: None,
            conn: ConnState::Connecting,
            transport: None,
            chats: Vec::new(),
            selected: None,
            focus: Focus::Composer,
            overlay: None,
            users: HashMap::new(),
            presence: HashMap::new(),
            typing: HashMap::new(),
            show_members: false,
            notice: None,
            now,
            keymap,
            notify,
            terminal_focused: true,
            page_rows: 20,
            cols: 80,
            rows: 24,
            utc_offset: time::UtcOffset::UTC,
            completion: None,
            lobby: composer::Composer::default(),
            typing_sent: None,
            last_keystroke: now,
            restored_drafts: HashMap::new(),
            loading_older: Vec::new(),
            idle_away: false,
            social: social::Social::default(),
            quit: false,
            attachments: attachments::Attachments::default(),
            user_cursor: user_sync::UserCursor::default(),
            caching: false,
        }
    }

    /// The reducer: applies `event` and returns what to do about it.
    pub fn update(&mut self, event: Event) -> Vec<Command> {
        let mut out = Vec::new();
        let cached = persist::before(self, &event);
        match event {
            Event::Key(key) => {
                if key.kind != crossterm::event::KeyEventKind::Release {
                    self.last_keystroke = self.now;
                    if self.idle_away {
                        self.idle_away = false;
                        out.push(Command::Presence(PresenceStatus::Online));
                    }
                    keys::key(self, &key, &mut out);
                }
            }
            Event::Paste(text) => keys::paste(self, &text, &mut out),
            Event::Mouse(mouse) => keys::mouse(self, mouse, &mut out),
            Event::Focus(focused) => self.terminal_focused = focused,
            Event::Tick(now) => self.tick(now, &mut out),
            Event::Resize(cols, rows) => {
                self.cols = cols;
                self.rows = rows;
                self.page_rows = usize::from(rows.saturating_sub(6)).max(1);
            }
            Event::EditorDone(text) => {
                if let Some(chat) = self.current_mut() {
                    chat.composer.set_text(text.trim_end_matches('\n'));
                }
                self.focus = Focus::Composer;
            }
            Event::Net(net) => net::apply(self, net, &mut out),
        }
        self.after_update(&mut out);
        jump::after_update(self, &mut out);
        if self.screen == Screen::Main {
            attachments::want_thumbnails(self, &mut out);
        }
        persist::after(self, cached, &mut out);
        out
    }

    fn tick(&mut self, now: OffsetDateTime, out: &mut Vec<Command>) {
        self.now = now;
        for list in self.typing.values_mut() {
            list.retain(|(_, until)| *until > now);
        }
        if !self.idle_away
            && self.screen == Screen::Main
            && (now - self.last_keystroke).whole_seconds() >= AWAY_AFTER_SECS
        {
            self.idle_away = true;
            out.push(Command::Presence(PresenceStatus::Away));
        }
        if let Some((chat_id, _)) = self.typing_sent
            && (now - self.last_keystroke).whole_seconds() >= TYPING_IDLE_SECS
        {
            self.typing_sent = None;
            out.push(Command::Typing {
                chat_id,
                start: false,
            });
        }
    }

    /// Read receipts for what is on screen in the focused chat, and older history when the
    /// cursor nears the top of what is held.
    fn after_update(&mut self, out: &mut Vec<Command>) {
        if self.screen != Screen::Main || !self.terminal_focused || self.overlay.is_some() {
            return;
        }
        let loading = &mut self.loading_older;
        let Some(chat) = self
            .selected
            .and_then(|id| self.chats.iter_mut().find(|c| c.id() == id))
        else {
            return;
        };
        // While older pages are loaded to reach the first unread one, what shows is not the
        // read point: a watermark there would mark every older unread message read.
        let visible = scroll::read_up_to(chat).filter(|_| !chat.landing);
        if let Some(seq) = visible
            && seq > chat.chat.last_read_seq
            && chat.loaded
        {
            let seq = if chat.selected.is_none() {
                chat.cursor.max(seq)
            } else {
                seq
            };
            chat.mark_read(seq);
            out.push(Command::Read {
                chat_id: chat.id(),
                seq,
            });
        }
        if chat.loaded
            && chat.has_more_before
            && (chat.selected.is_some_and(|i| i < 5) || chat.landing)
            && !loading.contains(&chat.id())
            && let Some(first) = chat.messages.first()
        {
            loading.push(chat.id());
            out.push(Command::LoadOlder {
                chat_id: chat.id(),
                before: first.seq,
            });
        }
    }

    /// The open chat.
    pub fn current(&self) -> Option<&ChatView> {
        let id = self.selected?;
        self.chats.iter().find(|c| c.id() == id)
    }

    /// The open chat, mutably.
    pub fn current_mut(&mut self) -> Option<&mut ChatView> {
        let id = self.selected?;
        self.chats.iter_mut().find(|c| c.id() == id)
    }

    /// A chat by id.
    pub fn chat_mut(&mut self, id: ChatId) -> Option<&mut ChatView> {
        self.chats.iter_mut().find(|c| c.id() == id)
    }

    /// The id of the logged-in user.
    pub fn my_id(&self) -> Option<UserId> {
        self.me.as_ref().map(|u| u.id)
    }

    /// A user's shown name: display name, else username, else a short id.
    pub fn name_of(&self, id: UserId) -> String {
        match self.users.get(&id) {
            Some(u) => u.display_name.clone().unwrap_or_else(|| u.username.clone()),
            None => format!("user-{}", &id.to_string()[..8]),
        }
    }

    /// A chat's shown title: the group name or the peer's name.
    pub fn title_of(&self, chat: &ChatView) -> String {
        match (&chat.chat.name, &chat.chat.peer) {
            (Some(name), _) => name.clone(),
            (None, Some(peer)) => peer
                .display_name
                .clone()
                .unwrap_or_else(|| peer.username.clone()),
            (None, None) => "(direct chat)".to_owned(),
        }
    }

    /// Who is typing in a chat, as the header says it.
    pub fn typing_line(&self, chat: ChatId) -> Option<String> {
        let me = self.my_id();
        let names: Vec<String> = self
            .typing
            .get(&chat)?
            .iter()
            .filter(|(u, until)| Some(*u) != me && *until > self.now)
            .map(|(u, _)| self.name_of(*u))
            .collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(format!("{one} is typing…")),
            [a, b] => Some(format!("{a} and {b} are typing…")),
            _ => Some("several people are typing…".to_owned()),
        }
    }

    /// Opens a chat: loads it on first open, remembers the read point for the
    /// "new messages" line.
    pub fn open_chat(&mut self, id: ChatId, out: &mut Vec<Command>) {
        self.stop_typing(out);
        self.selected = Some(id);
        if let Some(chat) = self.chat_mut(id) {
            chat.selected = None;
            chat.scroll = 0;
            chat.new_line_after = (chat.chat.unread_count > 0).then_some(chat.chat.last_read_seq);
            if !chat.loaded {
                out.push(Command::LoadChat {
                    chat_id: id,
                    messages: true,
                    select: false,
                });
            }
        }
        if self.focus == Focus::Timeline {
            self.focus = Focus::Composer;
        }
        scroll::land_on_unread(self);
    }

    /// Sorts the chat list by activity, newest first.
    pub fn sort_chats(&mut self) {
        self.chats
            .sort_by_key(|c| std::cmp::Reverse(c.chat.last_activity_at));
    }

    /// Sends `typing:start` while typing, at most every few seconds.
    fn typing(&mut self, out: &mut Vec<Command>) {
        let Some(chat_id) = self.selected else { return };
        let due = match self.typing_sent {
            Some((c, at)) if c == chat_id => (self.now - at).whole_seconds() >= TYPING_REPEAT_SECS,
            _ => true,
        };
        if due {
            self.stop_typing(out);
            self.typing_sent = Some((chat_id, self.now));
            out.push(Command::Typing {
                chat_id,
                start: true,
            });
        }
    }

    fn stop_typing(&mut self, out: &mut Vec<Command>) {
        if let Some((chat_id, _)) = self.typing_sent.take() {
            out.push(Command::Typing {
                chat_id,
                start: false,
            });
        }
    }

    /// Every unsent draft, by chat (for keeping them over a restart).
    pub fn drafts(&self) -> HashMap<ChatId, String> {
        let mut drafts: HashMap<ChatId, String> = self
            .restored_drafts
            .iter()
            .filter(|(id, _)| !self.chats.iter().any(|c| c.id() == **id))
            .map(|(id, text)| (*id, text.clone()))
            .collect();
        for chat in &self.chats {
            if !chat.composer.text().trim().is_empty() && chat.composer.mode == composer::Mode::New
            {
                drafts.insert(chat.id(), chat.composer.text().to_owned());
            }
        }
        drafts
    }

    /// The cursors of every chat held, for a resync.
    pub fn cursors(&self) -> Vec<common::api::ChatCursor> {
        self.chats
            .iter()
            .map(|c| common::api::ChatCursor {
                chat_id: c.id(),
                seq: c.cursor,
            })
            .collect()
    }
}

/// The `/commands` with their arguments and descriptions, for the help overlay.
pub fn slash_commands() -> &'static [(&'static str, &'static str, &'static str)] {
    slash::COMMANDS
}

#[cfg(test)]
mod composer_tests;
#[cfg(test)]
mod email_tests;
#[cfg(test)]
mod login_tests;
#[cfg(test)]
mod notifications_tests;
#[cfg(test)]
mod reading_tests;
#[cfg(test)]
mod social_tests;
#[cfg(test)]
mod tests;
