//! REST request and response bodies. JSON is camelCase; requests reject unknown fields.

pub mod attachments;
pub mod auth;
pub mod chats;
pub mod email;
pub mod groups;
pub mod health;
pub mod messages;
pub mod search;
pub mod social;
pub mod sync;
pub mod users;

pub use attachments::*;
pub use auth::*;
pub use chats::*;
pub use email::*;
pub use groups::*;
pub use health::*;
pub use messages::*;
pub use search::*;
pub use social::*;
pub use sync::*;
pub use users::*;

use serde::{Deserialize, Serialize};

/// A page of results with an opaque cursor for the next page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}
