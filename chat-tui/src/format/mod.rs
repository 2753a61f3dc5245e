//! Message formatting: the composer's syntax (`**bold**`, `*italic*`, `_italic_`,
//! `` `code` ``, fenced blocks, `~~strike~~`) turned into the server's `metadata.formatting`
//! ranges (character offsets into the sent text) and back, for editing.

mod parse;
mod unparse;

pub use parse::parse;
pub use unparse::unparse;

/// The composer's syntax, for the help and docs/tui.md: what is typed, what it makes.
pub const SYNTAX: &[(&str, &str)] = &[
    ("**bold**", "bold"),
    (
        "*italic* or _italic_",
        "italic (not inside a word: 2*3*4 and snake_case stay)",
    ),
    ("`code`", "code, nothing formatted inside"),
    (
        "```lang, lines, ```",
        "a code block: fences on lines of their own",
    ),
    ("~~strike~~", "struck out"),
    (
        "\\*  \\_  \\`  \\~  \\\\",
        "the character itself, not a marker",
    ),
];

/// The server's limit on ranges per message (docs/api.md, message rules).
pub const MAX_RANGES: usize = 200;
/// The server's limit on a message's serialized metadata.
pub const MAX_METADATA_BYTES: usize = 4096;

/// A range's style, as the server names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Style {
    /// `**bold**`.
    Bold,
    /// `*italic*` or `_italic_`.
    Italic,
    /// `` `code` `` or a fenced block.
    Code,
    /// `~~strike~~`.
    Strike,
    /// A link (other clients send these; the composer has no syntax for them).
    Link,
}

impl Style {
    /// The server's name of the style.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bold => "bold",
            Self::Italic => "italic",
            Self::Code => "code",
            Self::Strike => "strike",
            Self::Link => "link",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "bold" => Self::Bold,
            "italic" => Self::Italic,
            "code" => Self::Code,
            "strike" => Self::Strike,
            "link" => Self::Link,
            _ => return None,
        })
    }
}

/// One formatted range: characters `start..end` of the content (Unicode scalar values, as
/// the server counts them).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Range {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The style.
    pub style: Style,
    /// A fenced block's language (`` ```rust ``), kept so an edit shows it again.
    pub lang: Option<String>,
}

impl Range {
    /// A range without a language.
    pub fn new(start: usize, end: usize, style: Style) -> Self {
        Self {
            start,
            end,
            style,
            lang: None,
        }
    }
}

/// Text with its markers taken out, and the ranges they marked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// What is sent as the message's content.
    pub content: String,
    /// Its ranges, ordered by start (outer ranges first).
    pub ranges: Vec<Range>,
}

/// The ranges of a message's metadata. Whatever another client sent is read leniently:
/// entries that are not a `{start, end, style}` of a known style are skipped, the rest is
/// left for the drawing to clip.
pub fn from_metadata(metadata: &serde_json::Value) -> Vec<Range> {
    let Some(list) = metadata.get("formatting").and_then(|f| f.as_array()) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|r| {
            let start = usize::try_from(r.get("start")?.as_u64()?).ok()?;
            let end = usize::try_from(r.get("end")?.as_u64()?).ok()?;
            let style = Style::from_name(r.get("style")?.as_str()?)?;
            let lang = r.get("lang").and_then(|l| l.as_str()).map(str::to_owned);
            Some(Range {
                start,
                end,
                style,
                lang,
            })
        })
        .collect()
}

/// The metadata to send with `ranges`: `base` (the edited message's metadata, whose other
/// keys are the client's and stay) with `formatting` replaced. `None` when there is nothing
/// to send at all (a new message without formatting).
pub fn to_metadata(
    base: Option<&serde_json::Value>,
    ranges: &[Range],
) -> Option<serde_json::Value> {
    let mut object = base
        .and_then(|b| b.as_object())
        .cloned()
        .unwrap_or_default();
    if ranges.is_empty() {
        object.remove("formatting");
    } else {
        let list = ranges
            .iter()
            .map(|r| {
                let mut entry = serde_json::json!({
                    "start": r.start,
                    "end": r.end,
                    "style": r.style.name(),
                });
                if let (Some(lang), Some(map)) = (&r.lang, entry.as_object_mut()) {
                    map.insert("lang".to_owned(), serde_json::Value::String(lang.clone()));
                }
                entry
            })
            .collect();
        object.insert("formatting".to_owned(), serde_json::Value::Array(list));
    }
    if base.is_none() && object.is_empty() {
        return None;
    }
    Some(serde_json::Value::Object(object))
}

/// The composer text that edits a message: its content with the markers of its ranges.
pub fn editable(content: &str, metadata: &serde_json::Value) -> String {
    unparse(content, &from_metadata(metadata))
}

/// What a send carries for the composer's `text`: the content without markers and its
/// metadata. Text the server would refuse once converted (more ranges than it takes,
/// metadata too large, nothing left but whitespace) is sent as typed, without formatting.
pub fn for_send(
    text: &str,
    base: Option<&serde_json::Value>,
) -> (String, Option<serde_json::Value>) {
    let parsed = parse(text);
    let metadata = to_metadata(base, &parsed.ranges);
    let fits = parsed.ranges.len() <= MAX_RANGES
        && metadata
            .as_ref()
            .is_none_or(|m| m.to_string().len() <= MAX_METADATA_BYTES)
        && (!parsed.content.trim().is_empty() || text.trim().is_empty());
    if fits {
        (parsed.content, metadata)
    } else {
        (text.to_owned(), to_metadata(base, &[]))
    }
}

#[cfg(test)]
mod tests;
