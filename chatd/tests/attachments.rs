//! Image attachments over real HTTP (files of other types: `files.rs`): upload, attach on send, download with access checks,
//! thumbnails, metadata stripping, refusals that store nothing, delete and cleanup.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::io::Cursor;
use std::path::Path;

use common::api::{
    Attachment, ChatDetail, CreateGroupRequest, MessagePage, SendMessageRequest, SendResult,
};
use common::client::{Client, ClientError};
use common::{AttachmentId, ChatId, ErrorCode, UserId};
use image::{DynamicImage, ImageFormat};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use testkit::{TestServer, test_config};

async fn group(owner: &Client, members: &[UserId]) -> ChatId {
    let req = CreateGroupRequest {
        name: "Pics".into(),
        slug: None,
        participant_ids: members.to_vec(),
        ..Default::default()
    };
    let chat: ChatDetail = owner
        .send(owner.request(Method::POST, "/api/chats/group").json(&req))
        .await
        .unwrap();
    chat.chat.id
}

fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let mut img = image::RgbaImage::new(width, height);
    for (x, y, p) in img.enumerate_pixels_mut() {
        *p = image::Rgba([(x % 256) as u8, (y % 256) as u8, 128, 255]);
    }
    let img = if format == ImageFormat::Jpeg {
        DynamicImage::ImageRgb8(DynamicImage::ImageRgba8(img).to_rgb8())
    } else {
        DynamicImage::ImageRgba8(img)
    };
    let mut out = Vec::new();
    img.write_to(&mut Cursor::new(&mut out), format).unwrap();
    out
}

