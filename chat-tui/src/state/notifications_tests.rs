//! Reducer tests of the notifications list, its overlay and the unread count, and of
//! `cursorExpired` in a sync answer.

use common::api::{
    MarkNotificationsRead, Notification, NotificationKind, NotificationPage, UserSync,
};
use common::ws::{NotificationEvent, NotificationRead, ServerEvent};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use time::Duration;

use super::social::{SocialCommand, SocialEvent};
use super::*;
use crate::bench;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Runs a slash command from the composer.
fn slash(state: &mut AppState, text: &str) -> Vec<Command> {
    state.focus = Focus::Composer;
    for c in text.chars() {
        state.update(key(KeyCode::Char(c)));
    }
    state.update(key(KeyCode::Enter))
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

fn note(state: &AppState, kind: NotificationKind, minutes_ago: i64) -> Notification {
    let chat = &state.chats[0];
    let mention = matches!(kind, NotificationKind::Mention | NotificationKind::Reply);
    Notification {
        id: uuid::Uuid::now_v7(),
        kind,
        actor_id: state
            .users
            .keys()
            .copied()
            .find(|u| Some(*u) != state.my_id()),
        chat_id: (kind != NotificationKind::ContactRequest).then(|| chat.id()),
        message_id: mention.then(|| chat.messages[2].id),
        contact_id: None,
        silent: false,
        created_at: state.now - Duration::minutes(minutes_ago),
        read_at: None,
    }
}

/// Three notifications held, newest first: a mention, a contact request (read), a reply.
fn with_list(state: &mut AppState, unread_count: i64) -> Vec<Notification> {
    let reply = note(state, NotificationKind::Reply, 30);
    let mut request = note(state, NotificationKind::ContactRequest, 20);
    request.read_at = Some(state.now);
    let mention = note(state, NotificationKind::Mention, 10);
    let items = vec![mention, request, reply];
    state.update(Event::Net(NetEvent::Social(SocialEvent::Notifications(
        NotificationPage {
            notifications: items.clone(),
            has_more: unread_count > 2,
            unread_count,
        },
    ))));
    items
}

fn live(event: ServerEvent) -> Event {
    Event::Net(NetEvent::Server(event))
}

#[test]
fn the_first_connect_loads_the_notifications_once_the_user_cursor_is_known() {
    let mut state = bench::state(1, 1);
    let commands = state.update(Event::Net(NetEvent::Connection(ConnState::Connected)));
    assert!(commands.contains(&Command::SyncUser(None)), "{commands:?}");
    let commands = state.update(Event::Net(NetEvent::UserSynced(UserSync {
        events: Vec::new(),
        last_seq: 7,
        has_more: false,
        cursor_expired: false,
    })));
    assert!(social_commands(&commands).contains(&SocialCommand::LoadNotifications));
    assert_eq!(state.user_cursor.seq, Some(7));
}

#[test]
fn the_loaded_list_counts_unread_including_older_ones_not_held() {
    let mut state = bench::state(1, 5);
    assert_eq!(state.social.notifications.unread(), 0);
    with_list(&mut state, 2);
    assert_eq!(state.social.notifications.unread(), 2);
    with_list(&mut state, 5);
    assert_eq!(state.social.notifications.unread(), 5);
}

#[test]
fn live_new_and_read_events_update_the_list_and_the_count() {
    let mut state = bench::state(1, 5);
    let items = with_list(&mut state, 2);
    let newer = note(&state, NotificationKind::GroupInvite, 1);
    state.update(live(ServerEvent::NotificationNew(NotificationEvent {
        user_seq: 1,
        notification: newer.clone(),
    })));
    // The same event again (another path) is not a second notification.
    state.update(live(ServerEvent::NotificationNew(NotificationEvent {
        user_seq: 1,
        notification: newer.clone(),
    })));
    let list = &state.social.notifications;
    assert_eq!(list.items.len(), 4);
    assert_eq!(list.items[0].id, newer.id, "newest first");
    assert_eq!(list.unread(), 3);

    state.update(live(ServerEvent::NotificationRead(NotificationRead {
        user_seq: 2,
        ids: vec![items[0].id],
        up_to: None,
        all: false,
    })));
    assert_eq!(state.social.notifications.unread(), 2);
    assert!(state.social.notifications.items[1].read_at.is_some());

    state.update(live(ServerEvent::NotificationRead(NotificationRead {
        user_seq: 3,
        ids: Vec::new(),
        up_to: Some(items[2].id),
        all: false,
    })));
    assert_eq!(
        state.social.notifications.unread(),
        1,
        "the invite is newer"
    );

    state.update(live(ServerEvent::NotificationRead(NotificationRead {
        user_seq: 4,
        ids: Vec::new(),
        up_to: None,
        all: true,
    })));
    assert_eq!(state.social.notifications.unread(), 0);
}

#[test]
fn read_up_to_one_older_than_the_page_reloads_when_older_unread_ones_remain() {
    let mut state = bench::state(1, 5);
    with_list(&mut state, 6);
    // Older than every notification held: some of the older unread ones were marked.
    let older = uuid::Uuid::from_u128(1);
    let commands = state.update(live(ServerEvent::NotificationRead(NotificationRead {
        user_seq: 1,
        ids: Vec::new(),
        up_to: Some(older),
        all: false,
    })));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::LoadNotifications]
    );
    assert_eq!(
        state.social.notifications.unread(),
        6,
        "until the list comes back"
    );
}

