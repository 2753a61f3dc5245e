//! The subcommands for scripts: `login`, `logout`, `send`, and the full-screen start.

use std::io::{BufRead, IsTerminal, Read};

use anyhow::{Context as _, bail};
use common::api::SendMessageRequest;
use common::client::Client;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc;

use crate::cli::{CacheCommand, Cli, Command, LoginArgs, SendArgs};
use crate::config::{Config, DEFAULT_SERVER, Dirs};
use crate::keymap::Keymap;
use crate::net::{self, Auth};
use crate::session::SessionFile;
use crate::state::AppState;
use crate::ui::Theme;

/// An error with its documented exit code.
#[derive(Debug)]
pub struct Exit(pub i32, pub String);

/// What the command line resolved to.
#[derive(Debug)]
pub struct Setup {
    /// The config.
    pub config: Config,
    /// The server to use.
    pub server: String,
    /// The profile's session file.
    pub session: SessionFile,
    /// The profile's kept drafts.
    pub drafts: crate::drafts::DraftsFile,
    /// The profile's config.
    pub username: Option<String>,
    /// The profile's offline cache file.
    pub cache: std::path::PathBuf,
    /// The transport to use (`--transport`).
    pub transport: crate::net::TransportMode,
}

/// Loads config and picks the profile.
pub fn setup(cli: &Cli) -> anyhow::Result<Setup> {
    let dirs = Dirs::locate()?;
    let config = Config::load(&dirs.config)?;
    let name = config.profile_name(cli.profile.as_deref());
    let profile = config.profile(&name);
    let session = SessionFile::new(&dirs.data, &name);
    let drafts = crate::drafts::DraftsFile::new(&dirs.data, &name);
    let cache = crate::cache::path_for(&dirs.data, &name);
    let server = cli
        .server
        .clone()
        .or(profile.server)
        .or_else(|| session.load().map(|s| s.server))
        .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
    Ok(Setup {
        config,
        server,
        session,
        drafts,
        username: profile.username,
        cache,
        transport: cli.transport,
    })
}

/// Runs the command line; the exit code.
pub async fn main(cli: Cli) -> anyhow::Result<i32> {
    let setup = setup(&cli)?;
    match cli.command {
        None => tui(setup, None).await,
        Some(Command::Open(args)) => tui(setup, Some(args.target)).await,
        Some(Command::Login(args)) => login(&setup, &args).await,
        Some(Command::Logout) => {
            match restore(&setup).await {
                Ok(auth) => auth.logout().await,
                Err(_) => setup.session.remove()?,
            }
            eprintln!("logged out");
            Ok(0)
        }
        Some(Command::Send(args)) => send(&setup, &args).await,
        Some(Command::Keys) => {
            print!("{}", Keymap::default().markdown());
            Ok(0)
        }
        Some(Command::Cache(command)) => cache_command(&setup, &command),
        Some(Command::Bench(args)) if args.first_frame => {
            crate::bench_cache::run(&setup).await?;
            Ok(0)
        }
        Some(Command::Bench(_)) => {
            crate::bench::startup(&setup).await?;
            crate::bench::run();
            Ok(0)
        }
    }
}

/// `chat-tui cache clear` and `chat-tui cache info`.
fn cache_command(setup: &Setup, command: &CacheCommand) -> anyhow::Result<i32> {
    let path = &setup.cache;
    match command {
        CacheCommand::Clear => {
            if path.exists() {
                crate::cache::Store::open(path, setup.config.cache.messages_per_chat)?.clear()?;
            }
            eprintln!("cache cleared: {}", path.display());
        }
        CacheCommand::Info => {
            let (chats, messages) = if path.exists() {
                crate::cache::Store::open(path, setup.config.cache.messages_per_chat)?.counts()?
            } else {
                (0, 0)
            };
            println!("{}: {chats} chats, {messages} messages", path.display());
        }
    }
    Ok(0)
}

