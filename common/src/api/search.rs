//! Full-text search over the messages of one's chats.

use serde::{Deserialize, Serialize};

use super::Message;

/// `GET /api/messages/search`: the best matches first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    /// Matches, best first.
    pub results: Vec<SearchHit>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One matching message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    /// The message as history shows it.
    pub message: Message,
    /// One line of the message around the first match, at most about 200 characters; cut
    /// ends are marked with `…`; newlines and tabs are spaces.
    pub snippet: String,
    /// The matched words in `snippet`, as character (Unicode scalar value) ranges.
    pub highlights: Vec<TextRange>,
    /// Relevance; higher is better. Only comparable within one query.
    pub rank: f32,
}

/// A half-open range of characters `[start, end)` of a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextRange {
    /// First character.
    pub start: u32,
    /// One past the last character.
    pub end: u32,
}
