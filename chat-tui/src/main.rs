//! `chat-tui`, the full-screen terminal client for chatd. The screens arrive with their
//! issue; this is the entry point they plug into.

use chat_tui::cli::Cli;
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    eprintln!(
        "chat-tui {}: the terminal interface is not built yet (server: {})",
        env!("CARGO_PKG_VERSION"),
        cli.server
    );
    std::process::exit(2);
}
