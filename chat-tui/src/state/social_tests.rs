//! Reducer tests of search, contacts and blocks, mutes, deep links and member roles.

use common::api::{
    Block, ChatDetail, Contact, ContactStatus, Message, MessagePage, NotificationSettings,
    Participant, ResolvedLink, Role, SearchHit, SearchResults, Silence, TextRange, User,
};
use common::ids::{ChatId, MessageId, UserId};
use common::ws::{BlockUpdated, ContactEvent, ContactRemoved, ContactRemovedReason, ServerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use time::Duration;

use super::social::{SocialCommand, SocialEvent, Until};
use super::*;
use crate::bench;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn alt(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT))
}

fn ctrl(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| state.update(key(KeyCode::Char(c))))
        .collect()
}

fn social(event: SocialEvent) -> Event {
    Event::Net(NetEvent::Social(event))
}

fn social_commands(commands: &[Command]) -> Vec<SocialCommand> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Social(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// Runs a slash command from the composer.
fn slash(state: &mut AppState, text: &str) -> Vec<Command> {
    state.focus = Focus::Composer;
    type_text(state, text);
    state.update(key(KeyCode::Enter))
}

fn user(name: &str) -> User {
    User {
        id: UserId::new(),
        username: name.to_owned(),
        display_name: None,
        status_message: None,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
        avatar_url: None,
    }
}

fn contact(user: &User, status: ContactStatus, outgoing: bool) -> Contact {
    Contact {
        id: uuid::Uuid::now_v7(),
        user: user.clone(),
        status,
        outgoing,
        message: None,
        created_at: time::OffsetDateTime::UNIX_EPOCH,
        accepted_at: None,
    }
}

fn message(template: &Message, chat_id: ChatId, seq: i64, text: &str) -> Message {
    let mut m = template.clone();
    m.id = MessageId::new();
    m.chat_id = chat_id;
    m.seq = seq;
    m.content = Some(text.to_owned());
    m
}

fn hit(message: Message, snippet: &str, highlights: &[(u32, u32)]) -> SearchHit {
    SearchHit {
        message,
        snippet: snippet.to_owned(),
        highlights: highlights
            .iter()
            .map(|(start, end)| TextRange {
                start: *start,
                end: *end,
            })
            .collect(),
        rank: 0.5,
    }
}

fn detail(state: &AppState, chat_id: ChatId) -> ChatDetail {
    let chat = state.chats.iter().find(|c| c.id() == chat_id).unwrap();
    ChatDetail {
        chat: chat.chat.clone(),
        participants: Vec::new(),
    }
}

fn search_overlay(state: &AppState) -> &search::SearchOverlay {
    match &state.overlay {
        Some(Overlay::Search(s)) => s,
        other => panic!("no search overlay: {other:?}"),
    }
}

#[test]
fn search_runs_on_enter_scopes_with_tab_and_pages_on_down() {
    let mut state = bench::state(2, 3);
    let here = state.selected.unwrap();
    state.update(ctrl('f'));
    assert!(matches!(state.overlay, Some(Overlay::Search(_))));
    assert!(type_text(&mut state, "\"deploy failed\" -staging").is_empty());
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::Search {
            q: "\"deploy failed\" -staging".into(),
            chat_id: None,
            cursor: None
        }]
    );
    let commands = state.update(key(KeyCode::Tab));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::Search {
            q: "\"deploy failed\" -staging".into(),
            chat_id: Some(here),
            cursor: None
        }]
    );

    // The answer to the first (unscoped) search is stale now: dropped.
    let template = state.chats[0].messages[0].clone();
    let other_chat = state.chats[1].id();
    let page = |n: usize, cursor: Option<&str>| SearchResults {
        results: (0..n)
            .map(|i| {
                hit(
                    message(&template, other_chat, 100 + i as i64, "deploy failed"),
                    "deploy failed",
                    &[(0, 6)],
                )
            })
            .collect(),
        next_cursor: cursor.map(str::to_owned),
    };
    state.update(social(SocialEvent::SearchResults {
        q: "\"deploy failed\" -staging".into(),
        chat_id: None,
        more: false,
        results: page(5, None),
    }));
    assert!(search_overlay(&state).results.is_empty());
    assert!(search_overlay(&state).loading);

    state.update(social(SocialEvent::SearchResults {
        q: "\"deploy failed\" -staging".into(),
        chat_id: Some(here),
        more: false,
        results: page(2, Some("c1")),
    }));
    let s = search_overlay(&state);
    assert_eq!((s.results.len(), s.loading), (2, false));

    state.update(key(KeyCode::Down));
    let commands = state.update(key(KeyCode::Down));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::Search {
            q: "\"deploy failed\" -staging".into(),
            chat_id: Some(here),
            cursor: Some("c1".into())
        }]
    );
    // A second Down while that page loads asks for nothing more.
    assert!(social_commands(&state.update(key(KeyCode::Down))).is_empty());
    state.update(social(SocialEvent::SearchResults {
        q: "\"deploy failed\" -staging".into(),
        chat_id: Some(here),
        more: true,
        results: page(3, None),
    }));
    let s = search_overlay(&state);
    assert_eq!((s.results.len(), s.next_cursor.clone()), (5, None));
}

