//! Pages of a chat's history for a member: the newest, before or after a seq, or around a
//! message; without the messages of users the reader blocked unless asked.

use common::api::MessagePage;
use common::ids::{ChatId, MessageId, UserId};

use super::{MessageService, NO_MESSAGE, view};
use crate::error::{Error, Result};
use crate::store::PageAnchor;

/// Which page of history to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct PageQuery {
    /// Page size (1-100, default 50).
    pub limit: Option<u32>,
    /// Older than this seq.
    pub before: Option<i64>,
    /// Newer than this seq.
    pub after: Option<i64>,
    /// Centered on this message.
    pub around: Option<MessageId>,
    /// Keep the messages of users the caller blocked (left out by default).
    pub include_blocked: bool,
}

impl MessageService {
    /// A page of history, oldest first.
    pub async fn page(
        &self,
        caller: UserId,
        chat: ChatId,
        query: PageQuery,
    ) -> Result<MessagePage> {
        let limit = i64::from(query.limit.unwrap_or(50));
        if !(1..=i64::from(common::limits::PAGE_MAX)).contains(&limit) {
            return Err(Error::field("limit", "must be between 1 and 100"));
        }
        if [
            query.before.is_some(),
            query.after.is_some(),
            query.around.is_some(),
        ]
        .iter()
        .filter(|x| **x)
        .count()
            > 1
        {
            return Err(Error::field(
                "before",
                "use at most one of before, after and around",
            ));
        }
        self.store
            .role_in(chat, caller)
            .await?
            .ok_or(Error::NotFound("no such chat"))?;
        let (rows, has_before, has_after) = if let Some(around) = query.around {
            let center = self
                .store
                .message_for(caller, around)
                .await?
                .filter(|m| m.chat_id == chat)
                .ok_or(NO_MESSAGE)?;
            let half = limit / 2;
            let mut older = self
                .store
                .messages_page(caller, chat, PageAnchor::Before(center.seq), half + 1)
                .await?;
            let mut newer = self
                .store
                .messages_page(
                    caller,
                    chat,
                    PageAnchor::After(center.seq - 1),
                    limit - half + 1,
                )
                .await?;
            let has_before = older.len() as i64 > half;
            if has_before {
                older.remove(0);
            }
            let has_after = newer.len() as i64 > limit - half;
            newer.truncate((limit - half) as usize);
            older.extend(newer);
            (older, has_before, has_after)
        } else {
            let anchor = match (query.before, query.after) {
                (Some(b), _) => PageAnchor::Before(b),
                (_, Some(a)) => PageAnchor::After(a),
                _ => PageAnchor::Latest,
            };
            let mut rows = self
                .store
                .messages_page(caller, chat, anchor, limit + 1)
                .await?;
            let more = rows.len() as i64 > limit;
            match anchor {
                PageAnchor::After(_) => {
                    rows.truncate(limit as usize);
                    (rows, true, more)
                }
                PageAnchor::Before(_) | PageAnchor::Latest => {
                    if more {
                        rows.remove(0);
                    }
                    (rows, more, matches!(anchor, PageAnchor::Before(_)))
                }
            }
        };
        let has_before = has_before && rows.first().is_some_and(|m| m.seq > 1);
        let mut rows = rows;
        if !query.include_blocked
            && let Some(blocks) = &self.blocks
        {
            // A page may come out shorter than `limit`; `hasMore*` still say what is there.
            let hidden = blocks.hidden_senders(caller);
            if !hidden.is_empty() {
                rows.retain(|m| m.sender_id.is_none_or(|s| !hidden.contains(&s)));
            }
        }
        Ok(MessagePage {
            messages: view::hydrate(&self.store, rows).await?,
            has_more_before: has_before,
            has_more_after: has_after,
        })
    }
}