/// A JPEG with an EXIF block that records where it was taken (`GPSLatitudeRef` = N).
fn jpeg_with_gps() -> Vec<u8> {
    let jpeg = encoded(64, 48, ImageFormat::Jpeg);
    let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
    // IFD0: one entry, GPSInfo -> offset 26.
    tiff.extend_from_slice(&[0, 1, 0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26, 0, 0, 0, 0]);
    // GPS IFD: GPSLatitudeRef "N".
    tiff.extend_from_slice(&[0, 1, 0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let len = (app1.len() + 2) as u16;
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// A PNG whose header claims 100000 x 100000 pixels (with a valid checksum), followed by a
/// little compressed data: decoding it for real would need 30 GB.
fn png_bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    png.extend_from_slice(&13u32.to_be_bytes());
    png.extend_from_slice(&ihdr);
    png.extend_from_slice(&crc32fast::hash(&ihdr).to_be_bytes());
    let mut idat = b"IDAT".to_vec();
    idat.extend_from_slice(&[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]);
    png.extend_from_slice(&((idat.len() - 4) as u32).to_be_bytes());
    png.extend_from_slice(&idat);
    png.extend_from_slice(&crc32fast::hash(&idat).to_be_bytes());
    png
}

async fn upload(
    client: &Client,
    name: &str,
    declared: &str,
    bytes: Vec<u8>,
) -> Result<Attachment, ClientError> {
    let part = Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(declared)
        .unwrap();
    client
        .send(
            client
                .request(Method::POST, "/api/attachments/upload")
                .multipart(Form::new().part("file", part)),
        )
        .await
}

async fn get(client: &Client, path: &str) -> (u16, Vec<u8>, String) {
    let resp = client.request(Method::GET, path).send().await.unwrap();
    let status = resp.status().as_u16();
    let mime = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, resp.bytes().await.unwrap().to_vec(), mime)
}

async fn send_with(
    client: &Client,
    chat: ChatId,
    content: &str,
    client_id: &str,
    ids: Vec<AttachmentId>,
) -> Result<SendResult, ClientError> {
    let req = SendMessageRequest {
        content: content.into(),
        content_type: None,
        metadata: None,
        reply_to_id: None,
        client_id: client_id.into(),
        attachment_ids: ids,
    };
    testkit::chat::send(client, chat, &req).await
}

fn code(err: ClientError) -> (ErrorCode, String) {
    match err {
        ClientError::Api { body, .. } => {
            let detail = body
                .details
                .iter()
                .map(|d| format!("{}: {}", d.field, d.message))
                .collect::<Vec<_>>()
                .join("; ");
            (body.code, format!("{} {detail}", body.message))
        }
        other => panic!("expected an API error, got {other}"),
    }
}

/// Files under `<data_dir>/attachments`.
fn stored_files(data_dir: &Path) -> usize {
    fn walk(dir: &Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    walk(&data_dir.join("attachments"))
}

async fn rows(server: &TestServer) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM attachments")
        .fetch_one(server.store().pool())
        .await
        .unwrap()
}

async fn server_in(dir: &Path) -> TestServer {
    let mut config = test_config();
    config.data_dir = dir.to_path_buf();
    TestServer::with_config(config).await
}

#[tokio::test]
async fn members_see_attached_images_and_others_do_not() {
    let dir = testkit::temp_dir();
    let server = server_in(dir.path()).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (carol, _) = server.user("carol").await;
    let chat = group(&ada, &[bob_t.user.id]).await;

    let png = upload(
        &ada,
        "cat.png",
        "image/png",
        encoded(800, 600, ImageFormat::Png),
    )
    .await
    .unwrap();
    assert_eq!(
        (png.mime.as_str(), png.width, png.height),
        ("image/png", 800, 600)
    );
    assert!(png.thumbnail);
    // An image needs no caption.
    let sent = send_with(&ada, chat, "", "m1", vec![png.id]).await.unwrap();
    assert_eq!(sent.message.attachments, vec![png.clone()]);

    let page: MessagePage = bob
        .send(bob.request(Method::GET, &format!("/api/chats/{chat}/messages")))
        .await
        .unwrap();
    assert_eq!(page.messages[0].attachments, vec![png.clone()]);
    let (status, bytes, mime) = get(&bob, &format!("/api/attachments/{}", png.id)).await;
    assert_eq!((status, mime.as_str()), (200, "image/png"));
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (800, 600));
    let (status, bytes, _) = get(&bob, &format!("/api/attachments/{}/thumbnail", png.id)).await;
    assert_eq!(status, 200);
    let thumb = image::load_from_memory(&bytes).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));

    // Not a member: not found, for the file and its thumbnail alike.
    for path in [
        format!("/api/attachments/{}", png.id),
        format!("/api/attachments/{}/thumbnail", png.id),
    ] {
        assert_eq!(get(&carol, &path).await.0, 404);
    }
    // Leaving the chat ends access.
    let left = bob
        .request(Method::POST, &format!("/api/chats/{chat}/leave"))
        .send()
        .await
        .unwrap();
    assert!(left.status().is_success());
    assert_eq!(
        get(&bob, &format!("/api/attachments/{}", png.id)).await.0,
        404
    );
    // Deleting the message takes its images with it.
    let gone = ada
        .request(
            Method::DELETE,
            &format!("/api/messages/{}", sent.message_id),
        )
        .send()
        .await
        .unwrap();
    assert!(gone.status().is_success());
    assert_eq!(
        get(&ada, &format!("/api/attachments/{}", png.id)).await.0,
        404
    );
}

#[tokio::test]
async fn formats_come_from_the_bytes_and_metadata_is_stripped() {
    let dir = testkit::temp_dir();
    let server = server_in(dir.path()).await;
    let (ada, _) = server.user("ada").await;
    for (format, mime) in [
        (ImageFormat::Png, "image/png"),
        (ImageFormat::Jpeg, "image/jpeg"),
        (ImageFormat::Gif, "image/gif"),
        (ImageFormat::WebP, "image/webp"),
    ] {
        // Name and declared type lie; the bytes decide.
        let a = upload(&ada, "notes.txt", "text/plain", encoded(40, 30, format))
            .await
            .unwrap();
        assert_eq!((a.mime.as_str(), a.width, a.height), (mime, 40, 30));
        let (_, bytes, mime_served) = get(&ada, &format!("/api/attachments/{}", a.id)).await;
        assert_eq!(mime_served, mime);
        assert_eq!(image::guess_format(&bytes).unwrap(), format);
    }
    let original = jpeg_with_gps();
    assert!(original.windows(6).any(|w| w == b"Exif\0\0"));
    let photo = upload(&ada, "IMG_0001.JPG", "image/jpeg", original)
        .await
        .unwrap();
    let (_, bytes, _) = get(&ada, &format!("/api/attachments/{}", photo.id)).await;
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "EXIF survived");
    assert_eq!(image::load_from_memory(&bytes).unwrap().width(), 64);
}

