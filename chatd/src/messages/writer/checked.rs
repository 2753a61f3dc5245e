//! The checked path: under the chat's lock, every send is classified (not a member,
//! duplicate, bad reply, attachments) and the new ones are stored.

use std::collections::HashMap;

use common::api::SendResult;
use common::ids::{AttachmentId, ChatId, MessageId, UserId};

use super::fast::new_message;
use super::reply::{Outcome, respond};
use super::{Inner, ValidSend};
use crate::error::{Error, Result};
use crate::store::chats::tx as ctx;
use crate::store::messages::tx as mtx;
use crate::store::{MessageRow, NewMessage, StoreError};

/// What one batch needs to know, read under the chat's lock.
struct Known {
    members: Vec<UserId>,
    existing: Vec<MessageRow>,
    valid_replies: Vec<MessageId>,
    /// `(attachment, uploader)` of named uploads still free to attach.
    attachable: Vec<(AttachmentId, UserId)>,
}

/// The checked path: under the chat's lock, classify every send (not a member, duplicate,
/// bad reply) and store the new ones.
pub(super) async fn store_checked(
    inner: &Inner,
    chat: ChatId,
    sends: &[ValidSend],
) -> Result<Vec<Result<SendResult>>> {
    #[cfg(feature = "test-hooks")]
    super::hooks::fail_checked(sends)?;
    let mut txn = inner.store.begin().await?;
    if !ctx::lock_chat_row(&mut txn, chat).await? {
        return Ok(sends
            .iter()
            .map(|_| Err(Error::NotFound("no such chat")))
            .collect());
    }
    let known = load(&mut txn, chat, sends).await?;
    let mut outcomes = classify(chat, sends, &known);
    let mentions = store_fresh(&mut txn, chat, sends, &mut outcomes).await?;
    let attached = attach_stored(&mut txn, sends, &outcomes).await?;
    txn.commit().await.map_err(StoreError::from)?;
    respond(inner, outcomes, &mentions, &attached).await
}

async fn load(txn: &mut sqlx::PgConnection, chat: ChatId, sends: &[ValidSend]) -> Result<Known> {
    let mut senders: Vec<UserId> = sends.iter().map(|s| s.sender).collect();
    senders.sort();
    senders.dedup();
    let members = mtx::members_among(txn, chat, &senders).await?;
    let all_senders: Vec<UserId> = sends.iter().map(|s| s.sender).collect();
    let client_ids: Vec<String> = sends.iter().map(|s| s.client_id.clone()).collect();
    let existing = mtx::by_client_ids(txn, &all_senders, &client_ids).await?;
    let replies: Vec<MessageId> = sends.iter().filter_map(|s| s.reply_to_id).collect();
    let valid_replies = if replies.is_empty() {
        Vec::new()
    } else {
        mtx::messages_in_chat(txn, chat, &replies).await?
    };
    let named: Vec<AttachmentId> = sends
        .iter()
        .flat_map(|s| s.attachments.iter().copied())
        .collect();
    let attachable = if named.is_empty() {
        Vec::new()
    } else {
        crate::store::attachments::tx::lock_unattached(txn, &named).await?
    };
    Ok(Known {
        members,
        existing,
        valid_replies,
        attachable,
    })
}

/// Links the attachments of the sends stored just now; their API views by message.
async fn attach_stored(
    txn: &mut sqlx::PgConnection,
    sends: &[ValidSend],
    outcomes: &[Outcome],
) -> Result<HashMap<MessageId, Vec<common::api::Attachment>>> {
    let links: Vec<(MessageId, AttachmentId, i16)> = sends
        .iter()
        .zip(outcomes)
        .filter_map(|(send, outcome)| match outcome {
            Outcome::Stored(row, false) => Some((row.id, &send.attachments)),
            _ => None,
        })
        .flat_map(|(message, ids)| {
            ids.iter()
                .enumerate()
                .map(move |(i, id)| (message, *id, i as i16))
        })
        .collect();
    if links.is_empty() {
        return Ok(HashMap::new());
    }
    crate::store::attachments::tx::attach(txn, &links).await?;
    let messages: Vec<MessageId> = links.iter().map(|l| l.0).collect();
    let rows = crate::store::attachments::tx::attachments_of(txn, &messages).await?;
    Ok(crate::messages::view::attachments_by_message(&rows))
}

fn classify(chat: ChatId, sends: &[ValidSend], known: &Known) -> Vec<Outcome> {
    sends
        .iter()
        .enumerate()
        .map(|(i, send)| {
            let earlier = sends[..i]
                .iter()
                .position(|s| s.sender == send.sender && s.client_id == send.client_id);
            let stored = known.existing.iter().find(|m| {
                m.sender_id == Some(send.sender) && m.client_id.as_deref() == Some(&send.client_id)
            });
            if !known.members.contains(&send.sender) {
                Outcome::Refused(Error::NotFound("no such chat"))
            } else if let Some(row) = stored {
                if row.chat_id == chat {
                    Outcome::Stored(Box::new(row.clone()), true)
                } else {
                    Outcome::Refused(Error::Conflict(
                        "this clientId was used for a message in another chat",
                    ))
                }
            } else if let Some(j) = earlier {
                Outcome::SameAs(j)
            } else if send
                .reply_to_id
                .is_some_and(|r| !known.valid_replies.contains(&r))
            {
                Outcome::Refused(Error::field("replyToId", "must be a message of this chat"))
            } else if !attachable(sends, i, known) {
                Outcome::Refused(Error::field(
                    "attachmentIds",
                    "must be your own uploads that are not attached to a message yet",
                ))
            } else {
                Outcome::Fresh
            }
        })
        .collect()
}

/// The attachments of send `i` are its sender's, free, and not claimed earlier in the batch.
fn attachable(sends: &[ValidSend], i: usize, known: &Known) -> bool {
    let send = &sends[i];
    send.attachments.iter().all(|a| {
        known.attachable.contains(&(*a, send.sender))
            && !sends[..i].iter().any(|s| s.attachments.contains(a))
    })
}

/// Stores the fresh sends at consecutive sequence numbers; returns their mentions.
async fn store_fresh(
    txn: &mut sqlx::PgConnection,
    chat: ChatId,
    sends: &[ValidSend],
    outcomes: &mut [Outcome],
) -> Result<Vec<(MessageId, UserId)>> {
    let fresh: Vec<usize> = (0..sends.len())
        .filter(|i| matches!(outcomes[*i], Outcome::Fresh))
        .collect();
    if fresh.is_empty() {
        return Ok(Vec::new());
    }
    let mut named = Vec::new();
    let batch: Vec<NewMessage> = fresh
        .iter()
        .map(|i| {
            let send = &sends[*i];
            let id = MessageId::new();
            named.extend(send.mentions.iter().map(|n| (id, n.clone())));
            new_message(id, chat, send)
        })
        .collect();
    let (rows, mentions) = mtx::insert_messages(txn, &batch, &named).await?;
    for (i, message) in fresh.into_iter().zip(&batch) {
        if let Some(row) = rows.iter().find(|row| row.id == message.id) {
            outcomes[i] = Outcome::Stored(Box::new(row.clone()), false);
        }
    }
    Ok(mentions)
}
