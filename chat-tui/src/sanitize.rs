//! Makes server-supplied text safe to draw: no control character, escape sequence or bidi
//! override from a message, a name or a chat title ever reaches the terminal, and no emoji
//! sequence whose width terminals disagree on (see [`emoji_safe`]).

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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
        return emoji_safe(text);
    }
    let mut out = String::with_capacity(text.len());
    strip_into(text, &mut out, false);
    Cow::Owned(emoji_safe(&out).into_owned())
}

/// Multi-line text (a message body): like [`line`], but `\n` survives as a line break.
pub fn block(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hostile(c)) {
        return emoji_safe(text);
    }
    let mut out = String::with_capacity(text.len());
    strip_into(text, &mut out, true);
    Cow::Owned(emoji_safe(&out).into_owned())
}

/// Characters that make an emoji sequence whose width terminals measure differently: the
/// joiner (ZWJ families), the presentation selectors (VS16 `❤️`), skin-tone modifiers, the
/// keycap mark and tag characters.
fn is_joining(c: char) -> bool {
    matches!(
        c,
        '\u{200D}'
            | '\u{FE0E}'
            | '\u{FE0F}'
            | '\u{1F3FB}'..='\u{1F3FF}'
            | '\u{20E3}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// Whether every terminal draws `grapheme` as wide as the client measures it: its width as
/// one cluster (Unicode's rule, which ratatui and grapheme-aware terminals use) equals the
/// sum of its characters' widths (`wcwidth`, which tmux and most terminals use).
fn agreed(grapheme: &str) -> bool {
    let chars: usize = grapheme.chars().map(|c| c.width().unwrap_or(0)).sum();
    chars == grapheme.width()
}

/// Emoji sequences whose width terminals disagree on are drawn in a form they all agree
/// on, so nothing shifts a column or leaves fragments: a ZWJ sequence as its emoji side by
/// side (`👨‍👩‍👧` as `👨👩👧`), a skin tone as the plain emoji (`👍🏽` as `👍`), a text
/// symbol without its emoji selector (`❤️` as `❤`, one column everywhere). Anything still
/// ambiguous becomes `\u{FFFD}`. Flags (two regional indicators) are two columns under both
/// rules and stay.
pub fn emoji_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_joining) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for g in text.graphemes(true) {
        if agreed(g) {
            out.push_str(g);
            continue;
        }
        let mut plain = String::new();
        for (i, c) in g.chars().enumerate() {
            let modifier = ('\u{1F3FB}'..='\u{1F3FF}').contains(&c) && i > 0;
            if !(modifier || (is_joining(c) && c != '\u{20E3}')) {
                plain.push(c);
            }
        }
        for piece in plain.graphemes(true) {
            out.push_str(if agreed(piece) { piece } else { "\u{FFFD}" });
        }
    }
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
        assert!(matches!(line("héllo 👋 🇩🇪 世界"), Cow::Borrowed(_)));
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
    fn emoji_sequences_are_drawn_as_wide_as_every_terminal_counts_them() {
        let cases = [
            ("flag 🇩🇪🇫🇷", "flag 🇩🇪🇫🇷"),
            ("👍🏽 ok", "👍 ok"),
            ("👨‍👩‍👧", "👨👩👧"),
            ("❤️ love", "❤ love"),
            ("🏃‍♀️", "🏃♀"),
            ("🏳️‍🌈", "🏳🌈"),
            ("é ñ", "é ñ"),
            ("plain", "plain"),
        ];
        for (input, want) in cases {
            assert_eq!(emoji_safe(input), want, "{input:?}");
        }
        // Whatever comes out, every grapheme measures the same under both rules.
        for input in ["#️⃣ 👩🏽‍💻 🧑🏿‍🤝‍🧑🏻 🏴󠁧󠁢󠁳󠁣󠁴󠁿 ☺️ ✔️ 🇩 e\u{301}\u{302}", "\u{200D}\u{FE0F}x"]
        {
            let safe = emoji_safe(input);
            assert!(safe.graphemes(true).all(agreed), "{input:?} -> {safe:?}");
        }
        assert_eq!(line("\u{1b}[1m👍🏽"), "👍");
    }

    #[test]
    fn blocks_keep_line_breaks_only() {
        assert_eq!(block("a\n\u{1b}[1mb\r\n"), "a\nb \n");
        assert_eq!(line("a\nb"), "a b");
    }
}
