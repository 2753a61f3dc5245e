//! The composer's syntax to content + ranges: fenced blocks first (by lines), then code
//! spans, backslash escapes and emphasis with Markdown's flanking rules, simplified so a
//! marker never opens or closes inside a word (`2*3*4`, `snake_case_names` stay as typed).

use super::{Parsed, Range, Style};

/// Characters a backslash escapes.
const ESCAPABLE: [char; 5] = ['\\', '*', '_', '~', '`'];

/// Takes the markers out of `input` and returns the ranges they marked. Unmatched markers
/// stay literal; code (spans and fenced blocks) takes no inner formatting.
pub fn parse(input: &str) -> Parsed {
    let mut out = Output::default();
    let lines: Vec<&str> = input.split('\n').collect();
    let mut inline = String::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(lang) = fence_open(lines[i])
            && let Some(close) = (i + 1..lines.len()).find(|&j| lines[j].trim_end() == "```")
            && close > i + 1
        {
            // The fence lines go, with the line break after the opening and before the
            // closing fence; the block's body is sent as it is.
            parse_inline(&inline, &mut out);
            inline.clear();
            let body = lines[i + 1..close].join("\n");
            let start = out.len;
            out.push_str(&body);
            out.ranges.push(Range {
                start,
                end: out.len,
                style: Style::Code,
                lang: (!lang.is_empty()).then(|| lang.to_owned()),
            });
            i = close + 1;
            if i < lines.len() {
                inline.push('\n');
            }
            continue;
        }
        inline.push_str(lines[i]);
        if i + 1 < lines.len() {
            inline.push('\n');
        }
        i += 1;
    }
    parse_inline(&inline, &mut out);
    out.ranges.retain(|r| r.start < r.end);
    out.ranges
        .sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    Parsed {
        content: out.text,
        ranges: out.ranges,
    }
}

/// The language of an opening fence line (`` ``` `` or `` ```rust ``), or `None`.
fn fence_open(line: &str) -> Option<&str> {
    let info = line.trim_end().strip_prefix("```")?;
    (!info.contains('`') && !info.contains(char::is_whitespace)).then_some(info)
}

#[derive(Default)]
struct Output {
    text: String,
    /// Characters in `text`.
    len: usize,
    ranges: Vec<Range>,
}

impl Output {
    fn push_str(&mut self, s: &str) {
        self.text.push_str(s);
        self.len += s.chars().count();
    }
}

enum Token {
    Text(String),
    Code(String),
    Delim(Delim),
}

struct Delim {
    ch: char,
    count: usize,
    can_open: bool,
    can_close: bool,
    /// Markers used up closing an earlier opener (taken from the run's inner, left side).
    used_closing: usize,
    /// Markers used up opening (taken from the run's inner, right side).
    used_opening: usize,
}

impl Delim {
    fn left(&self) -> usize {
        self.count - self.used_closing - self.used_opening
    }
}

/// Whitespace-or-punctuation for the flanking rules; anything not a letter, digit or
/// space counts as punctuation (emoji too, so `*👍*` works).
fn is_punct(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace()
}

fn tokenize(chars: &[char]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(|n| ESCAPABLE.contains(n)) {
            text.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if !matches!(c, '`' | '*' | '_' | '~') {
            text.push(c);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&x| x == c).count();
        if c == '`' {
            if let Some((body, after)) = code_span(chars, i, run) {
                flush(&mut text, &mut tokens);
                tokens.push(Token::Code(body));
                i = after;
            } else {
                text.extend(std::iter::repeat_n('`', run));
                i += run;
            }
            continue;
        }
        if c == '~' && run != 2 {
            text.extend(std::iter::repeat_n('~', run));
            i += run;
            continue;
        }
        let prev = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + run).copied();
        let prev_space = prev.is_none_or(char::is_whitespace);
        let next_space = next.is_none_or(char::is_whitespace);
        let prev_punct = prev.is_some_and(is_punct);
        let next_punct = next.is_some_and(is_punct);
        let left = !next_space && (!next_punct || prev_space || prev_punct);
        let right = !prev_space && (!prev_punct || next_space || next_punct);
        flush(&mut text, &mut tokens);
        tokens.push(Token::Delim(Delim {
            ch: c,
            count: run,
            // Inside a word a marker neither opens nor closes (unlike CommonMark's `*`).
            can_open: left && (!right || prev_punct),
            can_close: right && (!left || next_punct),
            used_closing: 0,
            used_opening: 0,
        }));
        i += run;
    }
    flush(&mut text, &mut tokens);
    tokens
}