#[tokio::test]
async fn lying_files_are_files_and_bombs_and_oversized_images_are_refused_storing_nothing() {
    let dir = testkit::temp_dir();
    let mut config = test_config();
    config.data_dir = dir.path().to_path_buf();
    config.attachments.max_bytes = 64 * 1024;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;

    // A script named and declared as a PNG is what its bytes say: a file, served only as a
    // download of no active type.
    let script = upload(
        &ada,
        "cat.png",
        "image/png",
        b"#!/bin/sh\necho not an image\n".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(script.kind, common::api::AttachmentKind::File);
    assert_eq!(script.mime, "application/octet-stream");
    assert!(!script.thumbnail);

    let (code_, message) = code(
        upload(&ada, "bomb.png", "image/png", png_bomb())
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, ErrorCode::PayloadTooLarge);
    assert!(message.contains("100000x100000"), "{message}");

    // A PNG with a broken body after a valid header.
    let mut broken = encoded(100, 100, ImageFormat::Png);
    let len = broken.len();
    broken.truncate(len / 2);
    let (code_, _) = code(
        upload(&ada, "half.png", "image/png", broken)
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, ErrorCode::ValidationError);

    // A PNG by its signature is held to the image limit, far below the one for files.
    let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
    big.resize(100 * 1024, 0);
    let (code_, _) = code(upload(&ada, "big.png", "image/png", big).await.unwrap_err());
    assert_eq!(code_, ErrorCode::PayloadTooLarge);

    let no_file = ada
        .request(Method::POST, "/api/attachments/upload")
        .multipart(Form::new().text("other", "x"))
        .send()
        .await
        .unwrap();
    assert_eq!(no_file.status().as_u16(), 400);

    // Only the script is stored.
    assert_eq!(rows(&server).await, 1);
    assert_eq!(stored_files(dir.path()), 1);
}

#[tokio::test]
async fn a_send_may_only_attach_ones_own_free_uploads_up_to_five() {
    let dir = testkit::temp_dir();
    let server = server_in(dir.path()).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, &[bob_t.user.id]).await;
    let mut mine = Vec::new();
    for _ in 0..6 {
        mine.push(
            upload(&ada, "a.gif", "image/gif", encoded(8, 8, ImageFormat::Gif))
                .await
                .unwrap()
                .id,
        );
    }
    let bobs = upload(&bob, "b.png", "image/png", encoded(8, 8, ImageFormat::Png))
        .await
        .unwrap();

    let refusals = [
        (mine.clone(), "at most 5"),
        (vec![bobs.id], "your own uploads"),
        (vec![AttachmentId::new()], "your own uploads"),
        (vec![mine[0], mine[0]], "twice"),
    ];
    for (i, (ids, why)) in refusals.into_iter().enumerate() {
        let (code_, message) = code(
            send_with(&ada, chat, "look", &format!("bad{i}"), ids)
                .await
                .unwrap_err(),
        );
        assert_eq!(code_, ErrorCode::ValidationError);
        assert!(message.contains(why), "{message}");
    }
    let five = send_with(&ada, chat, "five", "ok", mine[..5].to_vec())
        .await
        .unwrap();
    let order: Vec<AttachmentId> = five.message.attachments.iter().map(|a| a.id).collect();
    assert_eq!(order, mine[..5]);
    // A resend answers the first result; a new send cannot take them again.
    let again = send_with(&ada, chat, "five", "ok", mine[..5].to_vec())
        .await
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.message.attachments.len(), 5);
    let (code_, _) = code(
        send_with(&ada, chat, "again", "other", vec![mine[0]])
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, ErrorCode::ValidationError);
}

