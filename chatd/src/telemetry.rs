//! Logging: human-readable or JSON lines on stderr, filtered by `log.level`.

use std::fmt::Write as _;
use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::field::MakeExt;
use tracing_subscriber::fmt::format::{Writer, debug_fn};

use crate::config::{LogConfig, LogFormat};

/// Installs the global subscriber. Call once, from `main`.
pub fn init(config: &LogConfig) {
    let filter = EnvFilter::try_new(&config.level).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // With stderr gone (`chatd 2>&1 | tee log` after the Ctrl-C killed tee), a failed
        // write must be dropped: reporting it with `eprintln!` panics, and a panic on the
        // way down skipped stopping the embedded PostgreSQL.
        .log_internal_errors(false)
        // Colour only for a person at a terminal: escapes in a pipe, a file or journald
        // are noise that every reader has to strip.
        .with_ansi(colour_wanted(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR"),
        ))
        .with_target(true);
    let result = match config.format {
        // Field values can hold what a client sent (a username with CR/LF, an escape
        // sequence): the human format writes every value escaped, so no client can forge
        // a log line or drive the operator's terminal. JSON encodes them already.
        LogFormat::Human => builder
            .fmt_fields(debug_fn(write_escaped_field).delimited(" "))
            .try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
    if let Err(e) = result {
        eprintln!("chatd: logging already initialised: {e}");
    }
}

/// Whether log lines get ANSI colours: only on a terminal, and never when `NO_COLOR` is set
/// to anything non-empty (<https://no-color.org>).
fn colour_wanted(stderr_is_terminal: bool, no_color: Option<std::ffi::OsString>) -> bool {
    stderr_is_terminal && no_color.is_none_or(|v| v.is_empty())
}

/// `name=value` (the message bare), with control characters in the value escaped.
fn write_escaped_field(
    writer: &mut Writer<'_>,
    field: &tracing::field::Field,
    value: &dyn std::fmt::Debug,
) -> std::fmt::Result {
    let text = escape_controls(&format!("{value:?}"));
    if field.name() == "message" {
        writer.write_str(&text)
    } else {
        write!(writer, "{}={text}", field.name())
    }
}

/// `text` with every control character (and the Unicode line and paragraph separators)
/// written as an escape, so that it stays on one line and prints as itself.
pub fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{colour_wanted, escape_controls};

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(colour_wanted(true, None));
        assert!(colour_wanted(true, Some("".into())));
        assert!(!colour_wanted(true, Some("1".into())));
        assert!(!colour_wanted(false, None));
    }

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(
            escape_controls("a\r\nFAKE\u{1b}[31m\u{2028}é"),
            "a\\r\\nFAKE\\u{1b}[31m\\u{2028}é"
        );
    }
}
