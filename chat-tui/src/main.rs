//! `chat-tui`, the full-screen terminal client for chatd. Logs go to a file (set
//! `CHAT_TUI_LOG=debug` and look in the data directory), never to the screen.

use chat_tui::cli::{Cli, EXIT_NOT_LOGGED_IN};
use chat_tui::commands::NotLoggedIn;
use clap::Parser;

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    init_logging();
    let code = match chat_tui::commands::main(cli).await {
        Ok(code) => code,
        Err(e) if e.is::<NotLoggedIn>() => {
            eprintln!("chat-tui: {e}");
            EXIT_NOT_LOGGED_IN
        }
        Err(e) => {
            eprintln!("chat-tui: {e:#}");
            1
        }
    };
    std::process::exit(code);
}

fn init_logging() {
    let Ok(filter) = std::env::var("CHAT_TUI_LOG") else {
        return;
    };
    let Ok(dirs) = chat_tui::config::Dirs::locate() else {
        return;
    };
    let _ = std::fs::create_dir_all(&dirs.data);
    let Ok(file) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dirs.data.join("chat-tui.log"))
    else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}
