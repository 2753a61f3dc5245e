//! `POST /api/frames`: one WebSocket client frame over REST, for clients on the event
//! stream (`sse.rs`). The body is read and dispatched by the socket's own path
//! (`dispatch::answer`), so limits, rate limits and errors are the socket's; the answer
//! frame is the response body.

use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::ws::ServerFrame;

use super::dispatch::{answer, error_frame};
use super::session::encode;
use crate::auth::AuthUser;
use crate::error::Error;
use crate::state::AppState;

/// A client frame over REST (docs/protocol.md, "Server-Sent Events").
#[utoipa::path(post, path = "/api/frames", tag = "realtime",
    security(("bearer" = [])),
    request_body(content = String, description = "One client frame: `{\"type\",\"id\",\"data\"}` as on the WebSocket", content_type = "application/json"),
    responses(
        (status = 200, description = "The `ack` frame of a frame with an `id`"),
        (status = 204, description = "A frame without `id` succeeded"),
        (status = 400, description = "VALIDATION_ERROR: the `error` frame (malformed JSON, unknown type, invalid data)", body = common::ErrorResponse),
        (status = 401, description = "UNAUTHORIZED: no valid bearer token", body = common::ErrorResponse),
        (status = 404, description = "NOT_FOUND: the `error` frame (a chat or message the caller cannot see)", body = common::ErrorResponse),
        (status = 413, description = "PAYLOAD_TOO_LARGE: the `error` frame (over 64 KiB)", body = common::ErrorResponse),
        (status = 429, description = "RATE_LIMIT_EXCEEDED: the `error` frame", body = common::ErrorResponse),
    ))]
pub async fn post_frame(
    State(state): State<AppState>,
    auth: AuthUser,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let text = match body {
        Ok(bytes) => bytes,
        Err(rejection) => {
            let error = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Error::PayloadTooLarge(format!(
                    "frames are limited to {} bytes",
                    common::ws::MAX_FRAME_BYTES
                ))
            } else {
                Error::BadRequest(format!("cannot read the body: {rejection}"))
            };
            return respond(&error_frame(None, &error));
        }
    };
    let Ok(text) = std::str::from_utf8(&text) else {
        let error = Error::BadRequest("malformed JSON: the body is not UTF-8".into());
        return respond(&error_frame(None, &error));
    };
    // Presence and the like act for the caller's event stream when it is on this node.
    let conn = state.registry.conn_of_session(auth.session_id);
    match answer(&state, &auth, conn, text).await {
        Some(frame) => respond(&frame),
        None => StatusCode::NO_CONTENT.into_response(),
    }
}

/// The answer frame as the body: 200 for an `ack`, the error code's documented status for
/// an `error` (the frame holds the documented `error` body).
fn respond(frame: &ServerFrame) -> Response {
    let Some(text) = encode(frame) else {
        return Error::Internal(anyhow::anyhow!("cannot serialize an answer frame"))
            .into_response();
    };
    let status = match frame {
        ServerFrame::Error { error, .. } => StatusCode::from_u16(error.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        _ => StatusCode::OK,
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        text.as_str().to_owned(),
    )
        .into_response()
}
