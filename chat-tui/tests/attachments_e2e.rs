//! The client's attachment path against a real chatd (real PostgreSQL and Redis from
//! testkit): a PNG from disk is checked and uploaded, sent with a message, downloaded back
//! by the same functions the terminal uses for open and save, and refusals read clearly.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

use std::io::Cursor;
use std::path::Path;

use chat_tui::net::Auth;
use chat_tui::net::attachments::{cache_in, save, upload};
use chat_tui::session::SessionFile;
use common::client::{AttachmentFile, Client};
use testkit::TestServer;

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut img = image::RgbaImage::new(width, height);
    for (x, y, p) in img.enumerate_pixels_mut() {
        *p = image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 255]);
    }
    let mut out = Vec::new();
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn auth(client: Client, dir: &Path) -> Auth {
    Auth::new(client, SessionFile::new(dir, "test"))
}

#[tokio::test]
async fn a_png_goes_up_with_a_message_and_comes_back_by_open_and_save() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let dir = testkit::temp_dir();
    let ada = auth(ada, dir.path());

    let original = png(640, 480);
    let path = dir.path().join("sunset.png");
    std::fs::write(&path, &original).unwrap();
    let stored = upload(&ada, &path).await.unwrap();
    assert_eq!(
        (
            stored.name.as_str(),
            stored.mime.as_str(),
            stored.width,
            stored.height
        ),
        ("sunset.png", "image/png", 640, 480)
    );

    // The send carries the id; the other member sees the image on the message.
    let chat = testkit::chat::direct(&ada.client, bob_t.user.id).await;
    let mut req = testkit::chat::text("", "with-image");
    req.attachment_ids = vec![stored.id];
    let sent = testkit::chat::send(&ada.client, chat, &req).await.unwrap();
    assert_eq!(sent.message.attachments, vec![stored.clone()]);
    let bob = auth(bob, dir.path());

    // Open: a complete copy in the cache directory, named with its type's extension.
    let cache = dir.path().join("cache");
    let cached = cache_in(&bob, &stored, &cache).await.unwrap();
    assert!(cached.starts_with(&cache));
    assert!(cached.to_string_lossy().ends_with("sunset.png"));
    let bytes = std::fs::read(&cached).unwrap();
    assert_eq!(bytes.len() as u64, stored.size);
    let back = image::load_from_memory(&bytes).unwrap();
    assert_eq!((back.width(), back.height()), (640, 480));
    // Lossless: the pixels are the ones uploaded.
    assert_eq!(
        back.to_rgba8().into_raw(),
        image::load_from_memory(&original)
            .unwrap()
            .to_rgba8()
            .into_raw()
    );

    // Save: into a directory under the attachment's name; never over an existing file.
    let downloads = dir.path().join("Downloads");
    std::fs::create_dir(&downloads).unwrap();
    let saved = save(&bob, &stored, &downloads).await.unwrap();
    assert_eq!(saved, downloads.join("sunset.png"));
    assert_eq!(std::fs::read(&saved).unwrap(), bytes);
    std::fs::write(&saved, b"mine").unwrap();
    let refused = save(&bob, &stored, &saved).await.unwrap_err();
    assert!(refused.contains("exists; not overwritten"), "{refused}");
    assert_eq!(std::fs::read(&saved).unwrap(), b"mine");
    // Into the directory again (the `s` key): a suffix, never the existing file.
    let again = save(&bob, &stored, &downloads).await.unwrap();
    assert_eq!(again, downloads.join("sunset (1).png"));
    assert_eq!(std::fs::read(&again).unwrap(), bytes);
    assert_eq!(std::fs::read(&saved).unwrap(), b"mine");

    // The thumbnail, as previews fetch it, is small and bounded.
    let thumb = bob
        .client
        .download_attachment(stored.id, AttachmentFile::Thumbnail, 2 * 1024 * 1024)
        .await
        .unwrap();
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
    // A download larger than the caller's bound is cut off, not read into memory.
    assert!(
        bob.client
            .download_attachment(stored.id, AttachmentFile::Original, 100)
            .await
            .is_err()
    );

    // Someone outside the chat cannot have it.
    let (carol, _) = server.user("carol").await;
    let carol = auth(carol, dir.path());
    let hidden = save(&carol, &stored, &dir.path().join("x.png"))
        .await
        .unwrap_err();
    assert!(hidden.contains("no such attachment"), "{hidden}");
    assert!(!dir.path().join("x.png").exists());
}

#[tokio::test]
async fn refusals_are_clear_before_and_after_the_upload() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let dir = testkit::temp_dir();
    let ada = auth(ada, dir.path());

    let missing = upload(&ada, &dir.path().join("nope.png"))
        .await
        .unwrap_err();
    assert!(missing.ends_with("nope.png: no such file"), "{missing}");
    let not_a_file = upload(&ada, dir.path()).await.unwrap_err();
    assert!(not_a_file.ends_with("not a file"), "{not_a_file}");

    // Over the server's default limit for files: refused here, without sending 26 MiB.
    let big = dir.path().join("big.bin");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(26 * 1024 * 1024)
        .unwrap();
    let too_big = upload(&ada, &big).await.unwrap_err();
    assert!(
        too_big.ends_with("big.bin is 26.0 MiB; the server takes at most 25.0 MiB"),
        "{too_big}"
    );

    // An image by its signature must be a whole one: a broken PNG is refused by the server.
    let fake = dir.path().join("fake.png");
    std::fs::write(&fake, b"\x89PNG\r\n\x1a\nnot an image at all").unwrap();
    let refused = upload(&ada, &fake).await.unwrap_err();
    assert!(refused.starts_with("not accepted: "), "{refused}");
}

#[tokio::test]
async fn a_file_of_any_type_goes_up_and_is_saved_byte_for_byte() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let dir = testkit::temp_dir();
    let ada = auth(ada, dir.path());

    let original = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
    let path = dir.path().join("minutes.pdf");
    std::fs::write(&path, &original).unwrap();
    let stored = upload(&ada, &path).await.unwrap();
    assert_eq!(stored.kind, common::api::AttachmentKind::File);
    assert_eq!(
        chat_tui::state::attachments::describe(&stored),
        "▤ minutes.pdf · 48 B · application/pdf"
    );

    let chat = testkit::chat::direct(&ada.client, bob_t.user.id).await;
    let mut req = testkit::chat::text("", "with-file");
    req.attachment_ids = vec![stored.id];
    testkit::chat::send(&ada.client, chat, &req).await.unwrap();
    let bob = auth(bob, dir.path());
    let downloads = dir.path().join("Downloads");
    std::fs::create_dir(&downloads).unwrap();
    let saved = save(&bob, &stored, &downloads).await.unwrap();
    assert_eq!(saved, downloads.join("minutes.pdf"));
    assert_eq!(std::fs::read(&saved).unwrap(), original);
    // Open hands the opener a cached copy under its own name.
    let cached = cache_in(&bob, &stored, &dir.path().join("cache"))
        .await
        .unwrap();
    assert!(
        cached.to_string_lossy().ends_with("-minutes.pdf"),
        "{}",
        cached.display()
    );
    assert_eq!(std::fs::read(&cached).unwrap(), original);
}
