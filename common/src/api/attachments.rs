//! Attachments (images and files of any type): uploaded first, then named by id in a
//! message's `attachmentIds`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::AttachmentId;

/// An attachment as it appears on a message and as an upload answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// Id; `GET /api/attachments/{id}` downloads it.
    pub id: AttachmentId,
    /// The uploaded file's name (for display only; the type comes from the bytes).
    pub name: String,
    /// The type, from the bytes: for images `image/png`, `image/jpeg`, `image/gif` or
    /// `image/webp`; for files an inert type (`application/pdf`, `application/zip`, ...) or
    /// `application/octet-stream`, the type a download is served with.
    pub mime: String,
    /// An image (re-encoded, with a thumbnail) or any other file. Absent from older
    /// servers, which stored images only.
    #[serde(default)]
    pub kind: AttachmentKind,
    /// Size of the stored file in bytes.
    pub size: u64,
    /// Width in pixels (0 for a file).
    pub width: u32,
    /// Height in pixels (0 for a file).
    pub height: u32,
    /// A thumbnail exists at `GET /api/attachments/{id}/thumbnail`.
    pub thumbnail: bool,
    /// Uploaded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// What an attachment is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AttachmentKind {
    /// A PNG, JPEG, GIF or WebP image: checked, re-encoded, thumbnailed, shown inline.
    #[default]
    Image,
    /// Any other file: stored as uploaded, always downloaded as an attachment.
    File,
}

impl AttachmentKind {
    /// `image` or `file`, as on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::File => "file",
        }
    }
}
