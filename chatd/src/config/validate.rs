//! The rules a configuration must keep, checked before anything is started. Every
//! refusal names its key.

use std::str::FromStr;

use super::{Config, ConfigError, social};

impl Config {
    /// Checks every rule that can be checked without touching the network or the disk.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: &str| Err(ConfigError::invalid(key, message));
        if let Some(url) = &self.database.url {
            let url = url.expose();
            if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
                return invalid(
                    "database.url",
                    "must start with postgres:// or postgresql://",
                );
            }
            if sqlx::postgres::PgConnectOptions::from_str(url).is_err() {
                return invalid("database.url", "not a valid PostgreSQL URL");
            }
        }
        if !(1..=1000).contains(&self.database.max_connections) {
            return invalid("database.max_connections", "must be between 1 and 1000");
        }
        if let Some(url) = &self.redis.url
            && redis::Client::open(url.expose()).is_err()
        {
            return invalid(
                "redis.url",
                "not a valid Redis URL (redis://host:port or redis+unix:///path)",
            );
        }
        if self.postgres.user.trim().is_empty() {
            return invalid("postgres.user", "must not be empty");
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.level).is_err() {
            return invalid("log.level", "not a valid log filter");
        }
        if !(4..=common::limits::PASSWORD_MAX).contains(&self.auth.password_min_length) {
            return invalid("auth.password_min_length", "must be between 4 and 1024");
        }
        if let Some(secret) = &self.auth.jwt_secret
            && secret.expose().len() < 32
        {
            return invalid("auth.jwt_secret", "must be at least 32 bytes");
        }
        if self.auth.access_token_ttl_secs == 0 {
            return invalid("auth.access_token_ttl_secs", "must be > 0");
        }
        if self.auth.refresh_token_ttl_secs < self.auth.access_token_ttl_secs {
            return invalid(
                "auth.refresh_token_ttl_secs",
                "must be at least the access token lifetime",
            );
        }
        if self.auth.max_concurrent_hashes == 0 {
            return invalid("auth.max_concurrent_hashes", "must be > 0");
        }
        self.validate_limits()?;
        self.attachments.validate()?;
        if self.search.index_interval_ms == 0 {
            return invalid("search.index_interval_ms", "must be > 0");
        }
        if self.http.request_timeout_secs == 0 {
            return invalid("http.request_timeout_secs", "must be > 0");
        }
        self.validate_http()?;
        self.accounts.validate()?;
        social::validate(&self.contacts, &self.push, self.http.public_url.as_deref())?;
        self.sync.validate()?;
        self.retention.validate()?;
        self.email.validate(self.http.public_url.as_deref())?;
        if self.auth.require_verified_email && !self.email.enabled {
            return invalid(
                "auth.require_verified_email",
                "needs email.enabled (verification is done by mail)",
            );
        }
        Ok(())
    }

    /// The connection limits of `[http]`.
    fn validate_http(&self) -> Result<(), ConfigError> {
        for (key, value) in [
            (
                "http.header_read_timeout_secs",
                self.http.header_read_timeout_secs,
            ),
            ("http.keep_alive_idle_secs", self.http.keep_alive_idle_secs),
            (
                "http.max_connections",
                self.http.max_connections.map_or(1, |n| n as u64),
            ),
            (
                "http.max_connections_per_ip",
                self.http.max_connections_per_ip as u64,
            ),
        ] {
            if value == 0 {
                return Err(ConfigError::invalid(key, "must be > 0"));
            }
        }
        Ok(())
    }

    fn validate_limits(&self) -> Result<(), ConfigError> {
        let invalid = |key, message: &str| Err(ConfigError::invalid(key, message));
        if self.redis.key_prefix.is_empty() {
            return invalid("redis.key_prefix", "must not be empty");
        }
        if self.database.acquire_timeout_secs == 0 {
            return invalid("database.acquire_timeout_secs", "must be > 0");
        }
        for (key, value) in [
            (
                "limits.login_failures_per_user",
                u64::from(self.limits.login_failures_per_user),
            ),
            (
                "limits.login_failures_per_ip",
                u64::from(self.limits.login_failures_per_ip),
            ),
            (
                "limits.login_failure_window_secs",
                self.limits.login_failure_window_secs,
            ),
            (
                "limits.registrations_per_ip",
                u64::from(self.limits.registrations_per_ip),
            ),
            (
                "limits.registration_window_secs",
                self.limits.registration_window_secs,
            ),
            ("ws.heartbeat_secs", self.ws.heartbeat_secs),
            ("ws.session_recheck_secs", self.ws.session_recheck_secs),
            ("ws.max_connections", self.ws.max_connections as u64),
            ("ws.queue_capacity", self.ws.queue_capacity as u64),
            (
                "ws.max_connections_per_user",
                self.ws.max_connections_per_user as u64,
            ),
        ] {
            if value == 0 {
                return invalid(key, "must be > 0");
            }
        }
        if !(512..=1 << 20).contains(&self.ws.read_buffer_bytes) {
            return invalid("ws.read_buffer_bytes", "must be between 512 and 1048576");
        }
        if self.ws.write_buffer_bytes > 1 << 20 {
            return invalid("ws.write_buffer_bytes", "must be at most 1048576");
        }
        if self.ws.max_connections > 10_000_000 {
            return invalid("ws.max_connections", "must be at most 10000000");
        }
        if self.ws.reorder_window_ms > 10_000 {
            return invalid("ws.reorder_window_ms", "must be at most 10000");
        }
        Ok(())
    }
}
