//! Delivered receipts: a connection that has written a `message:new` to its socket records
//! `(chat, user, seq)` here; every 100 ms the highest seq per member is written in one
//! statement, and each sender of covered messages gets one `message:delivered` per chat
//! with the watermarks that cover theirs.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::ids::{ChatId, UserId};
use common::ws::{DeliveredReceipts, ServerEvent, Watermark};
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
    // One frame per chat and flush to each sender, with the watermarks that cover some of
    // their messages: a message read by 299 members of a group comes back as one frame,
    // not 299.
    let mut by_recipient: BTreeMap<(ChatId, UserId), Vec<Watermark>> = BTreeMap::new();
    for moved in store.advance_delivered(batch).await? {
        for sender in moved.senders {
            by_recipient
                .entry((moved.chat_id, sender))
                .or_default()
                .push(Watermark {
                    user_id: moved.user_id,
                    seq: moved.new_seq,
                });
        }
    }
    for ((chat_id, sender), receipts) in by_recipient {
        let event = ServerEvent::Delivered(DeliveredReceipts { chat_id, receipts });
        hub.to_users(vec![sender], &event);
    }
    Ok(())
}
