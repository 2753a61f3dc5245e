//! The `chatd` binary: parse configuration, install logging, bind, and hand over to
//! [`chatd::run`].

use std::process::ExitCode;

use anyhow::Context;
use chatd::cli::{Cli, Command};
use chatd::config::Config;
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.config) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("chatd: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::PrintConfig => {
            print!("{}", config.to_redacted_toml());
            ExitCode::SUCCESS
        }
        Command::Serve => {
            chatd::telemetry::init(&config.log);
            chatd::tasks::install_panic_hook();
            raise_fd_limit();
            let runtime = match tokio::runtime::Runtime::new() {
                Ok(runtime) => runtime,
                Err(e) => {
                    eprintln!("chatd: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(serve(config)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!("chatd: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    // Before anything is started: a Ctrl-C from now on is a graceful stop (which stops the
    // embedded PostgreSQL), never the default action that kills chatd on the spot.
    let shutdown = shutdown_signal();
    let listener = listen(config.listen)
        .with_context(|| format!("binding {} (listen, CHATD_LISTEN)", config.listen))?;
    chatd::run(config, listener, shutdown).await
}

/// Connections the kernel may hold for chatd before it accepts them (capped by
/// `net.core.somaxconn`).
const LISTEN_BACKLOG: u32 = 4096;

/// The listening socket. Not the standard library's bind: its backlog of 128 overflows when
/// thousands of clients reconnect at once after a restart, and each client whose handshake
/// the kernel drops waits a full second for its retransmission.
fn listen(addr: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Every WebSocket is a descriptor: take the hard limit (systemd sets it with `LimitNOFILE`).
fn raise_fd_limit() {
    use nix::sys::resource::{Resource, getrlimit, setrlimit};
    if let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE)
        && soft < hard
        && let Err(e) = setrlimit(Resource::RLIMIT_NOFILE, hard, hard)
    {
        tracing::warn!(error = %e, soft, "could not raise the open-files limit");
    }
}

/// Resolves on SIGINT or SIGTERM. The handlers are installed by this call, not when the
/// future is first polled, so no signal falls between the two.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let signals = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    );
    async move {
        let (Ok(mut term), Ok(mut int)) = signals else {
            std::future::pending::<()>().await;
            return;
        };
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    }
}
