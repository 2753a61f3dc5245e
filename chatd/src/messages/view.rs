//! Turning message rows into the API's messages, with their mentions and reactions.

use std::collections::HashMap;

use common::api::{Attachment, Message, Reaction};
use common::ids::{MessageId, UserId};

use crate::error::Result;
use crate::store::attachments::AttachmentRow;
use crate::store::{MessageRow, Store};

/// Rows to API messages, loading mentions and reactions in two queries.
pub async fn hydrate(store: &Store, rows: Vec<MessageRow>) -> Result<Vec<Message>> {
    let ids: Vec<MessageId> = rows
        .iter()
        .filter(|r| r.deleted_at.is_none())
        .map(|r| r.id)
        .collect();
    let (mentions, reactions, attachments) = if ids.is_empty() {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        tokio::try_join!(
            store.mentions_of(&ids),
            store.reactions_of(&ids),
            store.attachments_of(&ids)
        )?
    };
    let mut attachments_by = attachments_by_message(&attachments);
    let mut mentions_by: HashMap<MessageId, Vec<UserId>> = HashMap::new();
    for (message, user) in mentions {
        mentions_by.entry(message).or_default().push(user);
    }
    let mut reactions_by: HashMap<MessageId, Vec<Reaction>> = HashMap::new();
    for (message, emoji, user) in reactions {
        let list = reactions_by.entry(message).or_default();
        match list.iter_mut().find(|r| r.emoji == emoji) {
            Some(reaction) => reaction.user_ids.push(user),
            None => list.push(Reaction {
                emoji,
                user_ids: vec![user],
            }),
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let mentions = mentions_by.remove(&row.id).unwrap_or_default();
            let reactions = reactions_by.remove(&row.id).unwrap_or_default();
            let attachments = attachments_by.remove(&row.id).unwrap_or_default();
            let mut message = to_api(row, mentions, reactions);
            if !message.deleted {
                message.attachments = attachments;
            }
            message
        })
        .collect())
}

/// API attachments grouped by message, in their order.
pub fn attachments_by_message(rows: &[AttachmentRow]) -> HashMap<MessageId, Vec<Attachment>> {
    let mut by: HashMap<MessageId, Vec<Attachment>> = HashMap::new();
    for row in rows {
        if let Some(message) = row.message_id {
            by.entry(message)
                .or_default()
                .push(crate::media::to_api(row));
        }
    }
    by
}

/// One row to an API message.
pub fn to_api(row: MessageRow, mentions: Vec<UserId>, reactions: Vec<Reaction>) -> Message {
    let deleted = row.deleted_at.is_some();
    Message {
        id: row.id,
        chat_id: row.chat_id,
        seq: row.seq,
        sender_id: row.sender_id,
        client_id: row.client_id,
        content: if deleted { None } else { row.content },
        content_type: row.content_type,
        metadata: if deleted {
            serde_json::json!({})
        } else {
            row.metadata
        },
        reply_to_id: row.reply_to_id,
        mentions: if deleted { Vec::new() } else { mentions },
        reactions: if deleted { Vec::new() } else { reactions },
        created_at: row.created_at,
        edited_at: row.edited_at,
        deleted,
        attachments: Vec::new(),
    }
}