#[test]
fn enter_on_a_result_jumps_to_a_held_message_without_the_network() {
    let mut state = bench::state(2, 30);
    let chat = state.chats[0].id();
    state.update(Event::Tick(state.now));
    let target = state.chats[0].messages[3].clone();
    let mut commands = slash(&mut state, "/search fox");
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::Search {
            q: "fox".into(),
            chat_id: None,
            cursor: None
        }]
    );
    state.overlay = None;
    state.update(alt('2'));
    assert_ne!(state.selected, Some(chat));
    state.overlay = Some(Overlay::Search(search::SearchOverlay {
        query: "fox".into(),
        searched: Some(("fox".into(), None)),
        ..search::SearchOverlay::default()
    }));
    state.update(social(SocialEvent::SearchResults {
        q: "fox".into(),
        chat_id: None,
        more: false,
        results: SearchResults {
            results: vec![hit(target.clone(), "quick brown fox", &[(12, 15)])],
            next_cursor: None,
        },
    }));
    commands = state.update(key(KeyCode::Enter));
    assert!(social_commands(&commands).is_empty(), "{commands:?}");
    assert!(state.overlay.is_none());
    assert_eq!(state.selected, Some(chat));
    assert_eq!(state.focus, Focus::Timeline);
    let open = state.current().unwrap();
    assert_eq!(
        open.message_at(open.selected.unwrap()).unwrap().id,
        target.id
    );
}

#[test]
fn jumping_far_back_loads_around_the_message_then_newer_pages_until_the_newest() {
    let mut state = bench::state(2, 4);
    let chat = state.chats[0].id();
    let template = state.chats[0].messages[0].clone();
    let held: Vec<MessageId> = state.chats[0].messages.iter().map(|m| m.id).collect();
    let far = message(&template, chat, 2, "old news");

    // A result in the open chat that is not held: loaded around it.
    state.overlay = Some(Overlay::Search(search::SearchOverlay {
        query: "old".into(),
        searched: Some(("old".into(), None)),
        results: vec![hit(far.clone(), "old news", &[(0, 3)])],
        ..search::SearchOverlay::default()
    }));
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::JumpTo {
            chat_id: chat,
            message_id: far.id
        }]
    );

    // The server's history is long: the page around the message does not meet what is held.
    for c in &mut state.chats {
        c.chat.last_seq = 500;
    }
    state.chats[0]
        .messages
        .iter_mut()
        .enumerate()
        .for_each(|(i, m)| m.seq = 400 + i as i64);
    let around: Vec<Message> = (0..5)
        .map(|i| {
            if i == 2 {
                far.clone()
            } else {
                message(&template, chat, i, &format!("around {i}"))
            }
        })
        .collect();
    let commands = state.update(social(SocialEvent::Jumped {
        detail: Box::new(detail(&state, chat)),
        page: Box::new(MessagePage {
            messages: around,
            has_more_before: false,
            has_more_after: true,
        }),
        message_id: far.id,
    }));
    let open = state.current().unwrap();
    assert_eq!(open.messages.len(), 5);
    assert!(held.iter().all(|id| open.message(*id).is_none()));
    assert_eq!(open.message_at(open.selected.unwrap()).unwrap().id, far.id);
    assert_eq!(state.focus, Focus::Timeline);
    // The cursor is near the bottom of what is held: the next newer page is invitee for.
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::LoadNewer {
            chat_id: chat,
            after: 4
        }]
    );
    // Not twice while it loads.
    assert!(social_commands(&state.update(key(KeyCode::Char('k')))).is_empty());

    let newer: Vec<Message> = (5..8)
        .map(|i| message(&template, chat, i, &format!("newer {i}")))
        .collect();
    state.update(social(SocialEvent::Newer {
        chat_id: chat,
        page: MessagePage {
            messages: newer,
            has_more_before: true,
            has_more_after: false,
        },
    }));
    assert!(state.social.detached.is_empty());
    assert_eq!(state.current().unwrap().messages.len(), 8);
    assert!(social_commands(&state.update(key(KeyCode::Char('j')))).is_empty());
}

