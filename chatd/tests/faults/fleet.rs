//! Clients that follow protocol.md's client checklist, as a real client would: each send has
//! a fresh `clientId` and is resent with the same one until acked; a lost connection is
//! reconnected with backoff and jitter (to the other node when there are two); after every
//! `hello`, and on any seq gap or `sync:required`, the client resyncs from its cursors and
//! applies numbered events only when `seq == cursor + 1`.
//!
//! Sockets are opened with `SO_LINGER` 0, so a client told to [`Order::Reset`] drops its
//! connection with a TCP reset, not a close.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use uuid::Uuid;

/// How long a send may stay unanswered before the client gives the connection up (a frozen
/// node answers nothing, and TCP alone would not notice for minutes).
const ACK_TIMEOUT: Duration = Duration::from_secs(5);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// The events that carry a chat `seq` (receipts and typing do not).
const NUMBERED: &[&str] = &[
    "message:new",
    "message:edited",
    "message:deleted",
    "reaction:added",
    "reaction:removed",
    "participant:joined",
    "participant:left",
    "chat:updated",
];

/// What the scenario tells every client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Send at the configured pace.
    Sending,
    /// Send nothing new; keep resending until every send is acked.
    Draining,
    /// Sync once more to the end, record the view and stop.
    Final,
}

/// What the scenario tells one client.
#[derive(Clone, Copy, Debug)]
pub enum Order {
    /// Drop the connection with a TCP reset.
    Reset,
    /// Stop reading the socket for this long.
    StopReading(Duration),
}

/// A user as the fleet knows it.
#[derive(Clone, Debug)]
pub struct Member {
    /// The user's id.
    pub user_id: Uuid,
    /// An access token.
    pub token: String,
    /// The chats this client sends in and follows.
    pub chats: Vec<Uuid>,
}

/// What one client did and holds, read by the scenario while it runs and at the end.
#[derive(Debug, Default)]
pub struct Record {
    /// Sends acked: client id -> (message id, seq).
    pub acked: HashMap<String, (Uuid, i64)>,
    /// Sends not yet acked.
    pub pending: usize,
    /// When each ack arrived.
    pub ack_times: Vec<Instant>,
    /// The messages the client holds: chat -> seq -> message id.
    pub view: HashMap<Uuid, BTreeMap<i64, Uuid>>,
    /// WebSocket connections opened (1 without faults).
    pub connects: u32,
    /// Resyncs started because a live event skipped a seq.
    pub gap_syncs: u32,
    /// Sends refused for a reason a resend cannot fix.
    pub refused: Vec<String>,
    /// True once the final sync is applied.
    pub finished: bool,
    /// `message:new` events that moved a cursor without bringing a message (none
    /// expected); kept whole for the report.
    pub odd_events: Vec<String>,
}

/// A running client.
#[derive(Debug)]
pub struct Handle {
    /// Its record.
    pub record: Arc<Mutex<Record>>,
    /// Its orders.
    pub orders: mpsc::Sender<Order>,
    task: tokio::task::JoinHandle<()>,
}

impl Handle {
    /// Waits for the client to stop (after [`Phase::Final`]).
    pub async fn join(self) {
        let _ = self.task.await;
    }
}

/// Starts a client for `member`, first on `nodes[first]`, sending one message every `pace`.
pub fn spawn(
    member: Member,
    nodes: Arc<Vec<String>>,
    first: usize,
    pace: Duration,
    phase: watch::Receiver<Phase>,
) -> Handle {
    let record = Arc::new(Mutex::new(Record::default()));
    let (orders, orders_rx) = mpsc::channel(8);
    let client = Client {
        member,
        nodes,
        node: first,
        pace,
        phase,
        orders: orders_rx,
        record: record.clone(),
        pending: BTreeMap::new(),
        cursors: HashMap::new(),
        sent: 0,
        syncs: 0,
    };
    let task = tokio::spawn(client.run());
    Handle {
        record,
        orders,
        task,
    }
}

struct Client {
    member: Member,
    nodes: Arc<Vec<String>>,
    node: usize,
    pace: Duration,
    phase: watch::Receiver<Phase>,
    orders: mpsc::Receiver<Order>,
    record: Arc<Mutex<Record>>,
    /// Unacked sends by client id: chat, content, and when last written to a socket.
    pending: BTreeMap<String, (Uuid, String, Option<Instant>)>,
    cursors: HashMap<Uuid, i64>,
    sent: u64,
    /// Sync requests made, for their ids.
    syncs: u64,
}

type Socket = tokio_tungstenite::WebSocketStream<TcpStream>;

/// How a connection ended.
enum End {
    Lost,
    Finished,
}

