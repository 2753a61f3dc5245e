//! Image attachments: uploaded first, then named by id in a message's `attachmentIds`.

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
    /// `image/png`, `image/jpeg`, `image/gif` or `image/webp`, from the bytes.
    pub mime: String,
    /// Size of the stored file in bytes.
    pub size: u64,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// A thumbnail exists at `GET /api/attachments/{id}/thumbnail`.
    pub thumbnail: bool,
    /// Uploaded.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}
