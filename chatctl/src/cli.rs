//! The command line of `chatctl`: `chatctl <noun> <verb>`, with chatd's configuration flags.
//!
//! Long on purpose: it is clap's declaration of every noun, verb and flag (data), from which
//! the man pages and completions are generated.

use std::path::PathBuf;

use chatd::cli::ConfigArgs;
use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit status:
  0  success
  1  failure (the reason is on stderr)
  2  usage or configuration error, or a destructive verb run without --yes and no terminal
  3  `migrate check`: migrations are pending
  4  not found (no such user, session, group or chat)

Data goes to stdout (a table, or JSON with --json); diagnostics go to stderr.
chatctl reads chatd's configuration: --config/CHATD_CONFIG, CHATD_* variables and flags.
With no database URL it reaches the embedded PostgreSQL of the data directory, which a
running chatd serves (`backup restore` starts it itself when no chatd runs).";

/// The operator's CLI for chatd: users, groups, exports, migrations, backups, statistics,
/// health checks.
#[derive(Debug, Parser)]
#[command(name = "chatctl", version, about, long_about, after_long_help = EXIT_CODES)]
pub struct Cli {
    /// Print data as JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
    /// chatd's configuration, from the same file, variables and flags as chatd: which
    /// database, Redis and data directory to reach. Listed in their own help section, after
    /// the verbs and chatctl's own flags.
    #[command(flatten, next_help_heading = "Server connection")]
    pub config: ConfigArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The nouns of `chatctl`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Database migrations: status, run, check.
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Accounts and their sessions.
    #[command(subcommand)]
    User(UserCommand),
    /// Groups and their members, acted as the server's operator.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Exports a chat's or a user's messages as JSON Lines.
    Export(ExportArgs),
    /// Backups: create, verify, restore, list.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// Server statistics: users, activity, chats, messages, database size.
    Stats,
    /// Checks configuration, PostgreSQL, migrations, Redis, data directory and clock.
    Doctor,
    /// Load test: drives a running chatd over real sockets and reports latency and losses.
    Bench(BenchArgs),
    /// Outgoing mail: send a test mail through the configured SMTP server.
    #[command(subcommand)]
    Email(EmailCommand),
    /// Message retention: the policy and what is due, or a pruning pass now.
    #[command(subcommand)]
    Retention(RetentionCommand),
}

