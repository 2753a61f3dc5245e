//! Delivered receipts: a connection that has written a `message:new` to its socket records
//! `(chat, user, seq)` here; every 100 ms the highest seq per member is written in one
//! statement, and the senders of the covered messages get `message:delivered`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::ids::{ChatId, UserId};
use common::ws::{Receipt, ServerEvent};
use tracing::warn;

use tokio_util::sync::CancellationToken;

use crate::hub::Hub;
use crate::store::Store;
use crate::tasks::Tasks;

const FLUSH_EVERY: Duration = Duration::from_millis(100);

/// Pending delivered watermarks of this node.
#[derive(Clone, Debug)]
pub struct DeliveredTracker {
    pending: Pending,
}

impl DeliveredTracker {
    /// Starts the flusher under `tasks`; when their token is cancelled it flushes once
    /// more and ends.
    pub fn start(store: Store, hub: Hub, tasks: &Tasks) -> Self {
        let pending: Pending = Arc::new(Mutex::new(HashMap::new()));
        let shared = pending.clone();
        tasks.supervise("delivered-flusher", move |token| {
            flush_loop(shared.clone(), store.clone(), hub.clone(), token)
        });
        Self { pending }
    }

    /// `user`'s connection has delivered `chat` up to `seq`.
    pub fn delivered(&self, chat: ChatId, user: UserId, seq: i64) {
        if let Ok(mut pending) = self.pending.lock() {
            let entry = pending.entry((chat, user)).or_insert(seq);
            *entry = (*entry).max(seq);
        }
    }
}

type Pending = Arc<Mutex<HashMap<(ChatId, UserId), i64>>>;

async fn flush_loop(pending: Pending, store: Store, hub: Hub, token: CancellationToken) {
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last = false;
    while !last {
        tokio::select! {
            () = token.cancelled() => last = true,
            _ = tick.tick() => {}
        }
        let batch: Vec<(ChatId, UserId, i64)> = match pending.lock() {
            Ok(mut map) if !map.is_empty() => map.drain().map(|((c, u), s)| (c, u, s)).collect(),
            _ => continue,
        };
        if let Err(e) = flush(&store, &hub, &batch).await {
            warn!(error = %e, "delivered receipts not recorded");
        }
    }
}

async fn flush(
    store: &Store,
    hub: &Hub,
    batch: &[(ChatId, UserId, i64)],
) -> crate::error::Result<()> {
    let moved = store.advance_delivered(batch).await?;
    let mut by_chat: HashMap<ChatId, Vec<(UserId, i64, i64)>> = HashMap::new();
    for (chat, user, old, new) in moved {
        by_chat.entry(chat).or_default().push((user, old, new));
    }
    for (chat, moves) in by_chat {
        let lo = moves.iter().map(|m| m.1).min().unwrap_or(0);
        let hi = moves.iter().map(|m| m.2).max().unwrap_or(0);
        let senders = store.senders_between(chat, lo, hi).await?;
        for (user, old, new) in moves {
            let mut audience: Vec<UserId> = senders
                .iter()
                .filter(|(seq, sender)| *seq > old && *seq <= new && *sender != user)
                .map(|(_, sender)| *sender)
                .collect();
            audience.sort();
            audience.dedup();
            let event = ServerEvent::Delivered(Receipt {
                chat_id: chat,
                user_id: user,
                seq: new,
            });
            hub.to_users(audience, &event);
        }
    }
    Ok(())
}
