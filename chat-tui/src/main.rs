//! `chat-tui`, the full-screen terminal client for chatd. The screens arrive with their
//! issue; this is the entry point they plug into.

use clap::Parser;

/// The full-screen terminal client for chatd.
#[derive(Debug, Parser)]
#[command(name = "chat-tui", version, about, long_about)]
struct Cli {
    /// The server to connect to.
    #[arg(long, env = "CHAT_SERVER", default_value = "http://127.0.0.1:7878")]
    server: String,
}

fn main() {
    let cli = Cli::parse();
    eprintln!(
        "chat-tui {}: the terminal interface is not built yet (server: {})",
        env!("CARGO_PKG_VERSION"),
        cli.server
    );
    std::process::exit(2);
}