#[test]
fn a_chat_link_in_a_message_opens_in_the_client_a_web_link_in_the_browser() {
    let mut state = bench::state(1, 2);
    let chat = state.chats[0].id();
    let link = format!("chat://chat.example.com/c/{chat}/m/{}", MessageId::new());
    state.chats[0].messages[1].content = Some(format!("see {link} and https://example.org/x"));
    state.focus = Focus::Timeline;
    state.update(key(KeyCode::Char('k')));
    let commands = state.update(key(KeyCode::Char('o')));
    assert_eq!(
        commands,
        vec![Command::Social(SocialCommand::OpenLink(link.clone()))]
    );

    state.chats[0].messages[1].content = Some("docs at https://example.org/c/team-ops".into());
    let commands = state.update(key(KeyCode::Char('o')));
    assert_eq!(
        commands,
        vec![Command::OpenUrl("https://example.org/c/team-ops".into())]
    );
    // A web link to the server itself stays in the client.
    state.login.server = "https://example.org".into();
    let commands = state.update(key(KeyCode::Char('o')));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::OpenLink(
            "https://example.org/c/team-ops".into()
        )]
    );
}

#[test]
fn the_link_key_copies_the_servers_link_of_the_selected_message() {
    let mut state = bench::state(1, 2);
    state.focus = Focus::Timeline;
    let commands = state.update(key(KeyCode::Char('L')));
    assert!(commands.is_empty());
    assert!(state.notice.is_some());
    state.update(key(KeyCode::Char('k')));
    let id = state.chats[0].messages[1].id;
    let commands = state.update(key(KeyCode::Char('L')));
    assert_eq!(
        commands,
        vec![Command::Social(SocialCommand::MessageLink(id))]
    );
    let chat_id = state.chats[0].id();
    let commands = state.update(social(SocialEvent::MessageLink(ResolvedLink {
        chat_id,
        message_id: Some(id),
        slug: None,
        link: format!("chat://h/c/{chat_id}/m/{id}"),
        web_link: format!("https://h/c/{chat_id}/m/{id}"),
    })));
    assert_eq!(
        commands,
        vec![Command::Copy(format!("chat://h/c/{chat_id}/m/{id}"))]
    );
}

fn with_book(state: &mut AppState) -> (User, User, User, User) {
    let (asker, invitee, friend, pest) = (user("ann"), user("ben"), user("cy"), user("dee"));
    state.update(social(SocialEvent::Book {
        contacts: vec![contact(&friend, ContactStatus::Accepted, false)],
        incoming: vec![contact(&asker, ContactStatus::Pending, false)],
        outgoing: vec![contact(&invitee, ContactStatus::Pending, true)],
        blocks: vec![Block {
            user: pest.clone(),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
        }],
    }));
    (asker, invitee, friend, pest)
}

#[test]
fn a_reconnect_syncs_contacts_from_the_user_cursor_and_reads_the_settings_again() {
    let mut state = bench::state(1, 1);
    state.user_cursor.seq = Some(12);
    let commands = state.update(Event::Net(NetEvent::Connection(ConnState::Connected)));
    let social = social_commands(&commands);
    assert!(
        commands.contains(&Command::SyncUser(Some(12))),
        "{commands:?}"
    );
    // Mutes and do-not-disturb have no user event: read again on every connect.
    assert!(social.contains(&SocialCommand::LoadSettings));
    assert!(!social.contains(&SocialCommand::LoadContacts), "{social:?}");
    assert!(
        !social.contains(&SocialCommand::LoadNotifications),
        "{social:?}"
    );
}

