//! The command line of `chat-tui`.

use clap::Parser;

/// The full-screen terminal client for chatd.
#[derive(Debug, Parser)]
#[command(name = "chat-tui", version, about, long_about)]
pub struct Cli {
    /// The server to connect to.
    #[arg(long, env = "CHAT_SERVER", default_value = "http://127.0.0.1:7878")]
    pub server: String,
}
