//! A bench connection's reading side: settles the acks of sends, records every
//! `message:new` it receives (latency, duplicates, order), and keeps the client's chat
//! cursors, resyncing a chat through `sync` when a gap opens (see [`super::cursors`]).

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::api::sync::{ChatCursor, SyncRequest};
use common::client::{SocketReader, SocketWriter};
use common::ws::ClientRequest;
use tokio::sync::Mutex as AsyncMutex;

use super::cursors::Cursors;
use super::load::Sent;

/// A connection's sending half, shared by the senders and the reader's resyncs.
pub type Writer = Arc<AsyncMutex<SocketWriter>>;

/// What the readers need to settle acks: the frame id of a send is `b<message number>`.
#[derive(Clone)]
pub struct Acks {
    pub start: Instant,
    pub sent: Arc<Mutex<HashMap<u64, Sent>>>,
    pub refused: Arc<Mutex<HashMap<String, u64>>>,
    pub ack_latencies: Arc<Mutex<Vec<u64>>>,
}

/// What one recipient saw.
#[derive(Default)]
pub struct Seen {
    /// Live `message:new` of others' bench messages, by message number: how often.
    pub counts: HashMap<u64, u32>,
    /// Others' bench messages that came only through a `sync` answer.
    pub recovered: HashSet<u64>,
    pub latencies: Vec<u64>,
    pub out_of_order: u64,
    last_seq: HashMap<String, i64>,
    /// Gaps and the `sync` requests they cost.
    pub gaps: u64,
    pub sync_requests: u64,
}

/// The events that take a chat seq (protocol.md, Sequence numbers).
const NUMBERED: [&str; 9] = [
    "message:new",
    "message:edited",
    "message:deleted",
    "reaction:added",
    "reaction:removed",
    "participant:joined",
    "participant:left",
    "chat:updated",
    "message:hidden",
];

/// The fields of a server frame the bench reads, borrowed from the frame's text: the bench
/// runs on the same cores as the server it measures, and building a whole JSON tree for each
/// of tens of thousands of frames a second took CPU from the server.
#[derive(serde::Deserialize)]
struct BenchFrame<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    data: Option<BenchData<'a>>,
    #[serde(default)]
    error: Option<common::error::ErrorBody>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct BenchData<'a> {
    #[serde(default, borrow)]
    chat_id: Option<Cow<'a, str>>,
    #[serde(default)]
    seq: Option<i64>,
    #[serde(default, borrow)]
    message: Option<BenchMessage<'a>>,
    /// A `sync` answer's chats.
    #[serde(default)]
    chats: Option<Vec<SyncedChat>>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct BenchMessage<'a> {
    #[serde(default, borrow)]
    content: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    sender_id: Option<Cow<'a, str>>,
}

/// One chat of a `sync` answer, as far as the bench reads it.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SyncedChat {
    chat_id: String,
    #[serde(default)]
    events: Vec<SyncedEvent>,
    #[serde(default)]
    has_more: bool,
}

