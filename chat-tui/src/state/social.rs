//! Search, contacts, blocks, mutes, do-not-disturb, deep links and member roles: the commands
//! they ask of the network task, the events that come back, and the state they keep. They
//! travel as one [`Command::Social`] / [`NetEvent::Social`] variant each, so the shared
//! reducer only routes them here.

use common::api::{
    Block, ChatDetail, Contact, MarkNotificationsRead, MessagePage, NotificationPage,
    NotificationSettings, Privacy, ResolvedLink, Role, SearchResults, UpdatePrivacyRequest,
};
use std::collections::HashMap;

use common::ids::{ChatId, MessageId, UserId};
use time::OffsetDateTime;

use super::event::Command;
use super::{AppState, contacts, jump, mute, notifications, search};

/// How long a mute or do-not-disturb lasts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Until {
    /// Until turned off.
    Forever,
    /// Until then.
    Time(OffsetDateTime),
}

/// What the reducer asks of the network task for these features.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SocialCommand {
    /// `GET /api/messages/search`; `cursor` for the next page.
    Search {
        /// The query.
        q: String,
        /// Only this chat.
        chat_id: Option<ChatId>,
        /// The `nextCursor` of the page before.
        cursor: Option<String>,
    },
    /// Load a chat with the messages around one of them, and put the cursor on it.
    JumpTo {
        /// The chat.
        chat_id: ChatId,
        /// The message.
        message_id: MessageId,
    },
    /// Resolve a deep link with the server, then open its chat (at its message).
    OpenLink(String),
    /// The group directory, joins and invite links.
    Groups(super::directory::GroupCommand),
    /// The messages after `after` in a chat opened away from its newest messages.
    LoadNewer {
        /// The chat.
        chat_id: ChatId,
        /// The newest seq held.
        after: i64,
    },
    /// The link of a message, for the clipboard.
    MessageLink(MessageId),
    /// Contacts, requests and blocks.
    LoadContacts,
    /// Do-not-disturb.
    LoadSettings,
    /// The newest page of the notifications list.
    LoadNotifications,
    /// Mark notifications read (none named: all of them).
    MarkNotificationsRead(MarkNotificationsRead),
    /// Ask a user to become a contact.
    RequestContact(UserId),
    /// Accept a request.
    AcceptContact(uuid::Uuid),
    /// Decline a request.
    DeclineContact(uuid::Uuid),
    /// Withdraw one's request.
    CancelContact(uuid::Uuid),
    /// End a contact.
    RemoveContact(uuid::Uuid),
    /// Block or unblock a user.
    SetBlocked {
        /// The user.
        user_id: UserId,
        /// Block (or unblock).
        blocked: bool,
    },
    /// Block or unblock a user named by username.
    SetBlockedByName {
        /// The username.
        username: String,
        /// Block (or unblock).
        blocked: bool,
    },
    /// Mute a chat (`Some`) or unmute it (`None`).
    Mute {
        /// The chat.
        chat_id: ChatId,
        /// Until when.
        until: Option<Until>,
    },
    /// Do-not-disturb on (`Some`) or off.
    Dnd(Option<Until>),
    /// The group's own retention in days (`None`: the server's policy).
    Retention {
        /// The group.
        chat_id: ChatId,
        /// Days.
        days: Option<u32>,
    },
    /// Make a member an admin or a plain member.
    SetRole {
        /// The group.
        chat_id: ChatId,
        /// The member.
        user_id: UserId,
        /// `Admin` or `Member`.
        role: Role,
    },
    /// Hand the group to another member.
    Transfer {
        /// The group.
        chat_id: ChatId,
        /// The new owner.
        user_id: UserId,
    },
    /// The privacy settings.
    LoadPrivacy,
    /// Change privacy settings.
    SetPrivacy(UpdatePrivacyRequest),
    /// Set the account's email address (a verification mail follows).
    SetEmail {
        /// The address.
        email: String,
        /// The account's password.
        password: super::email::Password,
    },
    /// Verify the address with the mailed code.
    VerifyEmail(String),
}

