//! Overlays drawn over the main screen. Each is a small state of its own; new ones
//! (contacts, search, attachments) slot in as new variants when their APIs exist.

use common::api::User;
use common::ids::{ChatId, MessageId, UserId};

/// An overlay.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    /// Every key, from the keymap.
    Help {
        /// First row shown.
        scroll: usize,
    },
    /// Fuzzy jump over chats and people.
    Switcher(Picker),
    /// Pick a user to open a direct chat with.
    NewDirect(Picker),
    /// Pick an emoji to react with.
    React {
        /// The message.
        message_id: MessageId,
        /// Highlighted emoji.
        selected: usize,
    },
    /// Confirm a deletion.
    ConfirmDelete(MessageId),
    /// A small form: profile, new group, group settings.
    Form(Form),
    /// Message search.
    Search(super::search::SearchOverlay),
    /// Contacts, requests and blocked users.
    Contacts(super::contacts::ContactsOverlay),
    /// The server's notifications list.
    Notifications(super::notifications::NotificationsOverlay),
    /// Pick a user to ask to become a contact.
    AddContact(Picker),
    /// Confirm handing a group to another member.
    ConfirmTransfer {
        /// The group.
        chat_id: ChatId,
        /// The new owner.
        user_id: UserId,
    },
    /// Pick one of a message's attachments, or type a path to upload or save.
    Attach(super::attachments::AttachOverlay),
    /// Another user's profile (names, status, presence, avatar); any key closes it.
    UserProfile(UserId),
    /// A text shown whole (a copied link); any key closes it.
    Text {
        /// The box's title.
        title: String,
        /// The text.
        text: String,
    },
    /// The privacy settings.
    Privacy(super::privacy::PrivacyOverlay),
    /// The directory of public groups.
    Directory(super::directory::DirectoryOverlay),
    /// One message on the whole screen, scrolled by lines.
    Reader {
        /// The message.
        message_id: MessageId,
        /// First line shown.
        scroll: usize,
    },
}

/// What a form is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// Display name and status message.
    Profile,
    /// Name and members of a new group.
    NewGroup,
    /// Rename a group, invite people (members and roles are listed below the fields).
    GroupSettings(ChatId),
    /// Current password, new password, the new one again; every field drawn masked.
    Password,
    /// An email address and the password that confirms it (shown as dots).
    Email,
}

/// A form of labelled one-line fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// Its purpose.
    pub kind: FormKind,
    /// Labels and values.
    pub fields: Vec<(&'static str, String)>,
    /// The focused field.
    pub focus: usize,
    /// The highlighted member (group settings), when the cursor is below the fields.
    pub member: Option<usize>,
}

impl Form {
    /// A form with these fields.
    pub fn new(kind: FormKind, fields: Vec<(&'static str, String)>) -> Self {
        Self {
            kind,
            fields,
            focus: 0,
            member: None,
        }
    }

    /// The title.
    pub fn title(&self) -> &'static str {
        match self.kind {
            FormKind::Profile => " Profile ",
            FormKind::NewGroup => " New group ",
            FormKind::GroupSettings(_) => " Group settings ",
            FormKind::Password => " Change password ",
            FormKind::Email => " Email address ",
        }
    }

    /// Whether its fields are drawn masked (nothing of what is typed shows).
    pub fn masked(&self) -> bool {
        self.kind == FormKind::Password
    }

    /// A field's value.
    pub fn value(&self, i: usize) -> &str {
        self.fields.get(i).map_or("", |(_, v)| v.as_str())
    }
}

/// One row of a picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PickItem {
    /// A chat held.
    Chat(ChatId, String),
    /// A user (opens the direct chat).
    User(UserId, String),
}

impl PickItem {
    /// The text shown and matched.
    pub fn label(&self) -> &str {
        match self {
            Self::Chat(_, label) | Self::User(_, label) => label,
        }
    }
}

/// A query with matching rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picker {
    /// What was typed.
    pub query: String,
    /// Matches, best first.
    pub items: Vec<PickItem>,
    /// Highlighted row.
    pub selected: usize,
    /// Users from the server's search for the query.
    pub users: Vec<User>,
}

impl Overlay {
    /// Users found by a search, for the pickers that want them.
    pub fn set_users(&mut self, users: Vec<User>) {
        if let Self::Switcher(p) | Self::NewDirect(p) | Self::AddContact(p) = self {
            p.users = users;
        }
    }
}

/// A fuzzy score: every character of `query` in order in `text`; fewer gaps and an early
/// start score higher. `None` when it does not match.
pub fn fuzzy(query: &str, text: &str) -> Option<i64> {
    if query.is_empty() {
        return Some(0);
    }
    let text_lower = text.to_lowercase();
    let mut score = 0i64;
    let mut last: Option<usize> = None;
    let mut chars = text_lower.char_indices();
    for q in query.to_lowercase().chars() {
        let (i, _) = chars.by_ref().find(|(_, c)| *c == q)?;
        score -= match last {
            Some(l) => (i - l - 1) as i64,
            None => i as i64 * 2,
        };
        last = Some(i);
    }
    Some(score)
}

/// Emoji offered for reactions and `:name:` completion.
pub const EMOJI: &[(&str, &str)] = &[
    ("+1", "👍"),
    ("heart", "❤️"),
    ("joy", "😂"),
    ("tada", "🎉"),
    ("eyes", "👀"),
    ("fire", "🔥"),
    ("pray", "🙏"),
    ("rocket", "🚀"),
    ("thinking", "🤔"),
    ("wave", "👋"),
    ("smile", "😄"),
    ("ok_hand", "👌"),
    ("check", "✅"),
    ("x", "❌"),
    ("100", "💯"),
    ("-1", "👎"),
    ("clap", "👏"),
    ("sob", "😭"),
    ("coffee", "☕"),
    ("bug", "🐛"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_matches_in_order_and_prefers_tight_early_matches() {
        assert!(fuzzy("eng", "Engine room").unwrap() > fuzzy("eng", "the engine").unwrap());
        assert!(fuzzy("gni", "engine").is_none());
        assert!(fuzzy("ar", "ada rose").unwrap() < fuzzy("ar", "arnold").unwrap());
    }
}