/// `chatctl retention`.
#[derive(Debug, Clone, Subcommand)]
pub enum RetentionCommand {
    /// The policy ([retention] and groups with their own), the age of the oldest message
    /// that still has content, and how many messages are due.
    Status,
    /// Runs one pruning pass now, in the same batches as chatd's job (which waits while
    /// it runs), and prints what it pruned. Connected clients hear it through Redis.
    Run {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// `chatctl email`.
#[derive(Debug, Clone, Subcommand)]
pub enum EmailCommand {
    /// Sends a test mail to ADDRESS through the configured SMTP server ([email]) at once,
    /// not through chatd's queue, and says what the server answered.
    Test {
        /// The recipient.
        address: String,
    },
}

/// `chatctl bench`: users and chats are made through the store (the database of the
/// configuration), then every message goes over a real WebSocket to `--server`. The
/// server's per-user send limit must allow the rate (`limits.messages_per_sec`).
#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// The chatd to drive, or a comma-separated list of nodes (users are spread over them
    /// round-robin: their sockets and their sends).
    #[arg(long, default_value = "http://127.0.0.1:7878")]
    pub server: String,
    /// Users, all connected.
    #[arg(long, default_value_t = 100)]
    pub users: usize,
    /// Direct chats between random pairs.
    #[arg(long, default_value_t = 50)]
    pub direct: usize,
    /// Groups of random members.
    #[arg(long, default_value_t = 0)]
    pub groups: usize,
    /// Members per group.
    #[arg(long, default_value_t = 10)]
    pub group_size: usize,
    /// Open loop: messages per second over all chats (random chat, random member).
    #[arg(long, default_value_t = 50.0)]
    pub rate: f64,
    /// Closed loop instead: sends each sender keeps in flight (send, wait for the ack, send).
    #[arg(long, default_value_t = 0)]
    pub in_flight: usize,
    /// Closed loop: senders per chat (its first members).
    #[arg(long, default_value_t = 1)]
    pub senders: usize,
    /// Seconds of sending.
    #[arg(long, default_value_t = 60)]
    pub duration: u64,
    /// Message size in bytes.
    #[arg(long, default_value_t = 100)]
    pub size: usize,
    /// Connections opened at once while connecting.
    #[arg(long, default_value_t = 200)]
    pub connect_concurrency: usize,
    /// Connections started per second, on a fixed schedule whatever the server's pace (an
    /// open loop, for the `hello` latency at a given connect rate); 0 starts them as fast
    /// as `--connect-concurrency` allows.
    #[arg(long, default_value_t = 0)]
    pub connect_rate: u32,
    /// chatd's process id, to report its CPU and memory (same machine only).
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Milliseconds a client lets a seq gap stay open (its missing events may still come
    /// live) before it sends `sync` for that chat; 0 syncs at once (protocol.md's rule).
    #[arg(long, default_value_t = 0)]
    pub gap_wait_ms: u64,
    /// Reconnect storm instead: `--users` users, each in `--chats-per-user` groups with
    /// `--history` messages each, all on the first `--server`; every socket is dropped at
    /// once (or the node restarted with `--restart-cmd`) and the bench measures the time
    /// until every client has reconnected and resynced.
    #[arg(long)]
    pub reconnect_storm: bool,
    /// Reconnect storm: chats each user is in.
    #[arg(long, default_value_t = 5)]
    pub chats_per_user: usize,
    /// Reconnect storm: messages of history per chat.
    #[arg(long, default_value_t = 20)]
    pub history: usize,
    /// Reconnect storm: users that keep posting while the others reconnect.
    #[arg(long, default_value_t = 3)]
    pub storm_senders: usize,
    /// Reconnect storm: a shell command that restarts the node, run instead of dropping the
    /// sockets (the clients then reconnect as soon as the node answers).
    #[arg(long)]
    pub restart_cmd: Option<String>,
    /// Search instead: fill messages over groups through the store, index them, and
    /// measure `GET /api/messages/search` for a user in some of the groups.
    #[arg(long)]
    pub search: bool,
    /// Search mode: messages to fill (spread evenly over the groups).
    #[arg(long, default_value_t = 1_000_000)]
    pub search_messages: usize,
    /// Search mode: groups to fill.
    #[arg(long, default_value_t = 1000)]
    pub search_chats: usize,
    /// Search mode: groups the searching user is a member of.
    #[arg(long, default_value_t = 50)]
    pub search_member_of: usize,
    /// Search mode: queries to time (one at a time).
    #[arg(long, default_value_t = 500)]
    pub search_queries: usize,
}

/// `chatctl migrate`.
#[derive(Debug, Subcommand)]
pub enum MigrateCommand {
    /// Lists every migration, applied or pending.
    Status,
    /// Applies the pending migrations.
    Run,
    /// Exits 3 when a migration is pending, 1 when one failed or was changed, else 0.
    Check,
}

/// `chatctl user`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates an account. The password is read from a prompt, or from stdin.
    Create {
        /// The username (3-32 of a-z, 0-9, `_`, `.`, `-`; folded to lower case).
        name: String,
        /// The display name.
        #[arg(long)]
        display_name: Option<String>,
        /// Make the account a server administrator.
        #[arg(long)]
        admin: bool,
        /// Read the password from the first line of stdin instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Lists accounts by username.
    List {
        /// Only administrators.
        #[arg(long)]
        admin: bool,
        /// Only disabled accounts.
        #[arg(long)]
        disabled: bool,
        /// Only usernames starting with this.
        #[arg(long, value_name = "PREFIX")]
        query: Option<String>,
        /// Page size.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
        /// Accounts skipped.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..))]
        offset: i64,
    },
    /// Shows one account.
    Show {
        /// The username.
        name: String,
    },
    /// Disables an account and revokes all of its sessions at once.
    Disable {
        /// The username.
        name: String,
    },
    /// Enables a disabled account (its old sessions stay revoked).
    Enable {
        /// The username.
        name: String,
    },
    /// Sets a new password (prompt or stdin) and revokes all sessions.
    ResetPassword {
        /// The username.
        name: String,
        /// Read the password from the first line of stdin instead of a prompt.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Grants or removes server administration.
    SetRole {
        /// The username.
        name: String,
        /// The role.
        role: Role,
    },
    /// Deletes an account for good; its messages stay, shown as from a deleted user.
    Delete {
        /// The username.
        name: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Lists the account's sessions, revoked ones included.
    Sessions {
        /// The username.
        name: String,
    },
    /// Revokes one session, or all of them with --all.
    Revoke {
        /// The username.
        name: String,
        /// The session to revoke.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        session_id: Option<uuid::Uuid>,
        /// Revoke every live session.
        #[arg(long)]
        all: bool,
    },
}

/// A server role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Role {
    /// Server administrator.
    Admin,
    /// Ordinary account.
    User,
}

/// `chatctl backup`.
#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Writes one archive (database dump, attachments, manifest) while chatd keeps serving.
    Create {
        /// The archive to write; a directory gets `chatd-<UTC time>.tar` inside it.
        #[arg(long, short, value_name = "FILE")]
        output: PathBuf,
    },
    /// Checks an archive without restoring it: checksums, manifest, readable dump.
    Verify {
        /// The archive.
        file: PathBuf,
    },
    /// Restores an archive into an empty database, then applies pending migrations.
    Restore(RestoreArgs),
    /// Lists the archives of a directory, newest first; --keep N deletes the older ones.
    List {
        /// The directory.
        dir: PathBuf,
        /// Keep the newest N archives and delete the rest.
        #[arg(long, value_name = "N")]
        keep: Option<usize>,
        /// Do not ask before deleting.
        #[arg(long)]
        yes: bool,
    },
}

/// `chatctl backup restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The archive.
    pub file: PathBuf,
    /// Restore over a database that already holds data (its objects are replaced).
    #[arg(long)]
    pub force: bool,
}

/// `chatctl group`. A group is named by its id or its slug, a user by username or id.
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Creates a group with an owner and members.
    Create {
        /// The name (1-100 characters).
        name: String,
        /// The owner.
        #[arg(long, value_name = "USER")]
        owner: String,
        /// A member; repeat for more (at most 300 with the owner).
        #[arg(long = "member", value_name = "USER")]
        members: Vec<String>,
        /// The slug (3-64 of a-z, 0-9, `-`).
        #[arg(long)]
        slug: Option<String>,
    },
    /// Lists live groups by name.
    List {
        /// Only groups whose name or slug contains this (any case).
        #[arg(long, value_name = "TEXT")]
        query: Option<String>,
        /// Only groups this user is a member of.
        #[arg(long, value_name = "USER")]
        member: Option<String>,
        /// Page size.
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(i64).range(1..=10_000))]
        limit: i64,
        /// Groups skipped.
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..))]
        offset: i64,
    },
    /// Shows a group with its members and their roles.
    Show {
        /// The group's id or slug.
        group: String,
    },
    /// Adds members (users already in are skipped).
    AddMember {
        /// The group's id or slug.
        group: String,
        /// The users.
        #[arg(required = true, value_name = "USER")]
        users: Vec<String>,
    },
    /// Removes a member (not the owner: transfer first, or delete the group).
    RemoveMember {
        /// The group's id or slug.
        group: String,
        /// The user.
        user: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Makes a member an admin or a plain member.
    SetRole {
        /// The group's id or slug.
        group: String,
        /// The member.
        user: String,
        /// The role.
        role: GroupRole,
    },
    /// Renames a group and/or changes its slug.
    Rename {
        /// The group's id or slug.
        group: String,
        /// The new name.
        #[arg(long, required_unless_present = "slug")]
        name: Option<String>,
        /// The new slug; `""` removes it.
        #[arg(long)]
        slug: Option<String>,
    },
    /// Makes a member the owner; the previous owner becomes an admin.
    Transfer {
        /// The group's id or slug.
        group: String,
        /// The new owner (a member).
        user: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Deletes a group for every member.
    Delete {
        /// The group's id or slug.
        group: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// A role the operator sets with `group set-role` (ownership moves with `group transfer`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GroupRole {
    /// Manages members and the name.
    Admin,
    /// Plain member.
    Member,
}

/// `chatctl export`: one JSON object per message and line, oldest first.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("scope").required(true).args(["chat", "user"])))]
pub struct ExportArgs {
    /// Every message of this chat (id, or a group's slug), by seq.
    #[arg(long, value_name = "ID|SLUG")]
    pub chat: Option<String>,
    /// Every message this user sent (username or id), in any chat, by time.
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Write to this file instead of stdout (`FILE.partial` until complete).
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only messages sent at or after this time (RFC 3339, or a UTC date YYYY-MM-DD).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub since: Option<time::OffsetDateTime>,
    /// Only messages sent before this time (RFC 3339, or a UTC date YYYY-MM-DD).
    #[arg(long, value_name = "TIME", value_parser = parse_time)]
    pub until: Option<time::OffsetDateTime>,
}

/// RFC 3339 (`2026-11-01T00:00:00Z`) or a date (`2026-11-01`, midnight UTC).
fn parse_time(text: &str) -> Result<time::OffsetDateTime, String> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(at) = time::OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(text, &date_format)
        .map(|d| d.midnight().assume_utc())
        .map_err(|_| format!("{text:?} is neither RFC 3339 nor YYYY-MM-DD"))
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn export_times_are_rfc3339_or_utc_dates() {
        let date = parse_time("2026-11-01").unwrap();
        assert_eq!(date, time::macros::datetime!(2026-11-01 00:00 UTC));
        let exact = parse_time("2026-11-01T12:30:00+01:00").unwrap();
        assert_eq!(exact, time::macros::datetime!(2026-11-01 11:30 UTC));
        for bad in ["yesterday", "2026-13-01", "2026-11-01 12:00", ""] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
