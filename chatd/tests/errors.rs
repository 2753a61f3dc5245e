//! Bad input over real HTTP: every malformed request gets the documented error body with
//! the request id, never a panic or a bare 500.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use common::{ErrorCode, ErrorResponse};
use testkit::TestServer;

async fn post_raw(
    server: &TestServer,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> (u16, Option<String>, ErrorResponse) {
    let mut req = reqwest::Client::new()
        .post(format!("{}{path}", server.base_url))
        .body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let header = resp
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = resp.text().await.unwrap();
    let body: ErrorResponse =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("not the error body ({e}): {text}"));
    (status, header, body)
}

#[tokio::test]
async fn malformed_json_gets_the_error_body_with_the_request_id() {
    let server = TestServer::start().await;
    let (status, header, body) = post_raw(
        &server,
        "/api/auth/login",
        Some("application/json"),
        b"{\"username\": ".to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body.error.code, ErrorCode::ValidationError);
    assert!(
        body.error.message.contains("malformed JSON"),
        "{}",
        body.error.message
    );
    assert_eq!(Some(body.error.request_id.clone()), header);
    assert!(
        time::OffsetDateTime::parse(
            &body.error.timestamp,
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );
}

#[tokio::test]
async fn wrong_content_type_unknown_missing_and_mistyped_fields() {
    let server = TestServer::start().await;
    let login = br#"{"username":"a","password":"b"}"#.to_vec();
    let (status, _, body) = post_raw(
        &server,
        "/api/auth/login",
        Some("text/plain"),
        login.clone(),
    )
    .await;
    assert_eq!((status, body.error.code), (400, ErrorCode::ValidationError));
    assert!(body.error.message.contains("application/json"));
    let (status, _, _) = post_raw(&server, "/api/auth/login", None, login).await;
    assert_eq!(status, 400);

    let (status, _, body) = post_raw(
        &server,
        "/api/auth/login",
        Some("application/json"),
        br#"{"username":"a","password":"b","isAdmin":true}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body.error.details[0].field, "isAdmin");

    let (status, _, body) = post_raw(
        &server,
        "/api/auth/login",
        Some("application/json"),
        br#"{"username":"a"}"#.to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body.error.details[0].field, "password");

    let (status, _, body) = post_raw(
        &server,
        "/api/auth/login",
        Some("application/json"),
        br#"{"username":5,"password":"b"}"#.to_vec(),
    )
    .await;
    assert_eq!((status, body.error.code), (400, ErrorCode::ValidationError));

    let (status, _, _) = post_raw(
        &server,
        "/api/auth/login",
        Some("application/json"),
        Vec::new(),
    )
    .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let server = TestServer::start().await;
    let huge = format!(
        r#"{{"username":"{}","password":"x"}}"#,
        "a".repeat(200 * 1024)
    );
    let (status, _, body) = post_raw(
        &server,
        "/api/auth/register",
        Some("application/json"),
        huge.into_bytes(),
    )
    .await;
    assert_eq!((status, body.error.code), (413, ErrorCode::PayloadTooLarge));
}

#[tokio::test]
async fn unknown_routes_methods_and_bad_ids_get_the_error_body() {
    let server = TestServer::start().await;
    let (status, _, body) = post_raw(&server, "/api/nothing-here", None, Vec::new()).await;
    assert_eq!((status, body.error.code), (404, ErrorCode::NotFound));
    let (status, _, body) = post_raw(&server, "/health", None, Vec::new()).await;
    assert_eq!((status, body.error.code), (404, ErrorCode::NotFound));

    let (client, _) = server.user("rita").await;
    let resp = client
        .request(reqwest::Method::GET, "/api/users/not-a-uuid")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: ErrorResponse = resp.json().await.unwrap();
    assert_eq!(body.error.code, ErrorCode::ValidationError);

    let resp = client
        .request(reqwest::Method::GET, "/api/users/search?q=a&limit=lots")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: ErrorResponse = resp.json().await.unwrap();
    assert_eq!(body.error.code, ErrorCode::ValidationError);
}

#[tokio::test]
async fn request_ids_are_echoed_when_sane_and_replaced_otherwise() {
    let server = TestServer::start().await;
    let http = reqwest::Client::new();
    let resp = http
        .get(format!("{}/health", server.base_url))
        .header("x-request-id", "proxy-abc.123")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["x-request-id"], "proxy-abc.123");
    let resp = http
        .get(format!("{}/api/users/me", server.base_url))
        .header("x-request-id", "spaces and \"quotes\"")
        .send()
        .await
        .unwrap();
    let header = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(header, "spaces and \"quotes\"");
    let body: ErrorResponse = resp.json().await.unwrap();
    assert_eq!(body.error.request_id, header);
    assert_eq!(body.error.code, ErrorCode::Unauthorized);
}

#[tokio::test]
async fn a_request_that_outlasts_the_timeout_gets_503_with_the_error_body_and_its_id() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut config = testkit::test_config();
    config.http.request_timeout_secs = 1;
    let server = TestServer::with_config(config).await;
    // A body announced and never sent keeps the handler waiting past the timeout.
    let mut socket = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    socket
        .write_all(
            b"POST /api/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n\
              content-length: 100\r\nx-request-id: slow-1\r\n\r\n{",
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while !answer.ends_with(b"}}") {
        let n = tokio::time::timeout(std::time::Duration::from_secs(30), socket.read(&mut buf))
            .await
            .expect("no answer within 30 s")
            .unwrap();
        assert!(
            n > 0,
            "closed without an answer: {}",
            String::from_utf8_lossy(&answer)
        );
        answer.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&answer).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 503"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("x-request-id: slow-1"),
        "{head}"
    );
    let body: ErrorResponse = serde_json::from_str(body).unwrap();
    assert_eq!(body.error.code, ErrorCode::ServiceUnavailable);
    assert_eq!(body.error.request_id, "slow-1");
}