impl Client {
    async fn run(mut self) {
        let mut backoff = Duration::from_millis(100);
        loop {
            match connect(&self.nodes[self.node], &self.member.token).await {
                Ok(socket) => {
                    backoff = Duration::from_millis(100);
                    self.lock().connects += 1;
                    if let End::Finished = self.session(socket).await {
                        return;
                    }
                }
                Err(_) => backoff = (backoff * 2).min(MAX_BACKOFF),
            }
            self.node = (self.node + 1) % self.nodes.len();
            let jitter = Duration::from_millis(rand::random::<u64>() % 100);
            tokio::time::sleep(backoff + jitter).await;
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn session(&mut self, socket: Socket) -> End {
        let (mut tx, mut rx) = socket.split();
        // Wait for hello.
        let hello = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(Ok(frame)) = rx.next().await {
                if let Frame::Text(text) = frame
                    && serde_json::from_str::<Value>(&text).is_ok_and(|v| v["type"] == "hello")
                {
                    return true;
                }
            }
            false
        })
        .await;
        if hello != Ok(true) {
            return End::Lost;
        }
        // The id of the final sync (or of its continuation while it has more): only its
        // answer ends the client; answers to earlier syncs may still be on their way.
        let mut final_sync: Option<String> = None;
        if self.sync(&mut tx).await.is_err() {
            return End::Lost;
        }
        for entry in self.pending.values_mut() {
            entry.2 = None;
        }
        let mut pace = tokio::time::interval(self.pace);
        pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut check = tokio::time::interval(Duration::from_millis(200));
        loop {
            tokio::select! {
                frame = rx.next() => {
                    let Some(Ok(frame)) = frame else { return End::Lost };
                    let text = match frame {
                        Frame::Text(text) => text,
                        Frame::Close(_) => return End::Lost,
                        _ => continue,
                    };
                    let Ok(value) = serde_json::from_str::<Value>(&text) else { continue };
                    match self.on_frame(&value) {
                        Next::Nothing => {}
                        Next::Sync => {
                            if self.sync(&mut tx).await.is_err() {
                                return End::Lost;
                            }
                        }
                        Next::SyncAnswered { id, more } => {
                            if final_sync.as_deref() == Some(id.as_str()) {
                                if !more {
                                    self.lock().finished = true;
                                    let _ = tx.send(Frame::Close(None)).await;
                                    return End::Finished;
                                }
                                match self.sync(&mut tx).await {
                                    Ok(next) => final_sync = Some(next),
                                    Err(()) => return End::Lost,
                                }
                            } else if more && self.sync(&mut tx).await.is_err() {
                                return End::Lost;
                            }
                        }
                    }
                }
                _ = pace.tick(), if *self.phase.borrow() == Phase::Sending => {
                    // The branch's condition was read when this `select!` began; the phase
                    // may have moved on since. A send made after `Final` would be stored
                    // after other clients' final syncs and missing from their views: the
                    // "last message of a chat missing" seen in about one run in ten.
                    if *self.phase.borrow() != Phase::Sending {
                        continue;
                    }
                    self.sent += 1;
                    let chat = self.member.chats[(self.sent as usize) % self.member.chats.len()];
                    let client_id = format!("{}-{}", self.member.user_id.simple(), self.sent);
                    let content = format!("message {} of {}", self.sent, self.member.user_id);
                    self.pending.insert(client_id, (chat, content, None));
                    self.lock().pending = self.pending.len();
                    if self.write_pending(&mut tx).await.is_err() {
                        return End::Lost;
                    }
                }
                _ = check.tick() => {
                    let now = Instant::now();
                    if self.pending.values().any(|(_, _, at)| at.is_some_and(|at| now - at > ACK_TIMEOUT)) {
                        return End::Lost;
                    }
                    if self.write_pending(&mut tx).await.is_err() {
                        return End::Lost;
                    }
                    if *self.phase.borrow() == Phase::Final && self.pending.is_empty() && final_sync.is_none() {
                        match self.sync(&mut tx).await {
                            Ok(id) => final_sync = Some(id),
                            Err(()) => return End::Lost,
                        }
                    }
                }
                order = self.orders.recv() => match order {
                    Some(Order::Reset) | None => return End::Lost,
                    Some(Order::StopReading(pause)) => tokio::time::sleep(pause).await,
                },
            }
        }
    }

    /// Writes every pending send that is not on this connection yet (same client id).
    async fn write_pending(
        &mut self,
        tx: &mut futures_util::stream::SplitSink<Socket, Frame>,
    ) -> Result<(), ()> {
        let now = Instant::now();
        for (client_id, (chat, content, at)) in &mut self.pending {
            if at.is_some() {
                continue;
            }
            let frame = json!({
                "type": "message:send",
                "id": format!("m:{client_id}"),
                "data": {"chatId": chat, "content": content, "clientId": client_id},
            });
            tx.send(Frame::text(frame.to_string()))
                .await
                .map_err(|_| ())?;
            *at = Some(now);
        }
        Ok(())
    }

