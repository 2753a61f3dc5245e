//! Per-request context: the request id (from `x-request-id` or new), the request span, the
//! request timeout, and the id on every response and every error body.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::{Instrument, info, info_span, warn};
use uuid::Uuid;

use crate::error::Error;
use crate::state::AppState;

/// The header that carries the request id in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served on this task, or `-` outside any request.
pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".to_owned())
}

/// A client-supplied id is kept when it is short and printable, so that ids can be followed
/// through a reverse proxy; anything else gets a fresh UUIDv7.
fn request_id_from(req: &Request) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(|| Uuid::now_v7().to_string(), str::to_owned)
}

/// The outermost middleware of every route.
pub async fn request_context(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let request_id = request_id_from(&req);
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("<unmatched>", MatchedPath::as_str)
        .to_owned();
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default();
    let span = info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        route = %route,
        client = %client,
    );
    let timeout = Duration::from_secs(state.config.http.request_timeout_secs);
    let started = Instant::now();
    let mut response = REQUEST_ID
        .scope(request_id.clone(), async move {
            tokio::time::timeout(timeout, next.run(req))
                .await
                .unwrap_or_else(|_| {
                    warn!("request timed out");
                    Error::Unavailable("the request timed out".into()).into_response()
                })
        })
        .instrument(span.clone())
        .await;
    state
        .metrics
        .http_served(response.status(), started.elapsed());
    span.in_scope(|| {
        info!(
            status = response.status().as_u16(),
            latency_ms = started.elapsed().as_secs_f64() * 1000.0,
            "served"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}
