//! Attachments: image upload (checked, cleaned, thumbnailed once; other files in [`files`]),
//! download with an access check, delete, and the cleanup of uploads never attached to a
//! message.

pub mod avatar;
pub mod blobs;
pub mod budget;
pub mod files;
mod gif;
pub mod image;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use common::api::{Attachment, AttachmentKind};
use common::ids::{AttachmentId, UserId};
use futures_util::stream::BoxStream;
use prometheus_client::metrics::gauge::Gauge;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;
use tracing::{debug, warn};

pub use self::blobs::BlobStore;
use self::budget::Budget;
use self::image::{CleanImage, ImageRejection};
use crate::config::AttachmentsConfig;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::store::attachments::{AttachmentRow, NewAttachment};

/// Longest file name kept (characters); longer ones are cut.
const FILE_NAME_MAX: usize = 255;
/// How often uploads that were never attached are looked for.
const CLEANUP_EVERY: Duration = Duration::from_mins(10);

/// A file to send back, read from storage as it is sent.
pub struct Download {
    /// The bytes.
    pub body: BoxStream<'static, std::io::Result<Bytes>>,
    /// How many.
    pub size: u64,
    /// Its type.
    pub mime: String,
    /// The uploaded name.
    pub file_name: String,
    /// An image (shown inline) or a file (only ever a download).
    pub kind: AttachmentKind,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download")
            .field("size", &self.size)
            .field("mime", &self.mime)
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

/// Attachment operations. Cheap to clone.
#[derive(Clone, Debug)]
pub struct MediaService {
    store: Store,
    blobs: BlobStore,
    config: Arc<AttachmentsConfig>,
    decodes: Arc<Semaphore>,
    gauges: DecodeGauges,
}

/// Decodes running now and the most that ever ran at once (`max_concurrent_decodes`
/// bounds both), for `/metrics`.
#[derive(Clone, Debug, Default)]
pub struct DecodeGauges {
    /// Decodes running now.
    pub running: Gauge,
    /// The most decodes that ran at once since the start.
    pub peak: Gauge,
}

impl DecodeGauges {
    /// Counts one running decode until the guard is dropped.
    fn running(&self) -> RunningDecode {
        let now = self.running.inc() + 1;
        self.peak.inner().fetch_max(now, Ordering::Relaxed);
        RunningDecode(self.running.clone())
    }
}

/// One running decode, uncounted when dropped (also when the decoder panics).
struct RunningDecode(Gauge);

impl Drop for RunningDecode {
    fn drop(&mut self) {
        self.0.dec();
    }
}

impl MediaService {
    /// The service over `store` and `blobs`.
    pub fn new(store: Store, blobs: BlobStore, config: AttachmentsConfig) -> Self {
        Self {
            decodes: Arc::new(Semaphore::new(config.max_concurrent_decodes)),
            config: Arc::new(config),
            store,
            blobs,
            gauges: DecodeGauges::default(),
        }
    }

    /// Counts decodes in `gauges` (the ones `/metrics` shows).
    #[must_use]
    pub fn with_gauges(mut self, gauges: DecodeGauges) -> Self {
        self.gauges = gauges;
        self
    }

    /// The limits in force.
    pub fn config(&self) -> &AttachmentsConfig {
        &self.config
    }

