//! The network task's start and its life without a server: with a kept session it logs in,
//! loads the chat list and opens the WebSocket; while the server cannot be reached it tries
//! again with backoff, keeps the offline cache written (sends typed meanwhile are queued
//! there) and says that other changes need the server.

use std::sync::Arc;

use common::client::{Client, ClientError};
use tokio::sync::mpsc;

use super::{Auth, Net, describe, socket};
use crate::session::SessionFile;
use crate::state::{Command, ConnState, Event, NetEvent};

pub(super) async fn run(
    server: String,
    file: SessionFile,
    mut commands: mpsc::UnboundedReceiver<Command>,
    events: mpsc::UnboundedSender<Event>,
    cache: Option<crate::cache::Writer>,
    transport: super::TransportMode,
) {
    let mut net = Net {
        server,
        file,
        events,
        auth: None,
        ws: None,
        next_id: 0,
        transport,
        live: Arc::default(),
        cache,
    };
    // While the server is unreachable at start, cache writes (sends typed offline) must
    // still be kept: they are carried out between attempts.
    let mut attempt = 0;
    // Chats opened from the cache before the server answered: loaded once it does.
    let mut deferred = Vec::new();
    while net.start().await == Start::Unreachable {
        let delay = socket::backoff(attempt);
        attempt += 1;
        net.emit(NetEvent::Connection(ConnState::Reconnecting {
            in_secs: delay.as_secs().max(1),
        }));
        let wait = tokio::time::sleep(delay);
        tokio::pin!(wait);
        loop {
            tokio::select! {
                () = &mut wait => break,
                command = commands.recv() => match command {
                    Some(Command::Cache(write)) => net.cache_write(*write),
                    Some(load @ Command::LoadChat { .. }) => deferred.push(load),
                    Some(other) => net.offline(&other),
                    None => return,
                },
            }
        }
    }
    for command in deferred {
        net.command(command).await;
    }
    while let Some(command) = commands.recv().await {
        net.command(command).await;
    }
}

/// How a start with a kept session went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Start {
    /// Logged in, or the login screen is up.
    Done,
    /// The server did not answer: try again later, showing what the cache holds.
    Unreachable,
}

/// No answer at all, or a server not ready: worth another attempt, not a login screen.
pub(super) fn unreachable(e: &ClientError) -> bool {
    matches!(e, ClientError::Transport(_)) || e.status().is_some_and(|s| s >= 500)
}

impl Net {
    /// Goes straight in with a kept session, else asks for a login.
    pub(super) async fn start(&mut self) -> Start {
        let Some(session) = self.file.load() else {
            self.emit(NetEvent::NeedLogin {
                server: self.server.clone(),
                reason: None,
            });
            return Start::Done;
        };
        let server = session.server.clone();
        let client = match Client::new(server.clone()) {
            Ok(c) => c,
            Err(e) => {
                self.emit(NetEvent::NeedLogin {
                    server,
                    reason: Some(e.to_string()),
                });
                return Start::Done;
            }
        };
        match Auth::restore(client, self.file.clone(), &session).await {
            Ok(auth) => return self.logged_in(auth).await,
            Err(e) if e.status() == Some(401) => {
                if self.file.load().map(|s| s.session_id) == Some(session.session_id) {
                    let _ = self.file.remove();
                }
                self.emit(NetEvent::NeedLogin {
                    server: server.clone(),
                    reason: None,
                });
                self.emit(NetEvent::SessionEnded(describe(&e)));
            }
            Err(e) if unreachable(&e) => {
                self.emit(NetEvent::Notice(describe(&e)));
                return Start::Unreachable;
            }
            Err(e) => {
                self.emit(NetEvent::NeedLogin {
                    server,
                    reason: Some(describe(&e)),
                });
            }
        }
        Start::Done
    }

    pub(super) async fn logged_in(&mut self, auth: Auth) -> Start {
        let auth = Arc::new(auth);
        match auth.call(|c| async move { c.me().await }).await {
            Ok(me) => self.emit(NetEvent::LoggedIn(me)),
            Err(e) if e.status() == Some(401) => {
                socket::ended(&auth, &e, &self.events);
                return Start::Done;
            }
            Err(e) if unreachable(&e) => {
                self.emit(NetEvent::Notice(describe(&e)));
                return Start::Unreachable;
            }
            Err(e) => {
                self.emit(NetEvent::NeedLogin {
                    server: self.server.clone(),
                    reason: Some(describe(&e)),
                });
                return Start::Done;
            }
        }
        // The chat list first, so the first sync names every chat with its cursor.
        match auth.call(|c| async move { c.chats().await }).await {
            Ok(list) => self.emit(NetEvent::Chats(list.chats)),
            Err(e) => self.emit(NetEvent::Notice(describe(&e))),
        }
        let (tx, rx) = mpsc::unbounded_channel();
        self.ws = Some(tx);
        self.emit(NetEvent::Connection(ConnState::Connecting));
        tokio::spawn(socket::run(
            auth.clone(),
            rx,
            self.events.clone(),
            self.live.clone(),
            self.transport,
        ));
        self.auth = Some(auth);
        Start::Done
    }

    pub(super) fn cache_write(&self, write: crate::cache::CacheWrite) {
        if let Some(cache) = &self.cache {
            cache.write(write);
        }
    }

    /// A command that needs the server, while there is none: sends stay queued (in the
    /// cache, resent on connect), anything else is said to be impossible offline.
    pub(super) fn offline(&self, command: &Command) {
        let what = match command {
            Command::Edit { .. } => "the edit",
            Command::Delete(_) => "the delete",
            Command::React { .. } => "the reaction",
            Command::Social(_) | Command::StartDirect(_) | Command::CreateGroup { .. } => "that",
            _ => return,
        };
        self.emit(NetEvent::Notice(format!(
            "offline: {what} needs the server; nothing was changed"
        )));
    }
}
