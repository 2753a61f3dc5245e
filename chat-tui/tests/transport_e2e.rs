//! The fallback transport against a real chatd, through the client's own network task and
//! reducer: with `--transport sse` the client connects by Server-Sent Events, sends and
//! receives messages and says `sse` on the status line; in `auto`, behind a proxy that
//! refuses WebSocket upgrades, it falls back to the event stream by itself.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed unwrap is a failed test

mod support;

use chat_tui::net::TransportMode;
use chat_tui::state::{AppState, ConnState, Transport};
use common::ChatId;
use common::client::PageAt;
use support::Driver;
use testkit::TestServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn shows(chat: ChatId, text: &'static str) -> impl FnMut(&AppState) -> bool {
    move |s| {
        s.chats.iter().any(|c| {
            c.id() == chat
                && c.messages
                    .iter()
                    .any(|m| m.content.as_deref() == Some(text))
        })
    }
}

/// Bob in a direct chat with ada, whose client runs over `transport` against `url`.
async fn world(
    server: &TestServer,
    url: &str,
    transport: TransportMode,
) -> (Driver, ChatId, common::client::Client, tempfile::TempDir) {
    let (ada, _) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    let chat = testkit::chat::direct(&ada, bob.user.id).await;
    testkit::chat::post(&ada, chat, "before", "a-0").await;
    let dir = testkit::temp_dir();
    // Logged in through `url`: the kept session names the server the client goes to.
    let file = chat_tui::session::SessionFile::new(dir.path(), "default");
    let client = common::client::Client::new(url).unwrap();
    let resp = client.login("bob", testkit::password()).await.unwrap();
    chat_tui::net::Auth::new(client, file.clone())
        .keep_login(&resp)
        .await;
    let driver = Driver::with_transport(url, file, transport);
    (driver, chat, ada, dir)
}

async fn sends_and_receives(bob: &mut Driver, chat: ChatId, ada: &common::client::Client) {
    bob.until("connected, the chat open", |s| {
        s.conn == ConnState::Connected
            && s.selected == Some(chat)
            && s.current().is_some_and(|c| c.loaded)
    })
    .await;
    testkit::chat::post(ada, chat, "hello over the fallback", "a-1").await;
    bob.until(
        "ada's message, live",
        shows(chat, "hello over the fallback"),
    )
    .await;
    bob.send_text("and back");
    bob.until("bob's message acked", |s| {
        s.current().is_some_and(|c| {
            c.pending.is_empty()
                && c.messages
                    .iter()
                    .any(|m| m.content.as_deref() == Some("and back"))
        })
    })
    .await;
    let page = ada.messages(chat, PageAt::Latest, Some(10)).await.unwrap();
    let texts: Vec<_> = page
        .messages
        .iter()
        .filter_map(|m| m.content.clone())
        .collect();
    assert_eq!(texts, ["before", "hello over the fallback", "and back"]);
}

#[tokio::test]
async fn transport_sse_sends_and_receives_and_says_so_on_the_status_line() {
    let server = TestServer::start().await;
    let (mut bob, chat, ada, _dir) = world(&server, &server.base_url, TransportMode::Sse).await;
    sends_and_receives(&mut bob, chat, &ada).await;
    assert_eq!(bob.state.transport, Some(Transport::Sse));
    let screen = bob.render(100, 30);
    assert!(screen.contains("connected · sse"), "{screen}");
}

/// A proxy in front of `upstream` that answers every WebSocket upgrade with 403 and passes
/// everything else through, as some corporate proxies do.
async fn upgrade_refusing_proxy(upstream: std::net::SocketAddr) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = vec![0u8; 16 * 1024];
                let Ok(n) = client.read(&mut head).await else {
                    return;
                };
                let text = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
                if text.contains("upgrade: websocket") {
                    let _ = client
                        .write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                        .await;
                    return;
                }
                let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                if server.write_all(&head[..n]).await.is_err() {
                    return;
                }
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn auto_falls_back_to_sse_when_a_proxy_refuses_the_upgrade() {
    let server = TestServer::start().await;
    let upstream: std::net::SocketAddr = server
        .base_url
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let proxy = upgrade_refusing_proxy(upstream).await;
    let (mut bob, chat, ada, _dir) = world(&server, &proxy, TransportMode::Auto).await;
    sends_and_receives(&mut bob, chat, &ada).await;
    assert_eq!(bob.state.transport, Some(Transport::Sse));
    // Straight to the server, auto keeps the WebSocket.
    server.user("carol").await;
    let dir = testkit::temp_dir();
    let file = support::login(&server, dir.path(), "carol").await;
    let mut direct = Driver::with_transport(&server.base_url, file, TransportMode::Auto);
    direct
        .until("connected", |s| s.conn == ConnState::Connected)
        .await;
    assert_eq!(direct.state.transport, Some(Transport::WebSocket));
}
