//! The reconnect storm's clients: connect, sync, follow live events; at the storm lose the
//! socket (or have it cut by a restart), reconnect and resync with every cursor through
//! `sync`, paging `hasMore`, and record every bench message they hold.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::api::sync::{ChatCursor, SyncRequest, SyncResponse};
use common::client::Socket;
use common::ids::ChatId;
use common::ws::{ClientRequest, Envelope};
use tokio::sync::{Semaphore, watch};

use super::reader::parse_content;

/// The phases every client follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Phase {
    Connected,
    /// Drop the sockets (drop mode) or expect them cut (restart mode).
    Storm,
    /// Reconnect (drop mode: once every socket is gone and the senders posted meanwhile).
    Reconnect,
    End,
}

/// What one client measured.
#[derive(Default)]
pub(super) struct ClientResult {
    /// From the storm's start to its reconnect and to its resync, microseconds.
    pub(super) reconnected_us: Option<u64>,
    pub(super) resynced_us: Option<u64>,
    pub(super) sync_requests: u64,
    /// Bench message numbers it holds (live or through sync).
    pub(super) seen: HashSet<u64>,
    /// Of those, the ones that first came through a `sync` answer.
    pub(super) by_sync: HashSet<u64>,
}

/// Clients that have resynced since the storm.
#[derive(Default)]
pub(super) struct Progress {
    pub(super) dropped: std::sync::atomic::AtomicUsize,
    pub(super) resynced: std::sync::atomic::AtomicUsize,
    pub(super) notify: tokio::sync::Notify,
}

/// Where a client connects, and as whom.
pub(super) struct Conn {
    pub(super) server: String,
    pub(super) token: String,
    pub(super) me: String,
    /// Drop the socket at the storm; else wait for the restart to cut it.
    pub(super) drop_at_storm: bool,
}

/// What every client shares.
pub(super) struct Shared {
    pub(super) permits: Arc<Semaphore>,
    pub(super) started: Arc<Mutex<Option<Instant>>>,
    pub(super) progress: Arc<Progress>,
}

/// One client: connect, sync, follow live events; at the storm lose the socket (or have
/// it cut by the restart), reconnect and resync with every cursor, paging `hasMore`.
pub(super) async fn client(
    conn: Conn,
    shared: Shared,
    mut phase: watch::Receiver<Phase>,
    ready: tokio::sync::mpsc::Sender<()>,
) -> ClientResult {
    let Shared {
        permits,
        started,
        progress,
    } = shared;
    let mut result = ClientResult::default();
    let mut cursors: HashMap<ChatId, i64> = HashMap::new();
    let mut socket = {
        let _permit = permits.acquire().await;
        let Some(socket) = reconnect(&conn, &mut phase).await else {
            return result;
        };
        socket
    };
    // The first sync names no chat: every chat comes with its lastSeq.
    if resync(&mut socket, &conn.me, &mut cursors, &mut result)
        .await
        .is_err()
    {
        return result;
    }
    result.sync_requests = 0;
    let _ = ready.send(()).await;
    drop(ready);
    loop {
        tokio::select! {
            frame = socket.next_frame() => match frame {
                Ok(Some(frame)) => {
                    // Gaps before the storm are left to the resync after it.
                    let _ = live(&frame, &conn.me, &mut cursors, &mut result);
                }
                // Cut by the node (a restart): reconnect at once.
                _ => break,
            },
            changed = phase.changed() => {
                if changed.is_err() || *phase.borrow() == Phase::End {
                    return result;
                }
                if conn.drop_at_storm {
                    break;
                }
            }
        }
    }
    // Drop mode: the socket goes without a close handshake, as when a node dies.
    drop(socket);
    progress
        .dropped
        .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    progress.notify.notify_one();
    while conn.drop_at_storm && *phase.borrow_and_update() < Phase::Reconnect {
        if phase.changed().await.is_err() {
            return result;
        }
    }
    let at = || {
        started
            .lock()
            .ok()
            .and_then(|s| *s)
            .map(|s| s.elapsed().as_micros() as u64)
    };
    let socket = loop {
        let Some(mut socket) = reconnect(&conn, &mut phase).await else {
            return result;
        };
        result.reconnected_us = at();
        if resync(&mut socket, &conn.me, &mut cursors, &mut result)
            .await
            .is_ok()
        {
            break socket;
        }
    };
    result.resynced_us = at();
    progress
        .resynced
        .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    progress.notify.notify_one();
    follow(socket, &conn.me, &mut phase, &mut cursors, &mut result).await;
    result
}

