//! Reducer tests: navigation, composing, drafts, optimistic sends, resync merging, unread.

use common::api::{ChatSync, Message, SendResult, SyncResponse};
use common::ids::{ChatId, MessageId, UserId};
use common::ws::{MessageDeleted, MessageEvent, Receipt, ServerEvent, Typing};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::bench;

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_text(state: &mut AppState, text: &str) -> Vec<Command> {
    text.chars()
        .flat_map(|c| state.update(key(KeyCode::Char(c))))
        .collect()
}

fn msg(state: &AppState, chat: ChatId, seq: i64, sender: UserId, text: &str) -> Message {
    let mut m = state.chats[0]
        .messages
        .first()
        .cloned()
        .unwrap_or_else(|| bench::state(1, 1).chats[0].messages[0].clone());
    m.id = MessageId::new();
    m.chat_id = chat;
    m.seq = seq;
    m.sender_id = Some(sender);
    m.content = Some(text.to_owned());
    m.client_id = None;
    m
}

fn new_event(m: &Message) -> Event {
    Event::Net(NetEvent::Server(ServerEvent::MessageNew(MessageEvent {
        chat_id: m.chat_id,
        seq: m.seq,
        message: m.clone(),
    })))
}

fn setup() -> (AppState, ChatId, UserId, UserId) {
    let mut state = bench::state(3, 4);
    state.focus = Focus::Composer;
    for c in &mut state.chats {
        c.chat.unread_count = 0;
    }
    let chat = state.chats[0].id();
    let me = state.my_id().unwrap();
    let other = *state.users.keys().find(|u| **u != me).unwrap();
    (state, chat, me, other)
}

#[test]
fn drafts_survive_switching_chats() {
    let (mut state, first, ..) = setup();
    type_text(&mut state, "half a thought");
    state.update(Event::Key(KeyEvent::new(
        KeyCode::Char('2'),
        KeyModifiers::ALT,
    )));
    assert_ne!(state.selected, Some(first));
    assert!(state.current().unwrap().composer.is_empty());
    state.update(Event::Key(KeyEvent::new(
        KeyCode::Char('1'),
        KeyModifiers::ALT,
    )));
    assert_eq!(state.current().unwrap().composer.text(), "half a thought");
}

#[test]
fn sending_is_optimistic_and_the_ack_or_echo_settles_it_once() {
    let (mut state, chat, me, _) = setup();
    let commands = type_text(&mut state, "hi");
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Typing { start: true, .. }))
    );
    let commands = state.update(key(KeyCode::Enter));
    let Some(Command::Send(data)) = commands.iter().find(|c| matches!(c, Command::Send(_))) else {
        panic!("{commands:?}")
    };
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Typing { start: false, .. }))
    );
    assert_eq!(state.chats[0].pending.len(), 1);
    assert_eq!(state.chats[0].pending[0].state, PendingState::Sending);
    // The echo comes before the ack; then the ack must not add a second copy.
    let mut stored = msg(&state, chat, 5, me, "hi");
    stored.client_id = Some(data.client_id.clone());
    state.update(new_event(&stored));
    assert!(state.chats[0].pending.is_empty());
    let result = SendResult {
        message_id: stored.id,
        seq: 5,
        server_time: stored.created_at,
        duplicate: false,
        message: stored.clone(),
    };
    state.update(Event::Net(NetEvent::SendAcked {
        client_id: data.client_id.clone(),
        result: Box::new(result),
    }));
    assert_eq!(
        state.chats[0]
            .messages
            .iter()
            .filter(|m| m.id == stored.id)
            .count(),
        1
    );
    assert_eq!(state.chats[0].cursor, 5);
}

