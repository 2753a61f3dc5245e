//! A client as the full-screen loop runs it, minus the terminal: the real network task
//! (`chat_tui::net`) against a real chatd, the reducer in the middle, every command the
//! reducer asks for logged so a test can tell which requests were made.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // tests; not every test uses all

use std::path::Path;
use std::time::Duration;

use chat_tui::config::NotifyRules;
use chat_tui::keymap::Keymap;
use chat_tui::session::SessionFile;
use chat_tui::state::{AppState, Command, Event};
use tokio::sync::mpsc;

/// The reducer with its network task.
pub struct Driver {
    /// The client's state.
    pub state: AppState,
    /// Every command the reducer returned, in order.
    pub commands: Vec<Command>,
    /// Every event the reducer was given, in order.
    pub seen: Vec<Event>,
    net: Option<mpsc::UnboundedSender<Command>>,
    events: mpsc::UnboundedReceiver<Event>,
    file: SessionFile,
    server: String,
    /// The offline cache's writer, when the client has one.
    pub cache: Option<chat_tui::cache::Writer>,
}

/// Logs `username` in on `server` with a session of its own, kept in `dir`.
pub async fn login(server: &testkit::TestServer, dir: &Path, username: &str) -> SessionFile {
    let file = SessionFile::new(dir, "default");
    let client = server.client();
    let resp = client.login(username, testkit::password()).await.unwrap();
    chat_tui::net::Auth::new(client, file.clone())
        .keep_login(&resp)
        .await;
    file
}

impl Driver {
    /// A fresh state; the network task starts with the kept session.
    pub fn start(server: &str, file: SessionFile) -> Self {
        let state = AppState::new(
            Keymap::default(),
            NotifyRules::default(),
            time::OffsetDateTime::now_utc(),
        );
        Self::with_state(server, file, state)
    }

    /// A fresh state; the network task uses `transport` (`--transport`).
    pub fn with_transport(
        server: &str,
        file: SessionFile,
        transport: chat_tui::net::TransportMode,
    ) -> Self {
        let state = AppState::new(
            Keymap::default(),
            NotifyRules::default(),
            time::OffsetDateTime::now_utc(),
        );
        let (tx, events) = mpsc::unbounded_channel();
        let net = chat_tui::net::spawn_with(server.to_owned(), file.clone(), tx, None, transport);
        Self {
            state,
            commands: Vec::new(),
            seen: Vec::new(),
            net: Some(net),
            events,
            file,
            server: server.to_owned(),
            cache: None,
        }
    }

    /// The network task under an existing state (a cache restored, a restart).
    pub fn with_state(server: &str, file: SessionFile, state: AppState) -> Self {
        let (tx, events) = mpsc::unbounded_channel();
        let net = chat_tui::net::spawn(server.to_owned(), file.clone(), tx);
        Self {
            state,
            commands: Vec::new(),
            seen: Vec::new(),
            net: Some(net),
            events,
            file,
            server: server.to_owned(),
            cache: None,
        }
    }

    /// The client as `chat-tui` starts it with an offline cache at `path` (at most
    /// `bound` messages per chat): the state restored from the cache before anything
    /// reaches the network task.
    pub fn start_cached(server: &str, file: SessionFile, path: &Path, bound: u32) -> Self {
        let store = chat_tui::cache::Store::open(path, bound).unwrap();
        let snapshot = store.load().unwrap();
        let mut state = AppState::new(
            Keymap::default(),
            NotifyRules::default(),
            time::OffsetDateTime::now_utc(),
        );
        let first = chat_tui::state::persist::restore(&mut state, snapshot);
        let writer = chat_tui::cache::Writer::spawn(store);
        let (tx, events) = mpsc::unbounded_channel();
        let tx_rest = tx.clone();
        let net =
            chat_tui::net::spawn_cached(server.to_owned(), file.clone(), tx, Some(writer.clone()));
        for command in first {
            let _ = net.send(command);
        }
        chat_tui::cache::load_rest(
            path.to_owned(),
            bound,
            chat_tui::state::persist::rest(&state),
            tx_rest,
        );
        Self {
            state,
            commands: Vec::new(),
            seen: Vec::new(),
            net: Some(net),
            events,
            file,
            server: server.to_owned(),
            cache: Some(writer),
        }
    }

