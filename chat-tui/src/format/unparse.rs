//! Content + ranges back to the composer's syntax, for editing a sent message: the markers
//! are put back where the ranges say, so sending the edit unchanged gives the same content
//! and ranges. Ranges the syntax cannot say (links, crossing or in-word ranges) are left
//! out; the result is checked by parsing it again.

use super::{Range, Style, parse};

/// The composer text for `content` with `ranges`.
pub fn unparse(content: &str, ranges: &[Range]) -> String {
    let chars: Vec<char> = content.chars().collect();
    let kept = expressible(&chars, ranges);
    let mut want = kept.clone();
    want.sort();
    for escape in [false, true] {
        let text = emit(&chars, &kept, escape);
        let parsed = parse(&text);
        let mut got = parsed.ranges;
        got.sort();
        if parsed.content == content && got == want {
            return text;
        }
    }
    // Not expressible after all: the text alone, its markers escaped.
    let plain = emit(&chars, &[], true);
    if parse(&plain).content == content {
        plain
    } else {
        content.to_owned()
    }
}

fn is_word_edge(c: Option<&char>) -> bool {
    c.is_none_or(|c| !c.is_alphanumeric())
}

/// The ranges that markers can express: within the text, not empty, whitespace trimmed
/// (a marker cannot close after a space), at word edges, properly nested, nothing inside
/// code.
fn expressible(chars: &[char], ranges: &[Range]) -> Vec<Range> {
    let mut list: Vec<Range> = ranges
        .iter()
        .filter(|r| r.style != Style::Link && r.start < r.end && r.end <= chars.len())
        .cloned()
        .collect();
    for r in &mut list {
        if r.style != Style::Code {
            while r.start < r.end && chars[r.start].is_whitespace() {
                r.start += 1;
            }
            while r.end > r.start && chars[r.end - 1].is_whitespace() {
                r.end -= 1;
            }
        }
    }
    list.retain(|r| {
        r.start < r.end
            && (r.style == Style::Code
                || (is_word_edge(r.start.checked_sub(1).map(|i| &chars[i]))
                    && is_word_edge(chars.get(r.end))))
    });
    list.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    list.dedup_by(|a, b| a.start == b.start && a.end == b.end && a.style == b.style);
    let mut kept: Vec<Range> = Vec::new();
    for r in list {
        let crosses = kept.iter().any(|k| {
            let overlap = r.start < k.end && k.start < r.end;
            let nested =
                (k.start <= r.start && r.end <= k.end) || (r.start <= k.start && k.end <= r.end);
            // Code holds no markers, so nothing may sit inside it.
            overlap && (!nested || (k.style == Style::Code && k.start <= r.start))
        });
        if !crosses {
            kept.push(r);
        }
    }
    kept
}

fn marker(r: &Range, chars: &[char], open: bool) -> String {
    match r.style {
        Style::Bold => "**".to_owned(),
        Style::Italic => "*".to_owned(),
        Style::Strike => "~~".to_owned(),
        Style::Code if is_block(r, chars) => {
            if open {
                format!("```{}\n", r.lang.as_deref().unwrap_or(""))
            } else {
                "\n```".to_owned()
            }
        }
        Style::Code => {
            let body = &chars[r.start..r.end];
            let mut longest = 0;
            let mut run = 0;
            for &c in body {
                run = if c == '`' { run + 1 } else { 0 };
                longest = longest.max(run);
            }
            let ticks = "`".repeat(longest + 1);
            // A body starting or ending with a backtick, or with a space at both ends, gets
            // one space of padding (CommonMark takes it off again).
            let pad = body.first() == Some(&'`')
                || body.last() == Some(&'`')
                || (body.len() >= 2
                    && body[0] == ' '
                    && body[body.len() - 1] == ' '
                    && body.iter().any(|&c| c != ' '));
            match (pad, open) {
                (false, _) => ticks,
                (true, true) => format!("{ticks} "),
                (true, false) => format!(" {ticks}"),
            }
        }
        Style::Link => String::new(),
    }
}

/// A code range shown as a fenced block: whole lines, several of them (or a language).
fn is_block(r: &Range, chars: &[char]) -> bool {
    let line_start = r.start == 0 || chars[r.start - 1] == '\n';
    let line_end = r.end == chars.len() || chars[r.end] == '\n';
    line_start && line_end && (chars[r.start..r.end].contains(&'\n') || r.lang.is_some())
}

fn emit(chars: &[char], ranges: &[Range], escape: bool) -> String {
    let mut out = String::new();
    let mut open: Vec<&Range> = Vec::new();
    let mut next = 0;
    for (i, &c) in chars.iter().enumerate() {
        close_at(i, &mut open, &mut out, chars);
        while let Some(r) = ranges.get(next).filter(|r| r.start == i) {
            out.push_str(&marker(r, chars, true));
            open.push(r);
            next += 1;
        }
        let in_code = open.iter().any(|r| r.style == Style::Code);
        if escape && !in_code && matches!(c, '\\' | '*' | '_' | '~' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    close_at(chars.len(), &mut open, &mut out, chars);
    out
}

fn close_at(i: usize, open: &mut Vec<&Range>, out: &mut String, chars: &[char]) {
    while let Some(r) = open.last().filter(|r| r.end == i) {
        out.push_str(&marker(r, chars, false));
        open.pop();
    }
}
