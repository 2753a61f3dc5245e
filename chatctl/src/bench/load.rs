//! The load phase: connect every user, send at a rate (open loop) or with a fixed number of
//! messages in flight per sender (closed loop), and let every recipient's connection record
//! what it receives.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::api::sync::{SyncRequest, SyncResponse};
use common::client::Socket;
use common::ws::{ClientRequest, SendData};
use rand::seq::IndexedRandom;
use tokio::sync::Mutex as AsyncMutex;
use tokio::sync::{Semaphore, oneshot};
use tokio::task::JoinSet;

use super::cursors::Cursors;
use super::reader::{Acks, Client, Seen, Writer, read_loop};
use super::setup::Plan;
use crate::cli::BenchArgs;

/// What one run measured.
#[derive(Debug, Default)]
pub struct LoadResult {
    /// Seconds to open every connection.
    pub connect_secs: f64,
    /// Seconds of sending.
    pub send_secs: f64,
    /// Messages sent.
    pub sent: u64,
    /// Sends acknowledged (committed).
    pub acked: u64,
    /// Sends refused (error frames), by code.
    pub refused: HashMap<String, u64>,
    /// Deliveries expected (members other than the sender, of acknowledged messages).
    pub expected: u64,
    /// Distinct deliveries seen.
    pub delivered: u64,
    /// Deliveries seen more than once by the same recipient.
    pub duplicates: u64,
    /// Deliveries whose seq was not above the previous one in that chat, per recipient.
    pub out_of_order: u64,
    /// Send-to-receipt latencies, microseconds.
    pub latencies_us: Vec<u64>,
    /// Send-to-ack latencies, microseconds.
    pub ack_latencies_us: Vec<u64>,
    /// chatd's CPU (percent of one core) and peak resident memory (bytes), when measured.
    pub server: Option<(f64, u64)>,
    /// Gaps the clients saw (an event ahead of cursor + 1), and the `sync` requests sent.
    pub gaps: u64,
    /// `sync` requests sent for gaps.
    pub sync_requests: u64,
    /// Deliveries that came only through a gap's `sync` answer.
    pub recovered: u64,
    /// Opening a socket to its `hello` (TCP, upgrade, authentication), microseconds.
    pub hello_latencies_us: Vec<u64>,
    /// chatd's resident memory (bytes) before the first socket and once all are open.
    pub connect_rss: Option<(u64, u64)>,
}

/// A sent message, as the bench remembers it.
pub struct Sent {
    pub at_us: u64,
    chat: usize,
    sender: usize,
    pub acked: bool,
    pub notify: Option<oneshot::Sender<()>>,
}

struct Shared {
    args: BenchArgs,
    plan: Arc<Plan>,
    writers: Vec<Writer>,
    start: Instant,
    next_message: AtomicU64,
    sent: Arc<Mutex<HashMap<u64, Sent>>>,
    refused: Arc<Mutex<HashMap<String, u64>>>,
    ack_latencies: Arc<Mutex<Vec<u64>>>,
}

impl Shared {
    fn now_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }
}

/// Runs the load described by `args` on `plan`.
pub async fn drive(args: &BenchArgs, plan: Arc<Plan>) -> Result<LoadResult, String> {
    let start = Instant::now();
    let sent = Arc::new(Mutex::new(HashMap::new()));
    let refused = Arc::new(Mutex::new(HashMap::new()));
    let ack_latencies = Arc::new(Mutex::new(Vec::new()));
    let acks = Acks {
        start,
        sent: sent.clone(),
        refused: refused.clone(),
        ack_latencies: ack_latencies.clone(),
    };
    let rss_before = args.server_pid.and_then(super::report::rss_bytes);
    let connect_started = Instant::now();
    let (writers, mut readers, hello_latencies_us) = connect_all(args, &plan, &acks).await?;
    let connect_secs = connect_started.elapsed().as_secs_f64();
    // Settled: what the sockets' tasks and buffers hold once every client is connected.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = args.server_pid.and_then(super::report::rss_bytes);
    eprintln!(
        "bench: {} connections in {connect_secs:.1} s; sending for {} s",
        writers.len(),
        args.duration
    );
    let shared = Arc::new(Shared {
        args: args.clone(),
        plan: plan.clone(),
        writers,
        start,
        next_message: AtomicU64::new(0),
        sent,
        refused,
        ack_latencies,
    });

    let sampler = args.server_pid.map(super::report::ProcSampler::start);
    let send_started = Instant::now();
    if args.in_flight > 0 {
        closed_loop(&shared).await;
    } else {
        open_loop(&shared).await;
    }
    let send_secs = send_started.elapsed().as_secs_f64();
    let server = match sampler {
        Some(sampler) => sampler.finish().await,
        None => None,
    };
    eprintln!(
        "bench: sending done; waiting {} s for the last deliveries",
        super::DRAIN.as_secs()
    );
    tokio::time::sleep(super::DRAIN).await;
    for writer in &shared.writers {
        let _ = writer.lock().await.close().await;
    }
    let mut seen = Vec::new();
    while let Some(done) = readers.join_next().await {
        if let Ok(one) = done {
            seen.push(one);
        }
    }
    let mut result = tally(&plan, &shared, seen, connect_secs, send_secs, server);
    result.hello_latencies_us = hello_latencies_us;
    result.connect_rss = rss_before.zip(rss_after);
    Ok(result)
}