    /// Waits until every cache write asked for so far is on disk.
    pub async fn flush(&self) {
        if let Some(cache) = self.cache.clone() {
            tokio::task::spawn_blocking(move || cache.flush())
                .await
                .unwrap();
        }
    }

    /// Types `text` into the composer and presses Enter.
    pub fn send_text(&mut self, text: &str) {
        use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
        for c in text.chars() {
            self.update(Event::Key(KeyEvent::new(
                KeyCode::Char(c),
                KeyModifiers::NONE,
            )));
        }
        self.update(Event::Key(KeyEvent::new(
            KeyCode::Enter,
            KeyModifiers::NONE,
        )));
    }

    /// The screen as the terminal would show it.
    pub fn render(&self, w: u16, h: u16) -> String {
        let theme = chat_tui::ui::Theme::new(
            &chat_tui::config::Config::default(),
            true,
            time::UtcOffset::UTC,
        );
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|f| chat_tui::ui::draw(f, &self.state, &theme))
            .unwrap();
        format!("{}", terminal.backend())
    }

    /// Ends the network task: its socket closes, the state stays.
    pub fn disconnect(&mut self) {
        self.net = None;
    }

    /// A new network task under the same state: a reconnect after a while away, without
    /// waiting for a backoff. The command log starts afresh.
    pub fn reconnect(&mut self) {
        let (tx, events) = mpsc::unbounded_channel();
        self.events = events;
        self.commands.clear();
        self.net = Some(chat_tui::net::spawn_cached(
            self.server.clone(),
            self.file.clone(),
            tx,
            self.cache.clone(),
        ));
    }

    /// Feeds an event to the reducer and carries out what it asks for.
    pub fn update(&mut self, event: Event) {
        self.seen.push(event.clone());
        let commands = self.state.update(event);
        for command in commands {
            self.commands.push(command.clone());
            match command {
                // As the terminal loop does: straight to the writer, in order with a flush.
                Command::Cache(write) => {
                    if let Some(cache) = &self.cache {
                        cache.write(*write);
                    }
                }
                Command::Notify { .. }
                | Command::Copy(_)
                | Command::OpenUrl(_)
                | Command::ExternalEditor(_)
                | Command::Redraw
                | Command::Quit => {}
                other => {
                    if let Some(net) = &self.net {
                        let _ = net.send(other);
                    }
                }
            }
        }
    }

    /// Runs events through the reducer until `done` holds; panics after 20 s.
    pub async fn until(&mut self, what: &str, mut done: impl FnMut(&AppState) -> bool) {
        let wait = async {
            while !done(&self.state) {
                match self.events.recv().await {
                    Some(event) => {
                        self.state.now = time::OffsetDateTime::now_utc();
                        self.update(event);
                    }
                    None => panic!("the network task ended waiting for {what}"),
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .unwrap_or_else(|_| panic!("no {what} within 20 s"));
    }

    /// Runs events through the reducer until one that `pick` wants has been seen.
    pub async fn until_seen(&mut self, what: &str, pick: impl Fn(&Event) -> bool) {
        let from = self.seen.len();
        let mut done = false;
        while !done {
            let wait = tokio::time::timeout(Duration::from_secs(20), self.events.recv());
            match wait.await {
                Ok(Some(event)) => self.update(event),
                _ => panic!("no {what} within 20 s"),
            }
            done = self.seen[from..].iter().any(&pick);
        }
    }

    /// Runs what is queued now through the reducer, without waiting.
    pub fn drain(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.update(event);
        }
    }
}
