//! One WebSocket connection: a writer task owns the sink and drains the connection's
//! bounded queue (and pings); the reader loop decodes frames and calls the services.
//! Registration and presence are undone when the connection ends, however it ends.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use common::ws::{Envelope, Hello, MAX_FRAME_BYTES, PROTOCOL_VERSION, close};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{mpsc, watch};
use tracing::{Instrument, debug, info, info_span};
use uuid::Uuid;

use super::dispatch;
use crate::auth::AuthUser;
use crate::error::Error;
use crate::fanout::{ConnId, Outbound};
use crate::http::AppState;
use crate::realtime::DeliveredTracker;

/// How long an unauthenticated connection may take to send its `auth` frame.
/// Most frames written with one flush.
const COALESCE_MAX: usize = 64;
const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// How often an open connection checks that its session is still live.
const SESSION_RECHECK: Duration = Duration::from_mins(1);

/// tungstenite refuses a frame over the size limit with a capacity error.
fn is_too_large(error: &axum::Error) -> bool {
    let text = error.to_string();
    text.contains("too long") || text.contains("Space limit")
}

pub async fn run(socket: WebSocket, state: AppState, auth: Option<AuthUser>) {
    let (mut sink, mut stream) = socket.split();
    let auth = match auth {
        Some(auth) => auth,
        None => match authenticate(&state, &mut sink, &mut stream).await {
            Some(auth) => auth,
            None => return,
        },
    };
    // The shutdown waits for authenticated sessions to send their close frame.
    let _session = state.tasks.tracker().token();
    let span = info_span!("ws", user_id = %auth.user_id, session_id = %auth.session_id);
    serve(state, auth, sink, stream).instrument(span).await;
}

async fn serve(
    state: AppState,
    auth: AuthUser,
    mut sink: SplitSink<WebSocket, Message>,
    mut stream: SplitStream<WebSocket>,
) {
    let user = auth.user_id;
    let chats = match state.store.chat_ids_of(user).await {
        Ok(chats) => chats,
        Err(e) => {
            debug!(error = %e, "cannot load the user's chats");
            let _ = sink.send(close_message(1011, "server error; retry")).await;
            return;
        }
    };
    let registration = state.registry.register(
        user,
        auth.session_id,
        &chats,
        state.config.ws.queue_capacity,
    );
    let conn = registration.id;
    info!(conn, chats = chats.len(), "connected");
    let heartbeat = Duration::from_secs(state.config.ws.heartbeat_secs);
    let hello = Hello {
        protocol_version: PROTOCOL_VERSION,
        server_version: common::VERSION.into(),
        heartbeat_secs: heartbeat.as_secs(),
        user_id: user.into(),
        session_id: auth.session_id.into(),
        max_frame_bytes: MAX_FRAME_BYTES,
    };
    let tx = registration.tx.clone();
    push(
        &state,
        conn,
        &tx,
        frame(
            "hello",
            None,
            serde_json::to_value(hello).unwrap_or_default(),
        ),
    );
    state.presence.connected(user, conn).await;

    let mut writer = tokio::spawn(write_loop(
        sink,
        registration.rx,
        registration.kill,
        heartbeat,
        state.delivered.clone(),
        user,
    ));
    let mut writer_done = false;
    // Revocation on another node, or a disabled account with no Redis to announce it,
    // reaches an open socket within this interval.
    let mut recheck = tokio::time::interval(SESSION_RECHECK);
    recheck.tick().await;
    let idle = heartbeat * 3;
    loop {
        tokio::select! {
            _ = &mut writer => {
                writer_done = true;
                break;
            }
            _ = recheck.tick() => {
                if let Ok(None) = state.store.session_auth(auth.session_id, user).await {
                    push(&state, conn, &tx, Outbound::Close(close::UNAUTHORIZED, "session ended"));
                    break;
                }
            }
            next = tokio::time::timeout(idle, stream.next()) => match next {
                Err(_) => {
                    push(&state, conn, &tx, Outbound::Close(close::IDLE_TIMEOUT, "no frames for three heartbeats"));
                    break;
                }
                Ok(Some(Err(e))) => {
                    if is_too_large(&e) {
                        push(&state, conn, &tx, Outbound::Close(1009, "frame too large"));
                    }
                    break;
                }
                Ok(None | Some(Ok(Message::Close(_)))) => break,
                Ok(Some(Ok(Message::Text(text)))) => {
                    handle_text(&state, &auth, conn, text.as_str(), &tx).await;
                }
                Ok(Some(Ok(Message::Binary(_)))) => {
                    let error = Error::BadRequest("binary frames are not part of the protocol".into());
                    push(&state, conn, &tx, error_frame(None, &error));
                }
                Ok(Some(Ok(_))) => {}
            },
        }
    }
    let remaining = state.registry.unregister(conn);
    state.presence.disconnected(user, conn).await;
    if remaining == 0 {
        state.typing.user_gone(user);
    }
    // Let the writer flush what is queued (a close frame, say), but never wait on a dead
    // peer for long.
    drop(tx);
    if !writer_done {
        let _ = tokio::time::timeout(Duration::from_secs(2), &mut writer).await;
    }
    writer.abort();
    info!(conn, "disconnected");
}

