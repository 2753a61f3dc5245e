//! The bench's report, and the sampling of chatd's CPU time and resident memory from
//! `/proc/<pid>` while the load runs.

// Figures for a report: f64 precision is plenty.
#![allow(clippy::cast_precision_loss)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::oneshot;

use super::load::LoadResult;
use super::setup::Plan;
use crate::cli::BenchArgs;

/// Latency percentiles, milliseconds.
#[derive(Debug, Serialize)]
pub struct Percentiles {
    /// Average.
    pub avg: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Largest.
    pub max: f64,
}

impl Percentiles {
    pub(super) fn of(values: &[u64]) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_unstable();
        let at =
            |q: f64| sorted[((sorted.len() as f64 - 1.0) * q).round() as usize] as f64 / 1000.0;
        Some(Self {
            avg: sorted.iter().sum::<u64>() as f64 / sorted.len() as f64 / 1000.0,
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: at(1.0),
        })
    }
}

/// What `chatctl bench` prints.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Users connected.
    pub users: usize,
    /// Servers (nodes) the users were spread over.
    pub servers: usize,
    /// Chats used.
    pub chats: usize,
    /// Open-loop target rate (messages/s), when used.
    pub target_rate: Option<f64>,
    /// Seconds to connect everyone.
    pub connect_secs: f64,
    /// Seconds of sending.
    pub send_secs: f64,
    /// Messages sent.
    pub sent: u64,
    /// Messages acknowledged (committed).
    pub acked: u64,
    /// Sends refused, by error code.
    pub refused: std::collections::HashMap<String, u64>,
    /// Acknowledged messages per second.
    pub acked_per_sec: f64,
    /// Deliveries expected.
    pub expected_deliveries: u64,
    /// Deliveries seen.
    pub delivered: u64,
    /// Deliveries per second.
    pub delivered_per_sec: f64,
    /// Expected but never seen.
    pub lost: u64,
    /// Seen twice by one recipient.
    pub duplicates: u64,
    /// Seen out of order by one recipient.
    pub out_of_order: u64,
    /// Gaps the clients saw: a chat event whose seq was above the client's cursor + 1.
    pub gaps: u64,
    /// `sync` requests the clients sent for gaps (one in flight per chat; pages count).
    pub sync_requests: u64,
    /// `sync` requests per client per minute of sending.
    pub sync_requests_per_client_per_minute: f64,
    /// Deliveries that came only through a gap's `sync` answer (counted as delivered).
    pub recovered_by_sync: u64,
    /// Send to each recipient's `message:new`, ms.
    pub delivery_latency_ms: Option<Percentiles>,
    /// Send to `ack`, ms.
    pub ack_latency_ms: Option<Percentiles>,
    /// chatd's CPU while sending, percent of one core.
    pub server_cpu_percent: Option<f64>,
    /// chatd's peak resident memory, MiB.
    pub server_peak_rss_mib: Option<f64>,
    /// Opening a socket to its `hello`, ms (TCP, upgrade, authentication; measured while
    /// `--connect-concurrency` sockets connect at once).
    pub hello_latency_ms: Option<Percentiles>,
    /// chatd's resident memory added by the open sockets, KiB per socket (resident memory
    /// once all are connected, less before the first, over the sockets).
    pub memory_per_socket_kib: Option<f64>,
}

impl Report {
    /// Summarizes a run.
    pub fn new(args: &BenchArgs, plan: &Plan, result: &LoadResult) -> Self {
        let secs = result.send_secs.max(0.001);
        Self {
            users: plan.users.len(),
            servers: super::servers(&args.server).len(),
            chats: plan.chats.len(),
            target_rate: (args.in_flight == 0).then_some(args.rate),
            connect_secs: result.connect_secs,
            send_secs: result.send_secs,
            sent: result.sent,
            acked: result.acked,
            refused: result.refused.clone(),
            acked_per_sec: result.acked as f64 / secs,
            expected_deliveries: result.expected,
            delivered: result.delivered,
            delivered_per_sec: result.delivered as f64 / secs,
            lost: result.expected.saturating_sub(result.delivered),
            duplicates: result.duplicates,
            out_of_order: result.out_of_order,
            gaps: result.gaps,
            sync_requests: result.sync_requests,
            sync_requests_per_client_per_minute: result.sync_requests as f64
                / plan.users.len().max(1) as f64
                / (secs / 60.0),
            recovered_by_sync: result.recovered,
            delivery_latency_ms: Percentiles::of(&result.latencies_us),
            ack_latency_ms: Percentiles::of(&result.ack_latencies_us),
            server_cpu_percent: result.server.map(|s| s.0),
            server_peak_rss_mib: result.server.map(|s| s.1 as f64 / 1024.0 / 1024.0),
            hello_latency_ms: Percentiles::of(&result.hello_latencies_us),
            memory_per_socket_kib: result.connect_rss.map(|(before, after)| {
                after.saturating_sub(before) as f64 / 1024.0 / plan.users.len().max(1) as f64
            }),
        }
    }

