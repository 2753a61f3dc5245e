//! Makes server-supplied text safe to draw: no control character, escape sequence or bidi
//! override from a message, a name or a chat title ever reaches the terminal.

use std::borrow::Cow;

/// Whether `c` changes how the terminal or the text around it is shown: C0 and C1 controls,
/// DEL, and the bidi embeddings, overrides, isolates and marks.
fn is_hostile(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}')
}

/// One line of text: every hostile character and whole escape sequence removed, tabs and
/// line breaks turned into spaces.
pub fn line(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    strip_into(text, &mut out, false);
    Cow::Owned(out)
}

/// Multi-line text (a message body): like [`line`], but `\n` survives as a line break.
pub fn block(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hostile(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    strip_into(text, &mut out, true);
    Cow::Owned(out)
}

fn strip_into(text: &str, out: &mut String, keep_newlines: bool) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\t' | '\n' | '\r' => out.push(' '),
            // ESC starts a sequence: drop all of it, not just the ESC, so that no
            // half-sequence shows up as garbage.
            '\u{1b}' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | '_' | '^' | 'X') => skip_string(&mut chars),
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{9d}' | '\u{90}' | '\u{9e}' | '\u{9f}' | '\u{98}' => skip_string(&mut chars),
            c if is_hostile(c) => {}
            c => out.push(c),
        }
    }
}

/// Skips CSI parameters and intermediates up to and including the final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    for c in chars.by_ref() {
        if ('\u{40}'..='\u{7e}').contains(&c) || !(' '..='~').contains(&c) {
            return;
        }
    }
}

/// Skips an OSC/DCS/APC/PM/SOS string up to BEL or ST (`ESC \` or 0x9C).
fn skip_string(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => return,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                return;
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_untouched() {
        assert!(matches!(line("héllo 👋🏽 世界"), Cow::Borrowed(_)));
        assert!(matches!(block("two\nlines"), Cow::Borrowed(_)));
    }

    #[test]
    fn hostile_payloads_lose_every_control() {
        let cases = [
            ("\u{1b}[2J\u{1b}[Hwiped", "wiped"),
            ("\u{1b}[31mred\u{1b}[0m", "red"),
            ("\u{1b}]0;pwned title\u{7}after", "after"),
            (
                "\u{1b}]8;;http://evil\u{1b}\\link\u{1b}]8;;\u{1b}\\",
                "link",
            ),
            ("\u{1b}P+q\u{1b}\\x", "x"),
            ("\u{9b}31mc1", "c1"),
            ("\u{9d}0;t\u{9c}osc", "osc"),
            ("bell\u{7}\u{8}\u{0}", "bell"),
            ("\u{202E}gnp.exe", "gnp.exe"),
            ("a\u{2066}b\u{2069}c\u{200F}", "abc"),
            ("cr\rlf", "cr lf"),
            ("\u{1b}", ""),
            ("\u{1b}[", ""),
            ("del\u{7f}", "del"),
        ];
        for (input, want) in cases {
            assert_eq!(line(input), want, "{input:?}");
            assert!(!line(input).chars().any(is_hostile));
        }
    }

    #[test]
    fn blocks_keep_line_breaks_only() {
        assert_eq!(block("a\n\u{1b}[1mb\r\n"), "a\nb \n");
        assert_eq!(line("a\nb"), "a b");
    }
}
