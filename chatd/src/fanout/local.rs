//! The in-process bus of a single node: a delivery goes straight to the registry.

use std::sync::Arc;

use super::{Bus, Delivery, Registry};

/// One node, no Redis.
#[derive(Debug, Clone)]
pub struct LocalBus {
    registry: Arc<Registry>,
}

impl LocalBus {
    /// A bus over this node's registry.
    pub fn new(registry: Arc<Registry>) -> Self {
        Self { registry }
    }
}

impl Bus for LocalBus {
    fn publish(&self, delivery: Delivery) {
        self.registry.deliver(delivery);
    }
}