async fn connect_all(
    args: &BenchArgs,
    plan: &Plan,
    acks: &Acks,
) -> Result<(Vec<Writer>, JoinSet<Seen>, Vec<u64>), String> {
    let permits = Arc::new(Semaphore::new(args.connect_concurrency));
    let servers = super::servers(&args.server);
    let mut connecting = JoinSet::new();
    let start = tokio::time::Instant::now();
    for (index, user) in plan.users.iter().enumerate() {
        let permits = permits.clone();
        // Users are spread round-robin over the servers: their sockets and their sends.
        let server = servers[index % servers.len()].clone();
        let token = user.token.clone();
        let due = (args.connect_rate > 0).then(|| {
            start + Duration::from_micros(index as u64 * 1_000_000 / u64::from(args.connect_rate))
        });
        connecting.spawn(async move {
            if let Some(due) = due {
                tokio::time::sleep_until(due).await;
            }
            let _permit = permits.acquire_owned().await;
            (index, connect_one(&server, &token).await)
        });
    }
    let mut writers: Vec<Option<Writer>> = (0..plan.users.len()).map(|_| None).collect();
    let mut readers = JoinSet::new();
    let mut hellos = Vec::with_capacity(plan.users.len());
    while let Some(done) = connecting.join_next().await {
        let (index, connected) = done.map_err(|e| e.to_string())?;
        let (socket, cursors, hello) =
            connected.map_err(|e| format!("connecting user {index}: {e}"))?;
        hellos.push(hello.as_micros() as u64);
        let (writer, reader, _) = socket.split();
        let writer = Arc::new(AsyncMutex::new(writer));
        writers[index] = Some(writer.clone());
        let client = Client {
            writer,
            cursors,
            gap_wait: Duration::from_millis(args.gap_wait_ms),
        };
        readers.spawn(read_loop(
            plan.users[index].id.to_string(),
            reader,
            acks.clone(),
            client,
        ));
    }
    Ok((writers.into_iter().flatten().collect(), readers, hellos))
}

/// Connects, and starts every chat's cursor at its `lastSeq` from a `sync` that names no
/// chat (protocol.md: such chats come with `lastSeq` only). Also returns how long the
/// `hello` took.
pub async fn connect_one(server: &str, token: &str) -> Result<(Socket, Cursors, Duration), String> {
    let started = Instant::now();
    let (mut socket, _) = Socket::connect(server, token)
        .await
        .map_err(|e| e.to_string())?;
    let hello = started.elapsed();
    let answer = socket
        .request(&ClientRequest::Sync(SyncRequest::default()))
        .await
        .map_err(|e| format!("the first sync: {e}"))?;
    let answer: SyncResponse =
        serde_json::from_value(answer).map_err(|e| format!("the first sync's answer: {e}"))?;
    let mut cursors = Cursors::default();
    for chat in answer.chats {
        cursors.start(chat.chat_id.to_string(), chat.last_seq);
    }
    Ok((socket, cursors, hello))
}

