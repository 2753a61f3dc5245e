//! Full-text search: the tokenizer, the query syntax, snippets, the background indexer and
//! the service that answers `GET /api/messages/search`.

pub mod indexer;
pub mod query;
pub mod snippet;
pub mod tokens;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::api::{SearchHit, SearchResults};
use common::ids::{ChatId, MessageId, UserId};
use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::messages::view;
use crate::store::Store;
use crate::store::search::SearchFilter;
pub use indexer::Indexer;

/// A search request as the API takes it.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    /// The query text.
    pub q: String,
    /// Only this chat.
    pub chat: Option<ChatId>,
    /// Only this author.
    pub from: Option<UserId>,
    /// Sent before.
    pub before: Option<OffsetDateTime>,
    /// Sent after.
    pub after: Option<OffsetDateTime>,
    /// Page size, 1-100 (default 20).
    pub limit: Option<u32>,
    /// From a previous page.
    pub cursor: Option<String>,
}

/// Search over the caller's chats.
#[derive(Clone, Debug)]
pub struct SearchService {
    store: Store,
    indexer: Indexer,
}

impl SearchService {
    /// The service over `store`, catching up through `indexer`.
    pub fn new(store: Store, indexer: Indexer) -> Self {
        Self { store, indexer }
    }

    /// The best matches first, from chats the caller is a current member of.
    pub async fn search(&self, caller: UserId, req: SearchRequest) -> Result<SearchResults> {
        if req.q.chars().count() > common::limits::SEARCH_QUERY_MAX {
            return Err(Error::field(
                "q",
                format!(
                    "must be at most {} characters",
                    common::limits::SEARCH_QUERY_MAX
                ),
            ));
        }
        let parsed = query::parse(&req.q).map_err(|e| Error::field("q", e.to_string()))?;
        let limit = req.limit.unwrap_or(common::limits::PAGE_DEFAULT);
        if !(1..=common::limits::PAGE_MAX).contains(&limit) {
            return Err(Error::field("limit", "must be between 1 and 100"));
        }
        let cursor = req.cursor.as_deref().map(decode_cursor).transpose()?;
        // Read-your-writes: whatever the caller could see in history, search finds too.
        let scope = match req.chat {
            Some(chat) => {
                self.store
                    .role_in(chat, caller)
                    .await?
                    .ok_or(Error::NotFound("no such chat"))?;
                vec![chat]
            }
            None => self.store.search_scope(caller).await?,
        };
        self.indexer.catch_up(&scope).await?;
        let mut rows = self
            .store
            .search_messages(&SearchFilter {
                viewer: caller,
                tsquery: parsed.tsquery,
                chat: req.chat,
                from: req.from,
                before: req.before,
                after: req.after,
                cursor,
                limit: i64::from(limit) + 1,
            })
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = more
            .then(|| rows.last().map(|r| encode_cursor(r.rank, r.message.id)))
            .flatten();
        let ranks: Vec<f32> = rows.iter().map(|r| r.rank).collect();
        let messages =
            view::hydrate(&self.store, rows.into_iter().map(|r| r.message).collect()).await?;
        let results = messages
            .into_iter()
            .zip(ranks)
            .map(|(message, rank)| {
                let (snippet, highlights) =
                    snippet::snippet(message.content.as_deref().unwrap_or(""), &parsed.highlight);
                SearchHit {
                    message,
                    snippet,
                    highlights,
                    rank,
                }
            })
            .collect();
        Ok(SearchResults {
            results,
            next_cursor,
        })
    }
}

fn encode_cursor(rank: f32, id: MessageId) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{id}", rank.to_bits()))
}

fn decode_cursor(cursor: &str) -> Result<(f32, MessageId)> {
    let bad = || Error::field("cursor", "is not a cursor this server gave out");
    let text = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(text).map_err(|_| bad())?;
    let (rank, id) = text.split_once(':').ok_or_else(bad)?;
    let rank = f32::from_bits(rank.parse().map_err(|_| bad())?);
    if !rank.is_finite() {
        return Err(bad());
    }
    Ok((rank, id.parse().map_err(|_| bad())?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_exactly_and_garbage_is_refused() {
        let id = MessageId::new();
        let rank = 0.060_792_7_f32;
        assert_eq!(decode_cursor(&encode_cursor(rank, id)).unwrap(), (rank, id));
        assert!(decode_cursor("nope").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("2143289344:x")).is_err());
    }
}
