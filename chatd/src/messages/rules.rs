//! The input rules of messages: content, formatting ranges, client ids, emoji, mentions.

use common::ErrorDetail;
use common::limits::MESSAGE_CONTENT_MAX;

/// Content types a message may have.
pub const CONTENT_TYPES: [&str; 2] = ["text", "markdown"];
/// Styles of `metadata.formatting` ranges.
pub const STYLES: [&str; 5] = ["bold", "italic", "code", "strike", "link"];
/// Largest serialized `metadata`, in bytes.
pub const METADATA_MAX_BYTES: usize = 4096;
/// Most formatting ranges per message.
pub const FORMATTING_MAX: usize = 200;
/// Most distinct emoji on one message.
pub const EMOJI_PER_MESSAGE_MAX: i64 = 50;

/// Checks content: 1-10,000 characters, not blank, no control characters but newline and tab.
pub fn check_content(content: &str) -> Result<(), ErrorDetail> {
    if content.trim().is_empty() {
        return Err(ErrorDetail::new("content", "must not be empty"));
    }
    if content.chars().count() > MESSAGE_CONTENT_MAX {
        return Err(ErrorDetail::new(
            "content",
            format!("must be at most {MESSAGE_CONTENT_MAX} characters"),
        ));
    }
    if content
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(ErrorDetail::new(
            "content",
            "must not contain control characters other than newline and tab",
        ));
    }
    Ok(())
}

/// `text` when absent; otherwise one of [`CONTENT_TYPES`].
pub fn check_content_type(content_type: Option<&str>) -> Result<String, ErrorDetail> {
    let value = content_type.unwrap_or("text");
    if CONTENT_TYPES.contains(&value) {
        Ok(value.to_owned())
    } else {
        Err(ErrorDetail::new("contentType", "must be text or markdown"))
    }
}

/// Metadata is an object of at most 4 KiB; its `formatting` ranges (if any) are
/// `{start, end, style}` with `0 <= start < end <= content length` in characters.
pub fn check_metadata(
    metadata: Option<&serde_json::Value>,
    content: &str,
) -> Result<serde_json::Value, ErrorDetail> {
    let Some(metadata) = metadata else {
        return Ok(serde_json::json!({}));
    };
    let Some(object) = metadata.as_object() else {
        return Err(ErrorDetail::new("metadata", "must be an object"));
    };
    if serde_json::to_string(metadata).map_or(usize::MAX, |s| s.len()) > METADATA_MAX_BYTES {
        return Err(ErrorDetail::new(
            "metadata",
            format!("must be at most {METADATA_MAX_BYTES} bytes"),
        ));
    }
    if let Some(formatting) = object.get("formatting") {
        let Some(ranges) = formatting.as_array() else {
            return Err(ErrorDetail::new("metadata.formatting", "must be an array"));
        };
        if ranges.len() > FORMATTING_MAX {
            return Err(ErrorDetail::new(
                "metadata.formatting",
                format!("at most {FORMATTING_MAX} ranges"),
            ));
        }
        let len = content.chars().count() as u64;
        for range in ranges {
            let start = range.get("start").and_then(serde_json::Value::as_u64);
            let end = range.get("end").and_then(serde_json::Value::as_u64);
            let style = range.get("style").and_then(serde_json::Value::as_str);
            let valid = matches!((start, end, style), (Some(s), Some(e), Some(st))
                if s < e && e <= len && STYLES.contains(&st));
            if !valid {
                return Err(ErrorDetail::new(
                    "metadata.formatting",
                    "each range needs start < end <= content length and a style of \
                     bold, italic, code, strike or link",
                ));
            }
        }
    }
    Ok(metadata.clone())
}

/// Client ids: 1-64 printable ASCII characters.
pub fn check_client_id(client_id: &str) -> Result<(), ErrorDetail> {
    if client_id.is_empty()
        || client_id.len() > 64
        || !client_id.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(ErrorDetail::new(
            "clientId",
            "must be 1-64 printable ASCII characters",
        ));
    }
    Ok(())
}

/// Attachment ids: at most `max`, none twice.
pub fn check_attachment_ids(ids: &[common::AttachmentId], max: usize) -> Result<(), ErrorDetail> {
    if ids.len() > max {
        return Err(ErrorDetail::new(
            "attachmentIds",
            format!("at most {max} attachments per message"),
        ));
    }
    if ids.iter().enumerate().any(|(i, id)| ids[..i].contains(id)) {
        return Err(ErrorDetail::new(
            "attachmentIds",
            "names an attachment twice",
        ));
    }
    Ok(())
}

/// Emoji: 1-32 bytes, no whitespace or control characters.
pub fn check_emoji(emoji: &str) -> Result<(), ErrorDetail> {
    if emoji.is_empty()
        || emoji.len() > 32
        || emoji.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(ErrorDetail::new(
            "emoji",
            "must be one emoji (1-32 bytes, no spaces)",
        ));
    }
    Ok(())
}

/// The distinct usernames mentioned as `@name` (lower case), where `@` starts the text or
/// follows a character that cannot be part of a username or an e-mail address.
pub fn mentioned_usernames(content: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let chars: Vec<char> = content.chars().collect();
    let is_name = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-');
    for (i, c) in chars.iter().enumerate() {
        if *c != '@' || (i > 0 && (is_name(chars[i - 1]) || chars[i - 1] == '@')) {
            continue;
        }
        let name: String = chars[i + 1..].iter().take_while(|c| is_name(**c)).collect();
        // A sentence may end right after a mention: "thanks @ada."
        let name = name.trim_end_matches(['.', '-']).to_lowercase();
        if (3..=32).contains(&name.len()) && !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_rules() {
        assert!(check_content("hello\n\tworld").is_ok());
        assert!(check_content("   ").is_err());
        assert!(check_content("\u{1b}[2Jgotcha").is_err());
        assert!(check_content(&"x".repeat(10_000)).is_ok());
        assert!(check_content(&"x".repeat(10_001)).is_err());
    }

    #[test]
    fn formatting_ranges_must_fit_the_content() {
        let ok = serde_json::json!({"formatting": [{"start": 0, "end": 5, "style": "bold"}]});
        assert!(check_metadata(Some(&ok), "hello world").is_ok());
        let past_end =
            serde_json::json!({"formatting": [{"start": 0, "end": 50, "style": "bold"}]});
        assert!(check_metadata(Some(&past_end), "hello").is_err());
        let bad_style =
            serde_json::json!({"formatting": [{"start": 0, "end": 1, "style": "blink"}]});
        assert!(check_metadata(Some(&bad_style), "hello").is_err());
        assert!(check_metadata(Some(&serde_json::json!([1])), "x").is_err());
        assert_eq!(check_metadata(None, "x").unwrap(), serde_json::json!({}));
    }

    #[test]
    fn mentions_are_found_where_a_person_would_see_them() {
        assert_eq!(
            mentioned_usernames("hi @Ada and @bob.smith, mail me at x@example.com; thanks @ada."),
            ["ada", "bob.smith"]
        );
        assert!(mentioned_usernames("@@ab @x").is_empty());
    }

    #[test]
    fn client_ids_and_emoji() {
        assert!(check_client_id("0192-abc").is_ok());
        assert!(check_client_id("").is_err());
        assert!(check_client_id("has space").is_err());
        assert!(check_emoji("👍").is_ok());
        assert!(check_emoji("👍🏽").is_ok());
        assert!(check_emoji("two words").is_err());
        assert!(check_emoji("").is_err());
    }
}
