//! `GET /api/messages/search`: full-text search over the caller's chats.

use reqwest::Method;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Client, ClientError};
use crate::api::SearchResults;
use crate::ids::{ChatId, UserId};

/// The query and filters of a message search; see docs/search.md for the syntax of `q`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MessageSearch {
    /// Words, `"phrases"`, `-exclusions`, `a OR b`, `prefix*`.
    pub q: String,
    /// Only this chat.
    pub chat_id: Option<ChatId>,
    /// Only messages by this user.
    pub from: Option<UserId>,
    /// Sent before this time.
    pub before: Option<OffsetDateTime>,
    /// Sent after this time.
    pub after: Option<OffsetDateTime>,
    /// Results per page (1-100, default 20).
    pub limit: Option<u32>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

impl Client {
    /// `GET /api/messages/search`.
    pub async fn search_messages(
        &self,
        search: &MessageSearch,
    ) -> Result<SearchResults, ClientError> {
        let mut query: Vec<(&str, String)> = vec![("q", search.q.clone())];
        if let Some(chat) = search.chat_id {
            query.push(("chatId", chat.to_string()));
        }
        if let Some(from) = search.from {
            query.push(("from", from.to_string()));
        }
        for (name, at) in [("before", search.before), ("after", search.after)] {
            if let Some(at) = at.and_then(|t| t.format(&Rfc3339).ok()) {
                query.push((name, at));
            }
        }
        if let Some(limit) = search.limit {
            query.push(("limit", limit.to_string()));
        }
        if let Some(cursor) = &search.cursor {
            query.push(("cursor", cursor.clone()));
        }
        self.send(
            self.request(Method::GET, "/api/messages/search")
                .query(&query),
        )
        .await
    }
}
