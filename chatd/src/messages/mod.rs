//! Messages: send (through the batching writer), edit, delete, reactions and read receipts
//! (`history`: pages of history). Shared by REST and the WebSocket.

mod history;
pub mod rules;
pub mod view;
mod writer;

use common::ErrorDetail;
use common::api::{EditMessageRequest, Message, SendMessageRequest, SendResult};
use common::ids::{ChatId, MessageId, UserId};
use common::ws::{MessageDeleted, MessageEvent, ReactionEvent, Receipt, ServerEvent};

use crate::blocks::Blocks;
use crate::chat_events;
use crate::error::{Error, Result};
use crate::hub::Hub;
use crate::notifications::Notifier;
use crate::ratelimit::{SendLimit, SendLimited};
use crate::realtime::Typing;
use crate::store::messages::tx as mtx;
use crate::store::{Store, StoreError};
use crate::tasks::Tasks;
pub use history::PageQuery;
pub use writer::{BATCH_MAX, LANES, MessageWriter, ValidSend, lane_of};

/// Message operations.
#[derive(Clone)]
pub struct MessageService {
    store: Store,
    hub: Hub,
    writer: MessageWriter,
    send_limit: SendLimit,
    blocks: Option<Blocks>,
    notifier: Option<Notifier>,
    typing: Option<Typing>,
    max_attachments: usize,
}

impl std::fmt::Debug for MessageService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageService").finish_non_exhaustive()
    }
}

impl MessageService {
    /// The send path's counters, for metrics.
    pub fn send_metrics(&self) -> &crate::metrics::SendMetrics {
        self.writer.metrics()
    }

    /// Builds the service and starts the writer lanes under `lanes`; each user may send
    /// as often as `send_limit` allows.
    pub fn new(store: Store, hub: Hub, send_limit: SendLimit, lanes: Tasks) -> Self {
        Self {
            writer: MessageWriter::start(store.clone(), hub.clone(), lanes),
            store,
            hub,
            send_limit,
            blocks: None,
            notifier: None,
            typing: None,
            max_attachments: 5,
        }
    }

    /// Stores each send on the node that owns its chat (see
    /// [`MessageWriter::with_owners`]).
    #[must_use]
    pub fn with_chat_owners(
        mut self,
        client: &redis::Client,
        conn: redis::aio::ConnectionManager,
        prefix: &str,
    ) -> Self {
        self.writer = self.writer.with_owners(client, conn, prefix);
        self
    }

    /// Stops taking sends (answered `SERVICE_UNAVAILABLE`, safe to resend); what the writer
    /// holds is still stored, answered and published.
    pub fn close(&self) {
        self.writer.close();
    }

    /// Resolves once the writer has stored and answered everything it held (after
    /// [`Self::close`]).
    pub async fn drained(&self) {
        self.writer.drained().await;
    }

    /// Adds what a server applies around the bare operations: the block rules (no sends
    /// across a block in a direct chat, pages without the messages of users the reader
    /// blocked), notifications of mentions and replies (off the send path), and the end of
    /// the sender's typing spell when they send.
    #[must_use]
    pub fn with_rules(mut self, blocks: Blocks, notifier: Notifier, typing: Typing) -> Self {
        self.blocks = Some(blocks);
        self.notifier = Some(notifier);
        self.typing = Some(typing);
        self
    }

    /// Allows at most `n` attachments per message (default 5).
    #[must_use]
    pub fn with_max_attachments(mut self, n: usize) -> Self {
        self.max_attachments = n;
        self
    }

    /// Sends a message; answers after it is committed. A resend with the same `clientId`
    /// returns the first result.
    pub async fn send(
        &self,
        caller: UserId,
        chat: ChatId,
        req: SendMessageRequest,
    ) -> Result<SendResult> {
        if let Err(SendLimited { retry_after_secs }) = self.send_limit.check(caller) {
            return Err(Error::RateLimited { retry_after_secs });
        }
        let mut problems: Vec<ErrorDetail> = Vec::new();
        let mut keep = |r: std::result::Result<(), ErrorDetail>| {
            if let Err(d) = r {
                problems.push(d);
            }
        };
        // An image may be sent without a caption.
        if req.attachment_ids.is_empty() || !req.content.is_empty() {
            keep(rules::check_content(&req.content));
        }
        keep(rules::check_attachment_ids(
            &req.attachment_ids,
            self.max_attachments,
        ));
        keep(rules::check_client_id(&req.client_id));
        let content_type = rules::check_content_type(req.content_type.as_deref());
        let metadata = rules::check_metadata(req.metadata.as_ref(), &req.content);
        let (content_type, metadata) = match (content_type, metadata) {
            (Ok(t), Ok(m)) if problems.is_empty() => (t, m),
            (t, m) => {
                problems.extend(t.err());
                problems.extend(m.err());
                return Err(Error::Validation(problems));
            }
        };
        let send = ValidSend {
            sender: caller,
            mentions: rules::mentioned_usernames(&req.content),
            content: req.content,
            content_type,
            metadata,
            reply_to_id: req.reply_to_id,
            client_id: req.client_id,
            attachments: req.attachment_ids,
        };
        if let Some(blocks) = &self.blocks {
            blocks.check_send(caller, chat).await?;
        }
        let result = self.writer.send(chat, send).await?;
        if let Some(typing) = &self.typing {
            typing.stopped(chat, caller);
        }
        // A resend (after a lost ack) notifies nobody twice.
        if let Some(notifier) = &self.notifier
            && !result.duplicate
        {
            notifier.message(&result.message);
        }
        Ok(result)
    }