#[test]
fn the_contacts_overlay_loads_the_book_when_it_never_was() {
    let mut state = bench::state(1, 1);
    let commands = slash(&mut state, "/contacts");
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::LoadContacts]
    );
    assert!(matches!(state.overlay, Some(Overlay::Contacts(_))));
    state.overlay = None;
    with_book(&mut state);
    assert!(social_commands(&state.update(alt('c'))).is_empty());
}

#[test]
fn contacts_overlay_accepts_declines_cancels_removes_blocks_and_unblocks() {
    let mut state = bench::state(1, 1);
    let (asker, _, friend, pest) = with_book(&mut state);
    let book = state.social.book.clone();
    state.update(alt('c'));
    assert!(matches!(state.overlay, Some(Overlay::Contacts(_))));
    // Rows: incoming, outgoing, contact, blocked.
    let press =
        |state: &mut AppState, c: char| social_commands(&state.update(key(KeyCode::Char(c))));
    assert_eq!(
        press(&mut state, 'a'),
        vec![SocialCommand::AcceptContact(book.incoming[0].id)]
    );
    assert_eq!(
        press(&mut state, 'd'),
        vec![SocialCommand::DeclineContact(book.incoming[0].id)]
    );
    assert_eq!(
        press(&mut state, 'b'),
        vec![SocialCommand::SetBlocked {
            user_id: asker.id,
            blocked: true
        }]
    );
    press(&mut state, 'j');
    assert_eq!(
        press(&mut state, 'a'),
        vec![],
        "one cannot accept one's own request"
    );
    assert_eq!(
        press(&mut state, 'd'),
        vec![SocialCommand::CancelContact(book.outgoing[0].id)]
    );
    press(&mut state, 'j');
    assert_eq!(
        press(&mut state, 'd'),
        vec![SocialCommand::RemoveContact(book.contacts[0].id)]
    );
    assert_eq!(
        press(&mut state, 'b'),
        vec![SocialCommand::SetBlocked {
            user_id: friend.id,
            blocked: true
        }]
    );
    press(&mut state, 'j');
    assert_eq!(
        press(&mut state, 'u'),
        vec![SocialCommand::SetBlocked {
            user_id: pest.id,
            blocked: false
        }]
    );
    assert!(matches!(state.overlay, Some(Overlay::Contacts(_))));
}

#[test]
fn a_contact_request_is_sent_to_a_user_picked_by_search() {
    let mut state = bench::state(1, 1);
    with_book(&mut state);
    state.update(alt('c'));
    state.update(key(KeyCode::Char('n')));
    assert!(matches!(state.overlay, Some(Overlay::AddContact(_))));
    state.update(key(KeyCode::Esc));
    assert!(matches!(state.overlay, Some(Overlay::Contacts(_))));
    state.update(key(KeyCode::Char('n')));
    let commands = type_text(&mut state, "ev");
    assert!(commands.contains(&Command::SearchUsers("ev".into())));
    let eve = user("eve");
    // Contacts already there are not offered again.
    let cy = state.social.book.contacts[0].user.clone();
    state.update(Event::Net(NetEvent::Users(vec![eve.clone(), cy])));
    let Some(Overlay::AddContact(picker)) = &state.overlay else {
        panic!("picker closed")
    };
    assert_eq!(picker.items.len(), 1);
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::RequestContact(eve.id)]
    );
    assert!(matches!(state.overlay, Some(Overlay::Contacts(_))));
}

