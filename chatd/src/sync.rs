//! Resync: the events a client missed, per chat, from PostgreSQL. Live fan-out is the fast
//! path; this is the guarantee.

use std::collections::HashMap;

use std::collections::HashSet;

use common::api::{ChatSync, SyncRequest, SyncResponse, UserSync};
use common::ids::{ChatId, MessageId, UserId};
use common::ws::{MessageEvent, MessageHidden, ServerEvent};

use crate::blocks::Blocks;
use crate::error::{Error, Result};
use crate::messages::view::hydrate;
use crate::store::{EventRow, Store};

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
        let chats = self.store.chats_of(caller).await?;
        let hidden = match &self.blocks {
            Some(blocks) if !req.include_blocked => blocks.hidden_senders(caller),
            _ => HashSet::new(),
        };
        let mut out = Vec::with_capacity(chats.len());
        for chat in &chats {
            let Some(&cursor) = cursors.get(&chat.id) else {
                out.push(ChatSync {
                    chat_id: chat.id,
                    member: true,
                    events: Vec::new(),
                    last_seq: chat.last_seq,
                    has_more: false,
                    last_read_seq: chat.last_read_seq,
                });
                continue;
            };
            let mut rows = self
                .store
                .events_after(caller, chat.id, cursor, i64::from(limit) + 1)
                .await?;
            let has_more = rows.len() > limit as usize;
            rows.truncate(limit as usize);
            out.push(ChatSync {
                chat_id: chat.id,
                member: true,
                events: self.events(chat.id, rows, &hidden).await?,
                last_seq: chat.last_seq,
                has_more,
                last_read_seq: chat.last_read_seq,
            });
        }
        for (chat, cursor) in cursors {
            if !chats.iter().any(|c| c.id == chat) {
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

    /// Stored events to wire events; message events carry the message as it is now.
    async fn events(
        &self,
        chat: ChatId,
        rows: Vec<EventRow>,
        hidden: &HashSet<UserId>,
    ) -> Result<Vec<ServerEvent>> {
        let ids: Vec<MessageId> = rows.iter().filter_map(|r| r.message_id).collect();
        let messages: HashMap<MessageId, common::api::Message> = if ids.is_empty() {
            HashMap::new()
        } else {
            hydrate(&self.store, self.store.messages_by_ids(&ids).await?)
                .await?
                .into_iter()
                .map(|m| (m.id, m))
                .collect()
        };
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
                _ => serde_json::from_value(row.payload).map_err(|e| {
                    Error::Internal(anyhow::anyhow!("stored event {}: {e}", row.seq))
                })?,
            };
            events.push(event);
        }
        Ok(events)
    }
}
