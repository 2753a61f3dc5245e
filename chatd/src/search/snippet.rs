//! Snippets with highlights: a one-line excerpt of a message around its first match and the
//! character ranges of the matched words in it. No markup is put in the text, so a client
//! renders highlights its own way and never has to parse or trust markers.

use common::api::TextRange;

use super::tokens::{Token, tokens};

/// Characters of context shown before the first match.
const LEAD: usize = 40;
/// Longest snippet, in characters (without the ellipses).
const LENGTH: usize = 200;

/// The snippet of `content` for the highlight terms `(lexeme, prefix)`.
pub fn snippet(content: &str, terms: &[(String, bool)]) -> (String, Vec<TextRange>) {
    // Byte ranges of matches, merged (bigrams overlap).
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for token in tokens(content) {
        let Some(end) = matched_end(content, &token, terms) else {
            continue;
        };
        match ranges.last_mut() {
            Some(last) if token.start <= last.1 => last.1 = last.1.max(end),
            _ => ranges.push((token.start, end)),
        }
    }
    // Work in characters from here on: that is what the client counts.
    let chars: Vec<(usize, char)> = content.char_indices().collect();
    let char_at = |byte: usize| chars.partition_point(|(i, _)| *i < byte);
    let first = ranges.first().map_or(0, |r| char_at(r.0));
    let start = if chars.len() <= LENGTH {
        0
    } else {
        first.saturating_sub(LEAD).min(chars.len() - LENGTH)
    };
    let end = (start + LENGTH).min(chars.len());
    let mut text = String::new();
    let lead = usize::from(start > 0);
    if start > 0 {
        text.push('…');
    }
    text.extend(chars[start..end].iter().map(|(_, c)| match c {
        '\n' | '\t' | '\r' => ' ',
        c => *c,
    }));
    if end < chars.len() {
        text.push('…');
    }
    let highlights = ranges
        .into_iter()
        .map(|(b0, b1)| (char_at(b0), char_at(b1)))
        .filter(|(c0, c1)| *c0 >= start && *c1 <= end)
        .map(|(c0, c1)| TextRange {
            start: (c0 - start + lead) as u32,
            end: (c1 - start + lead) as u32,
        })
        .collect();
    (text, highlights)
}

/// Where the highlight of `token` ends if a term matches it: a single character of a dense
/// script marks only that character of the bigram it starts.
fn matched_end(content: &str, token: &Token, terms: &[(String, bool)]) -> Option<usize> {
    let t = token.text.as_str();
    let term = terms.iter().find(|(term, prefix)| {
        if *prefix {
            t.starts_with(term.as_str())
        } else {
            t == term
        }
    })?;
    if token.dense && term.1 && term.0.chars().count() == 1 {
        let first = content[token.start..].chars().next()?;
        return Some(token.start + first.len_utf8());
    }
    Some(token.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(content: &str, terms: &[(&str, bool)]) -> String {
        let terms: Vec<(String, bool)> = terms.iter().map(|(t, p)| ((*t).to_owned(), *p)).collect();
        let (text, ranges) = snippet(content, &terms);
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        for (i, c) in chars.iter().enumerate() {
            if ranges.iter().any(|r| r.start as usize == i) {
                out.push('[');
            }
            out.push(*c);
            if ranges.iter().any(|r| r.end as usize == i + 1) {
                out.push(']');
            }
        }
        out
    }

    #[test]
    fn matches_are_marked_by_character_ranges() {
        assert_eq!(
            marked("The Deploy failed\nagain", &[("deploy", false)]),
            "The [Deploy] failed again"
        );
        assert_eq!(
            marked("Straße gesperrt", &[("straße", false)]),
            "[Straße] gesperrt"
        );
        assert_eq!(
            marked("我爱北京天安门", &[("北京", false), ("京天", false)]),
            "我爱[北京天]安门"
        );
        assert_eq!(marked("deployment", &[("depl", true)]), "[deployment]");
    }

    #[test]
    fn long_messages_are_cut_around_the_first_match() {
        let content = format!("{} needle {}", "hay ".repeat(100), "hay ".repeat(100));
        let (text, ranges) = snippet(&content, &[("needle".into(), false)]);
        assert!(text.starts_with('…') && text.ends_with('…'));
        let chars: Vec<char> = text.chars().collect();
        let r = &ranges[0];
        assert_eq!(
            chars[r.start as usize..r.end as usize]
                .iter()
                .collect::<String>(),
            "needle"
        );
    }
}