#[test]
fn pending_sends_are_resent_with_the_same_client_id_after_a_reconnect() {
    let (mut state, ..) = setup();
    state.conn = ConnState::Connected;
    type_text(&mut state, "offline words");
    let sent = state.update(key(KeyCode::Enter));
    let first_id = sent
        .iter()
        .find_map(|c| {
            if let Command::Send(d) = c {
                Some(d.client_id.clone())
            } else {
                None
            }
        })
        .unwrap();
    state.update(Event::Net(NetEvent::Connection(ConnState::Reconnecting {
        in_secs: 1,
    })));
    let commands = state.update(Event::Net(NetEvent::Connection(ConnState::Connected)));
    assert!(matches!(commands[0], Command::Sync(ref cursors) if cursors.len() == 3));
    let resent: Vec<_> = commands
        .iter()
        .filter_map(|c| {
            if let Command::Send(d) = c {
                Some(d.client_id.clone())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(resent, vec![first_id.clone()]);
    state.update(Event::Net(NetEvent::SendFailed {
        client_id: first_id,
        reason: "too long".into(),
    }));
    assert!(matches!(
        state.chats[0].pending[0].state,
        PendingState::Failed(_)
    ));
}

#[test]
fn a_gap_asks_for_a_resync_and_the_answer_applies_each_event_once() {
    let (mut state, chat, _, other) = setup();
    let m6 = msg(&state, chat, 6, other, "six");
    let commands = state.update(new_event(&m6));
    assert_eq!(
        commands,
        vec![Command::Sync(vec![common::api::ChatCursor {
            chat_id: chat,
            seq: 4
        }])]
    );
    assert_eq!(state.chats[0].messages.len(), 4);
    let m5 = msg(&state, chat, 5, other, "five");
    let edited = {
        let mut m = m5.clone();
        m.content = Some("five, edited".into());
        m.edited_at = Some(m.created_at);
        m
    };
    let events = vec![
        ServerEvent::MessageNew(MessageEvent {
            chat_id: chat,
            seq: 5,
            message: m5.clone(),
        }),
        ServerEvent::MessageNew(MessageEvent {
            chat_id: chat,
            seq: 6,
            message: m6.clone(),
        }),
        ServerEvent::MessageEdited(MessageEvent {
            chat_id: chat,
            seq: 7,
            message: edited,
        }),
        ServerEvent::MessageDeleted(MessageDeleted {
            chat_id: chat,
            seq: 8,
            message_id: m6.id,
        }),
    ];
    let sync = SyncResponse {
        chats: vec![ChatSync {
            chat_id: chat,
            member: true,
            events: events.clone(),
            last_seq: 8,
            has_more: false,
            last_read_seq: 4,
        }],
        user: None,
    };
    state.update(Event::Net(NetEvent::Synced(sync.clone())));
    // The same answer again (a late live copy) changes nothing.
    state.update(Event::Net(NetEvent::Synced(sync)));
    state.update(new_event(&m6));
    let c = &state.chats[0];
    assert_eq!(c.cursor, 8);
    assert_eq!(c.messages.len(), 6);
    assert_eq!(
        c.message(m5.id).unwrap().content.as_deref(),
        Some("five, edited")
    );
    assert!(c.message(m6.id).unwrap().deleted);
}

#[test]
fn unread_counts_grow_elsewhere_and_clear_when_read_on_screen() {
    let (mut state, _, _, other) = setup();
    let second = state.chats[1].id();
    let m = msg(&state, second, 1, other, "psst");
    state.chats[1].cursor = 0;
    state.chats[1].chat.unread_count = 0;
    let commands = state.update(new_event(&m));
    let c = state.chats.iter().find(|c| c.id() == second).unwrap();
    assert_eq!(c.chat.unread_count, 1);
    assert!(commands.iter().all(|c| !matches!(c, Command::Read { .. })));
    // Activity moved it to the top; jump there with the next-unread key.
    assert_eq!(state.chats[0].id(), second);
    let commands = state.update(Event::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::ALT,
    )));
    assert_eq!(state.selected, Some(second));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::LoadChat { .. }))
    );
    state.chat_mut(second).unwrap().loaded = true;
    let commands = state.update(Event::Tick(state.now));
    assert!(
        commands.contains(&Command::Read {
            chat_id: second,
            seq: 1
        }),
        "{commands:?}"
    );
    assert_eq!(state.current().unwrap().chat.unread_count, 0);
}

#[test]
fn receipts_and_typing_show_and_expire() {
    let (mut state, chat, _, other) = setup();
    state.update(Event::Net(NetEvent::Server(ServerEvent::Read(Receipt {
        chat_id: chat,
        user_id: other,
        seq: 4,
    }))));
    assert_eq!(state.chats[0].ticks(4), (true, true));
    assert_eq!(state.chats[0].ticks(5), (false, false));
    state.update(Event::Net(NetEvent::Server(ServerEvent::TypingStart(
        Typing {
            chat_id: chat,
            user_id: other,
        },
    ))));
    assert_eq!(state.typing_line(chat).as_deref(), Some("ada is typing…"));
    state.update(Event::Tick(state.now + time::Duration::seconds(7)));
    assert_eq!(state.typing_line(chat), None);
}

#[test]
fn timeline_cursor_moves_with_arrows_and_vim_keys_and_replies() {
    let (mut state, ..) = setup();
    state.focus = Focus::Timeline;
    state.update(key(KeyCode::Up));
    state.update(key(KeyCode::Char('k')));
    assert_eq!(state.current().unwrap().selected, Some(2));
    state.update(key(KeyCode::Char('j')));
    assert_eq!(state.current().unwrap().selected, Some(3));
    let target = state.current().unwrap().messages[3].id;
    state.update(key(KeyCode::Char('r')));
    assert_eq!(state.focus, Focus::Composer);
    type_text(&mut state, "yes");
    let commands = state.update(key(KeyCode::Enter));
    assert!(
        commands
            .iter()
            .any(|c| matches!(c, Command::Send(d) if d.reply_to_id == Some(target)))
    );
}

