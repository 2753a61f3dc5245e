//! Rules for text from clients that hold for every field: no NUL character anywhere
//! (PostgreSQL can store it neither in `text` nor in `jsonb`), and no invisible bidi or
//! zero-width characters in names, where they make one name look like another.
//!
//! The NUL rule is applied once where text enters: the `Json`, `Query` and `Path`
//! extractors of `http::extract` and the WebSocket frame dispatch call [`refuse_nul`] or
//! [`nul_in_pairs`], so no service has to remember it.

use std::fmt::Write as _;

use common::ErrorDetail;
use serde_json::Value;

use crate::error::Error;

/// What the detail of a NUL refusal says.
pub const NUL_MESSAGE: &str = "must not contain the NUL character (U+0000)";

/// Whether a JSON text may hold a NUL: JSON can only carry one as the escape `\u0000`,
/// so a body without that sequence needs no further look (the common case costs one scan).
pub fn json_may_hold_nul(text: &[u8]) -> bool {
    text.windows(6).any(|w| w == b"\\u0000")
}

/// The field (`a.b[2].c`) of the first string or object key in `value` that holds a NUL.
/// A key with a NUL is reported as the object that holds it (`body` at the top).
pub fn nul_field(value: &Value) -> Option<String> {
    fn walk(value: &Value, path: &mut String) -> bool {
        match value {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| {
                let len = path.len();
                let _ = write!(path, "[{i}]");
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            Value::Object(map) => map.iter().any(|(key, item)| {
                if key.contains('\0') {
                    return true;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                let found = walk(item, path);
                if !found {
                    path.truncate(len);
                }
                found
            }),
            Value::Null | Value::Bool(_) | Value::Number(_) => false,
        }
    }
    let mut path = String::new();
    walk(value, &mut path).then(|| {
        if path.is_empty() {
            "body".to_owned()
        } else {
            path
        }
    })
}

/// `VALIDATION_ERROR` naming the field of `value` that holds a NUL, if any.
pub fn refuse_nul(value: &Value) -> Result<(), Error> {
    match nul_field(value) {
        Some(field) => Err(Error::field(&field, NUL_MESSAGE)),
        None => Ok(()),
    }
}

/// `VALIDATION_ERROR` naming the first of `pairs` (name, decoded value) whose name or
/// value holds a NUL: query parameters and path parameters.
pub fn nul_in_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<(), Error> {
    for (name, value) in pairs {
        if name.contains('\0') || value.contains('\0') {
            let field = if name.contains('\0') { "query" } else { name };
            return Err(Error::field(field, NUL_MESSAGE));
        }
    }
    Ok(())
}

/// Characters that change how the text around them is shown without being seen: bidi
/// embeddings, overrides, isolates and marks, zero-width spaces and joiners, the word
/// joiner and invisible operators, the byte-order mark, and the deprecated tag and
/// Mongolian vowel separator. A name with one can pass for another name or reverse what
/// follows it in a list.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}'              // soft hyphen
        | '\u{061C}'            // Arabic letter mark
        | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' // Hangul fillers
        | '\u{180E}'            // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}' // zero-width space, non-joiner, joiner, LRM, RLM
        | '\u{202A}'..='\u{202E}' // embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}' // isolates
        | '\u{206A}'..='\u{206F}' // deprecated format characters
        | '\u{FEFF}'            // byte-order mark / zero-width no-break space
        | '\u{E0001}'           // language tag
    )
}

/// Whether a zero-width joiner at `i` of `chars` sits inside an emoji sequence (👩‍💻):
/// between two characters that are neither ASCII, spaces nor invisible themselves.
fn joiner_in_emoji(chars: &[char], i: usize) -> bool {
    let visible = |c: &char| !c.is_ascii() && !c.is_whitespace() && !is_invisible_format(*c);
    chars[i] == '\u{200D}'
        && i > 0
        && chars.get(i - 1).is_some_and(visible)
        && chars.get(i + 1).is_some_and(visible)
}

/// The name rule for display names and group names: no invisible format character, except a
/// zero-width joiner inside an emoji sequence.
pub fn check_visible(field: &str, value: &str) -> Result<(), ErrorDetail> {
    let chars: Vec<char> = value.chars().collect();
    let bad =
        (0..chars.len()).find(|&i| is_invisible_format(chars[i]) && !joiner_in_emoji(&chars, i));
    match bad {
        Some(i) => Err(ErrorDetail::new(
            field,
            format!(
                "must not contain invisible or direction-changing characters (U+{:04X})",
                u32::from(chars[i])
            ),
        )),
        None => Ok(()),
    }
}

/// `value` without the characters [`check_visible`] refuses (attachment file names, which
/// come from the uploader's file system and are stripped rather than refused).
pub fn strip_invisible(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    (0..chars.len())
        .filter(|&i| !is_invisible_format(chars[i]) || joiner_in_emoji(&chars, i))
        .map(|i| chars[i])
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nul_is_found_with_its_path() {
        assert!(json_may_hold_nul(br#"{"a":"x\u0000"}"#));
        assert!(!json_may_hold_nul(br#"{"a":"x\u0001"}"#));
        assert_eq!(
            nul_field(&json!({"a": "ok", "b": {"c": ["x", "y\0"]}})).as_deref(),
            Some("b.c[1]")
        );
        assert_eq!(
            nul_field(&json!({"metadata": {"k\0": 1}})).as_deref(),
            Some("metadata")
        );
        assert_eq!(nul_field(&json!({"k\0": 1})).as_deref(), Some("body"));
        assert_eq!(nul_field(&json!({"a": "\\u0000 is fine as text"})), None);
        assert!(nul_in_pairs([("q", "ad\0a")]).is_err());
        assert!(nul_in_pairs([("q", "ada")]).is_ok());
    }

    #[test]
    fn invisible_characters_are_refused_or_stripped() {
        for bad in [
            "evil\u{202E}gnp.exe",
            "a\u{2066}b",
            "zero\u{200B}width",
            "\u{FEFF}bom",
            "x\u{200D}",
        ] {
            assert!(check_visible("name", bad).is_err(), "{bad:?}");
        }
        for good in ["Ada Lovelace", "Zoë", "مرحبا", "👩\u{200D}💻 dev", "東京"] {
            assert!(check_visible("name", good).is_ok(), "{good:?}");
        }
        assert_eq!(strip_invisible("cat\u{202E}gnp.exe"), "catgnp.exe");
        assert_eq!(strip_invisible("👩\u{200D}💻.png"), "👩\u{200D}💻.png");
    }
}
