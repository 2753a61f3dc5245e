//! The one tokenizer of search, for every script: used when a message is indexed, when a
//! query is parsed and when a snippet is highlighted, so the three always agree.
//!
//! Words are Unicode word segments (UAX #29), NFKC-normalized and lower-cased, never stemmed:
//! German, Russian, Greek, Arabic, Hindi... are found by their written words. Scripts written
//! without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) are cut
//! into overlapping character bigrams, with the run's last character also kept alone, so any
//! substring of two or more characters is a phrase of bigrams and a single character is a
//! prefix. Emoji are tokens of their own.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Tokens longer than this (in bytes) are not indexed (PostgreSQL refuses lexemes over 2 KiB;
/// nobody searches for such strings).
const TOKEN_MAX_BYTES: usize = 200;

/// One token of a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// The normalized text, as stored in the index.
    pub text: String,
    /// Byte range in the source text.
    pub start: usize,
    /// End of the byte range (exclusive).
    pub end: usize,
    /// A bigram or lone character of a script without word separators.
    pub dense: bool,
}

/// Scripts whose words are not separated by spaces.
fn is_dense(c: char) -> bool {
    matches!(u32::from(c),
        0x3040..=0x30FF        // Hiragana, Katakana
        | 0x31F0..=0x31FF      // Katakana extensions
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0xFF66..=0xFF9F      // half-width Katakana
        | 0x20000..=0x3FFFF    // CJK extensions B and later
        | 0x0E00..=0x0EFF      // Thai, Lao
        | 0x1000..=0x109F      // Myanmar
        | 0x1780..=0x17FF      // Khmer
    )
}

fn is_emoji(c: char) -> bool {
    matches!(u32::from(c), 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF)
}

/// NFKC, lower case, no emoji variation selectors.
pub fn normalize(s: &str) -> String {
    s.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| *c != '\u{FE0F}' && *c != '\u{FE0E}')
        .collect()
}

/// The tokens of `text`, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    // A run of dense-script characters being collected: (byte start, chars with offsets).
    let mut run: Vec<(usize, char)> = Vec::new();
    for (start, segment) in text.split_word_bound_indices() {
        let dense = segment.chars().all(is_dense);
        if dense && run.last().is_some_and(|(i, c)| i + c.len_utf8() == start) {
            run.extend(segment.char_indices().map(|(i, c)| (start + i, c)));
            continue;
        }
        flush_run(&mut run, &mut out);
        if dense {
            run.extend(segment.char_indices().map(|(i, c)| (start + i, c)));
        } else if segment.chars().any(|c| c.is_alphanumeric() || is_emoji(c)) {
            let text = normalize(segment);
            if !text.is_empty() && text.len() <= TOKEN_MAX_BYTES {
                out.push(Token {
                    text,
                    start,
                    end: start + segment.len(),
                    dense: false,
                });
            }
        }
    }
    flush_run(&mut run, &mut out);
    out
}

/// Bigrams of a dense run, then its last character alone.
fn flush_run(run: &mut Vec<(usize, char)>, out: &mut Vec<Token>) {
    let end_of = |(i, c): (usize, char)| i + c.len_utf8();
    for pair in run.windows(2) {
        let mut text = String::new();
        text.push(pair[0].1);
        text.push(pair[1].1);
        out.push(Token {
            text: normalize(&text),
            start: pair[0].0,
            end: end_of(pair[1]),
            dense: true,
        });
    }
    if let Some(last) = run.last().copied() {
        out.push(Token {
            text: normalize(&last.1.to_string()),
            start: last.0,
            end: end_of(last),
            dense: true,
        });
    }
    run.clear();
}

/// The positions (1-based, as PostgreSQL counts) of `tokens`: consecutive, except that a
/// dense run's trailing single character shares the position after its last bigram.
pub fn positions(tokens: &[Token]) -> Vec<u16> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut next: u32 = 1;
    let mut previous: Option<&Token> = None;
    for t in tokens {
        let trailing = t.dense && previous.is_some_and(|p| p.dense && p.end == t.end);
        if trailing {
            next -= 1;
        }
        out.push(next.min(16_383) as u16);
        next += 1;
        previous = Some(t);
    }
    out
}

/// `text` as a `tsvector` literal: `'lexeme':1,4 'other':2`.
pub fn tsvector_literal(text: &str) -> String {
    let tokens = tokens(text);
    let mut lexemes: std::collections::BTreeMap<&str, Vec<u16>> = std::collections::BTreeMap::new();
    for (token, position) in tokens.iter().zip(positions(&tokens)) {
        let list = lexemes.entry(token.text.as_str()).or_default();
        // PostgreSQL keeps at most 256 positions per lexeme.
        if list.len() < 256 {
            list.push(position);
        }
    }
    let mut out = String::new();
    for (lexeme, positions) in lexemes {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&quote(lexeme));
        out.push(':');
        let list: Vec<String> = positions.iter().map(u16::to_string).collect();
        out.push_str(&list.join(","));
    }
    out
}

/// A lexeme quoted for `tsvector`/`tsquery` input.
pub fn quote(lexeme: &str) -> String {
    let mut out = String::with_capacity(lexeme.len() + 2);
    out.push('\'');
    for c in lexeme.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokens(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn words_of_spaced_scripts_are_normalized_not_stemmed() {
        assert_eq!(texts("Straße, Übergrößen!"), ["straße", "übergrößen"]);
        assert_eq!(texts("Привет, МИР"), ["привет", "мир"]);
        assert_eq!(texts("Καλημέρα κόσμε"), ["καλημέρα", "κόσμε"]);
        assert_eq!(texts("مرحبا بالعالم"), ["مرحبا", "بالعالم"]);
        assert_eq!(texts("don't e-mail ＡＢＣ"), ["don't", "e", "mail", "abc"]);
        assert_eq!(texts("नमस्ते दुनिया"), ["नमस्ते", "दुनिया"]);
    }

    #[test]
    fn scripts_without_spaces_become_bigrams() {
        assert_eq!(texts("東京タワー"), ["東京", "京タ", "タワ", "ワー", "ー"]);
        assert_eq!(texts("我爱北京"), ["我爱", "爱北", "北京", "京"]);
        assert_eq!(texts("ภาษาไทย"), ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย", "ย"]);
        assert_eq!(texts("猫 cat"), ["猫", "cat"]);
    }

    #[test]
    fn emoji_are_tokens() {
        assert_eq!(texts("ship it 🚀!"), ["ship", "it", "🚀"]);
        assert_eq!(texts("❤️"), ["❤"]);
    }

    #[test]
    fn tsvector_literals_quote_and_list_positions() {
        assert_eq!(tsvector_literal("it's it's"), "'it''s':1,2");
        assert_eq!(tsvector_literal("a\\b"), "'a':1 'b':2");
        assert_eq!(quote("x\\'y"), "'x\\\\''y'");
    }

    #[test]
    fn byte_ranges_point_into_the_source() {
        let s = "Grüße 東京";
        for t in tokens(s) {
            assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
        }
    }
}
