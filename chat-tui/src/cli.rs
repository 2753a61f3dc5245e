//! The command line of `chat-tui`.
//!
//! Exit codes: 0 success; 1 an error (server refused, network, I/O); 2 bad usage (clap);
//! 3 not logged in (no kept session for the profile).

use clap::{Args, Parser, Subcommand};

/// Exit code: not logged in.
pub const EXIT_NOT_LOGGED_IN: i32 = 3;

/// The full-screen terminal client for chatd.
///
/// With no subcommand it opens the full-screen client. Exit codes: 0 success, 1 error,
/// 2 bad usage, 3 not logged in.
#[derive(Debug, Parser)]
// No `help` subcommand: `--help` says it all, and the man page names only pages that exist.
#[command(
    name = "chat-tui",
    version,
    about,
    long_about,
    disable_help_subcommand = true
)]
pub struct Cli {
    /// The server to connect to (default: the profile's server, else <http://127.0.0.1:7878>).
    #[arg(long, env = "CHAT_SERVER", global = true)]
    pub server: Option<String>,
    /// The account profile of config.toml to use.
    #[arg(long, env = "CHAT_PROFILE", global = true)]
    pub profile: Option<String>,
    /// How to get events: the WebSocket (ws), Server-Sent Events (sse, for networks that
    /// refuse WebSocket upgrades), or the WebSocket falling back to sse when the upgrade
    /// fails (auto).
    #[arg(
        long,
        env = "CHAT_TRANSPORT",
        global = true,
        value_enum,
        default_value_t
    )]
    pub transport: crate::net::TransportMode,
    /// What to do; the full-screen client when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands for scripts.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in and keep the session (interactive, or with --username and --password-stdin).
    Login(LoginArgs),
    /// End the session on the server and forget it here.
    Logout,
    /// Send a message to a user (direct chat) or a group, then exit.
    Send(SendArgs),
    /// Open the client on a chat or a message: chat://<server>/c/<chat-id>[/m/<message-id>],
    /// a group slug, or a username; an invite link chat://<server>/join/<token> joins the
    /// group.
    Open(OpenArgs),
    /// Measure rendering and memory with generated chats (for docs/benchmarks.md).
    Bench(BenchArgs),
    /// Print every key binding (the table of docs/tui.md, generated from the keymap).
    Keys,
    /// The offline cache of the profile (chats, recent messages, queued sends).
    #[command(subcommand)]
    Cache(CacheCommand),
}

/// `chat-tui bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Instead: the time to the first full frame with a warm offline cache of 200 chats and
    /// the server unreachable, and with a cold cache against the profile's server.
    #[arg(long)]
    pub first_frame: bool,
}

/// `chat-tui cache`.
#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// Empty the profile's offline cache (sends not yet delivered are dropped too); the
    /// next start loads everything from the server.
    Clear,
    /// Print where the cache is and what it holds.
    Info,
}

/// `chat-tui login`.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The username (asked for when left out).
    #[arg(long)]
    pub username: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Create the account first.
    #[arg(long)]
    pub register: bool,
}

/// `chat-tui send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// A username (`ada` or `@ada`) for the direct chat with them, or a group: its slug, its
    /// name as the chat list shows it (`"Launch Team"`), or its id.
    #[arg(long)]
    pub to: String,
    /// The text; read from standard input when left out.
    pub text: Vec<String>,
}

/// `chat-tui open`.
#[derive(Debug, Args)]
pub struct OpenArgs {
    /// The link, slug, chat id or username.
    pub target: String,
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn help_lists_every_subcommand() {
        let help = super::Cli::command().render_help().to_string();
        for name in ["login", "logout", "send", "open", "bench", "keys", "cache"] {
            assert!(
                help.lines().any(|l| l.trim_start().starts_with(name)),
                "{name} missing from --help:\n{help}"
            );
        }
    }
}
