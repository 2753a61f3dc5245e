//! Per-request context from tower-http's layers: the request id (from `x-request-id` or
//! new), the request span and its `served` line, the request timeout, and the id on every
//! response and every error body.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderName, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;
use tracing::{Span, info, info_span, warn};
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

/// Fresh request ids: UUIDv7, so that they sort by time in the logs.
#[derive(Clone, Copy, Debug)]
struct MakeUuidV7;

impl MakeRequestId for MakeUuidV7 {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        Uuid::now_v7().to_string().parse().ok().map(RequestId::new)
    }
}

/// A client-supplied id is kept when it is short and printable, so that ids can be followed
/// through a reverse proxy; anything else is dropped here and replaced by a fresh one
/// (`SetRequestId` keeps whatever header it finds).
fn drop_unusable_request_id(mut req: Request) -> Request {
    let usable = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        });
    if !usable {
        req.headers_mut().remove(REQUEST_ID_HEADER);
    }
    req
}

fn request_id_of<B>(req: &Request<B>) -> String {
    req.extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-")
        .to_owned()
}

/// The span of one request, keyed on the route template, the request id and the client.
fn request_span(req: &Request<Body>) -> Span {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("<unmatched>", MatchedPath::as_str);
    let client = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_default();
    info_span!(
        "request",
        request_id = %request_id_of(req),
        method = %req.method(),
        route = %route,
        client = %client,
    )
}

/// Makes the request id reachable from error bodies (`current_request_id`).
async fn in_request_scope(req: Request, next: Next) -> Response {
    let request_id = request_id_of(&req);
    REQUEST_ID.scope(request_id, next.run(req)).await
}

/// `router` with the layers every request passes, outermost first: the request id is
/// checked, set and copied to the response; the span opens and logs `served`; the id is
/// put in scope; the timeout runs.
pub fn with_request_layers(router: Router<AppState>, state: &AppState) -> Router<AppState> {
    let header = HeaderName::from_static(REQUEST_ID_HEADER);
    let metrics = state.metrics.clone();
    let limits = TimeLimits {
        request: Duration::from_secs(state.config.http.request_timeout_secs),
        upload: Duration::from_secs(state.config.attachments.upload_timeout_secs),
    };
    router.layer(
        ServiceBuilder::new()
            .map_request(drop_unusable_request_id)
            .layer(SetRequestIdLayer::new(header.clone(), MakeUuidV7))
            .layer(PropagateRequestIdLayer::new(header))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    .on_request(())
                    .on_body_chunk(())
                    .on_eos(())
                    .on_response(move |response: &Response, latency: Duration, _: &Span| {
                        metrics.http_served(response.status(), latency);
                        info!(
                            status = response.status().as_u16(),
                            latency_ms = latency.as_secs_f64() * 1000.0,
                            "served"
                        );
                    })
                    // A 5xx is logged once where it is made (`Error::into_response`).
                    .on_failure(()),
            )
            .layer(middleware::from_fn(in_request_scope))
            .layer(middleware::from_fn_with_state(limits, time_limit)),
    )
}

/// How long a request may take before it is answered 503.
#[derive(Clone, Copy)]
struct TimeLimits {
    /// `http.request_timeout_secs`.
    request: Duration,
    /// `attachments.upload_timeout_secs`, for uploads of files (minutes on a slow link).
    upload: Duration,
}

/// The path of uploads, the one route whose body may take minutes to arrive.
const UPLOAD_PATH: &str = "/api/attachments/upload";

/// Answers `503` with the documented body when the request takes longer than its limit.
async fn time_limit(State(limits): State<TimeLimits>, req: Request, next: Next) -> Response {
    let limit = if req.method() == Method::POST && req.uri().path() == UPLOAD_PATH {
        limits.upload
    } else {
        limits.request
    };
    if let Ok(response) = tokio::time::timeout(limit, next.run(req)).await {
        response
    } else {
        warn!(limit_secs = limit.as_secs(), "request timed out");
        Error::Unavailable("the request timed out".into()).into_response()
    }
}