#[test]
fn contact_and_block_events_keep_the_book_live() {
    let mut state = bench::state(1, 1);
    let (_, invitee, _, pest) = with_book(&mut state);
    let fay = user("fay");
    let request = contact(&fay, ContactStatus::Pending, false);
    state.update(Event::Net(NetEvent::Server(ServerEvent::ContactRequest(
        ContactEvent {
            user_seq: 1,
            contact: request.clone(),
        },
    ))));
    assert_eq!(state.social.book.incoming[0].id, request.id);
    assert!(state.notice.as_deref().unwrap().contains("@fay asks"));

    // ben accepts the user's request: it moves to the contacts.
    let mut accepted = state.social.book.outgoing[0].clone();
    accepted.status = ContactStatus::Accepted;
    state.update(Event::Net(NetEvent::Server(ServerEvent::ContactAccepted(
        ContactEvent {
            user_seq: 2,
            contact: accepted.clone(),
        },
    ))));
    let book = &state.social.book;
    assert!(book.outgoing.is_empty());
    assert_eq!(
        book.contacts
            .iter()
            .map(|c| c.user.username.as_str())
            .collect::<Vec<_>>(),
        vec!["ben", "cy"]
    );
    assert!(state.notice.as_deref().unwrap().contains("@ben accepted"));

    state.update(Event::Net(NetEvent::Server(ServerEvent::ContactRemoved(
        ContactRemoved {
            user_seq: 3,
            contact_id: accepted.id,
            user_id: invitee.id,
            reason: ContactRemovedReason::Removed,
        },
    ))));
    assert!(
        state
            .social
            .book
            .contacts
            .iter()
            .all(|c| c.id != accepted.id)
    );

    state.update(Event::Net(NetEvent::Server(ServerEvent::BlockUpdated(
        BlockUpdated {
            user_seq: 4,
            user_id: pest.id,
            blocked: false,
        },
    ))));
    assert!(!state.social.book.is_blocked(pest.id));
    state.update(Event::Net(NetEvent::Server(ServerEvent::BlockUpdated(
        BlockUpdated {
            user_seq: 5,
            user_id: fay.id,
            blocked: true,
        },
    ))));
    assert!(state.social.book.is_blocked(fay.id));
    // Blocking someone this client never saw: the list is fetched.
    let commands = state.update(Event::Net(NetEvent::Server(ServerEvent::BlockUpdated(
        BlockUpdated {
            user_seq: 6,
            user_id: UserId::new(),
            blocked: true,
        },
    ))));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::LoadContacts]
    );
}

#[test]
fn block_and_unblock_from_a_direct_chat_or_by_name() {
    let mut state = bench::state(1, 1);
    let peer = user("gus");
    state.chats[0].chat.kind = common::api::ChatKind::Direct;
    state.chats[0].chat.peer = Some(peer.clone());
    assert_eq!(
        social_commands(&slash(&mut state, "/block")),
        vec![SocialCommand::SetBlocked {
            user_id: peer.id,
            blocked: true
        }]
    );
    assert_eq!(
        social_commands(&slash(&mut state, "/unblock @hal")),
        vec![SocialCommand::SetBlockedByName {
            username: "hal".into(),
            blocked: false
        }]
    );
}

#[test]
fn mute_commands_and_the_key_follow_the_servers_state() {
    let mut state = bench::state(2, 1);
    let chat = state.selected.unwrap();
    let now = state.now;
    assert_eq!(
        social_commands(&slash(&mut state, "/mute 8h")),
        vec![SocialCommand::Mute {
            chat_id: chat,
            until: Some(Until::Time(now + Duration::hours(8)))
        }]
    );
    assert_eq!(
        social_commands(&slash(&mut state, "/mute")),
        vec![SocialCommand::Mute {
            chat_id: chat,
            until: Some(Until::Forever)
        }]
    );
    assert!(social_commands(&slash(&mut state, "/mute soon")).is_empty());
    assert!(state.notice.as_deref().unwrap().starts_with("usage: /mute"));
    assert_eq!(
        social_commands(&slash(&mut state, "/unmute")),
        vec![SocialCommand::Mute {
            chat_id: chat,
            until: None
        }]
    );

    // The key mutes an unmuted chat until turned off, and unmutes a muted one.
    assert_eq!(
        social_commands(&state.update(alt('n'))),
        vec![SocialCommand::Mute {
            chat_id: chat,
            until: Some(Until::Forever)
        }]
    );
    state.update(social(SocialEvent::Muted {
        chat_id: chat,
        until: Some(common::api::FOREVER),
    }));
    assert!(state.current().unwrap().is_muted(state.now));
    assert!(
        state
            .notice
            .as_deref()
            .unwrap()
            .contains("until turned off")
    );
    assert_eq!(
        social_commands(&state.update(alt('n'))),
        vec![SocialCommand::Mute {
            chat_id: chat,
            until: None
        }]
    );
    state.update(social(SocialEvent::Muted {
        chat_id: chat,
        until: None,
    }));
    assert!(!state.current().unwrap().is_muted(state.now));
}

