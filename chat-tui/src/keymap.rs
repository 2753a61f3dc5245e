//! Keys to actions, per focus context. The defaults, `config.toml` overrides, the help
//! overlay and the key table of docs/tui.md all come from this one table.
//!
//! Long on purpose: most of it is that one table (data); splitting it would split what the
//! help overlay and docs/tui.md must show together.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    /// Everywhere on the main screen (so only keys that never type text).
    Global,
    /// The chat list has focus.
    ChatList,
    /// The timeline has focus (the message cursor).
    Timeline,
    /// The composer has focus.
    Composer,
}

impl Context {
    /// How the help overlay titles it.
    pub fn title(self) -> &'static str {
        match self {
            Self::Global => "Everywhere",
            Self::ChatList => "Chat list",
            Self::Timeline => "Timeline",
            Self::Composer => "Composer",
        }
    }
}

macro_rules! actions {
    ($($variant:ident $name:literal $doc:literal,)*) => {
        /// Everything a key can do.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Action { $(#[doc = $doc] $variant,)* }

        impl Action {
            /// Every action.
            pub const ALL: &[Action] = &[$(Action::$variant,)*];
            /// The name used in `config.toml`.
            pub fn name(self) -> &'static str { match self { $(Self::$variant => $name,)* } }
            /// What it does, for the help overlay.
            pub fn describe(self) -> &'static str { match self { $(Self::$variant => $doc,)* } }
            /// The action named `name`.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($name => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

actions! {
    Quit "quit" "Quit",
    Help "help" "Show this help",
    QuickSwitcher "quick-switcher" "Quick switcher over chats and people",
    NextUnread "next-unread" "Jump to the next chat with unread messages",
    FocusNext "focus-next" "Move to the next pane (chat list, messages, composer)",
    FocusPrev "focus-prev" "Move to the previous pane",
    ToggleMembers "toggle-members" "Show or hide the member list",
    NewDirect "new-direct" "Start a direct chat",
    NewGroup "new-group" "Create a group",
    GroupSettings "group-settings" "Group settings: rename, invite, members",
    Profile "profile" "Your display name and status message",
    Chat1 "chat-1" "Jump to chat 1",
    Chat2 "chat-2" "Jump to chat 2",
    Chat3 "chat-3" "Jump to chat 3",
    Chat4 "chat-4" "Jump to chat 4",
    Chat5 "chat-5" "Jump to chat 5",
    Chat6 "chat-6" "Jump to chat 6",
    Chat7 "chat-7" "Jump to chat 7",
    Chat8 "chat-8" "Jump to chat 8",
    Chat9 "chat-9" "Jump to chat 9",
    Select "select" "Select messages (from an empty composer: Up); Esc goes back to writing",
    Up "up" "Move up",
    Down "down" "Move down",
    ScrollUp "scroll-up" "Scroll the messages up one line",
    ScrollDown "scroll-down" "Scroll the messages down one line",
    PageUp "page-up" "Scroll the messages up half a screen",
    PageDown "page-down" "Scroll the messages down half a screen",
    Top "top" "Go to the first item",
    Bottom "bottom" "Go to the last item",
    Open "open" "Open the selected chat",
    Compose "compose" "Back to writing",
    Read "read" "Read the selected message in a full-screen view",
    Reply "reply" "Reply to the selected message",
    Edit "edit" "Edit the selected message (own)",
    Delete "delete" "Delete the selected message (own, or as admin)",
    React "react" "React to the selected message",
    Copy "copy" "Copy the selected message's text",
    JumpToReply "jump-to-reply" "Jump to the message this one replies to",
    OpenLink "open-link" "Open the first link of the selected message",
    Send "send" "Send the message",
    Newline "newline" "Insert a line break",
    Complete "complete" "Complete @name, :emoji:, /command or a path (again: the next match)",
    HistoryPrev "history-prev" "Previous sent message",
    HistoryNext "history-next" "Next sent message",
    LineStart "line-start" "To the start of the line",
    LineEnd "line-end" "To the end of the line",
    CharLeft "char-left" "Back one character",
    CharRight "char-right" "Forward one character",
    WordLeft "word-left" "Back one word",
    WordRight "word-right" "Forward one word",
    DeleteBack "delete-back" "Delete the character before the cursor",
    DeleteForward "delete-forward" "Delete the character under the cursor",
    DeleteWord "delete-word" "Delete the word before the cursor",
    KillToStart "kill-to-start" "Delete to the start of the line",
    KillToEnd "kill-to-end" "Delete to the end of the line",
    Redraw "redraw" "Redraw the screen",
    Cancel "cancel" "Cancel reply or edit, leave the selection, close an overlay",
    ExternalEditor "external-editor" "Write the message in $EDITOR",
    Search "search" "Search messages",
    Contacts "contacts" "Contacts, requests and blocked users",
    Notifications "notifications" "Mentions, replies, requests, invitations",
    Mute "mute" "Mute the open chat, or unmute it",
    CopyLink "copy-link" "Copy the link of the selected message",
    OpenAttachment "open-attachment" "Open the selected message's attachment",
    SaveAttachment "save-attachment" "Save the selected message's attachment to the download directory",
    AttachFile "attach-file" "Attach a file or image to the next message",
}

/// A key with its modifiers, as written in `config.toml` (`ctrl-k`, `alt-1`, `shift-tab`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    code: KeyCodeOrd,
    mods: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum KeyCodeOrd {
    Char(char),
    F(u8),
    Named(&'static str),
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pgup", KeyCode::PageUp),
    ("pgdown", KeyCode::PageDown),
];

const CTRL: u8 = 1;
const ALT: u8 = 2;
const SHIFT: u8 = 4;

impl Key {
    /// The key of a terminal key event. Shift is folded into the character for printable
    /// keys (`G`, `?`), since terminals report those either way.
    pub fn from_event(event: &KeyEvent) -> Option<Self> {
        let mut mods = 0;
        if event.modifiers.contains(KeyModifiers::CONTROL) {
            mods |= CTRL;
        }
        if event.modifiers.contains(KeyModifiers::ALT) {
            mods |= ALT;
        }
        let code = match event.code {
            KeyCode::Char(c) => KeyCodeOrd::Char(c.to_ascii_lowercase_if(mods & CTRL != 0)),
            KeyCode::F(n) => KeyCodeOrd::F(n),
            KeyCode::BackTab => KeyCodeOrd::Named("backtab"),
            other => KeyCodeOrd::Named(NAMED.iter().find(|(_, c)| *c == other)?.0),
        };
        if event.modifiers.contains(KeyModifiers::SHIFT)
            && !matches!(code, KeyCodeOrd::Char(_) | KeyCodeOrd::Named("backtab"))
        {
            mods |= SHIFT;
        }
        Some(Self { code, mods })
    }

    /// Parses `ctrl-k`, `alt-enter`, `f1`, `G`, `?`, `shift-tab`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut mods = 0;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower.strip_prefix("ctrl-").filter(|r| !r.is_empty()) {
                mods |= CTRL;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("alt-").filter(|r| !r.is_empty()) {
                mods |= ALT;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower.strip_prefix("shift-").filter(|r| !r.is_empty()) {
                mods |= SHIFT;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = if let (Some(c), None) = (chars.next(), chars.next()) {
            KeyCodeOrd::Char(c.to_ascii_lowercase_if(mods & CTRL != 0))
        } else {
            let lower = rest.to_ascii_lowercase();
            if lower == "space" {
                KeyCodeOrd::Char(' ')
            } else if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse().ok()) {
                KeyCodeOrd::F(n)
            } else {
                KeyCodeOrd::Named(NAMED.iter().find(|(name, _)| *name == lower)?.0)
            }
        };
        if mods & SHIFT != 0 && code == KeyCodeOrd::Named("tab") {
            return Some(Self {
                code: KeyCodeOrd::Named("backtab"),
                mods: mods & !SHIFT,
            });
        }
        Some(Self { code, mods })
    }
}

trait LowerIf {
    fn to_ascii_lowercase_if(self, yes: bool) -> Self;
}

impl LowerIf for char {
    fn to_ascii_lowercase_if(self, yes: bool) -> Self {
        if yes { self.to_ascii_lowercase() } else { self }
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods & CTRL != 0 {
            f.write_str("Ctrl-")?;
        }
        if self.mods & ALT != 0 {
            f.write_str("Alt-")?;
        }
        if self.mods & SHIFT != 0 {
            f.write_str("Shift-")?;
        }
        match self.code {
            KeyCodeOrd::Char(' ') => f.write_str("Space"),
            KeyCodeOrd::Char(c) if self.mods & CTRL != 0 => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCodeOrd::Char(c) => write!(f, "{c}"),
            KeyCodeOrd::F(n) => write!(f, "F{n}"),
            KeyCodeOrd::Named("backtab") => f.write_str("Shift-Tab"),
            KeyCodeOrd::Named("pgup") => f.write_str("PgUp"),
            KeyCodeOrd::Named("pgdown") => f.write_str("PgDn"),
            KeyCodeOrd::Named(name) => {
                let mut chars = name.chars();
                if let Some(first) = chars.next() {
                    write!(f, "{}{}", first.to_ascii_uppercase(), chars.as_str())?;
                }
                Ok(())
            }
        }
    }
}

// No plain letter is bound in the composer or globally: typing always types. Letters act
// only in the chat list and in the message selection, both entered with explicit keys and
// named on the status line.
const DEFAULTS: &[(Context, &str, Action)] = &[
    (Context::Global, "ctrl-c", Action::Quit),
    (Context::Global, "ctrl-q", Action::Quit),
    (Context::Global, "f1", Action::Help),
    (Context::Global, "ctrl-g", Action::QuickSwitcher),
    (Context::Global, "alt-u", Action::NextUnread),
    (Context::Global, "f6", Action::FocusNext),
    (Context::Global, "shift-f6", Action::FocusPrev),
    (Context::Global, "alt-m", Action::ToggleMembers),
    (Context::Global, "alt-d", Action::NewDirect),
    (Context::Global, "alt-g", Action::NewGroup),
    (Context::Global, "alt-s", Action::GroupSettings),
    (Context::Global, "alt-p", Action::Profile),
    (Context::Global, "alt-1", Action::Chat1),
    (Context::Global, "alt-2", Action::Chat2),
    (Context::Global, "alt-3", Action::Chat3),
    (Context::Global, "alt-4", Action::Chat4),
    (Context::Global, "alt-5", Action::Chat5),
    (Context::Global, "alt-6", Action::Chat6),
    (Context::Global, "alt-7", Action::Chat7),
    (Context::Global, "alt-8", Action::Chat8),
    (Context::Global, "alt-9", Action::Chat9),
    (Context::Global, "alt-up", Action::Select),
    (Context::Global, "esc", Action::Cancel),
    (Context::Global, "ctrl-f", Action::Search),
    (Context::Global, "alt-c", Action::Contacts),
    (Context::Global, "alt-i", Action::Notifications),
    (Context::Global, "alt-n", Action::Mute),
    (Context::Global, "alt-a", Action::AttachFile),
    (Context::Global, "ctrl-l", Action::Redraw),
    (Context::ChatList, "up", Action::Up),
    (Context::ChatList, "k", Action::Up),
    (Context::ChatList, "down", Action::Down),
    (Context::ChatList, "j", Action::Down),
    (Context::ChatList, "g", Action::Top),
    (Context::ChatList, "G", Action::Bottom),
    (Context::ChatList, "enter", Action::Open),
    (Context::ChatList, "l", Action::Open),
    (Context::ChatList, "right", Action::Open),
    (Context::ChatList, "?", Action::Help),
    (Context::ChatList, "i", Action::Compose),
    (Context::Timeline, "up", Action::Up),
    (Context::Timeline, "k", Action::Up),
    (Context::Timeline, "down", Action::Down),
    (Context::Timeline, "j", Action::Down),
    (Context::Timeline, "shift-up", Action::ScrollUp),
    (Context::Timeline, "ctrl-y", Action::ScrollUp),
    (Context::Timeline, "shift-down", Action::ScrollDown),
    (Context::Timeline, "ctrl-e", Action::ScrollDown),
    (Context::Timeline, "pgup", Action::PageUp),
    (Context::Timeline, "ctrl-u", Action::PageUp),
    (Context::Timeline, "pgdown", Action::PageDown),
    (Context::Timeline, "ctrl-d", Action::PageDown),
    (Context::Timeline, "g", Action::Top),
    (Context::Timeline, "home", Action::Top),
    (Context::Timeline, "G", Action::Bottom),
    (Context::Timeline, "end", Action::Bottom),
    (Context::Timeline, "i", Action::Compose),
    (Context::Timeline, "enter", Action::Read),
    (Context::Timeline, "v", Action::Read),
    (Context::Timeline, "r", Action::Reply),
    (Context::Timeline, "e", Action::Edit),
    (Context::Timeline, "d", Action::Delete),
    (Context::Timeline, "+", Action::React),
    (Context::Timeline, "y", Action::Copy),
    (Context::Timeline, "J", Action::JumpToReply),
    (Context::Timeline, "o", Action::OpenLink),
    (Context::Timeline, "L", Action::CopyLink),
    (Context::Timeline, "a", Action::OpenAttachment),
    (Context::Timeline, "s", Action::SaveAttachment),
    (Context::Timeline, "/", Action::Search),
    (Context::Timeline, "?", Action::Help),
    (Context::Composer, "enter", Action::Send),
    (Context::Composer, "alt-enter", Action::Newline),
    (Context::Composer, "shift-enter", Action::Newline),
    (Context::Composer, "ctrl-j", Action::Newline),
    (Context::Composer, "tab", Action::Complete),
    (Context::Composer, "up", Action::Select),
    (Context::Composer, "pgup", Action::PageUp),
    (Context::Composer, "pgdown", Action::PageDown),
    (Context::Composer, "ctrl-p", Action::HistoryPrev),
    (Context::Composer, "ctrl-n", Action::HistoryNext),
    (Context::Composer, "ctrl-a", Action::LineStart),
    (Context::Composer, "home", Action::LineStart),
    (Context::Composer, "ctrl-e", Action::LineEnd),
    (Context::Composer, "end", Action::LineEnd),
    (Context::Composer, "left", Action::CharLeft),
    (Context::Composer, "right", Action::CharRight),
    (Context::Composer, "alt-b", Action::WordLeft),
    (Context::Composer, "ctrl-left", Action::WordLeft),
    (Context::Composer, "alt-f", Action::WordRight),
    (Context::Composer, "ctrl-right", Action::WordRight),
    (Context::Composer, "backspace", Action::DeleteBack),
    (Context::Composer, "delete", Action::DeleteForward),
    (Context::Composer, "ctrl-w", Action::DeleteWord),
    (Context::Composer, "alt-backspace", Action::DeleteWord),
    (Context::Composer, "ctrl-u", Action::KillToStart),
    (Context::Composer, "ctrl-k", Action::KillToEnd),
    (Context::Composer, "alt-e", Action::ExternalEditor),
];

/// The bindings in force.
#[derive(Clone, Debug)]
pub struct Keymap {
    bindings: BTreeMap<(Context, Key), Action>,
}

impl Default for Keymap {
    fn default() -> Self {
        let mut bindings = BTreeMap::new();
        for (context, key, action) in DEFAULTS {
            if let Some(key) = Key::parse(key) {
                bindings.insert((*context, key), *action);
            }
        }
        Self { bindings }
    }
}

impl Keymap {
    /// The defaults with `config.toml`'s `[keys]` applied. A key written `composer:ctrl-s`
    /// binds in one context only; without a prefix it binds where the action belongs
    /// (global for global actions). Returns the problems with entries it could not use.
    pub fn with_overrides(overrides: &BTreeMap<String, String>) -> (Self, Vec<String>) {
        let mut map = Self::default();
        let mut problems = Vec::new();
        for (key_text, action_name) in overrides {
            let (context, key_part) = match key_text.split_once(':') {
                Some(("global", k)) => (Some(Context::Global), k),
                Some(("list", k)) => (Some(Context::ChatList), k),
                Some(("timeline", k)) => (Some(Context::Timeline), k),
                Some(("composer", k)) => (Some(Context::Composer), k),
                _ => (None, key_text.as_str()),
            };
            let Some(key) = Key::parse(key_part) else {
                problems.push(format!("unknown key {key_text:?}"));
                continue;
            };
            if action_name == "none" {
                map.bindings
                    .retain(|(c, k), _| *k != key || context.is_some_and(|x| x != *c));
                continue;
            }
            let Some(action) = Action::from_name(action_name) else {
                problems.push(format!("unknown action {action_name:?}"));
                continue;
            };
            let context = context.unwrap_or_else(|| map.home_of(action));
            map.bindings.insert((context, key), action);
        }
        (map, problems)
    }

    fn home_of(&self, action: Action) -> Context {
        self.bindings
            .iter()
            .find(|(_, a)| **a == action)
            .map_or(Context::Global, |((c, _), _)| *c)
    }

    /// The action of `event` in `context`, falling back to the global bindings.
    pub fn action(&self, context: Context, event: &KeyEvent) -> Option<Action> {
        let key = Key::from_event(event)?;
        self.bindings
            .get(&(context, key))
            .or_else(|| self.bindings.get(&(Context::Global, key)))
            .copied()
    }

    /// Every binding by context, keys of one action joined: `(context, "j, Down", action)`.
    pub fn describe(&self) -> Vec<(Context, String, Action)> {
        let mut rows: Vec<(Context, String, Action)> = Vec::new();
        for ((context, key), action) in &self.bindings {
            if let Some(row) = rows
                .iter_mut()
                .find(|(c, _, a)| c == context && a == action)
            {
                row.1.push_str(", ");
                row.1.push_str(&key.to_string());
            } else {
                rows.push((*context, key.to_string(), *action));
            }
        }
        rows.sort_by_key(|(c, _, a)| (*c, Action::ALL.iter().position(|x| x == a)));
        rows
    }

    /// The keys table of docs/tui.md.
    pub fn markdown(&self) -> String {
        let mut out = String::from("| Where | Keys | Action |\n|---|---|---|\n");
        for (context, keys, action) in self.describe() {
            let _ = writeln!(
                out,
                "| {} | `{}` | {} (`{}`) |",
                context.title(),
                keys.replace(", ", "`, `"),
                action.describe(),
                action.name()
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyEventKind;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind: KeyEventKind::Press,
            state: crossterm::event::KeyEventState::NONE,
        }
    }

    #[test]
    fn arrows_and_vim_keys_both_work() {
        let map = Keymap::default();
        for code in [KeyCode::Char('j'), KeyCode::Down] {
            assert_eq!(
                map.action(Context::Timeline, &key(code, KeyModifiers::NONE)),
                Some(Action::Down)
            );
        }
        assert_eq!(
            map.action(
                Context::Composer,
                &key(KeyCode::Char('g'), KeyModifiers::CONTROL)
            ),
            Some(Action::QuickSwitcher)
        );
        assert_eq!(
            map.action(
                Context::Composer,
                &key(KeyCode::Char('k'), KeyModifiers::CONTROL)
            ),
            Some(Action::KillToEnd)
        );
        assert_eq!(
            map.action(
                Context::Composer,
                &key(KeyCode::Char('j'), KeyModifiers::NONE)
            ),
            None
        );
        assert_eq!(
            map.action(
                Context::Timeline,
                &key(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Action::Bottom)
        );
        assert_eq!(
            map.action(
                Context::ChatList,
                &key(KeyCode::BackTab, KeyModifiers::SHIFT)
            ),
            None
        );
    }

    #[test]
    fn no_plain_letter_acts_while_writing() {
        let map = Keymap::default();
        for c in (' '..='~').filter(|c| !c.is_control()) {
            for mods in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
                assert_eq!(
                    map.action(Context::Composer, &key(KeyCode::Char(c), mods)),
                    None,
                    "{c}"
                );
            }
        }
        assert_eq!(
            map.action(Context::Composer, &key(KeyCode::Tab, KeyModifiers::NONE)),
            Some(Action::Complete)
        );
    }

    #[test]
    fn overrides_rebind_and_report_mistakes() {
        let overrides = BTreeMap::from([
            ("ctrl-p".to_owned(), "quick-switcher".to_owned()),
            ("composer:ctrl-s".to_owned(), "send".to_owned()),
            ("j".to_owned(), "none".to_owned()),
            ("ctrl-z".to_owned(), "explode".to_owned()),
        ]);
        let (map, problems) = Keymap::with_overrides(&overrides);
        assert_eq!(problems, vec!["unknown action \"explode\"".to_owned()]);
        let ctrl = |c| key(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(
            map.action(Context::Timeline, &ctrl('p')),
            Some(Action::QuickSwitcher)
        );
        assert_eq!(
            map.action(Context::Composer, &ctrl('s')),
            Some(Action::Send)
        );
        assert_eq!(
            map.action(
                Context::Timeline,
                &key(KeyCode::Char('j'), KeyModifiers::NONE)
            ),
            None
        );
    }

    #[test]
    fn every_action_has_a_default_key_and_the_table_names_it() {
        let table = Keymap::default().markdown();
        for action in Action::ALL {
            assert!(
                table.contains(&format!("(`{}`)", action.name())),
                "{action:?}"
            );
        }
        assert!(table.contains("`Ctrl-G`"));
        assert!(table.contains("`Alt-Enter`"));
    }
}

#[cfg(test)]
mod docs_tests {
    #[test]
    fn the_key_table_in_docs_is_current() {
        let doc = include_str!("../../docs/tui.md");
        let table = super::Keymap::default().markdown();
        assert!(
            doc.contains(&table),
            "docs/tui.md is stale: replace its key table with the output of `chat-tui keys`"
        );
    }
}