#[derive(serde::Deserialize)]
struct SyncedEvent {
    #[serde(rename = "type")]
    kind: String,
    data: SyncedEventData,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SyncedEventData {
    #[serde(default)]
    seq: Option<i64>,
    #[serde(default)]
    message: Option<SyncedMessage>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct SyncedMessage {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    sender_id: Option<String>,
}

/// The client side of one connection: its writer (for resyncs) and its cursors.
pub struct Client {
    pub writer: Writer,
    pub cursors: Cursors,
    /// How long a gap may stay open before the client syncs (0: at once, protocol.md's
    /// rule; the server's reorder window already held the event back).
    pub gap_wait: Duration,
}

/// Reads until the connection ends.
pub async fn read_loop(me: String, mut reader: SocketReader, acks: Acks, client: Client) -> Seen {
    let Client {
        writer,
        mut cursors,
        gap_wait,
    } = client;
    let mut seen = Seen::default();
    let mut syncs = Syncs {
        writer,
        in_flight: HashMap::new(),
        next: 0,
    };
    loop {
        let wake = cursors.next_due(gap_wait);
        let text = tokio::select! {
            text = reader.next_text() => text,
            () = sleep_until(wake) => {
                for (chat, cursor) in cursors.due(Instant::now(), gap_wait) {
                    syncs.send(chat, cursor);
                }
                continue;
            }
        };
        let Ok(Some(text)) = text else { break };
        let Ok(frame) = serde_json::from_str::<BenchFrame>(&text) else {
            continue;
        };
        let kind = frame.kind.as_ref();
        if NUMBERED.contains(&kind)
            && let Some(data) = &frame.data
            && let (Some(chat), Some(seq)) = (data.chat_id.as_deref(), data.seq)
        {
            cursors.live(chat, seq, Instant::now());
            // A gap at once when there is no wait: no need to go round the loop.
            if gap_wait.is_zero() {
                for (chat, cursor) in cursors.due(Instant::now(), gap_wait) {
                    syncs.send(chat, cursor);
                }
            }
        }
        let sync_id = frame.id.as_deref().filter(|id| id.starts_with('s'));
        if let Some(id) = sync_id
            && let Some(chat) = syncs.in_flight.remove(id)
        {
            let answers = if kind == "ack" {
                frame.data.and_then(|d| d.chats)
            } else {
                None
            };
            if let Some(cursor) = on_synced(&me, &mut seen, &mut cursors, &chat, answers) {
                syncs.send(chat, cursor);
            }
            continue;
        }
        match kind {
            "message:new" => {
                let received = acks.start.elapsed().as_micros() as u64;
                let Some(data) = frame.data else { continue };
                let Some(message) = data.message else {
                    continue;
                };
                let Some((number, at)) = message.content.as_deref().and_then(parse_content) else {
                    continue;
                };
                let chat = data.chat_id.as_deref().unwrap_or_default();
                let seq = data.seq.unwrap_or_default();
                let last = match seen.last_seq.get_mut(chat) {
                    Some(last) => last,
                    None => seen.last_seq.entry(chat.to_owned()).or_insert(0),
                };
                if seq <= *last {
                    seen.out_of_order += 1;
                }
                *last = (*last).max(seq);
                // One's own messages come back too (other devices); they are not deliveries.
                if message.sender_id.as_deref() == Some(me.as_str()) {
                    continue;
                }
                let count = seen.counts.entry(number).or_insert(0);
                *count += 1;
                if *count == 1 {
                    seen.latencies.push(received.saturating_sub(at));
                }
            }
            "ack" | "error" => settle_send(&acks, &frame),
            _ => {}
        }
    }
    // A message that came through a sync and live as well was delivered once.
    let live = &seen.counts;
    seen.recovered.retain(|n| !live.contains_key(n));
    seen.gaps = cursors.gaps;
    seen.sync_requests = cursors.sync_requests;
    seen
}

/// A chat's `sync` answer (`None`: refused): counts the bench messages it recovered and
/// moves the cursor. Returns the cursor to sync again from when the answer has more.
fn on_synced(
    me: &str,
    seen: &mut Seen,
    cursors: &mut Cursors,
    chat: &str,
    answers: Option<Vec<SyncedChat>>,
) -> Option<i64> {
    let now = Instant::now();
    let Some(answer) = answers
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.chat_id == chat)
    else {
        cursors.sync_failed(chat, now);
        return None;
    };
    let seqs: Vec<i64> = answer.events.iter().filter_map(|e| e.data.seq).collect();
    for event in &answer.events {
        if event.kind != "message:new" {
            continue;
        }
        let Some(message) = &event.data.message else {
            continue;
        };
        if message.sender_id.as_deref() == Some(me) {
            continue;
        }
        if let Some((number, _)) = message.content.as_deref().and_then(parse_content)
            && !seen.counts.contains_key(&number)
        {
            seen.recovered.insert(number);
        }
    }
    cursors.synced(chat, &seqs, answer.has_more, now)
}

/// The `sync` frames a connection has in flight, by frame id.
struct Syncs {
    writer: Writer,
    in_flight: HashMap<String, String>,
    next: u64,
}

impl Syncs {
    /// Sends a `sync` for one chat from `cursor` without holding up the reader.
    fn send(&mut self, chat: String, cursor: i64) {
        let Ok(chat_id) = chat.parse() else { return };
        self.next += 1;
        let id = format!("s{}", self.next);
        self.in_flight.insert(id.clone(), chat);
        let request = ClientRequest::Sync(SyncRequest {
            chats: vec![ChatCursor {
                chat_id,
                seq: cursor,
            }],
            limit: None,
            user_seq: None,
            include_blocked: false,
        });
        let writer = self.writer.clone();
        tokio::spawn(async move {
            let _ = writer.lock().await.send_with_id(&request, &id).await;
        });
    }
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// The ack or error of a send (`b<message number>`).
fn settle_send(acks: &Acks, frame: &BenchFrame<'_>) {
    let Some(number) = frame
        .id
        .as_deref()
        .and_then(|id| id.strip_prefix('b'))
        .and_then(|n| n.parse::<u64>().ok())
    else {
        return;
    };
    if frame.kind == "error" {
        let code = frame
            .error
            .as_ref()
            .map_or_else(|| "UNKNOWN".to_owned(), |e| e.code.to_string());
        if let Ok(mut refused) = acks.refused.lock() {
            *refused.entry(code).or_insert(0) += 1;
        }
    }
    let now = acks.start.elapsed().as_micros() as u64;
    if let Ok(mut sent) = acks.sent.lock()
        && let Some(record) = sent.get_mut(&number)
    {
        if frame.kind == "ack" {
            record.acked = true;
            if let Ok(mut latencies) = acks.ack_latencies.lock() {
                latencies.push(now.saturating_sub(record.at_us));
            }
        }
        if let Some(notify) = record.notify.take() {
            let _ = notify.send(());
        }
    }
}

/// `bench <number> <sent-at-us> <padding>`.
pub fn parse_content(content: &str) -> Option<(u64, u64)> {
    let mut parts = content.split(' ');
    if parts.next()? != "bench" {
        return None;
    }
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}
