//! Resync: the events a client missed, per chat, from PostgreSQL. Live fan-out is the fast
//! path; this is the guarantee. A resync of all of a user's chats is a fixed number of
//! round trips (the chats' cursors, the events after every cursor in one statement, the
//! messages they concern, the user's own events), whatever the number of chats.

use std::collections::HashMap;

use std::collections::HashSet;

use common::api::{ChatSync, SyncRequest, SyncResponse, UserSync};
use common::ids::{ChatId, MessageId, UserId};
use common::ws::{MessageEvent, MessageHidden, ServerEvent};

use crate::blocks::Blocks;
use crate::error::{Error, Result};
use crate::messages::view::hydrate;
use crate::store::{ChatEventRow, Store};

/// Default and largest number of events per chat in one answer.
const LIMIT_DEFAULT: u32 = 500;
const LIMIT_MAX: u32 = 1000;

/// Resync.
#[derive(Clone, Debug)]
pub struct SyncService {
    store: Store,
    blocks: Option<Blocks>,
}

impl SyncService {
    /// Builds the service.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            blocks: None,
        }
    }

    /// Messages of users the caller blocked come as `message:hidden` (see `blocks`).
    #[must_use]
    pub fn with_blocks(mut self, blocks: Blocks) -> Self {
        self.blocks = Some(blocks);
        self
    }

    /// Every chat of the caller, with the events after each named cursor.
    pub async fn sync(&self, caller: UserId, req: &SyncRequest) -> Result<SyncResponse> {
        let limit = req.limit.unwrap_or(LIMIT_DEFAULT);
        if !(1..=LIMIT_MAX).contains(&limit) {
            return Err(Error::field(
                "limit",
                format!("must be between 1 and {LIMIT_MAX}"),
            ));
        }
        if req.chats.len() > 10_000 {
            return Err(Error::field("chats", "at most 10000 cursors"));
        }
        let cursors: HashMap<ChatId, i64> = req.chats.iter().map(|c| (c.chat_id, c.seq)).collect();
        let chats = self.store.sync_chats(caller).await?;
        let hidden = match &self.blocks {
            Some(blocks) if !req.include_blocked => blocks.hidden_senders(caller),
            _ => HashSet::new(),
        };
        // Only chats with something after the client's cursor are read, all in one
        // statement; one more fetches every message those events concern.
        let behind: Vec<(ChatId, i64)> = chats
            .iter()
            .filter_map(|chat| {
                let cursor = *cursors.get(&chat.id)?;
                (cursor < chat.last_seq).then_some((chat.id, cursor))
            })
            .collect();
        let rows = self
            .store
            .events_after_each(caller, &behind, i64::from(limit) + 1)
            .await?;
        let messages = self.messages_of(&rows).await?;
        let mut by_chat: HashMap<ChatId, Vec<ChatEventRow>> = HashMap::new();
        for row in rows {
            by_chat.entry(row.chat_id).or_default().push(row);
        }
        let mut out = Vec::with_capacity(chats.len() + cursors.len());
        for chat in &chats {
            let mut rows = by_chat.remove(&chat.id).unwrap_or_default();
            let has_more = rows.len() > limit as usize;
            rows.truncate(limit as usize);
            out.push(ChatSync {
                chat_id: chat.id,
                member: true,
                events: events(chat.id, rows, &messages, &hidden)?,
                last_seq: chat.last_seq,
                has_more,
                last_read_seq: chat.last_read_seq,
            });
        }
        let member_of: HashSet<ChatId> = chats.iter().map(|c| c.id).collect();
        for (chat, cursor) in cursors {
            if !member_of.contains(&chat) {
                out.push(ChatSync {
                    chat_id: chat,
                    member: false,
                    events: Vec::new(),
                    last_seq: cursor,
                    has_more: false,
                    last_read_seq: cursor,
                });
            }
        }
        Ok(SyncResponse {
            chats: out,
            user: Some(self.user_events(caller, req.user_seq, limit).await?),
        })
    }

    /// The messages, as they are now, that these events concern.
    async fn messages_of(
        &self,
        rows: &[ChatEventRow],
    ) -> Result<HashMap<MessageId, common::api::Message>> {
        let ids: Vec<MessageId> = rows.iter().filter_map(|r| r.message_id).collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        Ok(
            hydrate(&self.store, self.store.messages_by_ids(&ids).await?)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect(),
        )
    }

    /// The caller's own events after `cursor` (none without one), and the newest seq.
    async fn user_events(
        &self,
        caller: UserId,
        cursor: Option<i64>,
        limit: u32,
    ) -> Result<UserSync> {
        let last_seq = self.store.user_last_seq(caller).await?;
        let Some(cursor) = cursor else {
            return Ok(UserSync {
                events: Vec::new(),
                last_seq,
                has_more: false,
                cursor_expired: false,
            });
        };
        let mut rows = self
            .store
            .user_events_after(caller, cursor, i64::from(limit) + 1)
            .await?;
        // The log is gap-free and committed in seq order (the head row's lock), and
        // `last_seq` was read first: an event after the cursor that should be there and is
        // not was pruned.
        if cursor < last_seq && rows.first().is_none_or(|row| row.seq != cursor + 1) {
            return Ok(UserSync {
                events: Vec::new(),
                last_seq,
                has_more: false,
                cursor_expired: true,
            });
        }
        let has_more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let events = rows
            .into_iter()
            .map(|row| {
                serde_json::from_value(row.payload).map_err(|e| {
                    Error::Internal(anyhow::anyhow!("stored user event {}: {e}", row.seq))
                })
            })
            .collect::<Result<Vec<ServerEvent>>>()?;
        Ok(UserSync {
            events,
            last_seq,
            has_more,
            cursor_expired: false,
        })
    }
}

/// Stored events to wire events; message events carry the message as it is now.
fn events(
    chat: ChatId,
    rows: Vec<ChatEventRow>,
    messages: &HashMap<MessageId, common::api::Message>,
    hidden: &HashSet<UserId>,
) -> Result<Vec<ServerEvent>> {
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let message = row.message_id.and_then(|id| messages.get(&id));
        if let Some(message) = message
            && matches!(row.kind.as_str(), "message:new" | "message:edited")
            && message.sender_id.is_some_and(|s| hidden.contains(&s))
        {
            events.push(ServerEvent::MessageHidden(MessageHidden {
                chat_id: chat,
                seq: row.seq,
                message_id: message.id,
            }));
            continue;
        }
        let event = match (row.kind.as_str(), message) {
            ("message:new", Some(message)) => ServerEvent::MessageNew(MessageEvent {
                chat_id: chat,
                seq: row.seq,
                message: message.clone(),
            }),
            ("message:edited", Some(message)) => ServerEvent::MessageEdited(MessageEvent {
                chat_id: chat,
                seq: row.seq,
                message: message.clone(),
            }),
            _ => serde_json::from_value(row.payload)
                .map_err(|e| Error::Internal(anyhow::anyhow!("stored event {}: {e}", row.seq)))?,
        };
        events.push(event);
    }
    Ok(events)
}
