//! `[attachments]` and `[search]`.

use serde::{Deserialize, Serialize};

use super::{ConfigError, Secret};

/// Where attachment files are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageKind {
    /// Files under `<data_dir>/attachments` (included in `chatctl backup`).
    Local,
    /// An S3-compatible bucket (`[attachments.s3]`); back the bucket up on its own.
    S3,
}

/// `[attachments]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttachmentsConfig {
    /// Largest image upload, in bytes (images are held in memory to be checked and
    /// re-encoded).
    pub max_bytes: u64,
    /// Largest file of any other type, in bytes; streamed to storage, never held whole in
    /// memory.
    pub max_file_bytes: u64,
    /// Most bytes of attachments one user may keep stored (live uploads, attached or not;
    /// deleted and pruned ones are freed); 0: unlimited.
    pub user_quota_bytes: u64,
    /// Seconds an upload (`POST /api/attachments/upload`) may take, body included: a large
    /// file on a slow link takes minutes, which `http.request_timeout_secs` does not allow.
    pub upload_timeout_secs: u64,
    /// Most attachments on one message.
    pub max_per_message: usize,
    /// Largest image accepted, in pixels (width x height); larger ones are refused before
    /// they are decoded.
    pub max_pixels: u64,
    /// Largest animation accepted, in pixels of all frames together (frames x width x
    /// height); counted before any frame is decoded.
    pub max_animation_pixels: u64,
    /// CPU time one image may take to check and clean, in milliseconds; checked between
    /// frames and steps, so one step (bounded by the pixel limits) may run past it.
    pub max_decode_cpu_ms: u64,
    /// Most images decoded at once; more wait their turn. A decode keeps its place until
    /// it ends, even when its request timed out.
    pub max_concurrent_decodes: usize,
    /// Uploads not attached to a message within this many hours are deleted.
    pub unattached_ttl_hours: u64,
    /// `local` or `s3`.
    pub storage: StorageKind,
    /// The bucket, when `storage = "s3"`.
    pub s3: S3Config,
}

/// `[attachments.s3]`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct S3Config {
    /// e.g. `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`; unset: AWS.
    pub endpoint: Option<String>,
    /// Bucket name.
    pub bucket: String,
    /// Region, e.g. `us-east-1`.
    pub region: String,
    /// Access key id.
    pub access_key: Option<Secret>,
    /// Secret access key.
    pub secret_key: Option<Secret>,
    /// Path-style URLs (`endpoint/bucket/key`), as most self-hosted servers need.
    pub path_style: bool,
}

impl Default for AttachmentsConfig {
    fn default() -> Self {
        Self {
            max_bytes: 10 * 1024 * 1024,
            max_file_bytes: 25 * 1024 * 1024,
            user_quota_bytes: 1024 * 1024 * 1024,
            upload_timeout_secs: 600,
            max_per_message: 5,
            max_pixels: 50_000_000,
            max_animation_pixels: 100_000_000,
            max_decode_cpu_ms: 10_000,
            max_concurrent_decodes: 2,
            unattached_ttl_hours: 24,
            storage: StorageKind::Local,
            s3: S3Config::default(),
        }
    }
}

/// `[search]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SearchConfig {
    /// How often the background indexer looks for new, edited and deleted messages, in
    /// milliseconds. A search catches up its own chats first, so this bounds work, not
    /// correctness.
    pub index_interval_ms: u64,
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            index_interval_ms: 1000,
        }
    }
}

impl AttachmentsConfig {
    /// The rules of `[attachments]`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: &str| Err(ConfigError::invalid(key, message));
        if !(1024..=1024 * 1024 * 1024).contains(&self.max_bytes) {
            return invalid("attachments.max_bytes", "must be between 1 KiB and 1 GiB");
        }
        if !(1024..=16 * 1024 * 1024 * 1024).contains(&self.max_file_bytes) {
            return invalid(
                "attachments.max_file_bytes",
                "must be between 1 KiB and 16 GiB",
            );
        }
        if !(1..=86_400).contains(&self.upload_timeout_secs) {
            return invalid(
                "attachments.upload_timeout_secs",
                "must be between 1 and 86400",
            );
        }
        if !(1..=20).contains(&self.max_per_message) {
            return invalid("attachments.max_per_message", "must be between 1 and 20");
        }
        if !(1..=1_000_000_000).contains(&self.max_pixels) {
            return invalid("attachments.max_pixels", "must be between 1 and 10^9");
        }
        if !(1..=10_000_000_000).contains(&self.max_animation_pixels) {
            return invalid(
                "attachments.max_animation_pixels",
                "must be between 1 and 10^10",
            );
        }
        if !(1..=600_000).contains(&self.max_decode_cpu_ms) {
            return invalid(
                "attachments.max_decode_cpu_ms",
                "must be between 1 and 600000",
            );
        }
        if self.max_concurrent_decodes == 0 {
            return invalid("attachments.max_concurrent_decodes", "must be > 0");
        }
        if self.unattached_ttl_hours == 0 {
            return invalid("attachments.unattached_ttl_hours", "must be > 0");
        }
        if self.storage == StorageKind::S3 && !cfg!(feature = "s3") {
            return invalid(
                "attachments.storage",
                "\"s3\" needs a chatd built with the `s3` cargo feature (on by default)",
            );
        }
        if self.storage == StorageKind::S3 {
            if self.s3.bucket.trim().is_empty() {
                return invalid("attachments.s3.bucket", "must be set when storage = \"s3\"");
            }
            if self.s3.region.trim().is_empty() {
                return invalid("attachments.s3.region", "must be set when storage = \"s3\"");
            }
            if self.s3.access_key.is_none() != self.s3.secret_key.is_none() {
                return invalid(
                    "attachments.s3.secret_key",
                    "access_key and secret_key are set together",
                );
            }
        }
        Ok(())
    }
}
