//! `chatctl`, the operator's CLI for chatd, as a library: the command line ([`cli::Cli`],
//! also read by `xtask` for the man page and completions) and one module per noun.

pub mod cli;

mod backup;
mod bench;
mod context;
mod doctor;
mod email;
mod export;
mod group;
mod migrate;
mod output;
mod retention;
mod stats;
mod user;

use std::process::ExitCode;

use chatd::config::Config;

use crate::cli::{Cli, Command};
use crate::context::Context;
pub use crate::output::Failure;

/// Runs one parsed command line and returns the documented exit code; the reason for a
/// failure goes to stderr.
pub fn main_with(cli: Cli) -> ExitCode {
    let config = match Config::load(&cli.config) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("chatctl: {e}");
            return ExitCode::from(2);
        }
    };
    let ctx = Context {
        config,
        config_file: cli.config.config.clone(),
        json: cli.json,
    };
    // The load generator needs every core; the other verbs are sequential.
    let mut builder = if matches!(cli.command, Command::Bench(_)) {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("chatctl: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&ctx, cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("chatctl: {failure}");
            ExitCode::from(failure.code)
        }
    }
}

async fn run(ctx: &Context, command: Command) -> output::Outcome {
    match command {
        Command::Migrate(cmd) => migrate::run(ctx, cmd).await,
        Command::User(cmd) => user::run(ctx, cmd).await,
        Command::Group(cmd) => group::run(ctx, cmd).await,
        Command::Export(args) => export::run(ctx, args).await,
        Command::Backup(cmd) => backup::run(ctx, cmd).await,
        Command::Stats => stats::run(ctx).await,
        Command::Doctor => doctor::run(ctx).await,
        Command::Bench(args) => bench::run(ctx, args).await,
        Command::Email(cmd) => email::run(ctx, cmd).await,
        Command::Retention(cmd) => retention::run(ctx, cmd).await,
    }
}