/// Opens the profile's cache and rebuilds the screen from it; the writer for the network
/// task. A cache that cannot be opened is left out (said on the status line), never fatal.
fn open_cache(
    setup: &Setup,
    state: &mut AppState,
) -> (Option<crate::cache::Writer>, Vec<crate::state::Command>) {
    if !setup.config.cache.enabled {
        return (None, Vec::new());
    }
    let opened = crate::cache::Store::open(&setup.cache, setup.config.cache.messages_per_chat)
        .and_then(|store| Ok((store.load()?, store)));
    match opened {
        Ok((mut snapshot, store)) => {
            // Another account's cache is not drawn (its first login empties it).
            let user = setup.session.load().map(|s| s.user_id);
            if snapshot.me.as_ref().map(|me| me.id) != user {
                snapshot = crate::cache::Snapshot::default();
            }
            let commands = crate::state::persist::restore(state, snapshot);
            (Some(crate::cache::Writer::spawn(store)), commands)
        }
        Err(e) => {
            state.notice = Some(format!("offline cache not used: {e:#}"));
            (None, Vec::new())
        }
    }
}

async fn restore(setup: &Setup) -> anyhow::Result<Auth> {
    let Some(session) = setup.session.load() else {
        return Err(anyhow::Error::new(NotLoggedIn));
    };
    let client = Client::new(session.server.clone())?;
    Auth::restore(client, setup.session.clone(), &session)
        .await
        .map_err(|e| {
            if e.status() == Some(401) {
                let _ = setup.session.remove();
                anyhow::Error::new(NotLoggedIn)
            } else {
                anyhow::anyhow!(net::describe(&e))
            }
        })
}

/// No kept session.
#[derive(Debug, thiserror::Error)]
#[error("not logged in: run `chat-tui login`")]
pub struct NotLoggedIn;

async fn login(setup: &Setup, args: &LoginArgs) -> anyhow::Result<i32> {
    let username = if let Some(u) = args.username.clone().or_else(|| setup.username.clone()) {
        u
    } else {
        eprint!("username: ");
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim().to_owned()
    };
    let password = if args.password_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    } else {
        rpassword::prompt_password("password: ")?
    };
    let client = Client::new(setup.server.clone())?;
    if args.register {
        let req = common::api::RegisterRequest {
            username: username.clone(),
            password: password.clone(),
            password_confirm: password.clone(),
            display_name: None,
            invite_code: None,
            email: None,
        };
        client
            .register(&req)
            .await
            .map_err(|e| anyhow::anyhow!(net::describe(&e)))?;
    }
    let resp = client
        .login(&username, &password)
        .await
        .map_err(|e| anyhow::anyhow!(net::describe(&e)))?;
    Auth::new(client, setup.session.clone())
        .keep_login(&resp)
        .await;
    eprintln!("logged in to {} as {}", setup.server, resp.user.username);
    Ok(0)
}

async fn send(setup: &Setup, args: &SendArgs) -> anyhow::Result<i32> {
    let text = if args.text.is_empty() {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text.trim_end_matches('\n').to_owned()
    } else {
        args.text.join(" ")
    };
    if text.trim().is_empty() {
        bail!("nothing to send");
    }
    let auth = restore(setup).await?;
    let to = args.to.as_str();
    let chat_id = if let Ok(id) = to.parse::<common::ChatId>() {
        id
    } else if let Some(user) = net::find_user(&auth, to)
        .await
        .map_err(|e| anyhow::anyhow!(net::describe(&e)))?
    {
        auth.call(|c| async move { c.create_direct(user.id).await })
            .await
            .map_err(|e| anyhow::anyhow!(net::describe(&e)))?
            .chat
            .id
    } else {
        net::groups::find(&auth, to)
            .await
            .map_err(|e| anyhow::anyhow!(net::describe(&e)))?
            .with_context(|| format!("no user or group {to}"))?
    };
    let req = SendMessageRequest {
        content: text,
        content_type: None,
        metadata: None,
        reply_to_id: None,
        client_id: uuid::Uuid::now_v7().to_string(),
        attachment_ids: Vec::new(),
    };
    let result = auth
        .call(|c| {
            let req = req.clone();
            async move { c.send_message(chat_id, &req).await }
        })
        .await
        .map_err(|e| anyhow::anyhow!(net::describe(&e)))?;
    println!("{}", result.message_id);
    Ok(0)
}

