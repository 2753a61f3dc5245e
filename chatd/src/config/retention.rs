//! `[retention]`: how long messages are kept, and how the pruning job paces itself.

use serde::{Deserialize, Serialize};

use super::ConfigError;

/// The longest retention, in days (a hundred years).
pub const RETENTION_DAYS_MAX: u32 = 36_500;

/// `[retention]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// Messages older than this many days are pruned: their content, attachments, search
    /// entries, mentions and notifications are deleted, their slots stay. Unset: kept forever.
    pub message_days: Option<u32>,
    /// Lets group owners set a shorter retention for their group (never longer than
    /// `message_days`).
    pub allow_chat_override: bool,
    /// Seconds between two passes of the pruning job.
    pub interval_secs: u64,
    /// Messages pruned per batch; each batch is its own short transaction.
    pub batch_size: u32,
    /// Seconds the job's clock runs ahead of the real one: messages are judged as if it were
    /// this much later. For tests and drills only; 0 in production.
    pub clock_offset_secs: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            message_days: None,
            allow_chat_override: false,
            interval_secs: 3600,
            batch_size: 500,
            clock_offset_secs: 0,
        }
    }
}

impl RetentionConfig {
    /// The rules of `[retention]`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(days) = self.message_days
            && !(1..=RETENTION_DAYS_MAX).contains(&days)
        {
            return Err(ConfigError::invalid(
                "retention.message_days",
                format!("must be between 1 and {RETENTION_DAYS_MAX}"),
            ));
        }
        if self.interval_secs == 0 {
            return Err(ConfigError::invalid(
                "retention.interval_secs",
                "must be greater than 0",
            ));
        }
        if !(1..=10_000).contains(&self.batch_size) {
            return Err(ConfigError::invalid(
                "retention.batch_size",
                "must be between 1 and 10000",
            ));
        }
        Ok(())
    }

    /// Whether anything can ever be pruned (a server policy, or owners may set one).
    pub fn enabled(&self) -> bool {
        self.message_days.is_some() || self.allow_chat_override
    }
}
