//! Unit tests of the registry: audiences, membership changes, blocks, slow consumers.

use common::ids::{ChatId, MessageId, SessionId, UserId};

use super::*;
use crate::fanout::MembershipChange;

/// A connection registered with `chats` loaded and its first frame taken.
fn connect(
    registry: &Arc<Registry>,
    user: UserId,
    chats: &[ChatId],
    capacity: usize,
) -> Registration {
    let hello = Outbound::Frame {
        text: Utf8Bytes::from_static("hello"),
        delivers: None,
    };
    let Registration {
        id,
        mut rx,
        kill,
        tx,
        load,
    } = registry
        .register(user, SessionId::new(), capacity, hello, 20)
        .unwrap();
    assert!(rx.try_recv().is_ok(), "the first frame comes first");
    registry.load_chats(user, chats, load);
    let load = registry.begin_load();
    Registration {
        id,
        rx,
        kill,
        tx,
        load,
    }
}

fn delivery(target: Target, membership: Option<MembershipChange>) -> Delivery {
    Delivery {
        target,
        frame: axum::extract::ws::Utf8Bytes::from_static("{}"),
        membership,
        delivers: None,
        end_session: None,
        actor: None,
        block: None,
        seq: None,
    }
}

#[tokio::test]
async fn frames_reach_members_and_follow_membership_changes() {
    let registry = Registry::new();
    let (alice, bob, chat) = (UserId::new(), UserId::new(), ChatId::new());
    let mut a = connect(&registry, alice, &[chat], 8);
    let mut b = connect(&registry, bob, &[], 8);

    registry.dispatch(&delivery(Target::Chat { chat, except: None }, None));
    assert!(a.rx.try_recv().is_ok());
    assert!(b.rx.try_recv().is_err(), "bob is not a member yet");

    let joined = MembershipChange {
        chat,
        joined: vec![bob],
        left: vec![],
    };
    registry.dispatch(&delivery(Target::Chat { chat, except: None }, Some(joined)));
    assert!(b.rx.try_recv().is_ok(), "the joiner gets the join event");
    assert!(a.rx.try_recv().is_ok(), "and so do the members");

    let left = MembershipChange {
        chat,
        joined: vec![],
        left: vec![bob],
    };
    registry.dispatch(&delivery(
        Target::Chat {
            chat,
            except: Some(alice),
        },
        Some(left),
    ));
    assert!(b.rx.try_recv().is_ok(), "the leaver gets the leave event");
    assert!(a.rx.try_recv().is_err(), "except leaves alice out");
    registry.dispatch(&delivery(Target::Chat { chat, except: None }, None));
    assert!(b.rx.try_recv().is_err(), "then nothing more");
}

fn text_of(out: Outbound) -> String {
    match out {
        Outbound::Frame { text, .. } => text.as_str().to_owned(),
        Outbound::Close(..) => String::new(),
    }
}

#[tokio::test]
async fn blocks_turn_messages_into_stand_ins_and_drop_typing_both_ways() {
    use crate::blocks::{Actor, BlockChange};
    let registry = Registry::new();
    let (ada, bob, chat) = (UserId::new(), UserId::new(), ChatId::new());
    let mut a = connect(&registry, ada, &[chat], 8);
    let mut b = connect(&registry, bob, &[chat], 8);
    let mut block = delivery(Target::Users { users: vec![ada] }, None);
    block.block = Some(BlockChange {
        blocker: ada,
        blocked: bob,
        active: true,
    });
    registry.dispatch(&block);
    assert!(a.rx.try_recv().is_ok(), "the blocker's devices are told");

    let message = MessageId::new();
    let mut from_bob = delivery(Target::Chat { chat, except: None }, None);
    from_bob.actor = Some(Actor {
        user: bob,
        mutual: false,
        placeholder: Some((chat, 7, message)),
    });
    registry.dispatch(&from_bob);
    let stand_in = text_of(a.rx.try_recv().unwrap());
    assert!(stand_in.contains("message:hidden") && stand_in.contains(&message.to_string()));
    assert_eq!(
        text_of(b.rx.try_recv().unwrap()),
        "{}",
        "the sender's own copy"
    );

    let mut ada_typing = delivery(
        Target::Chat {
            chat,
            except: Some(ada),
        },
        None,
    );
    ada_typing.actor = Some(Actor {
        user: ada,
        mutual: true,
        placeholder: None,
    });
    registry.dispatch(&ada_typing);
    assert!(
        b.rx.try_recv().is_err(),
        "the blocked user does not see the blocker type"
    );
}

#[tokio::test]
async fn a_full_queue_closes_the_connection() {
    let registry = Registry::new();
    let (user, chat) = (UserId::new(), ChatId::new());
    let conn = connect(&registry, user, &[chat], 1);
    registry.dispatch(&delivery(Target::Users { users: vec![user] }, None));
    assert!(conn.kill.borrow().is_none());
    registry.dispatch(&delivery(Target::Users { users: vec![user] }, None));
    assert_eq!(
        conn.kill.borrow().map(|k| k.0),
        Some(common::ws::close::SLOW_CONSUMER)
    );
    assert_eq!(registry.unregister(conn.id), 0);
    assert_eq!(registry.connection_count(), 0);
}

#[tokio::test]
async fn a_user_has_at_most_the_cap_of_connections() {
    let registry = Registry::new();
    let user = UserId::new();
    let frame = || Outbound::Close(1000, "");
    let first = registry
        .register(user, SessionId::new(), 4, frame(), 2)
        .unwrap();
    let _second = registry
        .register(user, SessionId::new(), 4, frame(), 2)
        .unwrap();
    assert_eq!(
        registry
            .register(user, SessionId::new(), 4, frame(), 2)
            .map(|r| r.id),
        Err(TooManyConnections)
    );
    assert!(
        registry
            .register(UserId::new(), SessionId::new(), 4, frame(), 2)
            .is_ok()
    );
    registry.unregister(first.id);
    assert!(
        registry
            .register(user, SessionId::new(), 4, frame(), 2)
            .is_ok()
    );
}
