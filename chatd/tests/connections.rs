//! The listener against hostile and ordinary clients over real sockets: idle and
//! half-header connections are closed after the header timeout, one address cannot take
//! every connection of the process, and keep-alive and upgraded WebSocket connections
//! outlive the timeouts.

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use testkit::chat::{direct, post};
use testkit::ws::{connect, expect};
use testkit::{ChatdProcess, TestServer, fresh_db, test_config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const CHATD: &str = env!("CARGO_BIN_EXE_chatd");
/// How long a test waits for the server to close a connection it should close.
const CLOSE_WAIT: Duration = Duration::from_secs(20);

/// Whether the server closes `stream` (end of file or reset) within [`CLOSE_WAIT`];
/// returns what it sent before closing.
async fn closed_by_server(stream: &mut TcpStream) -> Option<String> {
    let mut seen = Vec::new();
    let mut buf = [0u8; 1024];
    let outcome = tokio::time::timeout(CLOSE_WAIT, async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    outcome
        .ok()
        .map(|()| String::from_utf8_lossy(&seen).into_owned())
}

async fn connect_from(local: Ipv4Addr, server: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(IpAddr::V4(local), 0))?;
    socket.connect(server).await
}

#[tokio::test]
async fn idle_and_half_header_connections_are_closed_after_the_header_timeout() {
    let mut config = test_config();
    config.http.header_read_timeout_secs = 1;
    let server = TestServer::with_config(config).await;
    let mut idle = Vec::new();
    let mut half = Vec::new();
    for _ in 0..100 {
        idle.push(TcpStream::connect(server.addr).await.unwrap());
        let mut stream = TcpStream::connect(server.addr).await.unwrap();
        // A slowloris: a request head that never ends.
        stream
            .write_all(b"GET /health HTTP/1.1\r\nHost: chat\r\nX-Slow: ")
            .await
            .unwrap();
        half.push(stream);
    }
    let waits = idle.iter_mut().chain(half.iter_mut()).map(closed_by_server);
    let closed = futures_util::future::join_all(waits).await;
    let still_open = closed.iter().filter(|c| c.is_none()).count();
    assert_eq!(
        still_open, 0,
        "connections left open past the header timeout"
    );
    // The server is still there for a proper client.
    let health = reqwest::get(format!("{}/health", server.base_url))
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn one_address_over_its_cap_cannot_lock_out_another() {
    let db = fresh_db().await;
    let dir = testkit::temp_dir();
    let config = dir.path().join("chatd.toml");
    std::fs::write(
        &config,
        "[http]\nmax_connections_per_ip = 16\nheader_read_timeout_secs = 300\n\
         [database]\nmax_connections = 4\n",
    )
    .unwrap();
    let url = db.url();
    // A small open-files limit, as on many hosts (1,024 in the report): 300 idle
    // connections from one address used to take every descriptor, and nobody got in.
    let chatd = ChatdProcess::start(
        Path::new("/bin/sh"),
        &["-c", "ulimit -n 256 && exec \"$0\"", CHATD],
        &[
            ("CHATD_DATA_DIR", dir.path().to_str().unwrap()),
            ("CHATD_DATABASE_URL", url.as_str()),
            ("CHATD_CONFIG", config.to_str().unwrap()),
        ],
    );
    let addr: SocketAddr = chatd
        .base_url
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let mut hogs = Vec::new();
    for _ in 0..300 {
        if let Ok(stream) = connect_from(Ipv4Addr::LOCALHOST, addr).await {
            hogs.push(stream);
        }
    }
    assert!(hogs.len() > 16);
    // Past its cap, the address is answered 503 and closed at once.
    let refused = closed_by_server(hogs.last_mut().unwrap())
        .await
        .expect("a connection over the cap is closed");
    assert!(
        refused.is_empty() || refused.starts_with("HTTP/1.1 503"),
        "{refused}"
    );
    // Another address is served as usual.
    let other = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let health = other
        .get(format!("{}/health", chatd.base_url))
        .send()
        .await
        .expect("/health answers another address");
    assert_eq!(health.status(), 200);
    drop(hogs);
    let (code, log) = chatd.terminate();
    assert_eq!(code, Some(0), "{log}");
}

#[tokio::test]
async fn keep_alive_and_websockets_outlive_the_timeouts() {
    let mut config = test_config();
    config.http.header_read_timeout_secs = 1;
    config.http.keep_alive_idle_secs = 3;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_tokens) = server.user("bob").await;
    let chat = direct(&ada, bob_tokens.user.id).await;
    let (mut ws, _) = connect(&bob).await;

    let request = b"GET /health HTTP/1.1\r\nHost: chat\r\n\r\n";
    let mut kept = TcpStream::connect(server.addr).await.unwrap();
    kept.write_all(request).await.unwrap();
    let mut buf = [0u8; 4096];
    let n = kept.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    // Wait past the header timeout: a connection opened now is closed by it.
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    assert!(closed_by_server(&mut idle).await.is_some());
    // The kept-alive connection is only idle, not new: it still serves.
    kept.write_all(request).await.unwrap();
    let n = kept.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{:?}", &buf[..n]);
    // Idle past the keep-alive timeout, it is closed.
    assert!(closed_by_server(&mut kept).await.is_some());
    // The WebSocket, open all along, still delivers.
    post(&ada, chat, "still there?", "ka-1").await;
    expect(&mut ws, "message:new").await;
}