    /// Runs `work` (a decode) on `bytes` under the attachment limits: bytes, pixels, CPU
    /// time and decodes at once; a refusal is the documented error (413 for what is too
    /// large or too costly, 400 on `file` otherwise).
    async fn decode_checked<T: Send + 'static>(
        &self,
        bytes: Vec<u8>,
        work: fn(&[u8], &Budget) -> std::result::Result<T, ImageRejection>,
    ) -> Result<T> {
        if bytes.len() as u64 > self.config.max_bytes {
            return Err(too_large(self.config.max_bytes));
        }
        let permit = self
            .decodes
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| Error::Internal(e.into()))?;
        let (max_pixels, max_animation_pixels) =
            (self.config.max_pixels, self.config.max_animation_pixels);
        let cpu_limit = Duration::from_millis(self.config.max_decode_cpu_ms);
        let gauges = self.gauges.clone();
        // The permit and the gauge live in the blocking task: a request that times out
        // stops waiting, but its decode keeps its slot until the work really ends.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _running = gauges.running();
            let budget = Budget::start(max_pixels, max_animation_pixels, cpu_limit);
            work(&bytes, &budget)
        })
        .await
        .map_err(|e| Error::Internal(e.into()))?
        .map_err(|e| match e {
            ImageRejection::TooManyPixels { .. }
            | ImageRejection::AnimationTooLarge { .. }
            | ImageRejection::TooCostly { .. } => Error::PayloadTooLarge(e.to_string()),
            other => Error::field("file", other.to_string()),
        })
    }

    /// Checks, cleans and stores an uploaded image; nothing is stored when it is refused.
    pub async fn upload(
        &self,
        caller: UserId,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<Attachment> {
        let file_name = clean_file_name(file_name, "image");
        let clean = self.decode_checked(bytes, image::clean).await?;
        let row = self.store_files(caller, &file_name, clean).await?;
        Ok(to_api(&row))
    }

    async fn store_files(
        &self,
        caller: UserId,
        file_name: &str,
        clean: CleanImage,
    ) -> Result<AttachmentRow> {
        let id = AttachmentId::new();
        let key = storage_key(id);
        let thumb_ext = if clean.thumbnail.1 == "image/jpeg" {
            "jpg"
        } else {
            "png"
        };
        let thumb_key = format!("{key}.thumb.{thumb_ext}");
        let new = NewAttachment {
            id,
            uploader_id: caller,
            file_name: file_name.to_owned(),
            content_type: clean.mime.to_owned(),
            size_bytes: clean.bytes.len() as i64,
            width: Some(clean.width as i32),
            height: Some(clean.height as i32),
            sha256: Sha256::digest(&clean.bytes).to_vec(),
            storage_key: key.clone(),
            thumbnail_key: Some(thumb_key.clone()),
        };
        let quota = self.config.user_quota_bytes;
        self.blobs.put(&key, clean.bytes).await?;
        let stored = async {
            self.blobs.put(&thumb_key, clean.thumbnail.0).await?;
            if let Some(row) = self.store.insert_attachment(&new, quota).await? {
                Ok(row)
            } else {
                let used = self.store.attachment_usage(caller).await?;
                Err(files::quota_exceeded(quota, used))
            }
        }
        .await;
        if stored.is_err() {
            // Nothing half-written: the row is absent, so the files go too.
            for k in [&key, &thumb_key] {
                if let Err(e) = self.blobs.delete(k).await {
                    warn!(error = %e, "removing the files of a failed upload");
                }
            }
        }
        stored
    }

    /// The file (or its thumbnail) if the caller may see it; otherwise not found.
    pub async fn download(
        &self,
        caller: UserId,
        id: AttachmentId,
        thumbnail: bool,
    ) -> Result<Download> {
        let row = self
            .store
            .attachment_for(caller, id)
            .await?
            .ok_or(NOT_FOUND)?;
        let (key, mut mime) = if thumbnail {
            let key = row.thumbnail_key.clone().ok_or(NOT_FOUND)?;
            let mime = if Path::new(&key).extension().is_some_and(|e| e == "jpg") {
                "image/jpeg"
            } else {
                "image/png"
            };
            (key, mime.to_owned())
        } else {
            (row.storage_key.clone(), row.content_type.clone())
        };
        let kind = kind_of(&row);
        if kind == AttachmentKind::File {
            // Stored safe already; checked again so no stored type is ever served active.
            mime = files::safe_file_type(Some(&mime)).to_owned();
        }
        let (size, body) = self.blobs.get_stream(&key).await?;
        Ok(Download {
            body,
            size,
            mime,
            file_name: row.file_name,
            kind,
        })
    }

    /// Deletes the caller's upload that is not attached yet (an attached one goes with its
    /// message).
    pub async fn delete(&self, caller: UserId, id: AttachmentId) -> Result<()> {
        let row = self
            .store
            .mark_attachment_deleted(caller, id)
            .await?
            .ok_or(NOT_FOUND)?;
        if row.message_id.is_some() {
            return Err(Error::Conflict(
                "the attachment is part of a message; delete the message instead",
            ));
        }
        self.remove_files(&row).await
    }

    async fn remove_files(&self, row: &AttachmentRow) -> Result<()> {
        self.blobs.delete(&row.storage_key).await?;
        if let Some(thumb) = &row.thumbnail_key {
            self.blobs.delete(thumb).await?;
        }
        self.store.delete_attachment_row(row.id).await?;
        Ok(())
    }

    /// One cleanup round: uploads never attached within the configured time, and the files
    /// of deleted attachments (deleted messages). Returns how many were removed.
    pub async fn clean_up(&self) -> Result<usize> {
        let rows = self
            .store
            .attachments_to_clean(self.config.unattached_ttl_hours as i64, 500)
            .await?;
        let mut removed = 0;
        for row in &rows {
            match self.remove_files(row).await {
                Ok(()) => removed += 1,
                Err(e) => warn!(error = %e, attachment = %row.id, "attachment cleanup failed"),
            }
        }
        Ok(removed)
    }

    /// Runs [`Self::clean_up`] every ten minutes, under `tasks`, until their token is
    /// cancelled.
    pub fn start_cleanup(&self, tasks: &crate::tasks::Tasks) {
        let this = self.clone();
        tasks.supervise("media-cleanup", move |token| {
            let this = this.clone();
            async move {
                loop {
                    match this.clean_up().await {
                        Ok(n) if n > 0 => debug!(removed = n, "attachments cleaned up"),
                        Ok(_) => {}
                        Err(e) => warn!(error = %e, "attachment cleanup failed"),
                    }
                    tokio::select! {
                        () = token.cancelled() => return,
                        () = tokio::time::sleep(CLEANUP_EVERY) => {}
                    }
                }
            }
        });
    }
}

