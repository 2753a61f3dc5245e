//! One WebSocket connection: the `auth` frame, registration (a [`Live`] guard whose `Drop`
//! undoes it, whatever ends the connection, a panic included), the reader loop that decodes
//! frames and calls the services, and the end: the close frame answered or sent, the
//! client's input drained briefly so that it gets that frame rather than a TCP reset.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use axum::extract::ws::{Message, Utf8Bytes, WebSocket};
use common::ids::{ChatId, UserId};
use common::ws::{Hello, MAX_FRAME_BYTES, PROTOCOL_VERSION, ServerFrame, close};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{FutureExt, SinkExt, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::{Instrument, Span, debug, error, info, info_span};

use super::dispatch::{self, error_frame};
use super::handshake::{authenticate, refuse};
use super::writer::{CLOSE_WRITE_TIMEOUT, Kill, close_message, killed, write_loop};
use crate::auth::AuthUser;
use crate::error::Error;
use crate::fanout::{ConnId, Outbound};
use crate::state::AppState;

/// How long an unauthenticated connection may take to send its `auth` frame.
pub(super) const AUTH_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing connection keeps reading (and dropping) what the client still sends,
/// so that closing the socket with unread input does not reset it under the close frame.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// tungstenite refuses a frame over the size limit with a capacity error (axum's error
/// wraps tungstenite's).
fn is_too_large(error: &axum::Error) -> bool {
    use std::error::Error as _;
    use tokio_tungstenite::tungstenite;
    matches!(
        error
            .source()
            .and_then(|e| e.downcast_ref::<tungstenite::Error>()),
        Some(tungstenite::Error::Capacity(_))
    )
}

pub async fn run(socket: WebSocket, state: AppState, auth: Option<AuthUser>) {
    let (mut sink, mut stream) = socket.split();
    let auth = match auth {
        Some(auth) => auth,
        // Boxed, as every large step below is: the session's own future lives as long as
        // the socket, so it keeps only the read loop's state (see `tests`).
        None => match Box::pin(authenticate(&state, &mut sink, &mut stream)).await {
            Some(auth) => auth,
            None => return,
        },
    };
    // The shutdown waits for authenticated sessions to send their close frame.
    let _session = state.tasks.tracker().token();
    let span = info_span!("ws", user_id = %auth.user_id, session_id = %auth.session_id);
    serve(state, auth, sink, stream).instrument(span).await;
}

/// A registered connection. Ending it (or dropping it, on a panic) unregisters it, marks
/// it offline and ends its user's typing when it was their last connection here.
pub(super) struct Live {
    state: AppState,
    pub(super) conn: ConnId,
    user: UserId,
    done: bool,
}

impl Live {
    /// The guard of connection `conn` of `user`, just registered.
    pub(super) fn new(state: AppState, conn: ConnId, user: UserId) -> Self {
        Self {
            state,
            conn,
            user,
            done: false,
        }
    }

    /// Unregisters now; presence follows through its announcer.
    pub(super) fn end(mut self) {
        self.done = true;
        let remaining = self.state.registry.unregister(self.conn);
        self.state.presence.disconnected(self.user, self.conn);
        if remaining == 0 {
            self.state.typing.user_gone(self.user);
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        // Reached only when the connection's task unwinds or is aborted: close the socket
        // (the writer sees the kill) and clean up as `end` would.
        self.state.registry.kill(
            self.conn,
            close::SERVER_ERROR,
            "server error: reconnect and sync",
        );
        let remaining = self.state.registry.unregister(self.conn);
        if remaining == 0 {
            self.state.typing.user_gone(self.user);
        }
        self.state.presence.disconnected(self.user, self.conn);
    }
}

/// Why the reader loop ended: the close to send and whether the client may still be
/// sending (so its input is drained).
struct Ending {
    close: (u16, &'static str),
    drain: bool,
    writer_done: bool,
}

async fn serve(
    state: AppState,
    auth: AuthUser,
    mut sink: SplitSink<WebSocket, Message>,
    mut stream: SplitStream<WebSocket>,
) {
    let user = auth.user_id;
    let heartbeat = Duration::from_secs(state.config.ws.heartbeat_secs);
    // Registered before the chats are read, so no membership event can slip between the
    // read and the registration; `hello` is queued first and leaves once the chats are in.
    let max = state.config.ws.max_connections_per_user;
    let Some(first) = hello(&auth, heartbeat) else {
        let closing = sink.send(close_message(close::SERVER_ERROR, "server error; retry"));
        let _ = tokio::time::timeout(CLOSE_WRITE_TIMEOUT, closing).await;
        return;
    };
    let registered = state.registry.register(
        user,
        auth.session_id,
        state.config.ws.queue_capacity,
        first,
        max,
    );
    let Ok(registration) = registered else {
        info!(max, "connection refused: too many for this account");
        let error = Error::TooManyConnections { max };
        let reason = "too many connections for this account";
        refuse(
            &mut sink,
            None,
            &error,
            (close::TOO_MANY_CONNECTIONS, reason),
        )
        .await;
        return;
    };
    let conn = registration.id;
    let live = Live {
        state: state.clone(),
        conn,
        user,
        done: false,
    };
    let (chats, ended) = Box::pin(chats_and_session(&state, &auth)).await;
    let chats = match chats {
        Ok(chats) => chats,
        Err(e) => {
            debug!(error = %e, "cannot load the user's chats");
            let closing = sink.send(close_message(close::SERVER_ERROR, "server error; retry"));
            let _ = tokio::time::timeout(CLOSE_WRITE_TIMEOUT, closing).await;
            live.end();
            return;
        }
    };
    state.registry.load_chats(user, &chats, registration.load);
    // A revocation published between the token check and the registration found no
    // connection to close: look once more (after the registration, so the next one will).
    if let Ok(true) = ended {
        let closing = sink.send(close_message(close::UNAUTHORIZED, "session ended"));
        let _ = tokio::time::timeout(CLOSE_WRITE_TIMEOUT, closing).await;
        live.end();
        return;
    }
    info!(conn, chats = chats.len(), "connected");
    state.presence.connected(user, conn);

    let tx = registration.tx;
    let mut writer = tokio::spawn(
        write_loop(
            sink,
            registration.rx,
            registration.kill.clone(),
            heartbeat,
            state.delivered.clone(),
            user,
        )
        .instrument(Span::current()),
    );
    let mut kill = registration.kill;
    let ending = read_loop(
        &state,
        &auth,
        conn,
        &tx,
        &mut stream,
        &mut kill,
        &mut writer,
    )
    .await;
    // The first reason given wins: a slow consumer stays 4008 even if the reader ended too.
    state.registry.kill(conn, ending.close.0, ending.close.1);
    drop(tx);
    live.end();
    // The writer writes (or answers) the close frame, bounded; meanwhile what the client
    // still sends is read and dropped, so the socket is not reset under that frame.
    let drain = async {
        if ending.drain {
            while let Some(Ok(message)) = stream.next().await {
                if matches!(message, Message::Close(_)) {
                    break;
                }
            }
        }
    };
    let wrote = async {
        if !ending.writer_done {
            let _ = (&mut writer).await;
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, futures_util::future::join(wrote, drain)).await;
    writer.abort();
    info!(conn, code = ending.close.0, "disconnected");
}

/// The user's chats and whether the session has ended, read at once: the `hello` leaves
/// after both.
async fn chats_and_session(
    state: &AppState,
    auth: &AuthUser,
) -> (
    crate::error::Result<Vec<ChatId>>,
    crate::error::Result<bool>,
) {
    tokio::join!(
        state.chats.ids_of(auth.user_id),
        state.auth.session_ended(auth)
    )
}

/// The `hello` frame, serialized (`None`, logged, if it cannot be).
pub(super) fn hello(auth: &AuthUser, heartbeat: Duration) -> Option<Outbound> {
    let hello = ServerFrame::Hello(Hello {
        protocol_version: PROTOCOL_VERSION,
        server_version: common::VERSION.into(),
        heartbeat_secs: heartbeat.as_secs(),
        user_id: auth.user_id,
        session_id: auth.session_id,
        max_frame_bytes: MAX_FRAME_BYTES,
    });
    Some(Outbound::Frame {
        text: encode(&hello)?,
        delivers: None,
    })
}

/// Reads and handles frames until the connection must end.
async fn read_loop(
    state: &AppState,
    auth: &AuthUser,
    conn: ConnId,
    tx: &mpsc::Sender<Outbound>,
    stream: &mut SplitStream<WebSocket>,
    kill: &mut Kill,
    writer: &mut JoinHandle<()>,
) -> Ending {
    let ending = |code, reason, drain| Ending {
        close: (code, reason),
        drain,
        writer_done: false,
    };
    let idle = Duration::from_secs(state.config.ws.heartbeat_secs) * 3;
    loop {
        tokio::select! {
            _ = &mut *writer => {
                return Ending { writer_done: true, ..ending(1000, "", true) };
            }
            reason = killed(kill) => {
                let (code, reason) = reason.unwrap_or((1000, ""));
                return ending(code, reason, true);
            }
            next = tokio::time::timeout(idle, stream.next()) => match next {
                Err(_) => return ending(close::IDLE_TIMEOUT, "no frames for three heartbeats", true),
                Ok(Some(Err(e))) => {
                    if is_too_large(&e) {
                        return ending(1009, "frame too large", false);
                    }
                    return ending(1000, "", false);
                }
                // A client's close is answered at once (the close frame echoes its code).
                Ok(None | Some(Ok(Message::Close(_)))) => return ending(1000, "", false),
                Ok(Some(Ok(Message::Text(text)))) => {
                    let handling = Box::pin(handle_text(state, auth, conn, text.as_str(), tx));
                    let handled = AssertUnwindSafe(handling).catch_unwind()
                        .await;
                    if handled.is_err() {
                        error!(conn, "a frame's handler panicked: connection closed");
                        return ending(close::SERVER_ERROR, "server error: reconnect and sync", true);
                    }
                }
                Ok(Some(Ok(Message::Binary(_)))) => {
                    let error = Error::BadRequest("binary frames are not part of the protocol".into());
                    push(state, conn, tx, &error_frame(None, &error));
                }
                Ok(Some(Ok(_))) => {}
            },
        }
    }
}

async fn handle_text(
    state: &AppState,
    auth: &AuthUser,
    conn: ConnId,
    text: &str,
    tx: &mpsc::Sender<Outbound>,
) {
    // Held until the answer is queued: the shutdown's close is queued behind it, never ahead.
    let _answering = state.frames.token();
    if let Some(frame) = dispatch::answer(state, auth, Some(conn), text).await {
        push(state, conn, tx, &frame);
    }
}

/// Queues a frame. A full queue means the client is not reading: the connection is closed
/// as a slow consumer (the client reconnects and resyncs) rather than losing an answer. A
/// frame that cannot be serialized closes the connection too (1011: reconnect and sync),
/// rather than leaving the client waiting for an answer that never comes.
fn push(state: &AppState, conn: ConnId, tx: &mpsc::Sender<Outbound>, frame: &ServerFrame) {
    let Some(text) = encode(frame) else {
        state.registry.kill(
            conn,
            close::SERVER_ERROR,
            "server error: reconnect and sync",
        );
        return;
    };
    let out = Outbound::Frame {
        text,
        delivers: None,
    };
    if tx.try_send(out).is_err() {
        state.registry.kill(
            conn,
            close::SLOW_CONSUMER,
            "too far behind: reconnect and sync",
        );
    }
}

/// A frame serialized once, as the text the socket sends. A failure is an error, logged
/// here once; the caller closes the connection instead of sending anything else.
pub(super) fn encode(frame: &ServerFrame) -> Option<Utf8Bytes> {
    match serde_json::to_string(frame) {
        Ok(text) => Some(Utf8Bytes::from(text)),
        Err(e) => {
            error!(error = %e, kind = frame.kind(), "cannot serialize a frame");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size of the future an async function returns, without calling it.
    fn future_size<A, B, C, F: Future>(_: impl Fn(A, B, C) -> F) -> usize {
        size_of::<F>()
    }

    /// Every open socket keeps its session's future for its whole life: what a frame's
    /// handling needs is boxed for that frame only. Inlined, it made each socket's future
    /// about 18 KiB, most of the memory of 20,000 idle connections.
    #[test]
    fn an_idle_sessions_future_stays_small() {
        let size = future_size(run);
        eprintln!(
            "session future: {size} bytes; AppState {} bytes",
            size_of::<AppState>()
        );
        assert!(size < 2048, "the session's future is {size} bytes");
    }
}