    /// Asks for every event after the cursors of every chat; returns the request's id.
    async fn sync(
        &mut self,
        tx: &mut futures_util::stream::SplitSink<Socket, Frame>,
    ) -> Result<String, ()> {
        self.syncs += 1;
        let id = format!("sync:{}", self.syncs);
        let chats: Vec<Value> = self
            .member
            .chats
            .iter()
            .map(|c| json!({"chatId": c, "seq": self.cursors.get(c).copied().unwrap_or(0)}))
            .collect();
        let frame = json!({"type": "sync", "id": id, "data": {"chats": chats, "limit": 1000}});
        tx.send(Frame::text(frame.to_string()))
            .await
            .map_err(|_| ())?;
        Ok(id)
    }

    fn on_frame(&mut self, frame: &Value) -> Next {
        let kind = frame["type"].as_str().unwrap_or_default();
        let id = frame["id"].as_str().unwrap_or_default();
        match kind {
            "ack" if id.starts_with("sync:") => {
                let mut more = false;
                for chat in frame["data"]["chats"].as_array().into_iter().flatten() {
                    for event in chat["events"].as_array().into_iter().flatten() {
                        self.apply(event);
                    }
                    more |= chat["hasMore"].as_bool().unwrap_or(false);
                }
                Next::SyncAnswered {
                    id: id.to_owned(),
                    more,
                }
            }
            "ack" => {
                if let Some(client_id) = id.strip_prefix("m:") {
                    let data = &frame["data"];
                    let message = data["messageId"].as_str().and_then(|s| s.parse().ok());
                    if let (Some(message), Some(seq)) = (message, data["seq"].as_i64())
                        && self.pending.remove(client_id).is_some()
                    {
                        let mut record = self.lock();
                        record.acked.insert(client_id.to_owned(), (message, seq));
                        record.ack_times.push(Instant::now());
                        record.pending = self.pending.len();
                    }
                }
                Next::Nothing
            }
            "error" => {
                if let Some(client_id) = id.strip_prefix("m:") {
                    let code = frame["error"]["code"].as_str().unwrap_or_default();
                    // Retryable: send again (same client id) on the next check.
                    if matches!(
                        code,
                        "SERVICE_UNAVAILABLE" | "RATE_LIMIT_EXCEEDED" | "INTERNAL_ERROR"
                    ) {
                        if let Some(entry) = self.pending.get_mut(client_id) {
                            entry.2 = None;
                        }
                    } else if self.pending.remove(client_id).is_some() {
                        let mut record = self.lock();
                        record.refused.push(format!("{client_id}: {code}"));
                        record.pending = self.pending.len();
                    }
                }
                Next::Nothing
            }
            "sync:required" => Next::Sync,
            _ if NUMBERED.contains(&kind) => {
                if self.apply(frame) {
                    Next::Nothing
                } else {
                    self.lock().gap_syncs += 1;
                    Next::Sync
                }
            }
            _ => Next::Nothing,
        }
    }

    /// Applies a numbered event if it is the next of its chat; false on a gap.
    fn apply(&mut self, event: &Value) -> bool {
        let data = &event["data"];
        let (Some(chat), Some(seq)) = (
            data["chatId"].as_str().and_then(|s| s.parse::<Uuid>().ok()),
            data["seq"].as_i64(),
        ) else {
            return true;
        };
        let cursor = self.cursors.entry(chat).or_insert(0);
        if seq <= *cursor {
            return true;
        }
        if seq > *cursor + 1 {
            return false;
        }
        *cursor = seq;
        if event["type"] == "message:new" {
            match data["message"]["id"].as_str().and_then(|s| s.parse().ok()) {
                Some(id) => {
                    self.lock().view.entry(chat).or_default().insert(seq, id);
                }
                None => self.lock().odd_events.push(event.to_string()),
            }
        }
        true
    }
}

enum Next {
    Nothing,
    Sync,
    /// The answer to the sync `id` is applied; `more`: some chat has more events.
    SyncAnswered {
        id: String,
        more: bool,
    },
}

/// Opens `<node>/ws` with the bearer token on a socket that resets when dropped.
async fn connect(node: &str, token: &str) -> Result<Socket, String> {
    let addr = node.trim_start_matches("http://");
    let tcp = tokio::time::timeout(Duration::from_secs(3), TcpStream::connect(addr))
        .await
        .map_err(|_| "connect timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    tcp.set_zero_linger().map_err(|e| e.to_string())?;
    let mut request = format!("ws://{addr}/ws")
        .into_client_request()
        .map_err(|e| e.to_string())?;
    request.headers_mut().insert(
        "authorization",
        format!("Bearer {token}")
            .parse()
            .map_err(|_| "bad token".to_owned())?,
    );
    let (socket, _) = tokio::time::timeout(
        Duration::from_secs(5),
        tokio_tungstenite::client_async(request, tcp),
    )
    .await
    .map_err(|_| "handshake timed out".to_owned())?
    .map_err(|e| e.to_string())?;
    Ok(socket)
}

/// The chats of every member, for the checks.
pub fn all_chats(members: &[Member]) -> HashSet<Uuid> {
    members
        .iter()
        .flat_map(|m| m.chats.iter().copied())
        .collect()
}