const NOT_FOUND: Error = Error::NotFound("no such attachment");

fn too_large(max: u64) -> Error {
    Error::PayloadTooLarge(format!("an attachment may be at most {max} bytes"))
}

/// Files fan out over 256 directories by the id's last byte (the first ones are a clock).
fn storage_key(id: AttachmentId) -> String {
    let simple = id.as_uuid().simple().to_string();
    format!("{}/{simple}", &simple[simple.len() - 2..])
}

/// The name as shown to others: no path, no control characters or bidi overrides, bounded;
/// `fallback` when nothing is left.
fn clean_file_name(name: &str, fallback: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let visible = crate::text::strip_invisible(base);
    let cleaned: String = visible
        .chars()
        .filter(|c| !c.is_control())
        .take(FILE_NAME_MAX)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        fallback.to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// A row as the API shows it.
pub fn to_api(row: &AttachmentRow) -> Attachment {
    Attachment {
        id: row.id,
        name: row.file_name.clone(),
        mime: row.content_type.clone(),
        kind: kind_of(row),
        size: row.size_bytes as u64,
        width: row.width.unwrap_or(0) as u32,
        height: row.height.unwrap_or(0) as u32,
        thumbnail: row.thumbnail_key.is_some(),
        created_at: row.created_at,
    }
}

/// Images are the rows with pixels; files have none.
fn kind_of(row: &AttachmentRow) -> AttachmentKind {
    if row.width.is_some() {
        AttachmentKind::Image
    } else {
        AttachmentKind::File
    }
}

/// The error for an upload over the limit, for the HTTP layer's streaming read.
pub fn upload_too_large(max: u64) -> Error {
    too_large(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("../../etc/passwd", "image"), "passwd");
        assert_eq!(clean_file_name("C:\\x\\cat.png", "image"), "cat.png");
        assert_eq!(clean_file_name("a\u{1b}[2Jb.png", "image"), "a[2Jb.png");
        assert_eq!(clean_file_name("cat\u{202E}gnp.exe", "image"), "catgnp.exe");
        assert_eq!(clean_file_name("", "file"), "file");
    }
}
