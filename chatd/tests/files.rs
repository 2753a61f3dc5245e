//! Attachments of any type over real HTTP, on local storage and in an S3 bucket: a file at
//! the size limit round-trips byte for byte and one byte more is refused with nothing stored;
//! active content (HTML, SVG) is only ever a download with an inert type; the per-user quota;
//! search by file name.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::path::Path;

use common::api::{
    Attachment, AttachmentKind, ChatDetail, CreateGroupRequest, SearchResults, SendMessageRequest,
    SendResult,
};
use common::client::{Client, ClientError};
use common::{AttachmentId, ChatId, ErrorCode, UserId};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use testkit::{TestServer, test_config};

const MIB: usize = 1024 * 1024;

async fn group(owner: &Client, members: &[UserId]) -> ChatId {
    let req = CreateGroupRequest {
        name: "Files".into(),
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

/// `len` bytes no sniffer recognizes, different at every position.
fn data(len: usize) -> Vec<u8> {
    let mut out = b"chatd test data\n".to_vec();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(len);
    out
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

/// Status, body and the headers a browser acts on.
struct Got {
    status: u16,
    bytes: Vec<u8>,
    content_type: String,
    disposition: String,
    nosniff: String,
}

async fn get(client: &Client, path: &str) -> Got {
    let resp = client.request(Method::GET, path).send().await.unwrap();
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (content_type, disposition, nosniff) = (
        header("content-type"),
        header("content-disposition"),
        header("x-content-type-options"),
    );
    Got {
        status: resp.status().as_u16(),
        content_type,
        disposition,
        nosniff,
        bytes: resp.bytes().await.unwrap().to_vec(),
    }
}

async fn send_with(
    client: &Client,
    chat: ChatId,
    content: &str,
    client_id: &str,
    ids: Vec<AttachmentId>,
) -> SendResult {
    let req = SendMessageRequest {
        content: content.into(),
        content_type: None,
        metadata: None,
        reply_to_id: None,
        client_id: client_id.into(),
        attachment_ids: ids,
    };
    testkit::chat::send(client, chat, &req).await.unwrap()
}

fn api_error(err: ClientError) -> (ErrorCode, String) {
    match err {
        ClientError::Api { body, .. } => (body.code, body.message),
        other => panic!("expected an API error, got {other}"),
    }
}

/// Files under `<data_dir>/attachments`, staging files of unfinished uploads included.
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

/// Uploads a file of exactly `attachments.max_file_bytes` (the default, 25 MiB), has a
/// member download it, then one byte more: refused, nothing more stored.
async fn limit_round_trip(server: &TestServer, stored: impl Fn() -> usize) {
    assert_eq!(server.config.attachments.max_file_bytes, 25 * MIB as u64);
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, &[bob_t.user.id]).await;

    let bytes = data(25 * MIB);
    let file = upload(&ada, "dump.bin", "application/octet-stream", bytes.clone())
        .await
        .unwrap();
    assert_eq!(file.kind, AttachmentKind::File);
    assert_eq!(file.mime, "application/octet-stream");
    assert_eq!(file.size, 25 * MIB as u64);
    assert!(!file.thumbnail);
    assert_eq!(stored(), 1);
    send_with(&ada, chat, "the dump", "m1", vec![file.id]).await;

    let got = get(&bob, &format!("/api/attachments/{}", file.id)).await;
    assert_eq!(got.status, 200);
    assert!(got.bytes == bytes, "the download differs from the upload");
    assert_eq!(got.disposition, "attachment; filename*=UTF-8''dump.bin");
    assert_eq!(
        get(&bob, &format!("/api/attachments/{}/thumbnail", file.id))
            .await
            .status,
        404
    );

    let (code, message) = api_error(
        upload(
            &ada,
            "big.bin",
            "application/octet-stream",
            data(25 * MIB + 1),
        )
        .await
        .unwrap_err(),
    );
    assert_eq!(code, ErrorCode::PayloadTooLarge);
    assert!(message.contains("26214400 bytes"), "{message}");
    assert_eq!(rows(server).await, 1);
    assert_eq!(stored(), 1);
}

#[tokio::test]
async fn a_file_at_the_limit_round_trips_and_one_byte_more_stores_nothing() {
    let dir = testkit::temp_dir();
    let mut config = test_config();
    config.data_dir = dir.path().to_path_buf();
    let server = TestServer::with_config(config).await;
    limit_round_trip(&server, || stored_files(dir.path())).await;
    // A streamed file is as private as an image: 0600 in a 0700 fan-out directory.
    let root = dir.path().join("attachments");
    for fan in std::fs::read_dir(&root).unwrap().flatten() {
        assert_eq!(mode(&fan.path()), 0o700, "{}", fan.path().display());
        for file in std::fs::read_dir(fan.path()).unwrap().flatten() {
            assert_eq!(mode(&file.path()), 0o600, "{}", file.path().display());
        }
    }
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn files_stream_into_an_s3_bucket() {
    let s3 = testkit::S3Server::start().await;
    let dir = testkit::temp_dir();
    let mut config = test_config();
    config.data_dir = dir.path().to_path_buf();
    config.attachments = s3.attachments_config(&config.attachments);
    let server = TestServer::with_config(config).await;
    limit_round_trip(&server, || s3.keys().len()).await;
    assert_eq!(stored_files(dir.path()), 0);
}

#[tokio::test]
async fn active_content_is_only_ever_a_download_of_an_inert_type() {
    let dir = testkit::temp_dir();
    let mut config = test_config();
    config.data_dir = dir.path().to_path_buf();
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, &[bob_t.user.id]).await;

    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec();
    let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
    let cases = [
        ("page.html", "text/html", html, "application/octet-stream"),
        ("logo.svg", "image/svg+xml", svg, "application/octet-stream"),
        ("report.pdf", "application/pdf", pdf, "application/pdf"),
    ];
    let mut ids = Vec::new();
    for (name, declared, bytes, served) in &cases {
        let file = upload(&ada, name, declared, bytes.clone()).await.unwrap();
        assert_eq!(file.kind, AttachmentKind::File, "{name}");
        assert_eq!(file.mime, *served, "{name}");
        assert_eq!((file.width, file.height, file.thumbnail), (0, 0, false));
        ids.push(file.id);
    }
    send_with(&ada, chat, "", "m1", ids.clone()).await;
    for ((name, _, bytes, served), id) in cases.iter().zip(&ids) {
        let got = get(&bob, &format!("/api/attachments/{id}")).await;
        assert_eq!(got.status, 200, "{name}");
        assert_eq!(got.content_type, *served, "{name}");
        assert_eq!(
            got.disposition,
            format!("attachment; filename*=UTF-8''{name}"),
            "{name}"
        );
        assert_eq!(got.nosniff, "nosniff", "{name}");
        assert_eq!(&got.bytes, bytes, "{name}");
    }

    // A hostile name keeps no path and no reversed text (control characters cannot pass a
    // multipart header; `clean_file_name`'s unit test covers them).
    let file = upload(
        &ada,
        "..\\..\\x\u{202E}lmth.exe",
        "text/plain",
        b"hi".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(file.name, "xlmth.exe");
    let got = get(&ada, &format!("/api/attachments/{}", file.id)).await;
    assert_eq!(got.disposition, "attachment; filename*=UTF-8''xlmth.exe");
}

#[tokio::test]
async fn an_upload_past_the_quota_is_refused_and_deleting_frees_room() {
    let dir = testkit::temp_dir();
    let mut config = test_config();
    config.data_dir = dir.path().to_path_buf();
    config.attachments.user_quota_bytes = 100 * 1024;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, _) = server.user("bob").await;

    let first = upload(&ada, "a.bin", "application/octet-stream", data(60 * 1024))
        .await
        .unwrap();
    let (code, message) = api_error(
        upload(&ada, "b.bin", "application/octet-stream", data(50 * 1024))
            .await
            .unwrap_err(),
    );
    assert_eq!(code, ErrorCode::PayloadTooLarge);
    assert!(
        message.starts_with("storage quota exceeded: 61440 of 102400 bytes"),
        "{message}"
    );
    assert_eq!(rows(&server).await, 1);
    assert_eq!(stored_files(dir.path()), 1);
    // The quota is per user.
    upload(&bob, "b.bin", "application/octet-stream", data(50 * 1024))
        .await
        .unwrap();

    let deleted = ada
        .request(Method::DELETE, &format!("/api/attachments/{}", first.id))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    upload(&ada, "b.bin", "application/octet-stream", data(50 * 1024))
        .await
        .unwrap();
}

#[tokio::test]
async fn search_finds_a_message_by_its_file_name() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let chat = group(&ada, &[bob_t.user.id]).await;
    let file = upload(
        &ada,
        "Quarterly Budget 2027.xlsx",
        "application/octet-stream",
        data(1024),
    )
    .await
    .unwrap();
    let sent = send_with(&ada, chat, "numbers attached", "m1", vec![file.id]).await;
    send_with(&ada, chat, "no budget talk here? yes budget", "m2", vec![]).await;

    let results: SearchResults = bob
        .send(
            bob.request(Method::GET, "/api/messages/search")
                .query(&[("q", "quarterly")]),
        )
        .await
        .unwrap();
    let found: Vec<_> = results.results.iter().map(|h| h.message.id).collect();
    assert_eq!(found, vec![sent.message_id]);
}

/// An upload may take longer than other requests: a file that trickles in for three
/// seconds is stored, with `http.request_timeout_secs` at 1 and
/// `attachments.upload_timeout_secs` above it (other requests still get 503 after 1 s:
/// `errors.rs`).
#[tokio::test]
async fn a_slow_upload_has_its_own_time_limit() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = test_config();
    config.http.request_timeout_secs = 1;
    config.attachments.upload_timeout_secs = 60;
    let server = TestServer::with_config(config).await;
    let (_, tokens) = server.user("ada").await;
    let boundary = "chatd-slow-upload";
    let content = data(64 * 1024);
    let mut body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"slow.bin\"\r\n\
         content-type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut socket = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/attachments/upload HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
         content-type: multipart/form-data; boundary={boundary}\r\ncontent-length: {}\r\n\r\n",
        tokens.access_token,
        body.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    // Six pieces, half a second apart: three seconds in all, three times the request limit.
    for piece in body.chunks(body.len().div_ceil(6)) {
        socket.write_all(piece).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&answer).contains("\r\n\r\n{") || !answer.ends_with(b"}") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(30), socket.read(&mut buf))
            .await
            .expect("no answer within 30 s")
            .unwrap();
        assert!(n > 0, "closed: {}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer).to_string();
    let (head, json) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 201"), "{text}");
    let stored: Attachment = serde_json::from_str(json).unwrap();
    assert_eq!(stored.size, content.len() as u64);
}
