//! The HTTP accept loop: connection caps (global and per client address), the header-read
//! and keep-alive idle timeouts, `TCP_NODELAY`, `ConnectInfo`, WebSocket upgrades, and a
//! graceful stop (no new connections; open ones finish their request, then close).
//!
//! `axum::serve` has none of the caps or timeouts, so idle and half-header connections
//! stayed open for ever and one address could take every descriptor of the process. Each
//! connection holds a [`Slot`] for as long as its socket lives (an upgraded WebSocket
//! included, since the slot travels inside the stream); a connection over a cap is answered
//! `503` and closed at once, before any byte of it is read.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Instant;
use tower::ServiceExt as _;
use tracing::{debug, info, warn};

use super::slots::{Activity, Busy, BusyBody, SlotStream, Slots};
use crate::config::HttpConfig;

/// Descriptors kept free of connections for the database pool, Redis, attachment files and
/// the accept itself: an eighth of the open-files limit, at least 64.
fn fd_reserve(limit: u64) -> u64 {
    (limit / 8).max(64)
}

/// The caps and timeouts of the listener, from `[http]` and the open-files limit.
#[derive(Clone, Debug)]
pub struct Limits {
    /// A connection must complete its first request head within this.
    pub header_read_timeout: Duration,
    /// A kept-alive connection with no request in flight is closed after this.
    pub keep_alive_idle: Duration,
    /// Open connections (upgraded ones included) at most.
    pub max_connections: usize,
    /// Open connections from one client address at most (`None`: behind a proxy).
    pub max_per_address: Option<usize>,
}

impl Limits {
    /// The limits of `http`, the global cap kept below the process's open-files limit.
    pub fn from_config(http: &HttpConfig) -> Self {
        let file_limit = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_NOFILE)
            .map_or(u64::MAX, |(soft, _)| soft);
        let below_file_limit =
            usize::try_from(file_limit.saturating_sub(fd_reserve(file_limit)).max(1))
                .unwrap_or(usize::MAX);
        let max_connections = match http.max_connections {
            Some(n) if n > below_file_limit => {
                warn!(
                    configured = n,
                    open_files_limit = file_limit,
                    using = below_file_limit,
                    "http.max_connections is above what the open-files limit allows"
                );
                below_file_limit
            }
            Some(n) => n,
            None => below_file_limit,
        };
        // Behind a reverse proxy every connection comes from the proxy's address: a cap
        // per address would cap the whole site. The proxy limits its clients instead.
        let max_per_address = (!http.trust_forwarded_for).then_some(http.max_connections_per_ip);
        Self {
            header_read_timeout: Duration::from_secs(http.header_read_timeout_secs),
            keep_alive_idle: Duration::from_secs(http.keep_alive_idle_secs),
            max_connections,
            max_per_address,
        }
    }
}

/// The answer to a connection over a cap: the documented error body, then the socket closes.
fn busy_response() -> Vec<u8> {
    let body = common::ErrorResponse {
        error: crate::error::Error::Unavailable("too many connections; try again shortly".into())
            .to_body(&uuid::Uuid::now_v7().to_string()),
    };
    // Cannot fail for this body; should it, the 503 still goes out (bodiless), and the
    // failure is logged rather than passed off as an empty JSON document.
    let body = serde_json::to_vec(&body).unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot serialize the busy answer's body");
        Vec::new()
    });
    let mut response = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
         connection: close\r\nretry-after: 1\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    response
}

/// Serves `app` on `listener` until `shutdown` resolves; then stops accepting, lets every
/// open connection finish its request in flight, and returns once all have closed (the
/// caller bounds that wait). Upgraded connections are not waited for: the registry closes them.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    info!(
        max_connections = limits.max_connections,
        max_per_address = ?limits.max_per_address,
        header_read_timeout_secs = limits.header_read_timeout.as_secs(),
        keep_alive_idle_secs = limits.keep_alive_idle.as_secs(),
        "HTTP connection limits"
    );
    let slots = Slots::new(limits.max_connections, limits.max_per_address);
    let (stop_tx, stop_rx) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, addr) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = slots.take(addr.ip()) else {
            refuse(&stream, addr);
            continue;
        };
        // Small frames (acks, events) must leave at once, not wait for Nagle's algorithm.
        if let Err(e) = stream.set_nodelay(true) {
            warn!(error = %e, "cannot set TCP_NODELAY");
        }
        tokio::spawn(connection(
            SlotStream::new(stream, slot),
            addr,
            app.clone(),
            limits.clone(),
            stop_rx.clone(),
        ));
    }
    drop(listener);
    drop(stop_rx);
    // Every connection task holds a receiver: tell them, then wait until all are gone.
    let _ = stop_tx.send(());
    stop_tx.closed().await;
    Ok(())
}

fn refuse(stream: &TcpStream, addr: SocketAddr) {
    debug!(client = %addr.ip(), "connection refused: over the connection cap");
    // Never waits: a fresh socket's send buffer takes the few bytes, else the client just
    // sees the close.
    let _ = stream.try_write(&busy_response());
}

/// `EMFILE` and the like: the socket stays in the backlog; wait a little for descriptors.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    warn!(error = %e, "accepting a connection failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// One connection: HTTP/1.1 with upgrades, closed when idle past its timeout.
async fn connection(
    stream: SlotStream,
    addr: SocketAddr,
    app: Router,
    limits: Limits,
    mut stop: watch::Receiver<()>,
) {
    let activity = Arc::new(Activity::new());
    let tracked = activity.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(ConnectInfo(addr));
        let busy = Busy::new(tracked.clone());
        let app = app.clone();
        async move {
            let Ok(response) = app.oneshot(req.map(Body::new)).await;
            // The request counts as in flight until its body has been sent.
            Ok::<_, Infallible>(response.map(|body| Body::new(BusyBody::new(body, busy))))
        }
    });
    let mut conn = pin!(
        hyper::server::conn::http1::Builder::new()
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service)
            .with_upgrades()
    );
    let mut stopping = false;
    loop {
        let deadline = activity.deadline(limits.header_read_timeout, limits.keep_alive_idle);
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            () = sleep_until(deadline) => {
                if activity
                    .deadline(limits.header_read_timeout, limits.keep_alive_idle)
                    .is_some_and(|d| d <= Instant::now())
                {
                    debug!(client = %addr.ip(), "closing an idle connection");
                    break;
                }
            }
            () = activity.changed() => {}
            _ = stop.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_busy_answer_is_well_formed() {
        let response = busy_response();
        let text = std::str::from_utf8(&response).unwrap_or_default();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or_default();
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_default();
        assert_eq!(json["error"]["code"], "SERVICE_UNAVAILABLE");
    }

    #[test]
    fn the_global_cap_stays_below_the_open_files_limit() {
        assert_eq!(1024 - fd_reserve(1024), 896);
        assert_eq!(256 - fd_reserve(256), 192);
        assert_eq!(1_048_576 - fd_reserve(1_048_576), 917_504);
    }
}