/// What `chat-tui open <target>` asks of the network task: a deep link is resolved by the
/// server (by slug or id, at its message with the context around it), a chat id is loaded,
/// anything else names a user.
fn open_command(target: &str) -> crate::state::Command {
    use crate::state::Command;
    if let Some(token) = target
        .contains("/join/")
        .then(|| common::links::invite_token(target))
        .flatten()
    {
        Command::Social(crate::state::social::SocialCommand::Groups(
            crate::state::directory::GroupCommand::JoinInvite(token),
        ))
    } else if common::links::parse(target).is_ok() {
        Command::Social(crate::state::social::SocialCommand::OpenLink(
            target.trim().to_owned(),
        ))
    } else if let Ok(chat_id) = target.trim().parse::<common::ChatId>() {
        Command::LoadChat {
            chat_id,
            messages: true,
            select: true,
        }
    } else {
        Command::StartDirect(target.trim().trim_start_matches('@').to_owned())
    }
}

async fn tui(setup: Setup, open: Option<String>) -> anyhow::Result<i32> {
    let (keymap, problems) = Keymap::with_overrides(&setup.config.keys);
    let offset = time::UtcOffset::current_local_offset().unwrap_or(time::UtcOffset::UTC);
    let theme = Theme::new(
        &setup.config,
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
        offset,
    );
    let mut state = AppState::new(keymap, setup.config.notify, time::OffsetDateTime::now_utc());
    state.utc_offset = offset;
    state.login.username = setup.username.clone().unwrap_or_default();
    // Also tells which web links point at this server (they open in the client).
    state.login.server.clone_from(&setup.server);
    if !problems.is_empty() {
        state.notice = Some(format!("config.toml [keys]: {}", problems.join("; ")));
    }
    state.restored_drafts = setup.drafts.load();
    state.attachments.preview = setup.config.attachments.preview;
    state.attachments.downloads_dir = net::attachments::downloads_dir();
    // Only a kept session has a cache worth drawing: without one the login screen comes.
    let (cache, first) = if setup.session.load().is_some() {
        open_cache(&setup, &mut state)
    } else {
        (None, Vec::new())
    };
    let (events_tx, events_rx) = mpsc::unbounded_channel();
    let net = net::spawn_with(
        setup.server.clone(),
        setup.session.clone(),
        events_tx.clone(),
        cache.clone(),
        setup.transport,
    );
    for command in first {
        let _ = net.send(command);
    }
    if cache.is_some() {
        crate::cache::load_rest(
            setup.cache.clone(),
            setup.config.cache.messages_per_chat,
            crate::state::persist::rest(&state),
            events_tx.clone(),
        );
    }
    if let Some(target) = open {
        let _ = net.send(open_command(&target));
    }
    let guard = crate::app::TerminalGuard::enter()?;
    // Before the event loop reads standard input: the terminal answers the query there.
    state.attachments.picker = crate::preview::query(state.attachments.preview);
    let mut terminal = Terminal::new(CrosstermBackend::new(std::io::stdout()))?;
    let result = crate::app::run(
        &mut terminal,
        &mut state,
        &theme,
        &net,
        events_rx,
        events_tx,
        guard.panics(),
        cache.as_ref(),
    )
    .await;
    if let Err(e) = setup.drafts.save(&state.drafts()) {
        tracing::warn!(error = %e, "could not keep the drafts");
    }
    if let Some(cache) = cache {
        // Sends typed just before quitting are on disk before the process ends.
        let _ = tokio::task::spawn_blocking(move || cache.flush()).await;
    }
    result?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::open_command;
    use crate::state::Command;
    use crate::state::directory::GroupCommand;
    use crate::state::social::SocialCommand;

    #[test]
    fn open_joins_by_invite_links_and_resolves_chat_links() {
        let token = "GGMwKlhlEQ-A1WbE_SkKPi5sRKKpgq7IdAHjBPFs-3k";
        for link in [
            format!("chat://chat.example.com/join/{token}"),
            format!("https://chat.example.com/join/{token}"),
        ] {
            assert_eq!(
                open_command(&link),
                Command::Social(SocialCommand::Groups(GroupCommand::JoinInvite(
                    token.into()
                )))
            );
        }
        assert_eq!(
            open_command("chat://chat.example.com/c/ops"),
            Command::Social(SocialCommand::OpenLink(
                "chat://chat.example.com/c/ops".into()
            ))
        );
    }
}