fn flush(text: &mut String, tokens: &mut Vec<Token>) {
    if !text.is_empty() {
        tokens.push(Token::Text(std::mem::take(text)));
    }
}

/// A code span opened by `run` backticks at `at`: its body (one space stripped from each
/// end when both ends have one, as Markdown does) and the index after the closing run.
fn code_span(chars: &[char], at: usize, run: usize) -> Option<(String, usize)> {
    let mut j = at + run;
    while j < chars.len() {
        if chars[j] == '`' {
            let close = chars[j..].iter().take_while(|&&x| x == '`').count();
            if close == run {
                let body: Vec<char> = chars[at + run..j].to_vec();
                let strip = body.len() >= 2
                    && body[0] == ' '
                    && body[body.len() - 1] == ' '
                    && body.iter().any(|&c| c != ' ');
                let body: String = if strip {
                    body[1..body.len() - 1].iter().collect()
                } else {
                    body.iter().collect()
                };
                return (!body.is_empty()).then_some((body, j + close));
            }
            j += close;
        } else {
            j += 1;
        }
    }
    None
}

/// A match of an opener and a closer token, with its style.
struct Pair {
    opener: usize,
    closer: usize,
    style: Style,
}

fn parse_inline(input: &str, out: &mut Output) {
    if input.is_empty() {
        return;
    }
    let chars: Vec<char> = input.chars().collect();
    let mut tokens = tokenize(&chars);
    let pairs = match_delims(&mut tokens);
    // Where each delimiter's closing ranges end and opening ranges start in the output.
    let mut ends = vec![0; tokens.len()];
    let mut starts = vec![0; tokens.len()];
    for (t, token) in tokens.iter().enumerate() {
        match token {
            Token::Text(s) => out.push_str(s),
            Token::Code(s) => {
                let start = out.len;
                out.push_str(s);
                out.ranges.push(Range::new(start, out.len, Style::Code));
            }
            Token::Delim(d) => {
                ends[t] = out.len;
                let literal: String = std::iter::repeat_n(d.ch, d.left()).collect();
                out.push_str(&literal);
                starts[t] = out.len;
            }
        }
    }
    for p in pairs {
        out.ranges
            .push(Range::new(starts[p.opener], ends[p.closer], p.style));
    }
}

/// Markdown's delimiter stack, simplified: each closer takes the nearest opener of its
/// kind; two markers on both sides make bold (or strike for `~~`), one italic; openers
/// between a matched pair can no longer match.
fn match_delims(tokens: &mut [Token]) -> Vec<Pair> {
    let mut pairs = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for t in 0..tokens.len() {
        let Token::Delim(d) = &tokens[t] else {
            continue;
        };
        let (ch, can_open, can_close) = (d.ch, d.can_open, d.can_close);
        if can_close {
            while let Some(pos) = stack.iter().rposition(
                |&o| matches!(&tokens[o], Token::Delim(od) if od.ch == ch && od.left() > 0),
            ) {
                let o = stack[pos];
                let (o_left, c_left) = match (&tokens[o], &tokens[t]) {
                    (Token::Delim(od), Token::Delim(cd)) => (od.left(), cd.left()),
                    _ => break,
                };
                if c_left == 0 {
                    break;
                }
                let (n, style) = match ch {
                    '~' => (2, Style::Strike),
                    _ if o_left >= 2 && c_left >= 2 => (2, Style::Bold),
                    _ => (1, Style::Italic),
                };
                if n > o_left || n > c_left {
                    break;
                }
                if let Token::Delim(od) = &mut tokens[o] {
                    od.used_opening += n;
                }
                if let Token::Delim(cd) = &mut tokens[t] {
                    cd.used_closing += n;
                }
                pairs.push(Pair {
                    opener: o,
                    closer: t,
                    style,
                });
                stack.truncate(pos + 1);
                if matches!(&tokens[o], Token::Delim(od) if od.left() == 0) {
                    stack.pop();
                }
            }
        }
        if can_open && matches!(&tokens[t], Token::Delim(d) if d.left() > 0) {
            stack.push(t);
        }
    }
    pairs
}
