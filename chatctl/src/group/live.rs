//! chatd's `ChatService` as chatctl runs it: its fan-out is collected in this process and,
//! once the change is committed, published on Redis, so that connected members on every
//! chatd node get the same events as for a member's change. With no Redis (one embedded
//! chatd), nothing reaches the server's live connections: clients see the change at their
//! next resync, which every reconnect does.

use std::sync::{Arc, Mutex};

use chatd::chats::ChatService;
use chatd::fanout::{Bus, Delivery};
use chatd::hub::Hub;
use chatd::store::Store;

use crate::context::Context;
use crate::output::Failure;

/// Keeps every delivery a service hands it, in order.
#[derive(Debug, Default)]
struct CollectingBus {
    deliveries: Mutex<Vec<Delivery>>,
}

impl Bus for CollectingBus {
    fn publish(&self, delivery: Delivery) {
        if let Ok(mut deliveries) = self.deliveries.lock() {
            deliveries.push(delivery);
        }
    }
}

/// The chat service and what it published.
#[derive(Debug)]
pub struct LiveChats {
    bus: Arc<CollectingBus>,
    /// chatd's own rules for groups.
    pub service: ChatService,
}

impl LiveChats {
    /// The service over `store`.
    pub fn new(store: &Store) -> Self {
        let bus = Arc::new(CollectingBus::default());
        let service = ChatService::new(store.clone(), Hub::new(bus.clone()));
        Self { bus, service }
    }

    /// A hub whose deliveries are collected with the service's, for another of chatd's
    /// services (account deletion).
    pub fn hub(&self) -> Hub {
        Hub::new(self.bus.clone())
    }

    /// Publishes what the service produced on Redis; `Ok(false)` with a note on stderr
    /// when no Redis is configured.
    pub async fn publish(&self, ctx: &Context) -> Result<bool, Failure> {
        let deliveries = self
            .bus
            .deliveries
            .lock()
            .map(|mut d| std::mem::take(&mut *d))
            .unwrap_or_default();
        if deliveries.is_empty() {
            return Ok(ctx.config.redis.url.is_some());
        }
        match ctx.publish_deliveries(deliveries).await {
            Ok(true) => Ok(true),
            Ok(false) => {
                eprintln!(
                    "note: no Redis configured, so connected clients see this change at their \
                     next resync (every reconnect resyncs); see `man chatctl-group`"
                );
                Ok(false)
            }
            Err(e) => Err(Failure::failed(format!(
                "the change is saved, but connected clients were not told ({e}); they see it \
                 at their next resync"
            ))),
        }
    }
}
