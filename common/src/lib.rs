//! The contract between `chatd` and its clients: ids, REST bodies, WebSocket frames,
//! error codes and limits. No I/O here; the async client lives behind the `client` feature.

#![warn(missing_docs)]

pub mod api;
pub mod error;
mod frame;
pub mod ids;
pub mod limits;
pub mod links;
pub mod ws;

#[cfg(feature = "client")]
pub mod client;

pub use error::{ErrorBody, ErrorCode, ErrorDetail, ErrorResponse};
pub use ids::{AttachmentId, ChatId, MessageId, SessionId, UserId};

/// The version of the suite, shared by every binary so that mismatches are visible.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
