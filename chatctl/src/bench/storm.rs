//! `chatctl bench --reconnect-storm`: every client of one node loses its socket at once (or
//! the node restarts) while a few senders keep posting; the bench measures how long until
//! every client has reconnected and resynced through `sync` with all its cursors, and
//! checks that nothing was lost. The clients are in [`super::storm_client`], the report in
//! [`super::storm_report`].

// A rate per sender: f64 precision is plenty.
#![allow(clippy::cast_precision_loss)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::client::Socket;
use common::ids::ChatId;
use common::ws::{ClientRequest, SendData};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::setup::Plan;
use super::storm_client::{ClientResult, Conn, Phase, Progress, Shared, client};
use super::storm_report::{tally, vm_hwm};
use crate::cli::BenchArgs;
use crate::context::Context;
use crate::output::{Failure, Outcome};

/// Runs the storm and prints its report.
pub async fn run(ctx: &Context, args: &BenchArgs) -> Outcome {
    let plan = Arc::new(super::setup::prepare(ctx, args).await?);
    let server = super::servers(&args.server)[0].clone();
    eprintln!(
        "bench: {} users in {} chats; writing {} messages of history per chat…",
        plan.users.len(),
        plan.chats.len(),
        args.history
    );
    history(args, &plan, &server)
        .await
        .map_err(Failure::failed)?;
    let (phase_tx, phase) = watch::channel(Phase::Connected);
    let started = Arc::new(Mutex::new(None::<Instant>));
    let permits = Arc::new(Semaphore::new(args.connect_concurrency));
    let (ready_tx, mut ready) = tokio::sync::mpsc::channel::<()>(plan.users.len().max(1));
    let progress = Arc::new(Progress::default());
    let mut clients = JoinSet::new();
    for (index, user) in plan.users.iter().enumerate() {
        let conn = Conn {
            server: server.clone(),
            token: user.token.clone(),
            me: user.id.to_string(),
            drop_at_storm: args.restart_cmd.is_none(),
        };
        let shared = Shared {
            permits: permits.clone(),
            started: started.clone(),
            progress: progress.clone(),
        };
        let (phase, ready) = (phase.clone(), ready_tx.clone());
        clients.spawn(async move { (index, client(conn, shared, phase, ready).await) });
    }
    drop(ready_tx);
    for _ in 0..plan.users.len() {
        if ready.recv().await.is_none() {
            break;
        }
    }
    eprintln!("bench: {} clients connected; storm", plan.users.len());
    let sampler = args.server_pid.map(super::report::ProcSampler::start);
    let acked = Arc::new(Mutex::new(Vec::new()));
    let numbers = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let (stop_tx, stop) = watch::channel(false);
    let mut senders = JoinSet::new();
    for sender in 0..args.storm_senders.min(plan.users.len()) {
        senders.spawn(send_loop(
            server.clone(),
            plan.clone(),
            sender,
            args.rate / args.storm_senders.max(1) as f64,
            numbers.clone(),
            acked.clone(),
            stop.clone(),
        ));
    }
    storm(
        args,
        &phase_tx,
        &started,
        &progress,
        &acked,
        plan.users.len(),
    )
    .await?;
    let results = finish(
        &mut clients,
        &progress,
        plan.users.len(),
        &phase_tx,
        &stop_tx,
        args,
    )
    .await;
    while senders.join_next().await.is_some() {}
    let server_rss = match sampler {
        Some(sampler) => sampler.finish().await.map(|s| s.1),
        None => None,
    };
    let hwm = args.server_pid.and_then(vm_hwm);
    let acked = acked.lock().map(|a| a.clone()).unwrap_or_default();
    let report = tally(args, &plan, &results, &acked, hwm.or(server_rss));
    super::print_report(ctx.json, &report, || report.table())
}

