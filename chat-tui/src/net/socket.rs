//! The WebSocket side of the network task: connect, read frames into events, write
//! requests, and reconnect with exponential backoff and jitter. Where the upgrade fails
//! the same loop runs over Server-Sent Events (`events.rs`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use common::ErrorCode;
use common::api::{SendResult, SyncResponse};
use common::client::{ClientError, EventStream, Socket};
use common::ws::{ClientRequest, ServerFrame, close};
use rand::Rng;
use tokio::sync::mpsc;

use super::TransportMode;
use super::auth::Auth;
use crate::state::{ConnState, Event, NetEvent, Transport};

/// A frame to write, with its correlation id (`send:<clientId>`, `sync:<n>`, `x:<n>`).
pub type Outgoing = (String, ClientRequest);

/// The delay before reconnect attempt `attempt`: doubling from 500 ms up to 30 s, with
/// jitter so that many clients cut off at once do not come back at once.
pub fn backoff(attempt: u32) -> Duration {
    let ceiling = 500u64.saturating_mul(1 << attempt.min(6)).min(30_000);
    let jittered = rand::rng().random_range(ceiling / 2..=ceiling);
    Duration::from_millis(jittered)
}

/// Runs until `outgoing` closes: keeps one connection up and pumps frames both ways.
pub async fn run(
    auth: Arc<Auth>,
    mut outgoing: mpsc::UnboundedReceiver<Outgoing>,
    events: mpsc::UnboundedSender<Event>,
    live: Arc<AtomicBool>,
    mode: TransportMode,
) {
    let send = |e: NetEvent| events.send(Event::Net(e)).is_ok();
    let mut attempt = 0u32;
    // Set once an upgrade failed where the event stream worked: this network refuses
    // upgrades, so later reconnects go straight to the stream.
    let mut fallen_back = mode == TransportMode::Sse;
    loop {
        // Logged out (the network task dropped the sender): stop reconnecting.
        if outgoing.is_closed() {
            return;
        }
        let token = auth.access_token();
        match connect(&auth, &token, mode, &mut fallen_back).await {
            Ok(connection) => {
                attempt = 0;
                live.store(true, Ordering::Relaxed);
                let transport = match connection {
                    Connection::Ws(_) => Transport::WebSocket,
                    Connection::Sse(_) => Transport::Sse,
                };
                if !send(NetEvent::Transport(transport))
                    || !send(NetEvent::Connection(ConnState::Connected))
                {
                    return;
                }
                let code = match connection {
                    Connection::Ws(socket) => pump(socket, &mut outgoing, &events).await,
                    Connection::Sse(stream) => {
                        super::events::pump(*stream, &auth, &mut outgoing, &events).await
                    }
                };
                live.store(false, Ordering::Relaxed);
                match code {
                    Pumped::Stop => return,
                    Pumped::Closed(Some(close::UNAUTHORIZED)) => {
                        // The server ended the connection's session (or its token): a
                        // refresh tells which; a refused one ends the session here at once.
                        if let Err(e) = auth.refresh_after(&token).await
                            && e.status() == Some(401)
                        {
                            ended(&auth, &e, &events);
                            return;
                        }
                    }
                    Pumped::Closed(_) => {}
                }
            }
            Err(e) => {
                tracing::info!(error = %e, "connect failed");
                if (e.status() == Some(401) || e.to_string().contains("401"))
                    && let Err(e) = auth.refresh_after(&token).await
                    && e.status() == Some(401)
                {
                    ended(&auth, &e, &events);
                    return;
                }
            }
        }
        // Frames queued for the dead connection are dropped: the reducer resends what
        // matters (sends, sync) once connected again.
        while outgoing.try_recv().is_ok() {}
        let delay = backoff(attempt);
        attempt += 1;
        if !send(NetEvent::Connection(ConnState::Reconnecting {
            in_secs: delay.as_secs().max(1),
        })) {
            return;
        }
        tokio::time::sleep(delay).await;
    }
}

/// An open connection of either transport.
enum Connection {
    Ws(Socket),
    Sse(Box<EventStream>),
}

/// Opens a connection as `mode` says. In `auto`, a failed upgrade (refused, answered with
/// a status, stripped by a proxy) that is not a bad token is followed by the event
/// stream; when that works, `fallen_back` is set for the reconnects to come.
async fn connect(
    auth: &Auth,
    token: &str,
    mode: TransportMode,
    fallen_back: &mut bool,
) -> Result<Connection, ClientError> {
    if !*fallen_back {
        match Socket::connect(auth.client.base_url(), token).await {
            Ok((socket, _hello)) => return Ok(Connection::Ws(socket)),
            Err(e) if mode == TransportMode::Auto && !e.to_string().contains("401") => {
                tracing::info!(error = %e, "websocket upgrade failed: trying server-sent events");
            }
            Err(e) => return Err(e),
        }
    }
    let (stream, _hello) = EventStream::connect(&auth.client, None).await?;
    if mode == TransportMode::Auto && !*fallen_back {
        tracing::info!("using server-sent events: this network refuses websocket upgrades");
        *fallen_back = true;
    }
    Ok(Connection::Sse(Box::new(stream)))
}