#[test]
fn slash_commands_and_completion() {
    let (mut state, ..) = setup();
    type_text(&mut state, "/d");
    state.update(key(KeyCode::Tab));
    assert_eq!(state.current().unwrap().composer.text(), "/dm ");
    type_text(&mut state, "bob");
    let commands = state.update(key(KeyCode::Enter));
    assert_eq!(commands, vec![Command::StartDirect("bob".into())]);
    type_text(&mut state, "/frobnicate");
    state.update(key(KeyCode::Enter));
    assert!(state.notice.as_deref().unwrap().contains("unknown command"));
    type_text(&mut state, "ship it :tad");
    state.update(key(KeyCode::Tab));
    assert_eq!(state.current().unwrap().composer.text(), "ship it 🎉");
}

#[test]
fn login_form_shows_field_errors_from_the_server() {
    let mut state = AppState::new(
        crate::keymap::Keymap::default(),
        crate::config::NotifyRules::default(),
        time::OffsetDateTime::UNIX_EPOCH,
    );
    state.update(Event::Net(NetEvent::NeedLogin {
        server: "http://x".into(),
        reason: None,
    }));
    assert_eq!(state.screen, Screen::Login);
    state.update(Event::Key(KeyEvent::new(
        KeyCode::Char('r'),
        KeyModifiers::CONTROL,
    )));
    state.update(key(KeyCode::Tab));
    type_text(&mut state, "ab");
    for _ in 0..5 {
        state.update(key(KeyCode::Enter));
    }
    assert!(state.login.busy);
    let body: common::ErrorBody = serde_json::from_value(serde_json::json!({
        "code": "VALIDATION_ERROR", "message": "invalid request",
        "details": [{"field": "username", "message": "3-32 characters"}],
        "requestId": "r", "timestamp": "t"
    }))
    .unwrap();
    state.update(Event::Net(NetEvent::LoginFailed(body)));
    assert_eq!(
        state.login.error_of(login::Field::Username),
        Some("3-32 characters")
    );
    assert!(!state.login.busy);
}

#[test]
fn idle_users_go_away_and_come_back_with_a_key() {
    let (mut state, ..) = setup();
    let later = state.now + time::Duration::minutes(11);
    assert!(
        state
            .update(Event::Tick(later))
            .contains(&Command::Presence(common::ws::PresenceStatus::Away))
    );
    assert!(
        !state
            .update(Event::Tick(later))
            .contains(&Command::Presence(common::ws::PresenceStatus::Away))
    );
    let commands = state.update(key(KeyCode::Char('x')));
    assert!(commands.contains(&Command::Presence(common::ws::PresenceStatus::Online)));
}

#[test]
fn drafts_are_restored_into_their_chats_and_collected_on_exit() {
    let (state, chat, ..) = setup();
    let list: Vec<common::api::Chat> = state.chats.iter().map(|c| c.chat.clone()).collect();
    let mut fresh = AppState::new(
        crate::keymap::Keymap::default(),
        crate::config::NotifyRules::default(),
        state.now,
    );
    fresh.me = state.me.clone();
    fresh.screen = Screen::Main;
    let gone = ChatId::new();
    fresh.restored_drafts = [
        (chat, "to be continued".to_owned()),
        (gone, "elsewhere".to_owned()),
    ]
    .into();
    fresh.update(Event::Net(NetEvent::Chats(list)));
    let view = fresh.chats.iter().find(|c| c.id() == chat).unwrap();
    assert_eq!(view.composer.text(), "to be continued");
    let drafts = fresh.drafts();
    assert_eq!(
        drafts.get(&chat).map(String::as_str),
        Some("to be continued")
    );
    assert_eq!(drafts.get(&gone).map(String::as_str), Some("elsewhere"));
}

#[test]
fn a_prune_empties_the_messages_at_or_below_its_floor_and_keeps_the_rest() {
    let (mut state, chat, ..) = setup();
    let seqs: Vec<i64> = state.chats[0].messages.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 4]);
    let commands = state.update(Event::Net(NetEvent::Server(ServerEvent::ChatPruned(
        common::ws::ChatPruned {
            chat_id: chat,
            seq: 5,
            floor_seq: 2,
            count: 2,
        },
    ))));
    assert!(commands.iter().all(|c| !matches!(c, Command::Sync(_))));
    let c = &state.chats[0];
    assert_eq!(c.cursor, 5);
    for m in &c.messages {
        assert_eq!(m.deleted, m.seq <= 2, "seq {}", m.seq);
        assert_eq!(m.content.is_none(), m.seq <= 2, "seq {}", m.seq);
    }
}
