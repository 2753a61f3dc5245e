//! `/commands`: everything the keys do, typed in the composer.

use common::ws::PresenceStatus;

use super::composer::Mode;
use super::event::Command;
use super::overlay::{EMOJI, Overlay, Picker};
use super::{AppState, Focus};

/// Every command with its arguments and what it does: completion, the help overlay and
/// docs/tui.md come from this one table.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    (
        "/dm",
        "[@user]",
        "Open the direct chat with a user (a picker without one)",
    ),
    (
        "/group",
        "<name>|\"a name\" [@user ...]",
        "Create a group (a form without a name)",
    ),
    ("/invite", "@user ...", "Add people to the open group"),
    ("/kick", "@user", "Remove a member from the open group"),
    ("/leave", "", "Leave the open group"),
    ("/rename", "<name>", "Rename the open group"),
    ("/search", "[query]", "Search messages"),
    (
        "/react",
        "<emoji|:name:>",
        "React to the selected message, or one's last",
    ),
    (
        "/edit",
        "[text]",
        "Edit the selected message, or one's last",
    ),
    ("/delete", "", "Delete the selected message, or one's last"),
    (
        "/reply",
        "[text]",
        "Reply to the selected message, or one's last",
    ),
    ("/status", "<text>", "Set your status message"),
    ("/away", "", "Show as away"),
    ("/back", "", "Show as online"),
    (
        "/mute",
        "[30m|1h|8h|1d|1w|forever]",
        "Mute the open chat (default forever)",
    ),
    ("/unmute", "", "Unmute the open chat"),
    ("/dnd", "[duration|off]", "Do not disturb (default forever)"),
    (
        "/retention",
        "<days|off>",
        "Delete this group's messages older than that (owner)",
    ),
    ("/contacts", "", "Contacts, requests and blocked users"),
    (
        "/privacy",
        "",
        "Who sees your presence, starts chats, finds you, asks you",
    ),
    (
        "/notifications",
        "",
        "Mentions, replies, requests, invitations",
    ),
    (
        "/block",
        "[@user]",
        "Block a user (or the other member of this direct chat)",
    ),
    (
        "/unblock",
        "[@user]",
        "Unblock a user (or the other member of this direct chat)",
    ),
    ("/logout", "", "End the session and forget it"),
    ("/quit", "", "Quit"),
    ("/help", "", "Keys and commands"),
    ("/profile", "", "Your display name and status message"),
    (
        "/whois",
        "[@user]",
        "A user's profile and avatar (or the other member of this direct chat)",
    ),
    (
        "/avatar",
        "<path>",
        "Set your avatar from an image file (Tab completes the path)",
    ),
    (
        "/password",
        "",
        "Change your password (other sessions are signed out)",
    ),
    ("/settings", "", "Group settings: rename, invite, members"),
    (
        "/groups",
        "[words]",
        "Find public groups (type to search, Enter joins)",
    ),
    (
        "/join",
        "<invite link>",
        "Join a group by an invite link or token",
    ),
    (
        "/link",
        "",
        "Create an invite link to the open group and copy it",
    ),
    (
        "/describe",
        "[text]",
        "Set the open group's description (empty removes it)",
    ),
    (
        "/visibility",
        "public|private",
        "List the open group in the directory, or not",
    ),
    ("/name", "<display name>", "Set your display name"),
    (
        "/attach",
        "[path]",
        "Attach an image to the next message (Tab completes the path)",
    ),
    ("/detach", "", "Remove the attached images"),
    ("/open", "", "Open the selected message's attachment"),
    (
        "/save",
        "[path]",
        "Save the selected message's attachment (asks where)",
    ),
    (
        "/email",
        "<address>",
        "Set your email address (asks your password; a code is mailed)",
    ),
    (
        "/verify",
        "<code>",
        "Verify your email address with the mailed code",
    ),
];

/// The command names, in table order.
pub fn names() -> impl Iterator<Item = &'static str> {
    COMMANDS.iter().map(|(name, _, _)| *name)
}

