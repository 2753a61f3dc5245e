//! Groups people find and join: `/groups [words]` opens the directory of public groups (type
//! to search, Up/Down to pick, Enter joins), `/join LINK` joins by an invite link or token,
//! `/link` creates an invite link to the open group and copies it, and `/describe TEXT`,
//! `/visibility public|private` change the open group's profile.

use common::api::{GroupSummary, UpdateChatRequest, Visibility};
use common::ids::ChatId;
use crossterm::event::{KeyCode, KeyEvent};

use super::AppState;
use super::event::Command;
use super::overlay::Overlay;
use super::social::SocialCommand;

/// What the reducer asks of the network task for groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupCommand {
    /// The public groups matching the words.
    Directory(String),
    /// Join a public group, then open it.
    JoinPublic(ChatId),
    /// Join by an invite token, then open the group.
    JoinInvite(String),
    /// Create an invite link to a group (admins and the owner).
    CreateLink(ChatId),
    /// Change a group's profile.
    Update {
        /// The group.
        chat_id: ChatId,
        /// The change.
        req: UpdateChatRequest,
    },
}

/// What comes back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupEvent {
    /// A directory page for these words.
    Directory {
        /// The words searched.
        q: String,
        /// The groups.
        groups: Vec<GroupSummary>,
    },
    /// A new invite link (`chat://…/join/TOKEN`).
    Link(String),
}

/// The directory overlay: the words typed, the groups found for them, the highlighted one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryOverlay {
    /// The words typed.
    pub q: String,
    /// The answer for `q`, once it came.
    pub groups: Option<Vec<GroupSummary>>,
    /// The highlighted group.
    pub selected: usize,
}

fn ask(out: &mut Vec<Command>, command: GroupCommand) {
    out.push(Command::Social(SocialCommand::Groups(command)));
}

/// The `/commands` of groups; false when `name` is not one of them.
pub(super) fn slash(state: &mut AppState, name: &str, rest: &str, out: &mut Vec<Command>) -> bool {
    let group = state
        .current()
        .filter(|c| c.chat.kind == common::api::ChatKind::Group)
        .map(|c| c.chat.id);
    match (name, group) {
        ("/groups", _) => {
            state.overlay = Some(Overlay::Directory(DirectoryOverlay {
                q: rest.to_owned(),
                ..DirectoryOverlay::default()
            }));
            ask(out, GroupCommand::Directory(rest.to_owned()));
        }
        ("/join", _) => match common::links::invite_token(rest) {
            Some(token) => ask(out, GroupCommand::JoinInvite(token)),
            None => state.notice = Some("usage: /join <invite link or token>".into()),
        },
        ("/link" | "/describe" | "/visibility", None) => {
            state.notice = Some("open a group first".into());
        }
        ("/link", Some(chat_id)) => ask(out, GroupCommand::CreateLink(chat_id)),
        ("/describe", Some(chat_id)) => ask(
            out,
            GroupCommand::Update {
                chat_id,
                req: UpdateChatRequest {
                    description: Some(rest.to_owned()),
                    ..UpdateChatRequest::default()
                },
            },
        ),
        ("/visibility", Some(chat_id)) => {
            let visibility = match rest {
                "public" => Visibility::Public,
                "private" => Visibility::Private,
                _ => {
                    state.notice = Some("usage: /visibility public|private".into());
                    return true;
                }
            };
            ask(
                out,
                GroupCommand::Update {
                    chat_id,
                    req: UpdateChatRequest {
                        visibility: Some(visibility),
                        ..UpdateChatRequest::default()
                    },
                },
            );
        }
        _ => return false,
    }
    true
}

/// The profile part of the group settings form: a changed description (empty removes it)
/// or visibility (`public`/`private`, anything else left as it is) becomes one update.
pub(super) fn settings(
    chat: &common::api::Chat,
    description: &str,
    visibility: &str,
    out: &mut Vec<Command>,
) {
    let description = description.trim();
    let mut req = UpdateChatRequest::default();
    if chat.description.as_deref().unwrap_or_default() != description {
        req.description = Some(description.to_owned());
    }
    let visibility = match visibility.trim().to_lowercase().as_str() {
        "public" => Visibility::Public,
        "private" => Visibility::Private,
        _ => chat.visibility,
    };
    if visibility != chat.visibility {
        req.visibility = Some(visibility);
    }
    if req != UpdateChatRequest::default() {
        ask(
            out,
            GroupCommand::Update {
                chat_id: chat.id,
                req,
            },
        );
    }
}

