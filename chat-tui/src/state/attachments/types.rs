//! The attachment state and the messages between the reducer and the network task.

use std::collections::HashMap;
use std::path::PathBuf;

use common::api::Attachment;
use common::ids::{AttachmentId, ChatId};

/// The server's documented default `attachments.max_file_bytes` (the larger of its two
/// limits; images have 10 MiB, which the server checks): refused before uploading.
pub const MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;
/// The server's documented default `attachments.max_per_message`.
pub const MAX_PER_MESSAGE: usize = 5;

/// Whether inline previews of images are drawn (`[attachments] preview` in config.toml).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PreviewMode {
    /// With the terminal's graphics protocol (kitty, sixel, iTerm2) when it has one; else
    /// the attachment line only.
    #[default]
    Auto,
    /// Like `auto`, and coloured half blocks in terminals without a graphics protocol.
    Halfblocks,
    /// Never: the attachment line only.
    Off,
}

/// Where an upload from the composer stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UploadState {
    /// Being read and sent.
    Uploading,
    /// Stored by the server; the next send names it.
    Ready(Attachment),
    /// Refused (by the client's checks or the server); shown until `/detach`.
    Failed(String),
}

/// One file put in the composer with `/attach` or the attach key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upload {
    /// Matches the network task's answer to its request.
    pub local_id: u64,
    /// The file's name, as typed.
    pub name: String,
    /// Progress.
    pub state: UploadState,
}

/// A thumbnail asked for an inline preview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Thumbnail {
    /// Asked; not here yet.
    Loading,
    /// Decoded and encoded for the terminal.
    Ready(crate::preview::PreviewImage),
    /// Could not be had; the attachment line stands alone.
    Failed,
}

/// Thumbnails are at most 320×320; anything bigger than this is not a thumbnail.
pub const MAX_THUMBNAIL_BYTES: usize = 2 * 1024 * 1024;

/// The attachment part of [`AppState`].
#[derive(Clone, Debug, Default)]
pub struct Attachments {
    /// Uploads waiting for the next send, by chat.
    pub uploads: HashMap<ChatId, Vec<Upload>>,
    /// Where saves go by default (the user's download directory).
    pub downloads_dir: Option<PathBuf>,
    /// Inline previews.
    pub preview: PreviewMode,
    /// How the terminal draws images, when previews are on and it can (a graphics protocol,
    /// or half blocks when opted in).
    pub picker: Option<crate::preview::Picker>,
    /// Thumbnails asked for previews.
    pub thumbnails: HashMap<AttachmentId, Thumbnail>,
    /// Avatars asked for previews, by `avatarUrl` (it changes with the picture).
    pub avatars: HashMap<String, Thumbnail>,
    pub(super) next_local: u64,
}

/// Why the path prompt is up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathPurpose {
    /// Upload the file into this chat's composer.
    Upload(ChatId),
    /// Save this attachment there.
    SaveAs(Attachment),
}

/// The attachment overlays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachOverlay {
    /// Choose one of a message's attachments: Enter or `o` opens, `s` saves.
    Pick {
        /// The message's attachments.
        attachments: Vec<Attachment>,
        /// The highlighted one.
        selected: usize,
    },
    /// A one-line path prompt.
    Path {
        /// What Enter does.
        purpose: PathPurpose,
        /// The typed path.
        input: String,
    },
}

/// What the reducer asks of the network task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachCommand {
    /// Check, read and upload a file (`~` is the home directory).
    Upload {
        /// The chat whose composer holds it.
        chat_id: ChatId,
        /// The reducer's id for the answer.
        local_id: u64,
        /// The path as typed.
        path: String,
    },
    /// Download to the cache directory and open it with the system viewer.
    Open(Attachment),
    /// Download to `path`, never over an existing file.
    Save {
        /// The attachment.
        attachment: Attachment,
        /// The target as typed (`~` is the home directory).
        path: String,
    },
    /// Delete an upload that will not be sent.
    Discard(AttachmentId),
    /// Complete the path typed in the prompt from the directory's entries.
    CompletePath(String),
    /// Fetch the thumbnail for an inline preview (at most [`MAX_THUMBNAIL_BYTES`]).
    Thumbnail(AttachmentId),
    /// Fetch an avatar (its `avatarUrl`) for the profile's preview, like a thumbnail.
    Avatar(String),
}

/// What the network task reports about attachments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttachEvent {
    /// An upload was stored.
    Uploaded {
        /// The chat.
        chat_id: ChatId,
        /// The reducer's id.
        local_id: u64,
        /// What the server stored.
        attachment: Attachment,
    },
    /// An upload was refused.
    UploadFailed {
        /// The chat.
        chat_id: ChatId,
        /// The reducer's id.
        local_id: u64,
        /// A sentence for the user.
        reason: String,
    },
    /// A download is on disk.
    Downloaded {
        /// The attachment's (server-supplied) name.
        name: String,
        /// Where.
        path: PathBuf,
        /// Open it with the system viewer.
        open: bool,
    },
    /// The completion of a typed path.
    PathCompleted {
        /// What was typed when it was asked.
        typed: String,
        /// The longest completion the directory allows.
        completed: String,
    },
    /// A thumbnail arrived (or could not be had).
    Thumbnail(AttachmentId, Option<Vec<u8>>),
    /// An avatar (by its `avatarUrl`) arrived, or could not be had.
    Avatar(String, Option<Vec<u8>>),
}