    /// Edits one's own message.
    pub async fn edit(
        &self,
        caller: UserId,
        message: MessageId,
        req: &EditMessageRequest,
    ) -> Result<Message> {
        rules::check_content(&req.content).map_err(|d| Error::Validation(vec![d]))?;
        let mut txn = self.store.begin().await?;
        let (row, _, _) = mtx::lock_message(&mut txn, message, caller)
            .await?
            .ok_or(NO_MESSAGE)?;
        if row.deleted_at.is_some() {
            return Err(NO_MESSAGE);
        }
        if row.sender_id != Some(caller) {
            return Err(Error::Forbidden("only the author can edit a message"));
        }
        let metadata = match &req.metadata {
            Some(m) => rules::check_metadata(Some(m), &req.content),
            None => rules::check_metadata(Some(&row.metadata), &req.content)
                .or_else(|_| Ok(serde_json::json!({}))),
        }
        .map_err(|d| Error::Validation(vec![d]))?;
        let chat = row.chat_id;
        let names = rules::mentioned_usernames(&req.content);
        let mentioned = if names.is_empty() {
            Vec::new()
        } else {
            mtx::members_named(&mut txn, chat, &names).await?
        };
        let pairs: Vec<(MessageId, UserId)> =
            mentioned.iter().map(|(_, user)| (message, *user)).collect();
        let row = mtx::edit(&mut txn, message, &req.content, &metadata).await?;
        mtx::set_mentions(&mut txn, &pairs, &[message]).await?;
        let seq = crate::store::chats::tx::next_seqs(&mut txn, chat, 1).await?;
        crate::store::chats::tx::insert_event(
            &mut txn,
            chat,
            seq,
            "message:edited",
            Some(caller),
            Some(message),
            &serde_json::json!({}),
        )
        .await?;
        txn.commit().await.map_err(StoreError::from)?;
        let message = view::hydrate(&self.store, vec![row]).await?.remove(0);
        let event = ServerEvent::MessageEdited(MessageEvent {
            chat_id: chat,
            seq,
            message: message.clone(),
        });
        self.hub.to_chat(chat, &event, None);
        Ok(message)
    }

    /// Deletes a message: the author always, a group's admins and owner any message.
    pub async fn delete(&self, caller: UserId, message: MessageId) -> Result<()> {
        let mut txn = self.store.begin().await?;
        let (row, role, kind) = mtx::lock_message(&mut txn, message, caller)
            .await?
            .ok_or(NO_MESSAGE)?;
        if row.deleted_at.is_some() {
            return Ok(());
        }
        let moderator = kind == "group" && (role == "admin" || role == "owner");
        if row.sender_id != Some(caller) && !moderator {
            return Err(Error::Forbidden(
                "only the author or a group admin can delete a message",
            ));
        }
        let chat = row.chat_id;
        mtx::soft_delete(&mut txn, message).await?;
        crate::store::attachments::tx::delete_for_message(&mut txn, message).await?;
        let seq = crate::store::chats::tx::next_seqs(&mut txn, chat, 1).await?;
        let event = ServerEvent::MessageDeleted(MessageDeleted {
            chat_id: chat,
            seq,
            message_id: message,
        });
        chat_events::record(&mut txn, chat, seq, &event, Some(caller)).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        Ok(())
    }

    /// Adds (`add`) or removes a reaction. Repeating either is a no-op.
    pub async fn react(
        &self,
        caller: UserId,
        message: MessageId,
        emoji: &str,
        add: bool,
    ) -> Result<()> {
        rules::check_emoji(emoji).map_err(|d| Error::Validation(vec![d]))?;
        let mut txn = self.store.begin().await?;
        let (row, _, _) = mtx::lock_message(&mut txn, message, caller)
            .await?
            .ok_or(NO_MESSAGE)?;
        if row.deleted_at.is_some() {
            return Err(NO_MESSAGE);
        }
        let changed = if add {
            let (count, present) = mtx::emoji_count(&mut txn, message, emoji).await?;
            if !present && count >= rules::EMOJI_PER_MESSAGE_MAX {
                return Err(Error::field(
                    "emoji",
                    format!(
                        "a message has at most {} different reactions",
                        rules::EMOJI_PER_MESSAGE_MAX
                    ),
                ));
            }
            mtx::add_reaction(&mut txn, message, caller, emoji).await?
        } else {
            mtx::remove_reaction(&mut txn, message, caller, emoji).await?
        };
        if !changed {
            return Ok(());
        }
        let chat = row.chat_id;
        let seq = crate::store::chats::tx::next_seqs(&mut txn, chat, 1).await?;
        let data = ReactionEvent {
            chat_id: chat,
            seq,
            message_id: message,
            user_id: caller,
            emoji: emoji.to_owned(),
        };
        let event = if add {
            ServerEvent::ReactionAdded(data)
        } else {
            ServerEvent::ReactionRemoved(data)
        };
        chat_events::record(&mut txn, chat, seq, &event, Some(caller)).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.hub.to_chat(chat, &event, None);
        Ok(())
    }

    /// Moves the caller's read watermark; tells the senders of the covered messages and the
    /// caller's other connections.
    pub async fn mark_read(&self, caller: UserId, chat: ChatId, seq: i64) -> Result<()> {
        if seq < 0 {
            return Err(Error::field("seq", "must not be negative"));
        }
        let moved = self
            .store
            .advance_read(chat, caller, seq)
            .await?
            .ok_or(Error::NotFound("no such chat"))?;
        let Some(new) = moved.new_seq else {
            return Ok(());
        };
        let mut audience = moved.senders;
        audience.push(caller);
        audience.sort();
        audience.dedup();
        let event = ServerEvent::Read(Receipt {
            chat_id: chat,
            user_id: caller,
            seq: new,
        });
        self.hub.to_users(audience, &event);
        Ok(())
    }
}

const NO_MESSAGE: Error = Error::NotFound("no such message");
