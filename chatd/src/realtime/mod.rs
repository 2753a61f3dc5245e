//! The ephemeral side of messaging: delivered receipts, typing indicators and presence.
//! None of it is written to PostgreSQL on the hot path but the delivered watermark, which
//! is coalesced and flushed in one statement every 100 ms.

mod delivered;
mod presence;
mod typing;

pub use delivered::DeliveredTracker;
pub use presence::Presence;
pub use typing::Typing;