#[test]
fn enter_jumps_to_the_message_and_marks_it_read() {
    let mut state = bench::state(2, 5);
    let items = with_list(&mut state, 2);
    state.selected = Some(state.chats[1].id());
    let commands = state.update(Event::Key(KeyEvent::new(
        KeyCode::Char('i'),
        KeyModifiers::ALT,
    )));
    assert!(social_commands(&commands).is_empty(), "the list was loaded");
    assert!(matches!(state.overlay, Some(Overlay::Notifications(_))));
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::MarkNotificationsRead(
            MarkNotificationsRead {
                ids: vec![items[0].id],
                up_to: None,
            }
        )]
    );
    assert!(state.overlay.is_none());
    let chat = state.chats.iter().find(|c| c.id() == state.chats[0].id());
    let chat = chat.expect("chat held");
    assert_eq!(state.selected, Some(chat.id()), "the mention's chat opened");
    assert_eq!(chat.selected, chat.index_of(chat.messages[2].id));
    assert_eq!(state.social.notifications.unread(), 1);
}

#[test]
fn enter_on_a_message_not_held_loads_it_with_context() {
    let mut state = bench::state(2, 5);
    let mut far = note(&state, NotificationKind::Mention, 5);
    far.message_id = Some(common::MessageId::new());
    state.update(Event::Net(NetEvent::Social(SocialEvent::Notifications(
        NotificationPage {
            notifications: vec![far.clone()],
            has_more: false,
            unread_count: 1,
        },
    ))));
    let commands = slash(&mut state, "/notifications");
    assert!(social_commands(&commands).is_empty());
    let commands = state.update(key(KeyCode::Enter));
    let social = social_commands(&commands);
    assert!(social.contains(&SocialCommand::JumpTo {
        chat_id: state.chats[0].id(),
        message_id: far.message_id.expect("set"),
    }));
}

#[test]
fn a_marks_every_notification_read() {
    let mut state = bench::state(1, 5);
    with_list(&mut state, 4);
    slash(&mut state, "/notifications");
    let commands = state.update(key(KeyCode::Char('a')));
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::MarkNotificationsRead(
            MarkNotificationsRead::default()
        )]
    );
    assert_eq!(state.social.notifications.unread(), 0);
    assert!(matches!(state.overlay, Some(Overlay::Notifications(_))));
    // Nothing left to mark: no request.
    assert!(social_commands(&state.update(key(KeyCode::Char('a')))).is_empty());
}

#[test]
fn the_overlay_loads_the_list_when_it_never_was() {
    let mut state = bench::state(1, 1);
    let commands = slash(&mut state, "/notifications");
    assert_eq!(
        social_commands(&commands),
        vec![SocialCommand::LoadNotifications]
    );
    assert!(matches!(state.overlay, Some(Overlay::Notifications(_))));
}

#[test]
fn an_expired_user_cursor_reloads_contacts_blocks_and_notifications() {
    let mut state = bench::state(1, 1);
    state.user_cursor.seq = Some(3);
    let answer = |expired: bool| UserSync {
        events: Vec::new(),
        last_seq: 40,
        has_more: false,
        cursor_expired: expired,
    };
    let commands = state.update(Event::Net(NetEvent::UserSynced(answer(true))));
    let social = social_commands(&commands);
    assert!(social.contains(&SocialCommand::LoadContacts), "{social:?}");
    assert!(
        social.contains(&SocialCommand::LoadNotifications),
        "{social:?}"
    );
    assert_eq!(state.user_cursor.seq, Some(40));
    let commands = state.update(Event::Net(NetEvent::UserSynced(answer(false))));
    assert!(social_commands(&commands).is_empty());
}