#[tokio::test]
async fn uploads_can_be_deleted_and_unattached_ones_are_cleaned_up() {
    let dir = testkit::temp_dir();
    let server = server_in(dir.path()).await;
    let (ada, _) = server.user("ada").await;
    let (bob, _) = server.user("bob").await;
    let chat = group(&ada, &[]).await;
    let a = upload(&ada, "a.png", "image/png", encoded(8, 8, ImageFormat::Png))
        .await
        .unwrap();
    let b = upload(&ada, "b.png", "image/png", encoded(8, 8, ImageFormat::Png))
        .await
        .unwrap();
    let c = upload(&ada, "c.png", "image/png", encoded(8, 8, ImageFormat::Png))
        .await
        .unwrap();
    assert_eq!(stored_files(dir.path()), 6);

    let delete = |client: &Client, id: AttachmentId| {
        client
            .request(Method::DELETE, &format!("/api/attachments/{id}"))
            .send()
    };
    assert_eq!(delete(&bob, a.id).await.unwrap().status().as_u16(), 404);
    assert_eq!(delete(&ada, a.id).await.unwrap().status().as_u16(), 204);
    assert_eq!(
        get(&ada, &format!("/api/attachments/{}", a.id)).await.0,
        404
    );
    assert_eq!(stored_files(dir.path()), 4);

    send_with(&ada, chat, "kept", "m", vec![b.id])
        .await
        .unwrap();
    assert_eq!(delete(&ada, b.id).await.unwrap().status().as_u16(), 409);

    // c was never attached: a day later the cleanup removes it, and only it.
    sqlx::query(
        "UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = ANY($1)",
    )
    .bind(vec![b.id.as_uuid(), c.id.as_uuid()])
    .execute(server.store().pool())
    .await
    .unwrap();
    let media = chatd::media::MediaService::new(
        server.store().clone(),
        chatd::media::BlobStore::from_config(&server.config.attachments, dir.path()).unwrap(),
        server.config.attachments.clone(),
    );
    assert_eq!(media.clean_up().await.unwrap(), 1);
    assert_eq!(
        get(&ada, &format!("/api/attachments/{}", c.id)).await.0,
        404
    );
    assert_eq!(
        get(&ada, &format!("/api/attachments/{}", b.id)).await.0,
        200
    );
    assert_eq!(stored_files(dir.path()), 2);
    assert_eq!(rows(&server).await, 1);
}

/// The same flow with `storage = "s3"`, against an S3-compatible server over HTTP.
#[tokio::test]
async fn attachments_live_in_an_s3_bucket() {
    let s3 = testkit::S3Server::start().await;
    let dir = testkit::temp_dir();
    let mut config = test_config();
    config.data_dir = dir.path().to_path_buf();
    config.attachments = s3.attachments_config(&config.attachments);
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (carol, _) = server.user("carol").await;
    let chat = group(&ada, &[bob_t.user.id]).await;

    let png = upload(
        &ada,
        "cat.png",
        "image/png",
        encoded(800, 600, ImageFormat::Png),
    )
    .await
    .unwrap();
    assert!(png.thumbnail);
    // The file and its thumbnail are objects in the bucket, nothing is on the local disk.
    assert_eq!(s3.keys().len(), 2, "{:?}", s3.keys());
    assert_eq!(stored_files(dir.path()), 0);
    send_with(&ada, chat, "", "m1", vec![png.id]).await.unwrap();

    let (status, bytes, mime) = get(&bob, &format!("/api/attachments/{}", png.id)).await;
    assert_eq!((status, mime.as_str()), (200, "image/png"));
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (800, 600));
    let (status, bytes, _) = get(&bob, &format!("/api/attachments/{}/thumbnail", png.id)).await;
    assert_eq!(status, 200);
    let thumb = image::load_from_memory(&bytes).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
    for path in [
        format!("/api/attachments/{}", png.id),
        format!("/api/attachments/{}/thumbnail", png.id),
    ] {
        assert_eq!(get(&carol, &path).await.0, 404);
    }

    // Deleting an unattached upload removes both of its objects from the bucket.
    let loose = upload(&ada, "a.png", "image/png", encoded(8, 8, ImageFormat::Png))
        .await
        .unwrap();
    assert_eq!(s3.keys().len(), 4);
    let deleted = ada
        .request(Method::DELETE, &format!("/api/attachments/{}", loose.id))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    assert_eq!(
        get(&ada, &format!("/api/attachments/{}", loose.id)).await.0,
        404
    );
    assert_eq!(s3.keys().len(), 2);
    // The attached image is still served.
    assert_eq!(
        get(&bob, &format!("/api/attachments/{}", png.id)).await.0,
        200
    );
}