/// Follows live events until the end, so the senders' last messages arrive.
async fn follow(
    mut socket: Socket,
    me: &str,
    phase: &mut watch::Receiver<Phase>,
    cursors: &mut HashMap<ChatId, i64>,
    result: &mut ClientResult,
) {
    loop {
        tokio::select! {
            frame = socket.next_frame() => match frame {
                Ok(Some(frame)) => {
                    if let Some(chat) = live(&frame, me, cursors, result) {
                        // A gap after the resync: sync that chat, as protocol.md says.
                        let cursor = cursors.get(&chat).copied().unwrap_or(0);
                        let mut one = HashMap::from([(chat, cursor)]);
                        if resync_chats(&mut socket, me, &mut one, result, false)
                            .await
                            .is_ok()
                        {
                            cursors.extend(one);
                        }
                    }
                }
                _ => break,
            },
            changed = phase.changed() => {
                if changed.is_err() || *phase.borrow() == Phase::End {
                    break;
                }
            }
        }
    }
}

/// Connects, retrying with a short backoff while the node is away (until the end).
async fn reconnect(conn: &Conn, phase: &mut watch::Receiver<Phase>) -> Option<Socket> {
    let mut pause = Duration::from_millis(20);
    loop {
        if *phase.borrow() == Phase::End {
            return None;
        }
        if let Ok((socket, _)) = Socket::connect(&conn.server, &conn.token).await {
            return Some(socket);
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(1));
    }
}

/// A live frame: records a bench message, moves the chat's cursor; the chat, when the
/// event left a gap.
fn live(
    frame: &Envelope,
    me: &str,
    cursors: &mut HashMap<ChatId, i64>,
    result: &mut ClientResult,
) -> Option<ChatId> {
    if frame.kind != "message:new" {
        return None;
    }
    let chat: ChatId = serde_json::from_value(frame.data["chatId"].clone()).ok()?;
    let seq = frame.data["seq"].as_i64()?;
    record(&frame.data["message"], me, result, false);
    let cursor = cursors.entry(chat).or_insert(0);
    if seq == *cursor + 1 {
        *cursor = seq;
    } else if seq > *cursor + 1 {
        return Some(chat);
    }
    None
}

fn record(message: &serde_json::Value, me: &str, result: &mut ClientResult, by_sync: bool) {
    if message["senderId"].as_str() == Some(me) {
        return;
    }
    if let Some((number, _)) = message["content"].as_str().and_then(parse_content)
        && result.seen.insert(number)
        && by_sync
    {
        result.by_sync.insert(number);
    }
}

/// Resyncs every chat the client holds (none yet: learns them all).
async fn resync(
    socket: &mut Socket,
    me: &str,
    cursors: &mut HashMap<ChatId, i64>,
    result: &mut ClientResult,
) -> Result<(), String> {
    resync_chats(socket, me, cursors, result, true).await
}

/// `sync` with the cursors of `cursors`, paging while any chat `hasMore`. With `learn`,
/// chats the answer names that the client does not hold start at their `lastSeq`.
async fn resync_chats(
    socket: &mut Socket,
    me: &str,
    cursors: &mut HashMap<ChatId, i64>,
    result: &mut ClientResult,
    learn: bool,
) -> Result<(), String> {
    let mut ask: Vec<ChatCursor> = cursors
        .iter()
        .map(|(chat_id, seq)| ChatCursor {
            chat_id: *chat_id,
            seq: *seq,
        })
        .collect();
    let mut first = true;
    while first || !ask.is_empty() {
        first = false;
        result.sync_requests += 1;
        let answer = socket
            .request(&ClientRequest::Sync(SyncRequest {
                chats: std::mem::take(&mut ask),
                ..SyncRequest::default()
            }))
            .await
            .map_err(|e| e.to_string())?;
        let answer: SyncResponse = serde_json::from_value(answer).map_err(|e| e.to_string())?;
        for chat in answer.chats {
            if !chat.member {
                cursors.remove(&chat.chat_id);
                continue;
            }
            let Some(cursor) = cursors.get_mut(&chat.chat_id) else {
                if learn {
                    cursors.insert(chat.chat_id, chat.last_seq);
                }
                continue;
            };
            for event in &chat.events {
                let value = serde_json::to_value(event).unwrap_or_default();
                let data = &value["data"];
                if value["type"] == "message:new" {
                    record(&data["message"], me, result, true);
                }
                if let Some(seq) = data["seq"].as_i64() {
                    *cursor = (*cursor).max(seq);
                }
            }
            if chat.has_more {
                ask.push(ChatCursor {
                    chat_id: chat.chat_id,
                    seq: *cursor,
                });
            }
        }
    }
    Ok(())
}