async fn handle_text(
    state: &AppState,
    auth: &AuthUser,
    conn: ConnId,
    text: &str,
    tx: &mpsc::Sender<Outbound>,
) {
    // The shutdown closes sockets only after frames being handled got their answer.
    let _answering = state.frames.token();
    if text.len() > MAX_FRAME_BYTES {
        let error =
            Error::PayloadTooLarge(format!("frames are limited to {MAX_FRAME_BYTES} bytes"));
        push(state, conn, tx, error_frame(None, &error));
        return;
    }
    let envelope: Envelope = match serde_json::from_str(text) {
        Ok(envelope) => envelope,
        Err(e) => {
            let error = Error::BadRequest(format!("malformed JSON: {e}"));
            push(state, conn, tx, error_frame(None, &error));
            return;
        }
    };
    let id = envelope.id.clone();
    match dispatch::handle(state, auth, conn, envelope).await {
        Ok(data) => {
            if id.is_some() {
                push(state, conn, tx, frame("ack", id, data));
            }
        }
        Err(error) => {
            if error.code() == common::ErrorCode::RateLimitExceeded {
                state.metrics.ws_rate_limited();
            }
            push(state, conn, tx, error_frame(id, &error));
        }
    }
}

/// Waits for the `auth` frame of a connection that came without a header.
async fn authenticate(
    state: &AppState,
    sink: &mut SplitSink<WebSocket, Message>,
    stream: &mut SplitStream<WebSocket>,
) -> Option<AuthUser> {
    let first = tokio::time::timeout(AUTH_TIMEOUT, stream.next()).await;
    let Ok(Some(Ok(Message::Text(text)))) = first else {
        let _ = sink
            .send(close_message(close::UNAUTHORIZED, "authenticate first"))
            .await;
        return None;
    };
    let envelope: Option<Envelope> = serde_json::from_str(text.as_str()).ok();
    let token = envelope
        .as_ref()
        .filter(|e| e.kind == "auth")
        .and_then(|e| e.data.get("token"))
        .and_then(serde_json::Value::as_str);
    let result = match token {
        Some(token) => state.auth.authenticate(token).await,
        None => Err(Error::Unauthorized("the first frame must be auth")),
    };
    let id = envelope.and_then(|e| e.id);
    match result {
        Ok(auth) => {
            if id.is_some() {
                let ack = frame("ack", id, serde_json::Value::Null);
                if let Outbound::Frame { text, .. } = ack {
                    let _ = sink.send(Message::Text(text)).await;
                }
            }
            Some(auth)
        }
        Err(error) => {
            if let Outbound::Frame { text, .. } = error_frame(id, &error) {
                let _ = sink.send(Message::Text(text)).await;
            }
            let _ = sink
                .send(close_message(close::UNAUTHORIZED, "authentication failed"))
                .await;
            None
        }
    }
}