/// The session is over on the server: forget it and say why.
pub fn ended(auth: &Auth, e: &common::client::ClientError, events: &mpsc::UnboundedSender<Event>) {
    auth.forget_ended();
    let _ = events.send(Event::Net(NetEvent::SessionEnded(super::describe(e))));
}

pub(super) enum Pumped {
    Stop,
    Closed(Option<u16>),
}

async fn pump(
    socket: Socket,
    outgoing: &mut mpsc::UnboundedReceiver<Outgoing>,
    events: &mpsc::UnboundedSender<Event>,
) -> Pumped {
    let (mut writer, mut reader, early) = socket.split();
    // The few frames read before `hello` come as envelopes; written back to text, they are
    // read like every later frame.
    for frame in early {
        let Ok(text) = serde_json::to_string(&frame) else {
            continue;
        };
        if !forward(&text, events) {
            return Pumped::Stop;
        }
    }
    loop {
        tokio::select! {
            frame = reader.next_text() => match frame {
                Ok(Some(text)) => {
                    if !forward(&text, events) {
                        return Pumped::Stop;
                    }
                }
                Ok(None) => return Pumped::Closed(reader.closed().await),
                Err(e) => {
                    tracing::info!(error = %e, "websocket read failed");
                    return Pumped::Closed(None);
                }
            },
            out = outgoing.recv() => if let Some((id, request)) = out {
                if let Err(e) = writer.send_with_id(&request, &id).await {
                    tracing::info!(error = %e, "websocket write failed");
                    return Pumped::Closed(None);
                }
            } else {
                let _ = writer.close().await;
                return Pumped::Stop;
            },
        }
    }
}

/// Turns one frame (its text, read once into a [`ServerFrame`]) into an event; false once
/// the UI is gone. A frame this client cannot read (an event type of a newer server) is
/// skipped.
pub(super) fn forward(text: &str, events: &mpsc::UnboundedSender<Event>) -> bool {
    let frame = match ServerFrame::parse(text) {
        Ok(frame) => frame,
        Err(e) => {
            tracing::debug!(error = %e, "skipping a frame this client cannot read");
            return true;
        }
    };
    let event = match frame {
        ServerFrame::Ack { id, data } => {
            let data = data.as_ref().map_or("null", |d| d.get());
            if let Some(client_id) = id.strip_prefix("send:") {
                match serde_json::from_str::<SendResult>(data) {
                    Ok(result) => Some(NetEvent::SendAcked {
                        client_id: client_id.to_owned(),
                        result: Box::new(result),
                    }),
                    Err(e) => Some(NetEvent::Notice(format!("bad send ack: {e}"))),
                }
            } else if id.starts_with("usync:") {
                match serde_json::from_str::<SyncResponse>(data) {
                    Ok(SyncResponse {
                        user: Some(user), ..
                    }) => Some(NetEvent::UserSynced(user)),
                    Ok(_) => Some(NetEvent::Notice("sync answer without user events".into())),
                    Err(e) => Some(NetEvent::Notice(format!("bad sync answer: {e}"))),
                }
            } else if id.starts_with("sync:") {
                match serde_json::from_str::<SyncResponse>(data) {
                    Ok(response) => Some(NetEvent::Synced(response)),
                    Err(e) => Some(NetEvent::Notice(format!("bad sync answer: {e}"))),
                }
            } else {
                None
            }
        }
        ServerFrame::Error { id, error } => {
            let (code, message) = (error.code, error.message);
            let transient = matches!(
                code,
                ErrorCode::ServiceUnavailable
                    | ErrorCode::InternalError
                    | ErrorCode::RateLimitExceeded
            );
            match id.as_deref().and_then(|id| id.strip_prefix("send:")) {
                Some(_) if transient => None,
                Some(client_id) => Some(NetEvent::SendFailed {
                    client_id: client_id.to_owned(),
                    reason: message,
                }),
                None => Some(NetEvent::Notice(message)),
            }
        }
        ServerFrame::SyncRequired => Some(NetEvent::SyncRequired),
        ServerFrame::Event(event) => Some(NetEvent::Server(event)),
        ServerFrame::Hello(_) => None,
    };
    match event {
        Some(event) => events.send(Event::Net(event)).is_ok(),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        for attempt in 0..20 {
            let d = backoff(attempt).as_millis() as u64;
            let ceiling = (500u64 << attempt.min(6)).min(30_000);
            assert!(d >= ceiling / 2 && d <= ceiling, "{attempt}: {d}");
        }
    }
}