/// What the network task reports for these features.
#[derive(Clone, Debug)]
pub enum SocialEvent {
    /// A page of search results.
    SearchResults {
        /// The query they answer.
        q: String,
        /// Its scope.
        chat_id: Option<ChatId>,
        /// A next page (append) rather than a first one.
        more: bool,
        /// The page.
        results: SearchResults,
    },
    /// The search was refused (a query of only exclusions, say).
    SearchFailed(String),
    /// A chat loaded around a message.
    Jumped {
        /// The chat.
        detail: Box<ChatDetail>,
        /// The messages around it.
        page: Box<MessagePage>,
        /// The message.
        message_id: MessageId,
    },
    /// Newer messages of a chat opened away from its newest ones.
    Newer {
        /// The chat.
        chat_id: ChatId,
        /// The page.
        page: MessagePage,
    },
    /// A message's link.
    MessageLink(ResolvedLink),
    /// The group directory and invite links.
    Groups(super::directory::GroupEvent),
    /// Contacts, requests and blocks, all fresh.
    Book {
        /// Accepted contacts.
        contacts: Vec<Contact>,
        /// Requests to the user.
        incoming: Vec<Contact>,
        /// The user's requests.
        outgoing: Vec<Contact>,
        /// Blocked users.
        blocks: Vec<Block>,
    },
    /// The notification settings, and every chat's mute.
    Settings {
        /// Do-not-disturb.
        settings: NotificationSettings,
        /// Each chat's `mutedUntil`.
        mutes: Vec<(ChatId, Option<OffsetDateTime>)>,
    },
    /// A chat's mute changed (`None`: unmuted).
    Muted {
        /// The chat.
        chat_id: ChatId,
        /// Until then.
        until: Option<OffsetDateTime>,
    },
    /// Do-not-disturb changed (`None`: off).
    Dnd(Option<OffsetDateTime>),
    /// The notifications list, fresh.
    Notifications(NotificationPage),
    /// The privacy settings as the server has them.
    Privacy(Privacy),
}

/// What these features keep between events.
#[derive(Clone, Debug, Default)]
pub struct Social {
    /// Contacts, requests and blocks.
    pub book: contacts::ContactBook,
    /// The server's notifications list.
    pub notifications: notifications::NotificationList,
    /// Do-not-disturb until then.
    pub dnd_until: Option<OffsetDateTime>,
    /// Chats opened around an older message whose newer messages are not all held, with
    /// the newest seq that came with a page (live messages may be held past the gap).
    pub detached: HashMap<ChatId, i64>,
    /// Newer pages being loaded.
    pub(super) loading_newer: Vec<ChatId>,
    /// The privacy settings, once loaded (or heard of in `settings:updated`).
    pub privacy: Option<Privacy>,
}

impl Social {
    /// Do-not-disturb is on now.
    pub fn dnd_active(&self, now: OffsetDateTime) -> bool {
        self.dnd_until.is_some_and(|until| until > now)
    }
}

/// Applies an event of these features.
pub(super) fn apply(state: &mut AppState, event: SocialEvent, out: &mut Vec<Command>) {
    match event {
        SocialEvent::SearchResults {
            q,
            chat_id,
            more,
            results,
        } => search::results(state, &q, chat_id, more, results),
        SocialEvent::SearchFailed(reason) => search::failed(state, reason),
        SocialEvent::Jumped {
            detail,
            page,
            message_id,
        } => jump::jumped(state, *detail, *page, message_id, out),
        SocialEvent::Newer { chat_id, page } => jump::newer(state, chat_id, page),
        SocialEvent::MessageLink(link) => {
            state.notice = Some("link copied".to_owned());
            // Whole, in a popup: the status line would cut a long link.
            state.overlay = Some(super::overlay::Overlay::Text {
                title: "Link copied (any key closes)".to_owned(),
                text: link.link.clone(),
            });
            out.push(Command::Copy(link.link));
        }
        SocialEvent::Book {
            contacts,
            incoming,
            outgoing,
            blocks,
        } => contacts::book(state, contacts, incoming, outgoing, blocks, out),
        SocialEvent::Settings { settings, mutes } => {
            state.social.dnd_until = settings.dnd.active.then_some(settings.dnd.until).flatten();
            for (chat_id, until) in mutes {
                if let Some(chat) = state.chat_mut(chat_id) {
                    chat.chat.muted_until = until;
                }
            }
        }
        SocialEvent::Muted { chat_id, until } => mute::muted(state, chat_id, until),
        SocialEvent::Dnd(until) => mute::dnd(state, until),
        SocialEvent::Notifications(page) => notifications::loaded(state, page),
        SocialEvent::Privacy(privacy) => state.social.privacy = Some(privacy),
        SocialEvent::Groups(event) => super::directory::apply(state, event, out),
    }
}

/// The `/commands` of these features; false when `name` is not one of them.
pub(super) fn slash(state: &mut AppState, name: &str, rest: &str, out: &mut Vec<Command>) -> bool {
    match name {
        "/search" => search::open(state, rest, out),
        "/contacts" => contacts::open(state, out),
        "/privacy" => super::privacy::open(state, out),
        "/notifications" => notifications::open(state, out),
        "/mute" => mute::slash_mute(state, rest, out),
        "/unmute" => match state.selected {
            Some(chat_id) => out.push(Command::Social(SocialCommand::Mute {
                chat_id,
                until: None,
            })),
            None => state.notice = Some("open a chat first".into()),
        },
        "/dnd" => mute::slash_dnd(state, rest, out),
        "/retention" => mute::slash_retention(state, rest, out),
        "/block" | "/unblock" => contacts::slash_block(state, name == "/block", rest, out),
        "/email" | "/verify" => return super::email::slash(state, name, rest, out),
        _ => return super::directory::slash(state, name, rest, out),
    }
    true
}
