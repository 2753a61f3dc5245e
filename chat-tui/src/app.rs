//! The terminal loop: one `select!` over terminal events, network events and a tick; the
//! reducer in the middle; commands out to the network task or carried out here (bell,
//! notifications, clipboard, `$EDITOR`). The terminal is restored exactly once, on exit or
//! on a panic of the UI; a panic of a background task ends the loop with its message
//! (`panics`).

use std::io::Write;
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableFocusChange, DisableMouseCapture, EnableBracketedPaste,
    EnableFocusChange, EnableMouseCapture, EventStream,
};
use crossterm::execute;
use futures_util::{FutureExt, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::sync::mpsc;

use crate::panics::PanicRouter;
use crate::state::{AppState, Command, Event};
use crate::ui::{self, Theme};

/// Most events applied between two draws; the screen still moves during an endless stream.
const MAX_BATCH: usize = 4096;

/// Sets the terminal up (raw mode, alternate screen, mouse, paste, focus) and puts it back
/// once: when dropped, or on a panic of the UI thread (see [`PanicRouter`]).
#[derive(Debug)]
pub struct TerminalGuard {
    panics: PanicRouter,
}

impl TerminalGuard {
    /// Enters the full-screen mode; the calling thread is the UI's.
    pub fn enter() -> std::io::Result<Self> {
        let panics = PanicRouter::install(restore);
        crossterm::terminal::enable_raw_mode()?;
        execute!(
            std::io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste,
            EnableFocusChange
        )?;
        Ok(Self { panics })
    }

    /// Background panics, for [`run`] to end on.
    pub fn panics(&self) -> &PanicRouter {
        &self.panics
    }
}

fn restore() {
    let _ = execute!(
        std::io::stdout(),
        DisableFocusChange,
        DisableBracketedPaste,
        DisableMouseCapture,
        crossterm::terminal::LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = crossterm::terminal::disable_raw_mode();
}

/// Runs until the user quits, or fails when a background task panicked (`panics`): the
/// caller restores the terminal, then shows the failure.
#[allow(clippy::too_many_arguments)] // each is one thing the loop joins; a struct would only rename them
pub async fn run<B: Backend>(
    terminal: &mut Terminal<B>,
    state: &mut AppState,
    theme: &Theme,
    net: &mpsc::UnboundedSender<Command>,
    mut events: mpsc::UnboundedReceiver<Event>,
    events_tx: mpsc::UnboundedSender<Event>,
    panics: &PanicRouter,
    cache: Option<&crate::cache::Writer>,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let size = terminal.size()?;
    state.update(Event::Resize(size.width, size.height));
    loop {
        terminal.draw(|frame| ui::draw(frame, state, theme))?;
        let event = tokio::select! {
            Some(Ok(ev)) = input.next() => from_terminal(ev),
            Some(ev) = events.recv() => ev,
            _ = tick.tick() => Event::Tick(time::OffsetDateTime::now_utc()),
            message = panics.failed() => {
                anyhow::bail!("a background task failed ({message}); the terminal was restored")
            }
        };
        // Take everything already waiting (keys typed or pasted without bracketed paste
        // come one event per character, a burst of messages one per message) before
        // drawing once: one draw per key made a 5,000-character paste stall the client.
        let mut batch = vec![event];
        while batch.len() < MAX_BATCH {
            let mut took = false;
            if let Some(Some(Ok(ev))) = input.next().now_or_never() {
                batch.push(from_terminal(ev));
                took = true;
            }
            if let Ok(ev) = events.try_recv() {
                batch.push(ev);
                took = true;
            }
            if !took {
                break;
            }
        }
        for event in batch {
            if !matches!(event, Event::Tick(_)) {
                state.now = time::OffsetDateTime::now_utc();
            }
            for command in state.update(event) {
                match (command, cache) {
                    // Straight to the writer, in order with the flush at exit.
                    (Command::Cache(write), Some(cache)) => cache.write(*write),
                    (Command::Cache(_), None) => {}
                    (command, _) => carry_out(command, state, net, &events_tx, terminal)?,
                }
            }
        }
        if state.quit {
            return Ok(());
        }
    }
}

fn from_terminal(event: crossterm::event::Event) -> Event {
    match event {
        crossterm::event::Event::Key(k) => Event::Key(k),
        crossterm::event::Event::Paste(p) => Event::Paste(p),
        crossterm::event::Event::Mouse(m) => Event::Mouse(m),
        crossterm::event::Event::Resize(w, h) => Event::Resize(w, h),
        crossterm::event::Event::FocusGained => Event::Focus(true),
        crossterm::event::Event::FocusLost => Event::Focus(false),
    }
}

fn carry_out<B: Backend>(
    command: Command,
    state: &mut AppState,
    net: &mpsc::UnboundedSender<Command>,
    events: &mpsc::UnboundedSender<Event>,
    terminal: &mut Terminal<B>,
) -> anyhow::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    match command {
        Command::Quit => state.quit = true,
        Command::Notify {
            title,
            body,
            bell,
            desktop,
        } => notify(&title, &body, bell, desktop),
        Command::Copy(text) => {
            // OSC 52: the terminal puts it on the clipboard, also over ssh.
            use base64::Engine;
            let encoded = base64::engine::general_purpose::STANDARD.encode(text);
            let _ = write!(std::io::stdout(), "\x1b]52;c;{encoded}\x07");
            let _ = std::io::stdout().flush();
        }
        Command::OpenUrl(url) => open_with_opener(&url, events),
        Command::Redraw => terminal.clear()?,
        Command::ExternalEditor(text) => {
            let edited = edit_externally(&text)?;
            terminal.clear()?;
            let _ = events.send(Event::EditorDone(edited));
        }
        other => {
            let _ = net.send(other);
        }
    }
    Ok(())
}

/// Hands a link or a file to the desktop's opener, without waiting for it; the status line
/// says "opened" only once the opener has said it succeeded, and otherwise where the file is.
fn open_with_opener(target: &str, events: &mpsc::UnboundedSender<Event>) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let is_file = !target.contains("://");
    let name = std::path::Path::new(&target)
        .file_name()
        .filter(|_| is_file)
        .map_or_else(|| target.to_owned(), |n| n.to_string_lossy().into_owned());
    let failed = {
        let (name, target) = (name.clone(), target.to_owned());
        move |why: String| {
            if is_file {
                format!("could not open {name} ({why}); it is saved at {target}")
            } else {
                format!("could not open {target} ({why})")
            }
        }
    };
    let notice = |text: String| Event::Net(crate::state::NetEvent::Notice(text));
    match std::process::Command::new(opener)
        .arg(target)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Err(e) => {
            let _ = events.send(notice(failed(format!("no {opener}: {e}"))));
        }
        Ok(mut child) => {
            let events = events.clone();
            // The opener may take a while (or start the program and wait): never on the UI.
            std::thread::spawn(move || {
                let text = match child.wait() {
                    Ok(status) if status.success() => format!("opened {name}"),
                    Ok(status) => failed(format!("{opener} failed: {status}")),
                    Err(e) => failed(format!("{opener}: {e}")),
                };
                let _ = events.send(notice(text));
            });
        }
    }
}

