//! Text shaping for the terminal: a message's formatting ranges (bold, italic, code,
//! strike, links) and wrapping measured in terminal columns, by grapheme, so wide
//! characters and emoji sequences never shift a column.

use crate::format::{Range, Style as FormatStyle};
use crate::sanitize;
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

/// The styled runs of a message: `ranges` (the message's `metadata.formatting`, from any
/// client, in characters of the raw `content`) drawn as bold, italic, code (reversed),
/// strike and link (underlined); web addresses underlined too. Hostile ranges (past the
/// end, reversed, overlapping, thousands of them) are clipped or skipped, never trusted.
/// Each run is sanitized after it is cut, so control characters cannot shift a range.
pub fn formatted(content: &str, ranges: &[Range], base: Style) -> Vec<(String, Style)> {
    // Byte offset of every character, and of the end.
    let offsets: Vec<usize> = content
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(content.len()))
        .collect();
    let len = offsets.len() - 1;
    // Cuts only between graphemes: a style change inside one (a skin tone, a ZWJ family)
    // would split it into spans the terminal joins again, at another width.
    let mut edges = vec![false; len + 1];
    let mut at = 0;
    for g in content.graphemes(true) {
        edges[at] = true;
        at += g.chars().count();
    }
    edges[len] = true;
    let snap = |mut i: usize| {
        i = i.min(len);
        while !edges[i] {
            i -= 1;
        }
        i
    };
    let ranges: Vec<(usize, usize, Modifier)> = ranges
        .iter()
        .take(crate::format::MAX_RANGES)
        .map(|r| (snap(r.start), snap(r.end), modifier(r.style)))
        .filter(|(start, end, _)| start < end)
        .collect();
    let mut cuts: Vec<usize> = ranges.iter().flat_map(|(s, e, _)| [*s, *e]).collect();
    cuts.extend([0, len]);
    cuts.sort_unstable();
    cuts.dedup();
    let mut runs: Vec<(String, Style)> = Vec::new();
    for pair in cuts.windows(2) {
        let (from, to) = (pair[0], pair[1]);
        let style = ranges
            .iter()
            .filter(|(s, e, _)| *s <= from && to <= *e)
            .fold(base, |st, (_, _, m)| st.add_modifier(*m));
        let text = sanitize::block(&content[offsets[from]..offsets[to]]);
        for (part, underline) in links(&text) {
            let style = if underline {
                style.add_modifier(Modifier::UNDERLINED)
            } else {
                style
            };
            match runs.last_mut() {
                Some((last, st)) if *st == style => last.push_str(part),
                _ => runs.push((part.to_owned(), style)),
            }
        }
    }
    runs
}

fn modifier(style: FormatStyle) -> Modifier {
    match style {
        FormatStyle::Bold => Modifier::BOLD,
        FormatStyle::Italic => Modifier::ITALIC,
        FormatStyle::Code => Modifier::REVERSED,
        FormatStyle::Strike => Modifier::CROSSED_OUT,
        FormatStyle::Link => Modifier::UNDERLINED,
    }
}

/// `text` cut into parts, web addresses (`http://`, `https://` up to a space) marked.
fn links(text: &str) -> Vec<(&str, bool)> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = [rest.find("https://"), rest.find("http://")]
        .into_iter()
        .flatten()
        .min()
    {
        let end = rest[at..]
            .find(char::is_whitespace)
            .map_or(rest.len(), |i| at + i);
        if at > 0 {
            parts.push((&rest[..at], false));
        }
        parts.push((&rest[at..end], true));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        parts.push((rest, false));
    }
    parts
}

/// Runs cut at line breaks: one list of runs per line of text.
pub fn split_lines(runs: Vec<(String, Style)>) -> Vec<Vec<(String, Style)>> {
    let mut lines = vec![Vec::new()];
    for (text, style) in runs {
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                lines.push(Vec::new());
            }
            if !part.is_empty()
                && let Some(line) = lines.last_mut()
            {
                line.push((part.to_owned(), style));
            }
        }
    }
    lines
}

/// Wraps styled runs to `width` columns, breaking at spaces where possible and inside a
/// word only when it is longer than a line. Words are found in the whole text, so a style
/// that changes inside a word (`**bold**,`) never breaks a line there. Each line starts with
/// `indent`.
pub fn wrap(
    runs: &[(String, Style)],
    width_cols: usize,
    indent: &Span<'static>,
) -> Vec<Line<'static>> {
    let avail = width_cols.saturating_sub(indent.width()).max(1);
    let text: String = runs.iter().map(|(t, _)| t.as_str()).collect();
    // Where each run ends in `text`, to give every piece of a word its run's style.
    let mut ends = Vec::with_capacity(runs.len());
    let mut end = 0;
    for (t, style) in runs {
        end += t.len();
        ends.push((end, *style));
    }
    // Positions only grow, so the run is found by moving forward.
    let mut run = 0;
    let mut style_at = |at: usize| {
        while ends.get(run).is_some_and(|(end, _)| at >= *end) {
            run += 1;
        }
        ends.get(run).map_or_else(Style::default, |(_, s)| *s)
    };
    let mut lines: Vec<Vec<Span<'static>>> = vec![Vec::new()];
    let mut used = 0usize;
    for (at, word) in text.split_word_bound_indices() {
        let w = width(word);
        if used + w > avail && used > 0 {
            lines.push(Vec::new());
            used = 0;
            if word.trim().is_empty() {
                continue;
            }
        }
        for (i, g) in word.grapheme_indices(true) {
            let gw = UnicodeWidthStr::width(g);
            // Only a word longer than a line is cut, between graphemes.
            if w > avail && used + gw > avail && used > 0 {
                lines.push(Vec::new());
                used = 0;
            }
            push_span(&mut lines, g, style_at(at + i));
            used += gw;
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
#[path = "text_tests.rs"]
mod tests;
