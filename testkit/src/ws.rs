//! WebSocket helpers for tests: connect a logged-in client, wait for a frame of a kind.

use std::time::Duration;

use common::client::{Client, Socket};
use common::ws::{Envelope, Hello};

/// How long a test waits for a frame it expects.
pub const FRAME_WAIT: Duration = Duration::from_secs(10);

/// Opens a WebSocket for a logged-in client.
pub async fn connect(client: &Client) -> (Socket, Hello) {
    let token = client
        .tokens()
        .unwrap_or_else(|| panic!("connect needs a logged-in client"))
        .access_token;
    Socket::connect(client.base_url(), &token)
        .await
        .unwrap_or_else(|e| panic!("connecting the websocket: {e}"))
}

/// The next frame of type `kind`, skipping others (which are returned too, for checks).
pub async fn expect(socket: &mut Socket, kind: &str) -> (Envelope, Vec<Envelope>) {
    let mut skipped = Vec::new();
    let found = tokio::time::timeout(FRAME_WAIT, async {
        loop {
            match socket.next_frame().await {
                Ok(Some(frame)) if frame.kind == kind => return frame,
                Ok(Some(frame)) => skipped.push(frame),
                Ok(None) => panic!("closed while waiting for {kind}; got {skipped:?}"),
                Err(e) => panic!("socket failed while waiting for {kind}: {e}"),
            }
        }
    })
    .await;
    let Ok(frame) = found else {
        panic!("no {kind} frame within {FRAME_WAIT:?}")
    };
    (frame, skipped)
}

/// Frames of type `kind` that arrive within `wait` (none expected, usually).
pub async fn frames_within(socket: &mut Socket, kind: &str, wait: Duration) -> Vec<Envelope> {
    let mut found = Vec::new();
    let _ = tokio::time::timeout(wait, async {
        while let Ok(Some(frame)) = socket.next_frame().await {
            if frame.kind == kind {
                found.push(frame);
            }
        }
    })
    .await;
    found
}
