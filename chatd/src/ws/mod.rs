//! `GET /ws`: the WebSocket endpoint, and its fallback for networks that refuse upgrades:
//! `GET /api/events` (Server-Sent Events, `sse.rs`) with `POST /api/frames` (`frames.rs`).
//! Authentication happens before the upgrade when the request carries `Authorization:
//! Bearer`, otherwise by a first `auth` frame. The node's and the account's connection caps are checked here (the cap per client address is the
//! listener's, `http.max_connections_per_ip`, which counts upgraded connections too).

mod dispatch;
pub mod frames;
mod handshake;
pub mod recheck;
mod session;
pub mod sse;
mod writer;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;

use crate::auth::bearer_token;
use crate::error::{Error, Result};
use crate::state::AppState;

/// Frames larger than this close the connection (1009); frames over the documented
/// [`common::ws::MAX_FRAME_BYTES`] but under this get an error frame and the connection stays.
const HARD_FRAME_LIMIT: usize = 1024 * 1024;

/// The WebSocket route and its fallback transport.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ws", get(upgrade))
        .route("/api/events", get(sse::events))
        .route("/api/frames", axum::routing::post(frames::post_frame))
}

/// The WebSocket (docs/protocol.md): bearer header, or an `auth` frame first.
#[utoipa::path(get, path = "/ws", tag = "realtime",
    security((), ("bearer" = [])),
    responses(
        (status = 101, description = "Switching protocols: the WebSocket is open"),
        (status = 400, description = "VALIDATION_ERROR: not a WebSocket upgrade", body = common::ErrorResponse),
        (status = 401, description = "UNAUTHORIZED: the bearer token is not valid", body = common::ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: the account holds its most connections", body = common::ErrorResponse),
    ))]
async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    ws: std::result::Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response> {
    let ws = ws.map_err(|e| Error::BadRequest(format!("expected a WebSocket upgrade: {e}")))?;
    // Taken before authentication and held for the socket's life: a check of the
    // registered count would let sockets still authenticating (or racing) past the cap.
    let Ok(slot) = state.ws_slots.clone().try_acquire_owned() else {
        return Err(Error::Unavailable(
            "this server has reached its connection limit".into(),
        ));
    };
    let auth = match bearer_token(&headers) {
        Some(token) => Some(state.auth.authenticate(token).await?),
        None => None,
    };
    // Checked again, atomically, when the connection registers (which answers a race
    // lost here with close code 4029).
    let max = state.config.ws.max_connections_per_user;
    if let Some(auth) = &auth
        && state.registry.user_connection_count(auth.user_id) >= max
    {
        return Err(Error::TooManyConnections { max });
    }
    // Small per-connection buffers (configured): the library's defaults (128 KiB each way)
    // cost gigabytes at ten thousand connections, and chat frames are small.
    Ok(ws
        .read_buffer_size(state.config.ws.read_buffer_bytes)
        .write_buffer_size(state.config.ws.write_buffer_bytes)
        .max_message_size(HARD_FRAME_LIMIT)
        .max_frame_size(HARD_FRAME_LIMIT)
        .on_upgrade(move |socket| async move {
            // Boxed: the session's future holds the whole state and is large.
            Box::pin(session::run(socket, state, auth)).await;
            drop(slot);
        }))
}