/// Starts the storm. Drop mode: every client drops its socket; once all are gone and each
/// sender has had a message acknowledged since (so every client has something to miss),
/// the clock starts and the clients reconnect at once. Restart mode: the clock starts and
/// `--restart-cmd` runs; the clients reconnect as soon as the node answers.
async fn storm(
    args: &BenchArgs,
    phase: &watch::Sender<Phase>,
    started: &Mutex<Option<Instant>>,
    progress: &Progress,
    acked: &Mutex<Vec<(usize, usize, u64)>>,
    users: usize,
) -> Result<(), Failure> {
    let start_clock = || {
        if let Ok(mut at) = started.lock() {
            *at = Some(Instant::now());
        }
    };
    let acked_now = || acked.lock().map_or(0, |a| a.len());
    if let Some(cmd) = &args.restart_cmd {
        start_clock();
        let _ = phase.send(Phase::Storm);
        let status = tokio::process::Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .status()
            .await
            .map_err(|e| Failure::failed(format!("--restart-cmd: {e}")))?;
        if !status.success() {
            return Err(Failure::failed(format!("--restart-cmd: {status}")));
        }
        let _ = phase.send(Phase::Reconnect);
        return Ok(());
    }
    let _ = phase.send(Phase::Storm);
    while progress.dropped.load(std::sync::atomic::Ordering::Acquire) < users {
        progress.notify.notified().await;
    }
    let before = acked_now();
    let wanted = before + args.storm_senders.min(users);
    let give_up = Instant::now() + Duration::from_secs(10);
    // Polling: the senders post at --rate, so this is a few ticks.
    while acked_now() < wanted && Instant::now() < give_up {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    start_clock();
    let _ = phase.send(Phase::Reconnect);
    Ok(())
}

/// Writes `--history` messages into every chat through its first member's socket.
async fn history(args: &BenchArgs, plan: &Plan, server: &str) -> Result<(), String> {
    let permits = Arc::new(Semaphore::new(args.connect_concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for (chat, members) in &plan.chats {
        let Some(&owner) = members.first() else {
            continue;
        };
        let (chat, token, server) = (*chat, plan.users[owner].token.clone(), server.to_owned());
        let (permits, count) = (permits.clone(), args.history);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let (mut socket, _) = Socket::connect(&server, &token)
                .await
                .map_err(|e| e.to_string())?;
            for i in 0..count {
                socket
                    .request(&send_request(chat, format!("history {i}"), i as u64))
                    .await
                    .map_err(|e| format!("history: {e}"))?;
            }
            Ok::<(), String>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| e.to_string())??;
    }
    Ok(())
}

fn send_request(chat: ChatId, content: String, n: u64) -> ClientRequest {
    ClientRequest::Send(SendData {
        chat_id: chat,
        content,
        content_type: None,
        metadata: None,
        reply_to_id: None,
        client_id: format!("h{n}-{}", uuid::Uuid::now_v7().simple()),
        attachment_ids: Vec::new(),
    })
}

/// Waits until every client resynced (or `--duration` seconds passed), stops the senders,
/// lets their last messages arrive, ends the clients and collects them.
async fn finish(
    clients: &mut JoinSet<(usize, ClientResult)>,
    progress: &Progress,
    users: usize,
    phase: &watch::Sender<Phase>,
    stop: &watch::Sender<bool>,
    args: &BenchArgs,
) -> Vec<ClientResult> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.duration);
    while progress.resynced.load(std::sync::atomic::Ordering::Acquire) < users {
        if tokio::time::timeout_at(deadline, progress.notify.notified())
            .await
            .is_err()
        {
            eprintln!("bench: not every client resynced within --duration");
            break;
        }
    }
    // The senders keep posting a moment after the last resync, so the new sockets' live
    // delivery is checked too, then the last messages get time to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let _ = stop.send(true);
    tokio::time::sleep(super::DRAIN).await;
    let _ = phase.send(Phase::End);
    let mut results: Vec<ClientResult> = (0..users).map(|_| ClientResult::default()).collect();
    while let Some(done) = clients.join_next().await {
        if let Ok((index, one)) = done {
            results[index] = one;
        }
    }
    results
}

/// One sender: a socket of its own (a second device), posting into its chats at `rate`
/// per second until stopped, reconnecting when the node goes away.
async fn send_loop(
    server: String,
    plan: Arc<Plan>,
    sender: usize,
    rate: f64,
    numbers: Arc<std::sync::atomic::AtomicU64>,
    acked: Arc<Mutex<Vec<(usize, usize, u64)>>>,
    mut stop: watch::Receiver<bool>,
) {
    let start = Instant::now();
    let chats: Vec<usize> = (0..plan.chats.len())
        .filter(|c| plan.chats[*c].1.contains(&sender))
        .collect();
    if chats.is_empty() {
        return;
    }
    let token = plan.users[sender].token.clone();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate.max(0.001)));
    let mut socket: Option<Socket> = None;
    let mut turn = 0usize;
    while !*stop.borrow() {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        let Some(live) = socket.as_mut() else {
            socket = Socket::connect(&server, &token).await.ok().map(|(s, _)| s);
            continue;
        };
        let chat = chats[turn % chats.len()];
        turn += 1;
        let number = numbers.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let content = format!("bench {number} {} x", start.elapsed().as_micros());
        match live
            .request(&send_request(plan.chats[chat].0, content, number))
            .await
        {
            Ok(_) => {
                if let Ok(mut acked) = acked.lock() {
                    acked.push((chat, sender, number));
                }
            }
            Err(common::client::ClientError::Frame(_)) => {}
            Err(_) => socket = None,
        }
    }
}
