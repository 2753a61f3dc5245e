//! The writer task of one connection: it owns the sink, drains the connection's bounded
//! queue (coalescing what is queued into one flush), pings, and writes the close frame.
//! Every write races the kill switch, so a peer that stopped reading (its TCP window full)
//! cannot hold up its own cut-off; the close frame itself is written with a timeout.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket};
use common::ids::{ChatId, UserId};
use common::ws::close;
use futures_util::SinkExt;
use futures_util::stream::SplitSink;
use tokio::sync::{mpsc, watch};
use tracing::info;

use crate::fanout::Outbound;
use crate::realtime::DeliveredTracker;

/// Most frames written with one flush.
const COALESCE_MAX: usize = 64;
/// How long the close frame may take to leave; a peer that does not read never takes it.
pub const CLOSE_WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// The kill switch of a connection: set once, with the close code and reason.
pub type Kill = watch::Receiver<Option<(u16, &'static str)>>;

/// Resolves when the connection must close: with its code and reason, or `None` when the
/// registry dropped it without one.
pub async fn killed(kill: &mut Kill) -> Option<(u16, &'static str)> {
    loop {
        if let Some(reason) = *kill.borrow_and_update() {
            return Some(reason);
        }
        if kill.changed().await.is_err() {
            return *kill.borrow();
        }
    }
}

/// What the writer does next.
enum Step {
    Frame(Utf8Bytes, Option<(ChatId, i64)>),
    Close(u16, &'static str),
    Ping,
    Done,
}

/// Writes until the queue ends, a write fails or the connection is killed; then writes the
/// close frame (bounded) and closes the sink.
pub async fn write_loop(
    mut sink: SplitSink<WebSocket, Message>,
    mut rx: mpsc::Receiver<Outbound>,
    mut kill: Kill,
    heartbeat: Duration,
    delivered: DeliveredTracker,
    user: UserId,
) {
    let mut ping = tokio::time::interval(heartbeat);
    ping.tick().await;
    let closing = loop {
        let step = tokio::select! {
            biased;
            reason = killed(&mut kill) => break reason,
            out = rx.recv() => match out {
                Some(Outbound::Frame { text, delivers }) => Step::Frame(text, delivers),
                Some(Outbound::Close(code, reason)) => Step::Close(code, reason),
                None => Step::Done,
            },
            _ = ping.tick() => Step::Ping,
        };
        let write = async {
            match step {
                Step::Frame(text, delivers) => {
                    let mut written: Vec<_> = delivers.into_iter().collect();
                    let closing = write_queued(&mut sink, &mut rx, text, &mut written).await?;
                    for (chat, seq) in written {
                        delivered.delivered(chat, user, seq);
                    }
                    Ok(closing)
                }
                Step::Close(code, reason) => Ok(Some((code, reason))),
                Step::Ping => sink
                    .send(Message::Ping(axum::body::Bytes::default()))
                    .await
                    .map(|()| None)
                    .map_err(|_| ()),
                Step::Done => Ok(Some((1000, ""))),
            }
        };
        tokio::select! {
            biased;
            reason = killed(&mut kill) => break reason,
            result = write => match result {
                Ok(None) => {}
                Ok(Some(reason)) => break Some(reason),
                Err(()) => return,
            },
        }
    };
    if let Some((code, reason)) = closing {
        if code == close::SLOW_CONSUMER {
            info!(code, "slow consumer cut off: its queue was full");
        }
        // After the client's own close, tungstenite refuses a second close frame and has
        // queued its answer (echoing the client's code): `close` flushes that.
        let closing = async {
            let _ = sink.send(close_message(code, reason)).await;
            let _ = sink.close().await;
        };
        let _ = tokio::time::timeout(CLOSE_WRITE_TIMEOUT, closing).await;
    }
}

/// Writes `first` and whatever else is already queued behind it (up to [`COALESCE_MAX`]
/// frames) with one flush: a busy chat's messages reach each member as one write instead of
/// one system call, and one wake-up of the client, per frame. Adds the delivery watermarks
/// of the frames written to `written`; returns a close that was queued behind them.
async fn write_queued(
    sink: &mut SplitSink<WebSocket, Message>,
    rx: &mut mpsc::Receiver<Outbound>,
    first: Utf8Bytes,
    written: &mut Vec<(ChatId, i64)>,
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

/// A close frame.
pub fn close_message(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: Utf8Bytes::from_static(reason),
    }))
}