fn mention_from_other(state: &AppState, chat: ChatId, seq: i64) -> Event {
    let me = state.my_id().unwrap();
    let other = *state.users.keys().find(|u| **u != me).unwrap();
    let held = state.chats.iter().find(|c| c.id() == chat).unwrap();
    let mut m = message(&state.chats[0].messages[0], chat, seq, "@me look");
    m.sender_id = Some(other);
    m.mentions = vec![me];
    let _ = held;
    Event::Net(NetEvent::Server(ServerEvent::MessageNew(
        common::ws::MessageEvent {
            chat_id: chat,
            seq,
            message: m,
        },
    )))
}

fn notified(commands: &[Command]) -> bool {
    commands.iter().any(|c| matches!(c, Command::Notify { .. }))
}

#[test]
fn muted_chats_and_do_not_disturb_make_no_notification() {
    let mut state = bench::state(3, 1);
    let quiet = state.chats[1].id();
    let loud = state.chats[2].id();
    let seq = |state: &AppState, id: ChatId| {
        state.chats.iter().find(|c| c.id() == id).unwrap().cursor + 1
    };
    state.update(social(SocialEvent::Muted {
        chat_id: quiet,
        until: Some(state.now + Duration::hours(1)),
    }));
    let e = mention_from_other(&state, quiet, seq(&state, quiet));
    assert!(!notified(&state.update(e)));
    let e = mention_from_other(&state, loud, seq(&state, loud));
    assert!(notified(&state.update(e)));

    // Do-not-disturb from the server's settings silences every chat.
    // A mute lifted on another device comes with them.
    state.update(social(SocialEvent::Settings {
        settings: NotificationSettings {
            dnd: Silence {
                active: true,
                until: Some(state.now + Duration::hours(1)),
                forever: false,
            },
        },
        mutes: vec![(quiet, None)],
    }));
    assert!(
        !state
            .chats
            .iter()
            .find(|c| c.id() == quiet)
            .unwrap()
            .is_muted(state.now)
    );
    let e = mention_from_other(&state, loud, seq(&state, loud));
    assert!(!notified(&state.update(e)));
    assert_eq!(
        social_commands(&slash(&mut state, "/dnd off")),
        vec![SocialCommand::Dnd(None)]
    );
    state.update(social(SocialEvent::Dnd(None)));
    let e = mention_from_other(&state, loud, seq(&state, loud));
    assert!(notified(&state.update(e)));
}

#[test]
fn durations_parse_and_nonsense_does_not() {
    let now = bench::state(0, 0).now;
    assert_eq!(mute::parse_until("", now), Some(Until::Forever));
    assert_eq!(mute::parse_until("Forever", now), Some(Until::Forever));
    assert_eq!(
        mute::parse_until("1d", now),
        Some(Until::Time(now + Duration::days(1)))
    );
    assert_eq!(
        mute::parse_until("30m", now),
        Some(Until::Time(now + Duration::minutes(30)))
    );
    for bad in ["0h", "-1h", "h", "1y", "1.5h", "💤"] {
        assert_eq!(mute::parse_until(bad, now), None, "{bad}");
    }
}

fn group_with_members(state: &mut AppState, my_role: Role) -> (ChatId, User) {
    let me = state.me.clone().unwrap();
    let bob = user("bob");
    let chat = &mut state.chats[0];
    let p = |user: &User, role| Participant {
        user: user.clone(),
        role,
        joined_at: time::OffsetDateTime::UNIX_EPOCH,
        last_read_seq: 0,
        last_delivered_seq: 0,
    };
    chat.participants = vec![p(&me, my_role), p(&bob, Role::Member)];
    (chat.id(), bob)
}