    /// The report as aligned text.
    pub fn table(&self) -> String {
        let pct = |p: &Option<Percentiles>| {
            p.as_ref().map_or_else(
                || "-".to_owned(),
                |p| {
                    format!(
                        "avg {:.1}  p50 {:.1}  p95 {:.1}  p99 {:.1}  max {:.1} ms",
                        p.avg, p.p50, p.p95, p.p99, p.max
                    )
                },
            )
        };
        let mut out = String::new();
        let mut line = |k: &str, v: String| {
            let _ = writeln!(out, "{k:<22} {v}");
        };
        line(
            "users / chats / nodes",
            format!("{} / {} / {}", self.users, self.chats, self.servers),
        );
        line("connect", format!("{:.1} s", self.connect_secs));
        line("hello latency", pct(&self.hello_latency_ms));
        if let Some(kib) = self.memory_per_socket_kib {
            line("memory per socket", format!("{kib:.1} KiB"));
        }
        line(
            "sent / acked",
            format!(
                "{} / {} in {:.1} s ({:.0} acked/s)",
                self.sent, self.acked, self.send_secs, self.acked_per_sec
            ),
        );
        if !self.refused.is_empty() {
            line("refused", format!("{:?}", self.refused));
        }
        line(
            "deliveries",
            format!(
                "{} of {} ({:.0}/s)",
                self.delivered, self.expected_deliveries, self.delivered_per_sec
            ),
        );
        line(
            "lost / dup / order",
            format!(
                "{} / {} / {}",
                self.lost, self.duplicates, self.out_of_order
            ),
        );
        line(
            "gaps / sync requests",
            format!(
                "{} / {} ({:.3} per client per minute; {} deliveries recovered by sync)",
                self.gaps,
                self.sync_requests,
                self.sync_requests_per_client_per_minute,
                self.recovered_by_sync
            ),
        );
        line("delivery latency", pct(&self.delivery_latency_ms));
        line("ack latency", pct(&self.ack_latency_ms));
        if let (Some(cpu), Some(rss)) = (self.server_cpu_percent, self.server_peak_rss_mib) {
            line(
                "chatd",
                format!("CPU {cpu:.0}% of a core, peak RSS {rss:.0} MiB"),
            );
        }
        out
    }
}

/// Samples `/proc/<pid>` once a second until finished.
pub struct ProcSampler {
    stop: oneshot::Sender<()>,
    done: tokio::task::JoinHandle<Option<(f64, u64)>>,
}

impl ProcSampler {
    /// Starts sampling `pid`.
    pub fn start(pid: u32) -> Self {
        let (stop, mut stopped) = oneshot::channel();
        let done = tokio::spawn(async move {
            let started = Instant::now();
            let cpu_start = cpu_ticks(pid)?;
            let mut peak = rss_bytes(pid).unwrap_or(0);
            loop {
                tokio::select! {
                    _ = &mut stopped => break,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {
                        peak = peak.max(rss_bytes(pid).unwrap_or(0));
                    }
                }
            }
            let ticks = cpu_ticks(pid)?.saturating_sub(cpu_start) as f64;
            let hz = 100.0;
            Some((ticks / hz / started.elapsed().as_secs_f64() * 100.0, peak))
        });
        Self { stop, done }
    }

    /// Stops and returns (CPU percent of one core, peak RSS bytes).
    pub async fn finish(self) -> Option<(f64, u64)> {
        let _ = self.stop.send(());
        self.done.await.ok().flatten()
    }
}

/// utime + stime of a process, in clock ticks (100 per second on Linux).
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

/// A process's resident memory now, bytes.
pub(super) fn rss_bytes(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
