//! The audit log: who did what to which account or chat, and from where.

use common::ids::UserId;
use serde_json::Value;

use super::{Store, StoreError};

/// One audit record.
#[derive(Debug)]
pub struct AuditEntry<'a> {
    /// Who acted, when known.
    pub actor_id: Option<UserId>,
    /// A dotted verb, e.g. `auth.login`, `auth.refresh_reuse`.
    pub action: &'a str,
    /// What kind of thing was acted on, e.g. `session`.
    pub target_type: Option<&'a str>,
    /// Its id.
    pub target_id: Option<String>,
    /// The client address.
    pub ip: Option<&'a str>,
    /// Anything else worth keeping (never secrets).
    pub details: Value,
}

impl Store {
    /// Appends an audit record.
    pub async fn audit(&self, entry: AuditEntry<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO audit_log (actor_id, action, target_type, target_id, ip, details) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(entry.actor_id)
        .bind(entry.action)
        .bind(entry.target_type)
        .bind(entry.target_id)
        .bind(entry.ip)
        .bind(entry.details)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