async fn send_one(
    shared: &Shared,
    chat: usize,
    sender: usize,
    notify: Option<oneshot::Sender<()>>,
) {
    let number = shared.next_message.fetch_add(1, Ordering::Relaxed);
    let at = shared.now_us();
    let mut content = format!("bench {number} {at} ");
    while content.len() < shared.args.size {
        content.push('x');
    }
    if let Ok(mut sent) = shared.sent.lock() {
        sent.insert(
            number,
            Sent {
                at_us: at,
                chat,
                sender,
                acked: false,
                notify,
            },
        );
    }
    let request = ClientRequest::Send(SendData {
        chat_id: shared.plan.chats[chat].0,
        content,
        content_type: None,
        metadata: None,
        reply_to_id: None,
        client_id: format!("b{number}"),
        attachment_ids: Vec::new(),
    });
    let mut writer = shared.writers[sender].lock().await;
    let _ = writer.send_with_id(&request, &format!("b{number}")).await;
}

async fn open_loop(shared: &Arc<Shared>) {
    // `--rate 0`: the sockets stay open and idle for the duration (memory per socket).
    if shared.args.rate <= 0.0 {
        tokio::time::sleep(Duration::from_secs(shared.args.duration)).await;
        return;
    }
    let period = Duration::from_secs_f64(1.0 / shared.args.rate.max(0.001));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let deadline = Instant::now() + Duration::from_secs(shared.args.duration);
    let mut tasks = JoinSet::new();
    while Instant::now() < deadline {
        tick.tick().await;
        let (chat, sender) = {
            let mut rng = rand::rng();
            let chat = rand::Rng::random_range(&mut rng, 0..shared.plan.chats.len());
            let Some(&sender) = shared.plan.chats[chat].1.choose(&mut rng) else {
                continue;
            };
            (chat, sender)
        };
        let shared = shared.clone();
        tasks.spawn(async move { send_one(&shared, chat, sender, None).await });
        while tasks.try_join_next().is_some() {}
    }
    while tasks.join_next().await.is_some() {}
}

async fn closed_loop(shared: &Arc<Shared>) {
    let deadline = Instant::now() + Duration::from_secs(shared.args.duration);
    let mut tasks = JoinSet::new();
    // Senders: the first `--senders` members of each chat, each keeping `--in-flight` sends
    // outstanding.
    for (chat, (_, members)) in shared.plan.chats.iter().enumerate() {
        for &sender in members.iter().take(shared.args.senders) {
            for _ in 0..shared.args.in_flight {
                let shared = shared.clone();
                tasks.spawn(async move {
                    while Instant::now() < deadline {
                        let (done, wait) = oneshot::channel();
                        send_one(&shared, chat, sender, Some(done)).await;
                        if tokio::time::timeout(Duration::from_secs(10), wait)
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                });
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}

fn tally(
    plan: &Plan,
    shared: &Shared,
    seen: Vec<Seen>,
    connect_secs: f64,
    send_secs: f64,
    server: Option<(f64, u64)>,
) -> LoadResult {
    let mut result = LoadResult {
        connect_secs,
        send_secs,
        server,
        ..LoadResult::default()
    };
    let sent: HashMap<u64, Sent> = shared
        .sent
        .lock()
        .map(|mut s| std::mem::take(&mut *s))
        .unwrap_or_default();
    result.sent = sent.len() as u64;
    result.acked = sent.values().filter(|s| s.acked).count() as u64;
    result.refused = shared.refused.lock().map(|r| r.clone()).unwrap_or_default();
    result.ack_latencies_us = shared
        .ack_latencies
        .lock()
        .map(|a| a.clone())
        .unwrap_or_default();
    let mut received: HashMap<u64, u64> = HashMap::new();
    for one in seen {
        result.gaps += one.gaps;
        result.sync_requests += one.sync_requests;
        result.recovered += one.recovered.len() as u64;
        for number in one.recovered {
            *received.entry(number).or_insert(0) += 1;
        }
        result.out_of_order += one.out_of_order;
        result.latencies_us.extend(one.latencies);
        for (number, count) in one.counts {
            *received.entry(number).or_insert(0) += 1;
            result.duplicates += u64::from(count.saturating_sub(1));
        }
    }
    for (number, record) in &sent {
        if !record.acked {
            continue;
        }
        // Every member but the sender should have it (the sender's own echo is not counted).
        let members = &plan.chats[record.chat].1;
        let expected = members.iter().filter(|m| **m != record.sender).count() as u64;
        result.expected += expected;
        let got = received.get(number).copied().unwrap_or(0);
        result.delivered += got.min(expected);
    }
    result
}