/// A GIF on a `side` x `side` canvas with `frames` frames: the first a 16x16 tile of all 256
/// colours of the global palette, each next one a single pixel in a colour of its own local
/// palette, so the animation as shown has 257 colours and more. A few hundred bytes; a
/// re-encoder that composites every frame onto the canvas and quantizes it spends seconds
/// of CPU per frame.
fn hostile_gif(side: u16, frames: u8) -> Vec<u8> {
    let global: Vec<u8> = (0..=255u8).flat_map(|i| [i, 255 - i, i / 2]).collect();
    let mut out = Vec::new();
    {
        let mut encoder = gif::Encoder::new(&mut out, side, side, &global).unwrap();
        encoder.set_repeat(gif::Repeat::Infinite).unwrap();
        let tile = gif::Frame {
            width: 16,
            height: 16,
            delay: 10,
            buffer: std::borrow::Cow::Owned((0..=255u8).collect()),
            ..gif::Frame::default()
        };
        encoder.write_frame(&tile).unwrap();
        for i in 1..frames {
            let dot = gif::Frame {
                left: u16::from(i) * 20,
                width: 1,
                height: 1,
                delay: 10,
                palette: Some(vec![1, 2, i, 0, 0, 0]),
                buffer: std::borrow::Cow::Owned(vec![0]),
                ..gif::Frame::default()
            };
            encoder.write_frame(&dot).unwrap();
        }
    }
    out
}

/// The frames of a GIF as stored: (left, top, width, height, local palette, indices).
type GifFrame = (u16, u16, u16, u16, Option<Vec<u8>>, Vec<u8>);

fn gif_frames(bytes: &[u8]) -> (u16, u16, Vec<GifFrame>) {
    let mut decoder = gif::DecodeOptions::new().read_info(bytes).unwrap();
    let (w, h) = (decoder.width(), decoder.height());
    let mut frames = Vec::new();
    while let Some(f) = decoder.read_next_frame().unwrap() {
        frames.push((
            f.left,
            f.top,
            f.width,
            f.height,
            f.palette.clone(),
            f.buffer.to_vec(),
        ));
    }
    (w, h, frames)
}

#[tokio::test]
async fn costly_gifs_are_kept_exactly_or_refused_by_their_pixel_budget() {
    let dir = testkit::temp_dir();
    let server = server_in(dir.path()).await;
    let (ada, _) = server.user("ada").await;

    // Two frames on a 49-megapixel canvas: within the default budget of 100 megapixels for
    // all frames together, and kept as they are, every colour exact (nothing quantized).
    let two = hostile_gif(7000, 2);
    assert!(two.len() < 5 * 1024, "{} bytes", two.len());
    let stored = upload(&ada, "spin.gif", "image/gif", two.clone())
        .await
        .unwrap();
    assert_eq!(
        (stored.mime.as_str(), stored.width, stored.height),
        ("image/gif", 7000, 7000)
    );
    let (_, bytes, _) = get(&ada, &format!("/api/attachments/{}", stored.id)).await;
    assert_eq!(gif_frames(&bytes), gif_frames(&two));
    let (status, thumb, _) = get(&ada, &format!("/api/attachments/{}/thumbnail", stored.id)).await;
    assert_eq!(status, 200);
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 320));

    // Three frames of that canvas are over the budget: refused before any frame is decoded.
    let (code_, message) = code(
        upload(&ada, "spin3.gif", "image/gif", hostile_gif(7000, 3))
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, ErrorCode::PayloadTooLarge);
    assert!(message.contains("7000x7000"), "{message}");
    assert_eq!(rows(&server).await, 1);
    assert_eq!(stored_files(dir.path()), 2);
}