#[allow(clippy::too_many_lines)] // one arm per command reads best as one table
pub(super) fn run(state: &mut AppState, text: &str, out: &mut Vec<Command>) {
    let text = text.trim();
    let (name, rest) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
    let rest = rest.trim();
    let chat_id = state.selected;
    let selected = state
        .current()
        .and_then(|c| {
            c.selected.and_then(|i| c.message_at(i)).or_else(|| {
                c.messages
                    .iter()
                    .rev()
                    .find(|m| !m.deleted && m.sender_id == state.my_id())
            })
        })
        .map(|m| m.id);
    let need =
        |state: &mut AppState, what: &str| state.notice = Some(format!("usage: {name} {what}"));
    match (name, chat_id) {
        ("/quit", _) => out.push(Command::Quit),
        ("/help", _) => state.overlay = Some(Overlay::Help { scroll: 0 }),
        ("/logout", _) => out.push(Command::Logout),
        ("/attach" | "/detach" | "/open" | "/save", _) => {
            super::attachments::slash(state, name, rest, out);
        }
        ("/dm", _) if rest.is_empty() => {
            state.overlay = Some(Overlay::NewDirect(Picker::default()));
        }
        ("/dm", _) => out.push(Command::StartDirect(
            rest.trim_start_matches('@').to_owned(),
        )),
        ("/group", _) if rest.is_empty() => {
            state.overlay = super::forms::open(state, crate::keymap::Action::NewGroup);
        }
        ("/password", _) => state.overlay = Some(super::forms::password()),
        ("/avatar", _) if rest.is_empty() => need(state, "<path of an image>"),
        ("/avatar", _) => out.push(Command::SetAvatar(rest.to_owned())),
        ("/profile", _) => {
            state.overlay = super::forms::open(state, crate::keymap::Action::Profile);
        }
        ("/whois", _) => super::profiles::whois(state, rest, out),
        ("/settings", Some(_)) => {
            state.overlay = super::forms::open(state, crate::keymap::Action::GroupSettings);
        }
        ("/group", _) => match group_args(rest) {
            Some((name, usernames)) => out.push(Command::CreateGroup { name, usernames }),
            None => need(state, "<name> or \"a name with spaces\" [@user ...]"),
        },
        ("/invite", Some(chat_id)) if !rest.is_empty() => {
            for username in rest.split_whitespace() {
                out.push(Command::Invite {
                    chat_id,
                    username: username.trim_start_matches('@').to_owned(),
                });
            }
        }
        ("/kick", Some(chat_id)) if !rest.is_empty() => {
            let username = rest.trim_start_matches('@');
            let user = state
                .current()
                .and_then(|c| c.participants.iter().find(|p| p.user.username == username))
                .map(|p| p.user.id);
            match user {
                Some(user_id) => out.push(Command::Kick { chat_id, user_id }),
                None => state.notice = Some(format!("{username} is not a member")),
            }
        }
        ("/leave", Some(chat_id)) => out.push(Command::Leave(chat_id)),
        ("/rename", Some(chat_id)) if !rest.is_empty() => {
            out.push(Command::Rename {
                chat_id,
                name: rest.to_owned(),
            });
        }
        ("/react", _) if !rest.is_empty() => {
            let emoji = EMOJI
                .iter()
                .find(|(n, _)| *n == rest.trim_matches(':'))
                .map_or(rest, |(_, e)| e)
                .to_owned();
            match selected {
                Some(message_id) => super::pickers::toggle_reaction(state, message_id, emoji, out),
                None => state.notice = Some("no message to react to".into()),
            }
        }
        ("/edit", _) => {
            if let Some(id) = selected
                && let Some(chat) = state.current_mut()
                && let Some(m) = chat.message(id).cloned()
            {
                if rest.is_empty() {
                    let text =
                        crate::format::editable(m.content.as_deref().unwrap_or(""), &m.metadata);
                    chat.composer.set_text(&text);
                    chat.composer.mode = Mode::Edit(id);
                    state.focus = Focus::Composer;
                } else {
                    let (content, metadata) = crate::format::for_send(rest, Some(&m.metadata));
                    out.push(Command::Edit {
                        message_id: id,
                        content,
                        metadata,
                    });
                }
            }
        }
        ("/delete", _) => {
            if let Some(id) = selected {
                state.overlay = Some(Overlay::ConfirmDelete(id));
            }
        }
        ("/reply", _) => {
            if let Some(id) = selected
                && let Some(chat) = state.current_mut()
            {
                chat.composer.mode = Mode::Reply(id);
                chat.composer.set_text(rest);
            }
        }
        ("/status", _) => out.push(Command::SetProfile {
            display_name: None,
            status_message: Some(rest.to_owned()),
        }),
        ("/name", _) => out.push(Command::SetProfile {
            display_name: Some(rest.to_owned()),
            status_message: None,
        }),
        ("/away", _) => out.push(Command::Presence(PresenceStatus::Away)),
        ("/back", _) => out.push(Command::Presence(PresenceStatus::Online)),
        _ if super::social::slash(state, name, rest, out) => {}
        ("/invite" | "/kick" | "/rename", Some(_)) => need(state, "<name>"),
        (_, None) if names().any(|n| n == name) => state.notice = Some("open a chat first".into()),
        _ => state.notice = Some(format!("unknown command {name} (/help lists them)")),
    }
}

/// `/group` arguments: a name (one word, or in double quotes with spaces) and usernames.
fn group_args(rest: &str) -> Option<(String, Vec<String>)> {
    let (name, users) = if let Some(quoted) = rest.strip_prefix('"') {
        let (name, users) = quoted.split_once('"')?;
        (name.trim().to_owned(), users)
    } else {
        let (name, users) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        (name.to_owned(), users)
    };
    if name.is_empty() {
        return None;
    }
    let usernames = users
        .split_whitespace()
        .map(|w| w.trim_start_matches('@').to_owned())
        .collect();
    Some((name, usernames))
}