async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut rx: mpsc::Receiver<Outbound>,
    mut kill: watch::Receiver<Option<(u16, &'static str)>>,
    heartbeat: Duration,
    delivered: DeliveredTracker,
    user: Uuid,
) {
    let mut ping = tokio::time::interval(heartbeat);
    ping.tick().await;
    let mut kill_live = true;
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(Outbound::Frame { text, delivers }) => {
                    let mut written: Vec<_> = delivers.into_iter().collect();
                    let Ok(closing) = write_queued(&mut sink, &mut rx, text, &mut written).await
                    else {
                        break;
                    };
                    for (chat, seq) in written {
                        delivered.delivered(chat, user, seq);
                    }
                    if let Some((code, reason)) = closing {
                        let _ = sink.send(close_message(code, reason)).await;
                        break;
                    }
                }
                Some(Outbound::Close(code, reason)) => {
                    let _ = sink.send(close_message(code, reason)).await;
                    break;
                }
                None => break,
            },
            changed = kill.changed(), if kill_live => {
                if changed.is_err() {
                    // Unregistered: drain what is queued (a final close frame) and end.
                    kill_live = false;
                    continue;
                }
                let reason = *kill.borrow();
                if let Some((code, reason)) = reason {
                    let _ = sink.send(close_message(code, reason)).await;
                    break;
                }
            }
            _ = ping.tick() => {
                if sink.send(Message::Ping(axum::body::Bytes::default())).await.is_err() {
                    break;
                }
            }
        }
    }
    let _ = sink.close().await;
}

/// Writes `first` and whatever else is already queued behind it (up to [`COALESCE_MAX`]
/// frames) with one flush: a busy chat's messages reach each member as one write instead of
/// one system call, and one wake-up of the client, per frame. Adds the delivery watermarks
/// of the frames written to `written`; returns a close that was queued behind them.
async fn write_queued(
    sink: &mut SplitSink<WebSocket, Message>,
    rx: &mut mpsc::Receiver<Outbound>,
    first: Utf8Bytes,
    written: &mut Vec<(Uuid, i64)>,
) -> Result<Option<(u16, &'static str)>, ()> {
    sink.feed(Message::Text(first)).await.map_err(|_| ())?;
    let mut closing = None;
    for _ in 1..COALESCE_MAX {
        match rx.try_recv() {
            Ok(Outbound::Frame { text, delivers }) => {
                sink.feed(Message::Text(text)).await.map_err(|_| ())?;
                written.extend(delivers);
            }
            Ok(Outbound::Close(code, reason)) => {
                closing = Some((code, reason));
                break;
            }
            Err(_) => break,
        }
    }
    sink.flush().await.map_err(|_| ())?;
    Ok(closing)
}

fn close_message(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }))
}

/// Queues a frame. A full queue means the client is not reading: the connection is closed
/// as a slow consumer (the client reconnects and resyncs) rather than losing an answer.
fn push(state: &AppState, conn: ConnId, tx: &mpsc::Sender<Outbound>, out: Outbound) {
    if tx.try_send(out).is_err() {
        state.registry.kill(
            conn,
            close::SLOW_CONSUMER,
            "too far behind: reconnect and sync",
        );
    }
}

fn frame(kind: &str, id: Option<String>, data: serde_json::Value) -> Outbound {
    let envelope = Envelope {
        kind: kind.to_owned(),
        id,
        data,
        error: None,
    };
    Outbound::Frame {
        text: Utf8Bytes::from(serde_json::to_string(&envelope).unwrap_or_default()),
        delivers: None,
    }
}

fn error_frame(id: Option<String>, error: &Error) -> Outbound {
    if let Error::Internal(cause) = error {
        tracing::error!(error = ?cause, "internal error on the websocket");
    }
    let request_id = id.clone().unwrap_or_else(|| Uuid::now_v7().to_string());
    let envelope = Envelope {
        kind: "error".to_owned(),
        id,
        data: serde_json::Value::Null,
        error: Some(error.to_body(&request_id)),
    };
    Outbound::Frame {
        text: Utf8Bytes::from(serde_json::to_string(&envelope).unwrap_or_default()),
        delivers: None,
    }
}
