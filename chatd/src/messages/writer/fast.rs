//! The fast path: the common case of a batch (members sending new messages) in one
//! statement on the lane's own connection; the rest goes to the checked path.

use std::collections::HashMap;

use common::api::SendResult;
use common::ids::{ChatId, MessageId, UserId};
use sqlx::Postgres;
use sqlx::pool::PoolConnection;
use tracing::warn;

use super::checked::store_checked;
use super::reply::{Outcome, respond};
use super::{Inner, ValidSend};
use crate::error::Result;
use crate::store::messages::tx as mtx;
use crate::store::{MessageRow, NewMessage};

/// Stores `sends` (chat, send): the common case (members sending new messages) in one
/// statement, the rest (duplicates, refusals, races) on the checked path, chat by chat. One
/// result per send, in order. Fails only before anything is stored: once the fast path has
/// stored some, a failure of the checked path fails only the sends it was settling.
pub(super) async fn store_batch(
    inner: &Inner,
    conn: &mut Option<PoolConnection<Postgres>>,
    sends: &[(ChatId, ValidSend)],
) -> Result<Vec<Result<SendResult>>> {
    // Mentioned names are resolved to members by the insert itself.
    let mut named = Vec::new();
    let batch: Vec<NewMessage> = sends
        .iter()
        .map(|(chat, send)| {
            let id = MessageId::new();
            named.extend(send.mentions.iter().map(|n| (id, n.clone())));
            new_message(id, *chat, send)
        })
        .collect();
    // Any failure of the fast path (a racing duplicate, say) stored nothing: settle all on
    // the checked path.
    let db_started = std::time::Instant::now();
    // Attachments are claimed under the chat's lock: such batches take the checked path.
    let (stored, mentions) = if sends.iter().any(|(_, s)| !s.attachments.is_empty()) {
        (Vec::new(), Vec::new())
    } else {
        insert_fast(inner, conn, &batch, &named).await
    };
    #[cfg(feature = "test-hooks")]
    super::hooks::panic_after_commit(stored.iter().filter_map(|r| r.content.as_deref()));
    tracing::trace!(
        micros = db_started.elapsed().as_micros() as u64,
        "fast path statement"
    );
    let outcomes: Vec<Outcome> = batch
        .iter()
        .map(|m| match stored.iter().find(|row| row.id == m.id) {
            Some(row) => Outcome::Stored(Box::new(row.clone()), false),
            None => Outcome::Fresh,
        })
        .collect();
    let leftover: Vec<usize> = (0..sends.len())
        .filter(|i| matches!(outcomes[*i], Outcome::Fresh))
        .collect();
    // Publish the stored ones first: whatever the checked path stores comes after them.
    let mut results = respond(inner, outcomes, &mentions, &HashMap::new()).await?;
    for chat in chats_in_order(sends) {
        let mine: Vec<usize> = leftover
            .iter()
            .copied()
            .filter(|i| sends[*i].0 == chat)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let rest: Vec<ValidSend> = mine.iter().map(|i| sends[*i].1.clone()).collect();
        match store_checked(inner, chat, &rest).await {
            Ok(checked) => {
                for (i, result) in mine.into_iter().zip(checked) {
                    results[i] = result;
                }
            }
            // What the fast path stored keeps its answer (201, notified, counted); only
            // these sends are settled again, one by one so that one bad apple does not
            // fail the rest.
            Err(e) if mine.len() > 1 => {
                warn!(error = %e, %chat, size = mine.len(), "checked path failed; one by one");
                for i in mine {
                    let one = std::slice::from_ref(&sends[i].1);
                    results[i] = match store_checked(inner, chat, one).await {
                        Ok(mut one) => one.remove(0),
                        Err(e) => Err(e),
                    };
                }
            }
            Err(e) => results[mine[0]] = Err(e),
        }
    }
    Ok(results)
}

/// The fast path's one statement, on the lane's connection. A failure stored nothing (the
/// statement is atomic): the caller settles those sends on the checked path. The connection
/// is given up after a failure, since it may be the connection that failed.
async fn insert_fast(
    inner: &Inner,
    held: &mut Option<PoolConnection<Postgres>>,
    batch: &[NewMessage],
    mentions: &[(MessageId, String)],
) -> (Vec<MessageRow>, Vec<(MessageId, UserId)>) {
    if held.is_none() {
        *held = inner.store.acquire().await.ok();
    }
    let Some(conn) = held.as_mut() else {
        return (Vec::new(), Vec::new());
    };
    match mtx::insert_messages(conn, batch, mentions).await {
        Ok(stored) => stored,
        Err(e) => {
            tracing::debug!(error = %e, "fast path refused the batch");
            *held = None;
            (Vec::new(), Vec::new())
        }
    }
}

/// The distinct chats of `sends`, in order of first appearance.
fn chats_in_order(sends: &[(ChatId, ValidSend)]) -> Vec<ChatId> {
    let mut chats: Vec<ChatId> = Vec::new();
    for (chat, _) in sends {
        if !chats.contains(chat) {
            chats.push(*chat);
        }
    }
    chats
}

pub(super) fn new_message(id: MessageId, chat: ChatId, send: &ValidSend) -> NewMessage {
    NewMessage {
        id,
        chat_id: chat,
        sender_id: send.sender,
        client_id: send.client_id.clone(),
        content: send.content.clone(),
        content_type: send.content_type.clone(),
        metadata: send.metadata.clone(),
        reply_to_id: send.reply_to_id,
    }
}