#[tokio::test]
async fn an_image_over_its_cpu_budget_is_refused() {
    let dir = testkit::temp_dir();
    let mut config = test_config();
    config.data_dir = dir.path().to_path_buf();
    config.attachments.max_decode_cpu_ms = 1;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    // Four frames of 4 megapixels: each takes far more than a millisecond to decode and
    // write again, and the budget is checked after each.
    let mut bytes = Vec::new();
    {
        let mut encoder =
            gif::Encoder::new(&mut bytes, 2000, 2000, &[0, 0, 0, 255, 255, 255]).unwrap();
        for i in 0..4u8 {
            let frame = gif::Frame {
                width: 2000,
                height: 2000,
                buffer: std::borrow::Cow::Owned(
                    (0..4_000_000u32)
                        .map(|p| u8::from((p / 7 + u32::from(i)) % 2 == 0))
                        .collect(),
                ),
                ..gif::Frame::default()
            };
            encoder.write_frame(&frame).unwrap();
        }
    }
    let (code_, message) = code(
        upload(&ada, "long.gif", "image/gif", bytes)
            .await
            .unwrap_err(),
    );
    assert_eq!(code_, ErrorCode::PayloadTooLarge);
    assert!(message.contains("ms of processing"), "{message}");
    assert_eq!(rows(&server).await, 0);
}

/// A large JPEG that takes real CPU time to decode, clean and thumbnail.
fn heavy_jpeg() -> Vec<u8> {
    encoded(6000, 6000, ImageFormat::Jpeg)
}

fn gauge(text: &str, name: &str) -> i64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("{name} missing from\n{text}"))
}

#[tokio::test]
async fn a_decode_keeps_its_slot_until_it_ends_even_when_its_request_timed_out() {
    let dir = testkit::temp_dir();
    let mut config = test_config();
    config.data_dir = dir.path().to_path_buf();
    config.attachments.max_concurrent_decodes = 1;
    config.attachments.upload_timeout_secs = 1;
    config.metrics.listen = Some("127.0.0.1:0".parse().unwrap());
    let server = TestServer::with_config(config).await;
    let metrics_url = server.metrics_url.clone().unwrap();
    let (ada, _) = server.user("ada").await;
    let jpeg = heavy_jpeg();
    // Uploads that each outlast the request timeout: a request gives up, its decode must
    // not give up its slot to the next one.
    let names: Vec<String> = (0..3).map(|i| format!("big{i}.jpg")).collect();
    let uploads = names
        .iter()
        .map(|name| upload(&ada, name, "image/jpeg", jpeg.clone()));
    let answers = futures_util::future::join_all(uploads).await;
    let mut timed_out = 0;
    for answer in answers {
        if let Err(err) = answer {
            assert_eq!(code(err).0, ErrorCode::ServiceUnavailable);
            timed_out += 1;
        }
    }
    eprintln!("{timed_out} of 3 uploads timed out");
    let scrape = || async {
        reqwest::get(&metrics_url)
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    // Every decode that started ends, and never were two running at once.
    assert!(
        testkit::eventually(std::time::Duration::from_mins(2), || async {
            gauge(&scrape().await, "chatd_image_decodes_running") == 0
        })
        .await
    );
    let text = scrape().await;
    assert_eq!(gauge(&text, "chatd_image_decodes_peak"), 1, "{text}");
}

#[tokio::test]
async fn upload_errors_have_the_error_body_and_files_their_cache_rule() {
    let dir = testkit::temp_dir();
    let server = server_in(dir.path()).await;
    let (ada, _) = server.user("ada").await;
    for content_type in [
        "multipart/form-data",
        "application/octet-stream",
        "text/plain",
    ] {
        let resp = ada
            .request(Method::POST, "/api/attachments/upload")
            .header("content-type", content_type)
            .body("hello")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 400, "{content_type}");
        let body: serde_json::Value = resp.json().await.unwrap();
        assert_eq!(
            body["error"]["code"], "VALIDATION_ERROR",
            "{content_type}: {body}"
        );
        assert!(body["error"]["requestId"].is_string(), "{body}");
    }

    // Names lose characters that would reverse or hide part of them.
    let png = upload(
        &ada,
        "cat\u{202E}gnp.exe\u{200B}.png",
        "image/png",
        encoded(8, 8, ImageFormat::Png),
    )
    .await
    .unwrap();
    assert_eq!(png.name, "catgnp.exe.png");

    for path in [
        format!("/api/attachments/{}", png.id),
        format!("/api/attachments/{}/thumbnail", png.id),
    ] {
        let resp = ada.request(Method::GET, &path).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        assert_eq!(
            resp.headers()["cache-control"].to_str().unwrap(),
            "private, max-age=86400",
            "{path}"
        );
    }
}
