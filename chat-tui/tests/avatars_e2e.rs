//! Other users' avatars through the client's own network task against a real chatd: where
//! the terminal draws images, `/whois @ada` fetches her small avatar (64 px, the size the
//! server keeps for lists) once, and the profile draws it; a user without a picture costs
//! no request.

#![cfg(feature = "graphics")]
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod support;

use std::io::Cursor;

use chat_tui::config::NotifyRules;
use chat_tui::keymap::Keymap;
use chat_tui::state::attachments::{AttachCommand, AttachEvent, Thumbnail};
use chat_tui::state::{AppState, Command, ConnState, Event, NetEvent};
use support::Driver;
use testkit::TestServer;

fn png(side: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(side, side, image::Rgb([30, 140, 60]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[tokio::test]
async fn whois_fetches_another_users_small_avatar_once_and_draws_it() {
    let server = TestServer::start().await;
    let (ada, ada_t) = server.user("ada").await;
    let (_, bob_t) = server.user("bob").await;
    let set = ada.set_avatar(png(300)).await.unwrap();
    let url = set.avatar_url.clone();
    // A shared chat makes ada known to bob's client.
    testkit::chat::direct(&ada, bob_t.user.id).await;
    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "bob").await;
    let mut state = AppState::new(
        Keymap::default(),
        NotifyRules::default(),
        time::OffsetDateTime::now_utc(),
    );
    state.attachments.picker = Some(ratatui_image::picker::Picker::halfblocks());
    let mut bob = Driver::with_state(&server.base_url, file, state);
    bob.until("connected, ada known", |s| {
        s.conn == ConnState::Connected && s.users.contains_key(&ada_t.user.id)
    })
    .await;

    bob.send_text("/whois @ada");
    let small = format!("{url}&size=small");
    bob.until("the small avatar drawn", |s| {
        matches!(s.attachments.avatars.get(&small), Some(Thumbnail::Ready(_)))
    })
    .await;
    let asked = |bob: &Driver| {
        bob.commands
            .iter()
            .filter(|c| matches!(c, Command::Attachment(AttachCommand::Avatar(_))))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        asked(&bob),
        [Command::Attachment(AttachCommand::Avatar(small.clone()))]
    );
    // The server sent the small size: 64 px square.
    let bytes = bob
        .seen
        .iter()
        .find_map(|e| match e {
            Event::Net(NetEvent::Attachment(AttachEvent::Avatar(u, Some(b)))) if *u == small => {
                Some(b.clone())
            }
            _ => None,
        })
        .unwrap();
    let image = image::load_from_memory(&bytes).unwrap();
    assert_eq!((image.width(), image.height()), (64, 64));
    let screen = bob.render(80, 24);
    assert!(screen.contains('▀') || screen.contains('▄'), "{screen}");

    // Again: held, not fetched; bob himself has no picture: nothing asked.
    bob.state.overlay = None;
    bob.send_text("/whois @ada");
    bob.state.overlay = None;
    bob.send_text("/whois @bob");
    bob.drain();
    assert_eq!(asked(&bob).len(), 1);
    assert!(bob.render(80, 24).contains("no picture"));
}
