//! What reaches the reducer (terminal input, the network, the clock) and what it asks for
//! in return. The network task and the terminal loop carry these out; the reducer does no I/O.

use common::api::{Chat, ChatDetail, Me, MessagePage, SendResult, SyncResponse, User};
use common::ids::{ChatId, MessageId, UserId};
use common::ws::{PresenceStatus, SendData, ServerEvent, UserStatus};
use common::{ErrorBody, api::ChatCursor};
use crossterm::event::{KeyEvent, MouseEvent};
use time::OffsetDateTime;

/// An input of the reducer.
// Events pass one at a time through a channel; their size does not add up anywhere.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Event {
    /// A key press.
    Key(KeyEvent),
    /// Bracketed paste.
    Paste(String),
    /// Mouse wheel or click.
    Mouse(MouseEvent),
    /// The terminal got or lost focus.
    Focus(bool),
    /// The clock (once a second, and before every other event in the real loop).
    Tick(OffsetDateTime),
    /// The terminal's new size.
    Resize(u16, u16),
    /// Text written in `$EDITOR` for the composer.
    EditorDone(String),
    /// From the network task.
    Net(NetEvent),
}

/// How the client is connected (shown on the status line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// `GET /ws`.
    WebSocket,
    /// Server-Sent Events (`GET /api/events`) with frames by `POST /api/frames`.
    Sse,
}

impl Transport {
    /// The short name the status line shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::WebSocket => "websocket",
            Self::Sse => "sse",
        }
    }
}

/// The connection to the server, as the status line shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnState {
    /// First connect in progress.
    Connecting,
    /// Live.
    Connected,
    /// Waiting before the next attempt.
    Reconnecting {
        /// Seconds until it.
        in_secs: u64,
    },
    /// Given up or logged out.
    Offline,
    /// The server ended the session (revoked, logged out elsewhere, account disabled):
    /// nothing reconnects until a new login.
    SessionEnded,
}

/// What the network task reports.
// Most events are server events; boxing them would allocate for each of the many frames
// that pass through the channel, to shrink the few that are not.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum NetEvent {
    /// The server has no usable session: show the login screen.
    NeedLogin {
        /// The server address to offer.
        server: String,
        /// Why, when a kept session was refused.
        reason: Option<String>,
    },
    /// Logged in (by the form or with a kept session).
    LoggedIn(Me),
    /// The login or registration form was refused.
    LoginFailed(ErrorBody),
    /// Something to tell on the login screen (a new verification code was asked for).
    LoginInfo(String),
    /// The WebSocket state changed.
    Connection(ConnState),
    /// The transport of the connection about to be reported connected.
    Transport(Transport),
    /// The chat list.
    Chats(Vec<Chat>),
    /// One chat with its members and, when asked for, its newest messages.
    ChatLoaded {
        /// The chat.
        detail: Box<ChatDetail>,
        /// Its latest page.
        page: Option<Box<MessagePage>>,
        /// Open it (a new direct chat, a deep link).
        select: bool,
    },
    /// Older messages of a chat.
    Older {
        /// The chat.
        chat_id: ChatId,
        /// The page.
        page: MessagePage,
    },
    /// A pushed event.
    Server(ServerEvent),
    /// The server may have missed deliveries: resync everything.
    SyncRequired,
    /// The answer to a sync.
    Synced(SyncResponse),
    /// A chat's messages from the offline cache, read after the first frame.
    Cached {
        /// The chat.
        chat_id: ChatId,
        /// Its cached messages, ascending seq.
        messages: Vec<common::api::Message>,
    },
    /// The user part of the answer to a [`Command::SyncUser`].
    UserSynced(common::api::UserSync),
    /// A send was stored.
    SendAcked {
        /// The send's id.
        client_id: String,
        /// What the server stored.
        result: Box<SendResult>,
    },
    /// A send was refused for good (not a connection problem: those are resent).
    SendFailed {
        /// The send's id.
        client_id: String,
        /// The server's reason.
        reason: String,
    },
    /// Users matching a search.
    Users(Vec<User>),
    /// Presence of users.
    Presence(Vec<UserStatus>),
    /// A message for the status line (a failed action, say).
    Notice(String),
    /// The session ended (logout, or revoked).
    LoggedOut,
    /// The session is over on the server (the refresh was refused): the reason, for the
    /// login screen.
    SessionEnded(String),
    /// Search, contacts, blocks, mutes, links, roles.
    Social(super::social::SocialEvent),
    /// Uploads, downloads and thumbnails.
    Attachment(super::attachments::AttachEvent),
}

