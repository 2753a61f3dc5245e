//! `GET /api/events`: the WebSocket's event stream as Server-Sent Events, for networks whose
//! proxies refuse WebSocket upgrades. The connection registers like a socket (same caps,
//! bounded queue, slow-consumer cut-off, session recheck and revocation kill); a pump task
//! moves its queue into the response body, and its end is a `close` event with the code the
//! socket's close frame would carry. Client frames come by `POST /api/frames` (`frames.rs`).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use common::ids::UserId;
use common::ws::ServerFrame;
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tracing::{Instrument, debug, info, info_span};

use super::session::{Live, encode, hello};
use super::writer::{Kill, killed};
use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::fanout::{ConnId, Outbound, Registration};
use crate::state::AppState;

/// Events handed to the response body ahead of the network. Small: the connection's own
/// bounded queue (`ws.queue_capacity`) is what measures a slow consumer.
const BODY_BUFFER: usize = 8;

/// The event stream (docs/protocol.md, "Server-Sent Events").
#[utoipa::path(get, path = "/api/events", tag = "realtime",
    security(("bearer" = [])),
    params(("Last-Event-ID" = Option<String>, Header,
        description = "Set by a reconnecting client: the stream starts with `hello` then `sync:required`")),
    responses(
        (status = 200, description = "`text/event-stream`: one ServerFrame JSON per `data:`, `hello` first, heartbeats as comments, a final `close` event", content_type = "text/event-stream"),
        (status = 401, description = "UNAUTHORIZED: no valid bearer token, or the session ended", body = common::ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: the account holds its most connections", body = common::ErrorResponse),
        (status = 503, description = "SERVICE_UNAVAILABLE: the node holds its most connections", body = common::ErrorResponse),
    ))]
pub async fn events(
    State(state): State<AppState>,
    auth: AuthUser,
    headers: HeaderMap,
) -> Result<Response> {
    // The same node cap as sockets, held for the stream's life.
    let Ok(slot) = state.ws_slots.clone().try_acquire_owned() else {
        return Err(Error::Unavailable(
            "this server has reached its connection limit".into(),
        ));
    };
    let user = auth.user_id;
    let heartbeat = Duration::from_secs(state.config.ws.heartbeat_secs);
    let max = state.config.ws.max_connections_per_user;
    let first = hello(&auth, heartbeat)
        .ok_or_else(|| Error::Internal(anyhow::anyhow!("cannot serialize hello")))?;
    let registration = state
        .registry
        .register(
            user,
            auth.session_id,
            state.config.ws.queue_capacity,
            first,
            max,
        )
        .map_err(|_| Error::TooManyConnections { max })?;
    let Registration {
        id: conn,
        rx,
        kill,
        tx,
        load,
    } = registration;
    let live = Live::new(state.clone(), conn, user);
    let (chats, ended) = tokio::join!(state.chats.ids_of(user), state.auth.session_ended(&auth));
    let chats = match chats {
        Ok(chats) => chats,
        Err(e) => {
            live.end();
            return Err(e);
        }
    };
    state.registry.load_chats(user, &chats, load);
    // As for sockets: a revocation published before the registration found nothing to kill.
    if let Ok(true) = ended {
        live.end();
        return Err(Error::Unauthorized("session ended"));
    }
    // Frames are not kept for replay: a client resuming after a gap syncs from its cursors
    // (its `sync` frame), and is told so right after `hello`.
    if headers.contains_key("last-event-id") {
        let resync = encode(&ServerFrame::SyncRequired).map(|text| Outbound::Frame {
            text,
            delivers: None,
        });
        if let Some(resync) = resync {
            let _ = tx.try_send(resync);
        }
    }
    info!(conn, chats = chats.len(), "event stream connected");
    state.presence.connected(user, conn);
    let (body_tx, body_rx) = mpsc::channel(BODY_BUFFER);
    let span = info_span!("sse", user_id = %user, session_id = %auth.session_id);
    drop(tx);
    tokio::spawn(pump(state, live, (rx, kill), body_tx, slot, user).instrument(span));
    let body = futures_util::stream::unfold(body_rx, |mut rx| async move {
        rx.recv()
            .await
            .map(|event| (Ok::<_, Infallible>(event), rx))
    });
    let keep_alive = KeepAlive::new().interval(heartbeat).text("heartbeat");
    let mut response = Sse::new(body).keep_alive(keep_alive).into_response();
    // Reverse proxies that buffer responses (nginx) would hold the events back.
    response
        .headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

/// Moves the connection's queue into the response body until the connection is killed,
/// its queue ends or the client goes away; then sends the `close` event and unregisters.
async fn pump(
    state: AppState,
    live: Live,
    (mut rx, mut kill): (mpsc::Receiver<Outbound>, Kill),
    body: mpsc::Sender<Event>,
    slot: OwnedSemaphorePermit,
    user: UserId,
) {
    // The shutdown waits for open streams to get their `close` event.
    let _session = state.tasks.tracker().token();
    let conn = live.conn;
    let closing = forward(&state, conn, user, &mut rx, &mut kill, &body).await;
    if let Some((code, reason)) = closing {
        let data = serde_json::json!({ "code": code, "reason": reason }).to_string();
        // Best effort: a client that stopped reading does not get it, as with sockets.
        let _ = body.try_send(Event::default().event("close").data(data));
        info!(conn, code, "event stream closed");
    }
    live.end();
    drop(slot);
}

/// The pump's loop; returns the close to announce (`None`: the client is gone).
async fn forward(
    state: &AppState,
    conn: ConnId,
    user: UserId,
    rx: &mut mpsc::Receiver<Outbound>,
    kill: &mut Kill,
    body: &mpsc::Sender<Event>,
) -> Option<(u16, &'static str)> {
    // The event id counts this stream's events: a reconnect that names one says it missed
    // something, which is answered by `sync:required` (frames are not kept for replay).
    let mut count: u64 = 0;
    loop {
        let out = tokio::select! {
            biased;
            reason = killed(kill) => return Some(reason.unwrap_or((1000, ""))),
            () = body.closed() => return None,
            out = rx.recv() => out,
        };
        match out {
            Some(Outbound::Frame { text, delivers }) => {
                count += 1;
                let event = Event::default().id(count.to_string()).data(text.as_str());
                tokio::select! {
                    biased;
                    reason = killed(kill) => return Some(reason.unwrap_or((1000, ""))),
                    sent = body.send(event) => if sent.is_err() {
                        debug!(conn, "event stream client gone");
                        return None;
                    },
                }
                if let Some((chat, seq)) = delivers {
                    state.delivered.delivered(chat, user, seq);
                }
            }
            Some(Outbound::Close(code, reason)) => return Some((code, reason)),
            None => return Some((1000, "")),
        }
    }
}
