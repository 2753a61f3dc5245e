//! Text shaping for the terminal: inline formatting (bold, italic, code, links) and
//! wrapping measured in terminal columns, by grapheme, so wide characters and emoji
//! sequences never shift a column.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Columns a string takes.
pub fn width(text: &str) -> usize {
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Cuts `text` to at most `max` columns, with `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = UnicodeWidthStr::width(g);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push_str(g);
    }
    out.push('…');
    out
}

/// Marks every `@username` (the user's own name, whole, any case) in `runs` with
/// `highlight` on top of the run's style.
pub fn mark_mentions(
    runs: Vec<(String, Style)>,
    username: &str,
    highlight: Style,
) -> Vec<(String, Style)> {
    if username.is_empty() {
        return runs;
    }
    let needle = format!("@{}", username.to_lowercase());
    let mut out = Vec::new();
    for (text, style) in runs {
        let lower = text.to_lowercase();
        // Lower-casing can change lengths outside ASCII; then leave the run as it is.
        if lower.len() != text.len() {
            out.push((text, style));
            continue;
        }
        let mut start = 0;
        let mut from = 0;
        while let Some(at) = lower[from..].find(&needle).map(|i| from + i) {
            let end = at + needle.len();
            let whole = !lower[end..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-');
            if whole {
                if at > start {
                    out.push((text[start..at].to_owned(), style));
                }
                out.push((text[at..end].to_owned(), style.patch(highlight)));
                start = end;
            }
            from = end;
        }
        if start < text.len() {
            out.push((text[start..].to_owned(), style));
        }
    }
    out
}

/// Splits one line of message text into styled runs: `*bold*`, `_italic_`, `` `code` ``
/// and `http(s)://` links.
pub fn inline(text: &str, base: Style) -> Vec<(String, Style)> {
    let mut runs: Vec<(String, Style)> = Vec::new();
    let mut push = |s: &str, style: Style| {
        if s.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some((last, st)) if *st == style => last.push_str(s),
            _ => runs.push((s.to_owned(), style)),
        }
    };
    let mut rest = text;
    while !rest.is_empty() {
        let next = rest.char_indices().find(|(i, c)| {
            matches!(c, '`' | '*' | '_')
                || rest[*i..].starts_with("http://")
                || rest[*i..].starts_with("https://")
        });
        let Some((at, c)) = next else {
            push(rest, base);
            break;
        };
        push(&rest[..at], base);
        let tail = &rest[at..];
        if c == 'h' {
            let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
            push(&tail[..end], base.add_modifier(Modifier::UNDERLINED));
            rest = &tail[end..];
            continue;
        }
        let close = tail[1..].find(c).map(|i| i + 1);
        match close {
            Some(close) if close > 1 => {
                let inner = &tail[1..close];
                let style = match c {
                    '`' => base.add_modifier(Modifier::REVERSED),
                    '*' => base.add_modifier(Modifier::BOLD),
                    _ => base.add_modifier(Modifier::ITALIC),
                };
                push(inner, style);
                rest = &tail[close + 1..];
            }
            _ => {
                push(&tail[..c.len_utf8()], base);
                rest = &tail[c.len_utf8()..];
            }
        }
    }
    runs
}

/// Wraps styled runs to `width` columns, breaking at spaces where possible and inside a
/// word only when it is longer than a line. Each line starts with `indent`.
pub fn wrap(
    runs: &[(String, Style)],
    width_cols: usize,
    indent: &Span<'static>,
) -> Vec<Line<'static>> {
    let avail = width_cols.saturating_sub(indent.width()).max(1);
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0usize;
    for (text, style) in runs {
        for word in text.split_word_bounds() {
            let w = width(word);
            if used + w > avail && used > 0 {
                lines.push(Vec::new());
                used = 0;
                if word.trim().is_empty() {
                    continue;
                }
            }
            if w > avail {
                for g in word.graphemes(true) {
                    let gw = UnicodeWidthStr::width(g);
                    if used + gw > avail {
                        lines.push(Vec::new());
                        used = 0;
                    }
                    push_span(&mut lines, g, *style);
                    used += gw;
                }
            } else {
                push_span(&mut lines, word, *style);
                used += w;
            }
        }
    }
    lines
        .into_iter()
        .map(|mut spans| {
            spans.insert(0, indent.clone());
            Line::from(spans)
        })
        .collect()
}

fn push_span(lines: &mut [Vec<Span<'static>>], text: &str, style: Style) {
    if let Some(line) = lines.last_mut() {
        match line.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(text),
            _ => line.push(Span::styled(text.to_owned(), style)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emoji_sequences_and_wide_characters_are_measured_as_drawn() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("世界"), 4);
        assert_eq!(width("👍🏽"), 2);
        assert_eq!(width("👨‍👩‍👧"), 2);
        assert_eq!(width("❤️"), 2);
        assert_eq!(truncate("世界世界", 5), "世界…");
    }

    #[test]
    fn own_mentions_are_marked_whole_and_in_any_case() {
        let mark = Style::default().add_modifier(Modifier::REVERSED);
        let runs = mark_mentions(
            inline("hi @Ada and @adam, *@ada*!", Style::default()),
            "ada",
            mark,
        );
        let marked: Vec<&str> = runs
            .iter()
            .filter(|(_, s)| s.add_modifier.contains(Modifier::REVERSED))
            .map(|(t, _)| t.as_str())
            .collect();
        assert_eq!(marked, vec!["@Ada", "@ada"]);
        let text: String = runs.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(text, "hi @Ada and @adam, @ada!");
    }

    #[test]
    fn wrapping_never_exceeds_the_width() {
        let runs = inline(
            "hello *bold* wörld 世界世界世界 👨‍👩‍👧👨‍👩‍👧 averyveryverylongwordthatmustbreak",
            Style::default(),
        );
        for w in [5usize, 8, 13, 20] {
            for line in wrap(&runs, w, &Span::raw("  ")) {
                assert!(line.width() <= w.max(3), "{w}: {line:?}");
            }
        }
    }

    #[test]
    fn inline_formatting_is_recognised() {
        let runs = inline("a *b* _c_ `d` https://x.y/z e*", Style::default());
        let texts: Vec<&str> = runs.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            ["a ", "b", " ", "c", " ", "d", " ", "https://x.y/z", " e*"]
        );
    }
}