/// What the reducer asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Log in and keep the session.
    Login {
        /// Base URL.
        server: String,
        /// Username.
        username: String,
        /// Password.
        password: String,
    },
    /// Register, then log in.
    Register {
        /// Base URL.
        server: String,
        /// Username.
        username: String,
        /// Password.
        password: String,
        /// Confirmation.
        password_confirm: String,
        /// Display name.
        display_name: Option<String>,
        /// Email address (required by servers with `auth.require_verified_email`).
        email: Option<String>,
    },
    /// Verify the account's address with the mailed code (no login needed), then log in.
    VerifyAndLogin {
        /// Base URL.
        server: String,
        /// Username.
        username: String,
        /// Password (hidden from `Debug`).
        password: super::email::Password,
        /// The mailed code.
        code: String,
    },
    /// Ask for a new verification mail without a login.
    ResendVerification {
        /// Base URL.
        server: String,
        /// The username (or address).
        login: String,
    },
    /// Load a chat's detail and, with `messages`, its newest page.
    LoadChat {
        /// The chat.
        chat_id: ChatId,
        /// Also the latest messages.
        messages: bool,
        /// Open it once loaded.
        select: bool,
    },
    /// Load the messages before `before`.
    LoadOlder {
        /// The chat.
        chat_id: ChatId,
        /// The oldest seq held.
        before: i64,
    },
    /// Resync these chats from their cursors.
    Sync(Vec<ChatCursor>),
    /// Sync the user's own events (contacts, blocks, notifications) after this `userSeq`
    /// (`None`: only learn the newest `userSeq`).
    SyncUser(Option<i64>),
    /// Send (or resend, with the same client id) a message.
    Send(SendData),
    /// Write these changes to the offline cache.
    Cache(Box<crate::cache::CacheWrite>),
    /// Edit one's message.
    Edit {
        /// The message.
        message_id: MessageId,
        /// New text.
        content: String,
        /// New metadata: the message's own with the formatting of the new text.
        metadata: Option<serde_json::Value>,
    },
    /// Delete a message.
    Delete(MessageId),
    /// Add or remove a reaction.
    React {
        /// The message.
        message_id: MessageId,
        /// The emoji.
        emoji: String,
        /// Add (or remove).
        add: bool,
    },
    /// Move the read watermark.
    Read {
        /// The chat.
        chat_id: ChatId,
        /// Up to here.
        seq: i64,
    },
    /// Typing started or stopped.
    Typing {
        /// The chat.
        chat_id: ChatId,
        /// Started.
        start: bool,
    },
    /// Set one's presence.
    Presence(PresenceStatus),
    /// Open (create) the direct chat with a user, by username.
    StartDirect(String),
    /// Create a group with these usernames.
    CreateGroup {
        /// Name.
        name: String,
        /// Members by username.
        usernames: Vec<String>,
    },
    /// Add a user (by username) to a group.
    Invite {
        /// The chat.
        chat_id: ChatId,
        /// The user.
        username: String,
    },
    /// Remove a member.
    Kick {
        /// The chat.
        chat_id: ChatId,
        /// The member.
        user_id: UserId,
    },
    /// Leave a chat.
    Leave(ChatId),
    /// Rename a group.
    Rename {
        /// The chat.
        chat_id: ChatId,
        /// The name.
        name: String,
    },
    /// Update one's profile.
    SetProfile {
        /// Display name.
        display_name: Option<String>,
        /// Status message.
        status_message: Option<String>,
    },
    /// Change one's password (`PUT /api/users/me/password`).
    ChangePassword {
        /// The current password.
        current: Hidden,
        /// The new one.
        new: Hidden,
    },
    /// Upload this image file as one's avatar.
    SetAvatar(String),
    /// Search users (for the quick switcher and new direct chats).
    SearchUsers(String),
    /// Ask for the presence of users.
    LoadPresence(Vec<UserId>),
    /// End the session and forget it.
    Logout,
    /// Ring the bell and/or show a desktop notification.
    Notify {
        /// Title.
        title: String,
        /// Body.
        body: String,
        /// Ring the bell.
        bell: bool,
        /// Desktop notification.
        desktop: bool,
    },
    /// Put text on the clipboard (OSC 52).
    Copy(String),
    /// Open a URL with the desktop's opener.
    OpenUrl(String),
    /// Edit this text in `$EDITOR`.
    ExternalEditor(String),
    /// Clear and draw the whole screen again (Ctrl-L).
    Redraw,
    /// Search, contacts, blocks, mutes, links, roles.
    Social(super::social::SocialCommand),
    /// Upload, open, save or discard an attachment, or fetch a thumbnail.
    Attachment(super::attachments::AttachCommand),
    /// Leave the program.
    Quit,
}

/// A secret typed by the user: compared and sent, never shown by `Debug` (commands and
/// states end up in logs and test output).
#[derive(Clone, PartialEq, Eq)]
pub struct Hidden(pub String);

impl std::fmt::Debug for Hidden {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hidden(..)")
    }
}
