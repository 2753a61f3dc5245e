//! After the commit: publish the new messages in sequence order (and again the stored
//! ones a resend found) and answer every send.

use std::collections::HashMap;

use common::api::SendResult;
use common::ids::{ChatId, MessageId, UserId};

use super::Inner;
use crate::error::{Error, Result};
use crate::messages::view::{hydrate, to_api};
use crate::store::MessageRow;

pub(super) enum Outcome {
    /// To be stored in this batch.
    Fresh,
    Refused(Error),
    Stored(Box<MessageRow>, bool),
    SameAs(usize),
}

/// After the commit: publish the new messages in sequence order and answer every send.
pub(super) async fn respond(
    inner: &Inner,
    outcomes: Vec<Outcome>,
    mentions: &[(MessageId, UserId)],
    attachments: &HashMap<MessageId, Vec<common::api::Attachment>>,
) -> Result<Vec<Result<SendResult>>> {
    let duplicates: Vec<MessageRow> = outcomes
        .iter()
        .filter_map(|o| match o {
            Outcome::Stored(row, true) => Some((**row).clone()),
            _ => None,
        })
        .collect();
    let mut hydrated: HashMap<MessageId, common::api::Message> = hydrate(&inner.store, duplicates)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let server_time = time::OffsetDateTime::now_utc();
    let answer = |message: common::api::Message, duplicate: bool| SendResult {
        message_id: message.id,
        seq: message.seq,
        server_time,
        duplicate,
        message,
    };
    let mut results: Vec<Result<SendResult>> = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        let result = match outcome {
            Outcome::Refused(e) => Err(e),
            Outcome::Fresh => Err(Error::Internal(anyhow::anyhow!("a send was not stored"))),
            Outcome::Stored(row, true) => {
                let chat = row.chat_id;
                let message = hydrated
                    .remove(&row.id)
                    .unwrap_or_else(|| to_api(*row, Vec::new(), Vec::new()));
                // A resend of a stored message: published again, since the first publication
                // may never have happened (the node died between commit and fan-out). Members
                // that hold its seq ignore it.
                publish_new(inner, chat, &message);
                Ok(answer(message, true))
            }
            Outcome::Stored(row, false) => {
                let own: Vec<UserId> = mentions
                    .iter()
                    .filter(|m| m.0 == row.id)
                    .map(|m| m.1)
                    .collect();
                let chat = row.chat_id;
                let attached = attachments.get(&row.id).cloned().unwrap_or_default();
                let mut message = to_api(*row, own, Vec::new());
                message.attachments = attached;
                publish_new(inner, chat, &message);
                Ok(answer(message, false))
            }
            Outcome::SameAs(j) => match &results[j] {
                Ok(first) => Ok(SendResult {
                    duplicate: true,
                    ..first.clone()
                }),
                Err(_) => Err(Error::Conflict(
                    "this clientId was refused earlier in the batch",
                )),
            },
        };
        results.push(result);
    }
    Ok(results)
}

fn publish_new(inner: &Inner, chat: ChatId, message: &common::api::Message) {
    let event = common::ws::ServerEvent::MessageNew(common::ws::MessageEvent {
        chat_id: message.chat_id,
        seq: message.seq,
        message: message.clone(),
    });
    inner.hub.to_chat(chat, &event, None);
}
