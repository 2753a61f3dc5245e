//! Attachments of any type: the upload is sniffed from its first bytes; PNG, JPEG, GIF and
//! WebP take the image path (checked, re-encoded, thumbnailed), anything else is streamed to
//! storage as it arrives, under `max_file_bytes` and the uploader's quota, and is served only
//! as a download with an inert type.

use bytes::Bytes;
use common::api::Attachment;
use common::ids::{AttachmentId, UserId};
use futures_util::{Stream, StreamExt, stream};
use sha2::{Digest, Sha256};
use tracing::warn;

use super::{MediaService, storage_key, to_api, too_large};
use crate::error::{Error, Result};
use crate::store::attachments::NewAttachment;

/// Bytes read before the type is decided: enough for every signature `infer` knows of the
/// types below (the longest, the Office formats inside a ZIP, look a few hundred bytes in).
const SNIFF_BYTES: usize = 8 * 1024;

/// The types the image path cleans and re-encodes.
const IMAGE_TYPES: [&str; 4] = ["image/png", "image/jpeg", "image/gif", "image/webp"];

/// File types a browser or viewer shows no active content for when served as a download
/// with `nosniff`. Anything else, notably HTML, XML, SVG, scripts and executables, is served
/// as `application/octet-stream`.
const INERT_TYPES: &[&str] = &[
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/x-tar",
    "application/x-7z-compressed",
    "application/x-bzip2",
    "application/x-xz",
    "application/zstd",
    "application/vnd.rar",
    "application/epub+zip",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "audio/aac",
    "audio/mpeg",
    "audio/ogg",
    "audio/opus",
    "audio/m4a",
    "audio/x-flac",
    "audio/x-wav",
    "video/mp4",
    "video/mpeg",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "image/bmp",
    "image/tiff",
    "image/avif",
    "image/heif",
];

/// The type a file is stored and served with: its sniffed type when inert, else
/// `application/octet-stream`.
pub fn safe_file_type(sniffed: Option<&str>) -> &'static str {
    sniffed
        .and_then(|t| INERT_TYPES.iter().find(|inert| **inert == t))
        .copied()
        .unwrap_or("application/octet-stream")
}

/// Why a streamed file stopped: the error to answer.
pub(super) fn quota_exceeded(quota: u64, used: i64) -> Error {
    Error::PayloadTooLarge(format!(
        "storage quota exceeded: {used} of {quota} bytes are in use; delete attachments to make room"
    ))
}

impl MediaService {
    /// Stores an upload of any type from `body` (its chunks as they arrive): an image goes
    /// through [`Self::upload`], any other file is streamed to storage. Nothing is stored
    /// when it is refused.
    pub async fn upload_any<S>(
        &self,
        caller: UserId,
        file_name: &str,
        mut body: S,
    ) -> Result<Attachment>
    where
        S: Stream<Item = Result<Bytes>> + Unpin + Send,
    {
        let mut head = Vec::new();
        while head.len() < SNIFF_BYTES {
            match body.next().await {
                Some(chunk) => head.extend_from_slice(&chunk?),
                None => break,
            }
        }
        let sniffed = infer::get(&head).map(|t| t.mime_type());
        if sniffed.is_some_and(|t| IMAGE_TYPES.contains(&t)) {
            let max = self.config.max_bytes;
            let mut bytes = head;
            while let Some(chunk) = body.next().await {
                let chunk = chunk?;
                if (bytes.len() + chunk.len()) as u64 > max {
                    return Err(too_large(max));
                }
                bytes.extend_from_slice(&chunk);
            }
            return self.upload(caller, file_name, bytes).await;
        }
        self.upload_file(caller, file_name, safe_file_type(sniffed), head, body)
            .await
    }

    async fn upload_file<S>(
        &self,
        caller: UserId,
        file_name: &str,
        content_type: &str,
        head: Vec<u8>,
        body: S,
    ) -> Result<Attachment>
    where
        S: Stream<Item = Result<Bytes>> + Unpin + Send,
    {
        let max = self.config.max_file_bytes;
        let quota = self.config.user_quota_bytes;
        // Checked before storing so an upload that cannot fit stops at the byte that passes
        // the quota; checked again, under a lock, when the row is written.
        let used = if quota > 0 {
            self.store.attachment_usage(caller).await?
        } else {
            0
        };
        let room = quota.saturating_sub(u64::try_from(used).unwrap_or(0));
        let mut size: u64 = 0;
        let mut hasher = Sha256::new();
        let counted = stream::iter([Ok(Bytes::from(head))])
            .chain(body)
            .map(|chunk| {
                let chunk = chunk?;
                size += chunk.len() as u64;
                if size > max {
                    return Err(too_large(max));
                }
                if quota > 0 && size > room {
                    return Err(quota_exceeded(quota, used));
                }
                hasher.update(&chunk);
                Ok(chunk)
            });
        let id = AttachmentId::new();
        let key = storage_key(id);
        self.blobs
            .put_stream(&key, counted)
            .await
            .map_err(|e| e.unwrap_or_else(Error::Internal))?;
        let new = NewAttachment {
            id,
            uploader_id: caller,
            file_name: super::clean_file_name(file_name, "file"),
            content_type: content_type.to_owned(),
            size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
            width: None,
            height: None,
            sha256: hasher.finalize().to_vec(),
            storage_key: key.clone(),
            thumbnail_key: None,
        };
        let stored = self.store.insert_attachment(&new, quota).await;
        match stored {
            Ok(Some(row)) => Ok(to_api(&row)),
            other => {
                // Nothing half-written: without its row the file goes too.
                if let Err(e) = self.blobs.delete(&key).await {
                    warn!(error = %e, "removing the file of a refused upload");
                }
                match other {
                    Ok(_) => {
                        let used = self.store.attachment_usage(caller).await?;
                        Err(quota_exceeded(quota, used))
                    }
                    Err(e) => Err(e.into()),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inert_types_are_served_as_themselves() {
        assert_eq!(safe_file_type(Some("application/pdf")), "application/pdf");
        for active in [
            "text/html",
            "text/xml",
            "text/x-shellscript",
            "image/svg+xml",
        ] {
            assert_eq!(safe_file_type(Some(active)), "application/octet-stream");
        }
        assert_eq!(safe_file_type(None), "application/octet-stream");
    }
}
