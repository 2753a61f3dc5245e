//! The reconnect storm's report: how long until everyone resynced, per-client resync
//! times, sync requests, losses, and chatd's peak memory.

// Figures for a report: f64 precision is plenty.
#![allow(clippy::cast_precision_loss)]

use std::fmt::Write as _;

use serde::Serialize;

use super::report::Percentiles;
use super::setup::Plan;
use super::storm_client::ClientResult;
use crate::cli::BenchArgs;

/// What `chatctl bench --reconnect-storm` prints.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StormReport {
    users: usize,
    chats: usize,
    history_per_chat: usize,
    /// `drop` (every socket dropped) or `restart` (`--restart-cmd`).
    mode: &'static str,
    /// Clients that reconnected and resynced, of `users`.
    resynced: usize,
    /// From the storm's start until the last client reconnected, s.
    all_reconnected_secs: Option<f64>,
    /// From the storm's start until the last client resynced, s.
    all_resynced_secs: Option<f64>,
    /// Per client, from the storm's start to its resync, ms.
    resync_ms: Option<Percentiles>,
    /// `sync` requests the clients sent after the storm (pages and gap syncs included).
    sync_requests: u64,
    /// Messages the senders got acknowledged during the storm.
    sent_during_storm: u64,
    /// Member deliveries of those messages expected, and missing from the clients.
    expected_deliveries: u64,
    lost: u64,
    /// Of the deliveries, those a client got through its resync (it was away when they
    /// were sent).
    recovered_by_sync: u64,
    /// chatd's peak resident memory (`VmHWM`, else the highest `VmRSS` sampled), MiB.
    server_peak_rss_mib: Option<f64>,
}

/// `VmHWM` (peak resident set) of a process, bytes.
pub(super) fn vm_hwm(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

pub(super) fn tally(
    args: &BenchArgs,
    plan: &Plan,
    results: &[ClientResult],
    acked: &[(usize, usize, u64)],
    rss: Option<u64>,
) -> StormReport {
    let mut expected = 0;
    let mut lost = 0;
    let mut recovered = 0;
    for &(chat, sender, number) in acked {
        for &member in plan.chats[chat].1.iter().filter(|m| **m != sender) {
            expected += 1;
            if results
                .get(member)
                .is_some_and(|r| r.by_sync.contains(&number))
            {
                recovered += 1;
            }
            if !results
                .get(member)
                .is_some_and(|r| r.seen.contains(&number))
            {
                lost += 1;
            }
        }
    }
    let resync: Vec<u64> = results.iter().filter_map(|r| r.resynced_us).collect();
    let everyone = resync.len() == results.len();
    let slowest = |f: fn(&ClientResult) -> Option<u64>| {
        everyone
            .then(|| results.iter().filter_map(f).max())
            .flatten()
            .map(|us| us as f64 / 1e6)
    };
    StormReport {
        users: plan.users.len(),
        chats: plan.chats.len(),
        history_per_chat: args.history,
        mode: if args.restart_cmd.is_some() {
            "restart"
        } else {
            "drop"
        },
        resynced: resync.len(),
        all_reconnected_secs: slowest(|r| r.reconnected_us),
        all_resynced_secs: slowest(|r| r.resynced_us),
        resync_ms: Percentiles::of(&resync),
        sync_requests: results.iter().map(|r| r.sync_requests).sum(),
        sent_during_storm: acked.len() as u64,
        expected_deliveries: expected,
        lost,
        recovered_by_sync: recovered,
        server_peak_rss_mib: rss.map(|b| b as f64 / 1024.0 / 1024.0),
    }
}

impl StormReport {
    /// The report as aligned text.
    pub fn table(&self) -> String {
        let secs = |s: Option<f64>| s.map_or_else(|| "-".to_owned(), |s| format!("{s:.2} s"));
        let mut out = String::new();
        let mut line = |k: &str, v: String| {
            let _ = writeln!(out, "{k:<22} {v}");
        };
        line(
            "users / chats",
            format!(
                "{} / {} ({} messages of history each), {}",
                self.users, self.chats, self.history_per_chat, self.mode
            ),
        );
        line("resynced", format!("{} of {}", self.resynced, self.users));
        line("all reconnected", secs(self.all_reconnected_secs));
        line("all resynced", secs(self.all_resynced_secs));
        line(
            "resync per client",
            self.resync_ms.as_ref().map_or_else(
                || "-".to_owned(),
                |p| format!("p50 {:.1}  p99 {:.1}  max {:.1} ms", p.p50, p.p99, p.max),
            ),
        );
        line("sync requests", self.sync_requests.to_string());
        line(
            "sent during storm",
            format!(
                "{} ({} deliveries, {} through the resync, {} lost)",
                self.sent_during_storm, self.expected_deliveries, self.recovered_by_sync, self.lost
            ),
        );
        if let Some(rss) = self.server_peak_rss_mib {
            line("chatd peak RSS", format!("{rss:.0} MiB"));
        }
        out
    }
}
