//! `chatctl bench`: a load generator that drives a running chatd over real sockets.
//!
//! Users, sessions and chats are made through chatd's own store and services (one
//! registration request per user would measure argon2, not messaging); every message then
//! goes over a real WebSocket, and every recipient's connection measures the time from the
//! send to its own `message:new`. The report counts what was sent, acknowledged and
//! delivered, what was lost, duplicated or out of order, latency percentiles, throughput,
//! and (with `--server-pid`) chatd's CPU and resident memory.

mod cursors;
mod load;
mod reader;
mod report;
mod search;
mod setup;
mod storm;
mod storm_client;
mod storm_report;

use std::time::Duration;

use crate::cli::BenchArgs;
use crate::context::Context;
use crate::output::{Failure, Outcome};

/// Runs one benchmark and prints its report.
pub async fn run(ctx: &Context, args: BenchArgs) -> Outcome {
    if args.search {
        return search::run(ctx, &args).await;
    }
    raise_fd_limit();
    if args.reconnect_storm {
        return storm::run(ctx, &args).await;
    }

    let plan = setup::prepare(ctx, &args).await?;
    eprintln!(
        "bench: {} users, {} direct chats, {} groups of {}; connecting…",
        plan.users.len(),
        args.direct,
        args.groups,
        args.group_size
    );
    let plan = std::sync::Arc::new(plan);
    let result = load::drive(&args, plan.clone())
        .await
        .map_err(Failure::failed)?;
    let report = report::Report::new(&args, &plan, &result);
    print_report(ctx.json, &report, || report.table())
}

/// Prints a report as JSON (`--json`) or as its table.
pub(super) fn print_report<R: serde::Serialize>(
    json: bool,
    report: &R,
    table: impl FnOnce() -> String,
) -> Result<(), Failure> {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).map_err(|e| Failure::failed(e.to_string()))?
        );
    } else {
        print!("{}", table());
    }
    Ok(())
}

/// `--server`'s comma-separated list (never empty: a blank list is the one default).
pub fn servers(list: &str) -> Vec<String> {
    let servers: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if servers.is_empty() {
        vec!["http://127.0.0.1:7878".to_owned()]
    } else {
        servers
    }
}

/// Thousands of sockets need thousands of descriptors; take the hard limit.
fn raise_fd_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((_, hard)) = getrlimit(Resource::RLIMIT_NOFILE) {
        let _ = setrlimit(Resource::RLIMIT_NOFILE, hard, hard);
    }
}

/// How long after the last send the bench waits for stragglers before counting losses.
pub const DRAIN: Duration = Duration::from_secs(5);