/// Bell, and a desktop notification via `notify-send` when installed, else OSC 777 and 9.
fn notify(title: &str, body: &str, bell: bool, desktop: bool) {
    let mut out = std::io::stdout();
    if bell {
        let _ = out.write_all(b"\x07");
    }
    if desktop {
        let spawned = std::process::Command::new("notify-send")
            .args(["--app-name=chat-tui", title, body])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .is_ok();
        if !spawned {
            // Title and body were sanitized by the reducer, so they cannot end the sequence.
            let _ = write!(
                out,
                "\x1b]777;notify;{title};{body}\x07\x1b]9;{title}: {body}\x07"
            );
        }
    }
    let _ = out.flush();
}

fn edit_externally(text: &str) -> anyhow::Result<String> {
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".to_owned());
    let file = tempfile::Builder::new()
        .prefix("chat-tui-")
        .suffix(".md")
        .tempfile()?;
    std::fs::write(file.path(), text)?;
    restore();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status();
    crossterm::terminal::enable_raw_mode()?;
    execute!(
        std::io::stdout(),
        crossterm::terminal::EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        EnableFocusChange
    )?;
    match status {
        Ok(s) if s.success() => Ok(std::fs::read_to_string(file.path())?),
        _ => Ok(text.to_owned()),
    }
}
