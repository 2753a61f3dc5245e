//! Typed identifiers. Every id is a `UUIDv7` so that ids sort by creation time.
//!
//! Each kind of id is its own type, so an id of one kind cannot be passed where another is
//! expected. A function that takes a chat compiles with a [`ChatId`]:
//!
//! ```
//! use common::ids::ChatId;
//! fn open(chat: ChatId) -> ChatId {
//!     chat
//! }
//! let chat = ChatId::new();
//! assert_eq!(open(chat), chat);
//! ```
//!
//! and refuses a [`UserId`] (or any other id), so swapped arguments stop compiling:
//!
//! ```compile_fail,E0308
//! use common::ids::{ChatId, UserId};
//! fn open(chat: ChatId) -> ChatId {
//!     chat
//! }
//! open(UserId::new());
//! ```
//!
//! With the `sqlx` feature the ids are PostgreSQL `uuid` values (transparently), so chatd's
//! store binds and decodes them directly, arrays of them included (`= ANY($1)`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered id.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(value: Uuid) -> Self {
                Self(value)
            }
        }
    };
}

id_type!(
    /// Identifies a user account.
    UserId
);
id_type!(
    /// Identifies a login session (one device); every refresh token belongs to one.
    SessionId
);
id_type!(
    /// Identifies a direct chat or a group.
    ChatId
);
id_type!(
    /// Identifies a message.
    MessageId
);
id_type!(
    /// Identifies an uploaded file.
    AttachmentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_plain_uuid_strings() {
        let id = UserId::new();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        let back: UserId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
    }

    #[test]
    fn new_ids_sort_by_creation() {
        let a = MessageId::new();
        let b = MessageId::new();
        assert!(a < b);
    }

    #[test]
    fn parse_rejects_garbage() {
        assert!("not-a-uuid".parse::<ChatId>().is_err());
    }
}