/// A key in the directory: typing searches, Up/Down pick, Enter joins; false closes it.
pub(super) fn key(overlay: &mut DirectoryOverlay, key: &KeyEvent, out: &mut Vec<Command>) -> bool {
    let count = overlay.groups.as_ref().map_or(0, Vec::len);
    match key.code {
        KeyCode::Up => overlay.selected = overlay.selected.saturating_sub(1),
        KeyCode::Down => overlay.selected = (overlay.selected + 1).min(count.saturating_sub(1)),
        KeyCode::Enter => {
            let chosen = overlay
                .groups
                .as_ref()
                .and_then(|g| g.get(overlay.selected));
            if let Some(group) = chosen {
                ask(out, GroupCommand::JoinPublic(group.id));
                return false;
            }
        }
        KeyCode::Char(c) => {
            overlay.q.push(c);
            overlay.selected = 0;
            ask(out, GroupCommand::Directory(overlay.q.clone()));
        }
        KeyCode::Backspace => {
            overlay.q.pop();
            overlay.selected = 0;
            ask(out, GroupCommand::Directory(overlay.q.clone()));
        }
        _ => {}
    }
    true
}

/// Applies an answer.
pub(super) fn apply(state: &mut AppState, event: GroupEvent, out: &mut Vec<Command>) {
    match event {
        GroupEvent::Directory { q, groups } => {
            // An answer for words since changed is stale: the newer one follows.
            if let Some(Overlay::Directory(o)) = &mut state.overlay
                && o.q == q
            {
                o.selected = o.selected.min(groups.len().saturating_sub(1));
                o.groups = Some(groups);
            }
        }
        GroupEvent::Link(link) => {
            state.notice = Some("invite link copied".to_owned());
            state.overlay = Some(Overlay::Text {
                title: "Invite link copied (any key closes)".to_owned(),
                text: link.clone(),
            });
            out.push(Command::Copy(link));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::social::SocialEvent;
    use crate::state::{Event, NetEvent};

    fn group(name: &str) -> GroupSummary {
        GroupSummary {
            id: ChatId::new(),
            name: name.into(),
            slug: None,
            description: Some("about \u{1b}[2J things".into()),
            visibility: Visibility::Public,
            member_count: 3,
            max_members: 300,
            avatar_url: None,
        }
    }

    fn groups(command: &Command) -> Option<&GroupCommand> {
        match command {
            Command::Social(SocialCommand::Groups(g)) => Some(g),
            _ => None,
        }
    }

    #[test]
    fn the_directory_searches_as_one_types_and_enter_joins_the_highlighted_group() {
        let mut state = crate::bench::state(1, 0);
        let mut out = Vec::new();
        crate::state::slash::run(&mut state, "/groups ru", &mut out);
        assert_eq!(groups(&out[0]), Some(&GroupCommand::Directory("ru".into())));
        let out = state.update(Event::Key(KeyEvent::from(KeyCode::Char('s'))));
        assert_eq!(
            groups(&out[0]),
            Some(&GroupCommand::Directory("rus".into()))
        );
        // The answer for the old words is dropped; the current one shows.
        let (a, b) = (group("Rust"), group("Rusty"));
        for q in ["ru", "rus"] {
            state.update(Event::Net(NetEvent::Social(SocialEvent::Groups(
                GroupEvent::Directory {
                    q: q.into(),
                    groups: if q == "ru" {
                        Vec::new()
                    } else {
                        vec![a.clone(), b.clone()]
                    },
                },
            ))));
        }
        let Some(Overlay::Directory(o)) = &state.overlay else {
            panic!("{:?}", state.overlay);
        };
        assert_eq!(o.groups.as_ref().map(Vec::len), Some(2));
        state.update(Event::Key(KeyEvent::from(KeyCode::Down)));
        let out = state.update(Event::Key(KeyEvent::from(KeyCode::Enter)));
        assert_eq!(groups(&out[0]), Some(&GroupCommand::JoinPublic(b.id)));
        assert_eq!(state.overlay, None);
    }

    #[test]
    fn join_takes_invite_links_or_tokens_and_link_copies_a_new_invite() {
        let mut state = crate::bench::state(1, 0);
        let token = "GGMwKlhlEQ-A1WbE_SkKPi5sRKKpgq7IdAHjBPFs-3k";
        for input in [
            format!("/join chat://chat.example.com/join/{token}"),
            format!("/join https://chat.example.com/join/{token}"),
            format!("/join {token}"),
        ] {
            let mut out = Vec::new();
            crate::state::slash::run(&mut state, &input, &mut out);
            assert_eq!(
                groups(&out[0]),
                Some(&GroupCommand::JoinInvite(token.into()))
            );
        }
        let mut out = Vec::new();
        crate::state::slash::run(&mut state, "/join chat://host/c/ops", &mut out);
        assert!(out.is_empty());
        assert!(state.notice.as_deref().unwrap().starts_with("usage: /join"));
        // The open group: a link, a description, a visibility.
        let chat = state.chats[0].chat.id;
        state.selected = Some(chat);
        let mut out = Vec::new();
        crate::state::slash::run(&mut state, "/link", &mut out);
        crate::state::slash::run(&mut state, "/visibility public", &mut out);
        assert_eq!(groups(&out[0]), Some(&GroupCommand::CreateLink(chat)));
        assert_eq!(
            groups(&out[1]),
            Some(&GroupCommand::Update {
                chat_id: chat,
                req: UpdateChatRequest {
                    visibility: Some(Visibility::Public),
                    ..UpdateChatRequest::default()
                }
            })
        );
        let link = format!("chat://chat.example.com/join/{token}");
        let out = state.update(Event::Net(NetEvent::Social(SocialEvent::Groups(
            GroupEvent::Link(link.clone()),
        ))));
        assert_eq!(out, vec![Command::Copy(link)]);
    }

    #[test]
    fn group_settings_send_a_changed_description_and_visibility_once() {
        let mut state = crate::bench::state(1, 0);
        let chat_id = state.chats[0].chat.id;
        state.selected = Some(chat_id);
        crate::state::slash::run(&mut state, "/settings", &mut Vec::new());
        for _ in 0..2 {
            state.update(Event::Key(KeyEvent::from(KeyCode::Down)));
        }
        for c in "Weekly *sync*".chars() {
            state.update(Event::Key(KeyEvent::from(KeyCode::Char(c))));
        }
        state.update(Event::Key(KeyEvent::from(KeyCode::Down)));
        for _ in 0.."private".len() {
            state.update(Event::Key(KeyEvent::from(KeyCode::Backspace)));
        }
        for c in "public".chars() {
            state.update(Event::Key(KeyEvent::from(KeyCode::Char(c))));
        }
        let out = state.update(Event::Key(KeyEvent::from(KeyCode::Enter)));
        assert_eq!(
            out.iter().filter_map(groups).collect::<Vec<_>>(),
            vec![&GroupCommand::Update {
                chat_id,
                req: UpdateChatRequest {
                    description: Some("Weekly *sync*".into()),
                    visibility: Some(Visibility::Public),
                    ..UpdateChatRequest::default()
                }
            }]
        );
    }

    #[test]
    fn a_profile_change_from_the_server_shows_in_the_chat() {
        let mut state = crate::bench::state(1, 0);
        let chat = &state.chats[0].chat;
        let (chat_id, seq, name) = (chat.id, chat.last_seq + 1, chat.name.clone());
        let event = common::ws::ServerEvent::ChatUpdated(common::ws::ChatUpdated {
            chat_id,
            seq,
            name,
            slug: None,
            roles: Vec::new(),
            deleted: false,
            profile: Some(common::api::GroupProfile {
                description: Some("the *plan*".into()),
                visibility: Visibility::Public,
                max_members: 12,
                avatar_url: None,
            }),
        });
        state.update(Event::Net(NetEvent::Server(event)));
        let chat = &state.chats[0].chat;
        assert_eq!(chat.description.as_deref(), Some("the *plan*"));
        assert_eq!(chat.visibility, Visibility::Public);
        assert_eq!(chat.max_members, Some(12));
    }
}