#[test]
fn the_owner_changes_roles_and_hands_over_from_group_settings() {
    let mut state = bench::state(1, 1);
    let (chat_id, bob) = group_with_members(&mut state, Role::Owner);
    state.update(alt('s'));
    // Name, invite, description, visibility, then the members: me, bob.
    for _ in 0..5 {
        state.update(key(KeyCode::Down));
    }
    let Some(Overlay::Form(form)) = &state.overlay else {
        panic!("no form")
    };
    assert_eq!(form.member, Some(1));
    assert_eq!(
        social_commands(&state.update(key(KeyCode::Char('a')))),
        vec![SocialCommand::SetRole {
            chat_id,
            user_id: bob.id,
            role: Role::Admin
        }]
    );
    assert_eq!(
        social_commands(&state.update(key(KeyCode::Char('m')))),
        vec![SocialCommand::SetRole {
            chat_id,
            user_id: bob.id,
            role: Role::Member
        }]
    );
    assert!(state.update(key(KeyCode::Char('o'))).is_empty());
    assert_eq!(
        state.overlay,
        Some(Overlay::ConfirmTransfer {
            chat_id,
            user_id: bob.id
        })
    );
    assert_eq!(
        social_commands(&state.update(key(KeyCode::Char('y')))),
        vec![SocialCommand::Transfer {
            chat_id,
            user_id: bob.id
        }]
    );
    assert!(state.overlay.is_none());
}

#[test]
fn only_the_owner_is_offered_role_changes() {
    let mut state = bench::state(1, 1);
    group_with_members(&mut state, Role::Admin);
    state.update(alt('s'));
    for _ in 0..5 {
        state.update(key(KeyCode::Down));
    }
    assert!(state.update(key(KeyCode::Char('a'))).is_empty());
    assert_eq!(
        state.notice.as_deref(),
        Some("only the owner changes roles")
    );
    // 'n' on a transfer confirmation changes nothing.
    state.overlay = Some(Overlay::ConfirmTransfer {
        chat_id: state.chats[0].id(),
        user_id: UserId::new(),
    });
    assert!(state.update(key(KeyCode::Char('n'))).is_empty());
}

#[test]
fn snippets_keep_their_highlights_and_lose_hostile_bytes() {
    let template = bench::state(1, 1).chats[0].messages[0].clone();
    // A colour sequence (5 characters) before the match, an OSC title and a bidi override
    // after: whole sequences go, the match stays where the server said.
    let snippet = "\u{1b}[31mdeploy\u{1b}]0;owned\u{7} failed \u{202e}gnirts";
    let parts = search::snippet_parts(&hit(template, snippet, &[(5, 11)]));
    assert_eq!(
        parts,
        vec![
            ("deploy".to_owned(), true),
            (" failed gnirts".to_owned(), false)
        ]
    );
    // Ranges past the end or backwards are ignored, not a panic.
    let template = bench::state(1, 1).chats[0].messages[0].clone();
    let parts = search::snippet_parts(&hit(template, "short", &[(3, 99), (4, 2)]));
    assert_eq!(
        parts,
        vec![("sho".to_owned(), false), ("rt".to_owned(), true)]
    );
}

#[test]
fn the_retention_command_asks_the_server_and_explains_its_usage() {
    let mut state = bench::state(2, 1);
    let chat = state.selected.unwrap();
    assert_eq!(
        social_commands(&slash(&mut state, "/retention 30")),
        vec![SocialCommand::Retention {
            chat_id: chat,
            days: Some(30)
        }]
    );
    assert_eq!(
        social_commands(&slash(&mut state, "/retention 7d")),
        vec![SocialCommand::Retention {
            chat_id: chat,
            days: Some(7)
        }]
    );
    assert_eq!(
        social_commands(&slash(&mut state, "/retention off")),
        vec![SocialCommand::Retention {
            chat_id: chat,
            days: None
        }]
    );
    for bad in ["/retention", "/retention 0", "/retention soon"] {
        assert!(social_commands(&slash(&mut state, bad)).is_empty(), "{bad}");
        assert_eq!(
            state.notice.as_deref(),
            Some("usage: /retention DAYS|off"),
            "{bad}"
        );
    }
}
