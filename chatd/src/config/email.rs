//! `[email]`: outgoing mail over SMTP (verification, password reset, missed-message
//! digests). Off by default, so the embedded default needs no mail server.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{ConfigError, Secret};

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain text (a relay on the same host or a test server only).
    None,
    /// Plain connection upgraded with `STARTTLS` (usually port 587); refused without it.
    Starttls,
    /// TLS from the first byte (usually port 465).
    Implicit,
}

/// `[email]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailConfig {
    /// Send mail at all. Off: the email endpoints answer `FORBIDDEN` and no mail task runs.
    pub enabled: bool,
    /// The SMTP server (name or address).
    pub smtp_host: String,
    /// Its port.
    pub smtp_port: u16,
    /// `none`, `starttls` or `implicit`.
    pub tls: SmtpTls,
    /// SMTP user name; unset: no authentication.
    pub username: Option<String>,
    /// SMTP password (better set through `CHATD_EMAIL_PASSWORD` or `password_file`);
    /// never logged or printed.
    pub password: Option<Secret>,
    /// A file holding the SMTP password (trailing newline ignored); wins over `password`.
    pub password_file: Option<PathBuf>,
    /// The `From` address, e.g. `Chat <chat@example.com>`.
    pub from: String,
    /// The address users reach the server at, for links in mails; unset: `http.public_url`.
    /// One of the two is required when mail is on.
    pub public_url: Option<String>,
    /// How long a verification token is valid, in minutes.
    pub verify_token_ttl_mins: u64,
    /// How long a password-reset token is valid, in minutes.
    pub reset_token_ttl_mins: u64,
    /// Password-reset requests (and verification mails) per account within the window;
    /// more are dropped silently (reset) or answered 429 (verification).
    pub requests_per_account: u32,
    /// Password-reset requests, and verification-resend requests without a login, from one
    /// client address within the window (each counted apart); more get 429.
    pub requests_per_address: u32,
    /// The window of the two limits above, in minutes.
    pub request_window_mins: u64,
    /// Most mails waiting to be sent (in PostgreSQL); more are refused and logged.
    pub queue_capacity: u32,
    /// Attempts per mail before it is given up (logged, kept as failed).
    pub max_attempts: u32,
    /// The wait before the first retry, in seconds; doubled after each failure (at most
    /// an hour).
    pub retry_backoff_secs: u64,
    /// One SMTP exchange may take this long, in seconds.
    pub timeout_secs: u64,
    /// Missed-message digests at all (each user can still turn theirs off).
    pub digest_enabled: bool,
    /// A user offline (no live connection on any node) this many minutes with unread
    /// direct messages or mentions gets a digest.
    pub digest_after_mins: u64,
    /// At most one digest per user this often, in minutes.
    pub digest_interval_mins: u64,
    /// How often the digest task looks for users to mail, in seconds.
    pub digest_check_secs: u64,
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            smtp_host: "localhost".into(),
            smtp_port: 587,
            tls: SmtpTls::Starttls,
            username: None,
            password: None,
            password_file: None,
            from: "chatd <chatd@localhost>".into(),
            public_url: None,
            verify_token_ttl_mins: 24 * 60,
            reset_token_ttl_mins: 15,
            requests_per_account: 5,
            requests_per_address: 20,
            request_window_mins: 60,
            queue_capacity: 10_000,
            max_attempts: 8,
            retry_backoff_secs: 30,
            timeout_secs: 30,
            digest_enabled: true,
            digest_after_mins: 30,
            digest_interval_mins: 6 * 60,
            digest_check_secs: 60,
        }
    }
}

impl EmailConfig {
    /// The base of links in mails: `email.public_url`, else `http.public_url`, without a
    /// trailing `/`.
    pub fn link_base(&self, http_public_url: Option<&str>) -> Option<String> {
        self.public_url
            .as_deref()
            .or(http_public_url)
            .map(|u| u.trim_end_matches('/').to_owned())
    }

    /// The SMTP password: the file's content, else `password`. Read once at start.
    pub fn smtp_password(&self) -> std::io::Result<Option<Secret>> {
        match &self.password_file {
            Some(path) => {
                let text = std::fs::read_to_string(path)?;
                Ok(Some(Secret::new(text.trim_end_matches(['\r', '\n']))))
            }
            None => Ok(self.password.clone()),
        }
    }

    /// The rules of `[email]` (only checked when mail is on).
    pub fn validate(&self, http_public_url: Option<&str>) -> Result<(), ConfigError> {
        if !self.enabled {
            return Ok(());
        }
        let invalid = |key, message: &str| Err(ConfigError::invalid(key, message));
        if self.smtp_host.trim().is_empty() {
            return invalid("email.smtp_host", "must not be empty when email is enabled");
        }
        if self.smtp_port == 0 {
            return invalid("email.smtp_port", "must be > 0");
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            return invalid(
                "email.from",
                "not a mail address (`name@host` or `Name <name@host>`)",
            );
        }
        match self.link_base(http_public_url) {
            None => {
                return invalid(
                    "email.public_url",
                    "set it (or http.public_url) when email is enabled: mails link to it",
                );
            }
            Some(url) if url::Url::parse(&url).is_err() => {
                return invalid("email.public_url", "not a URL");
            }
            Some(_) => {}
        }
        if self.password.is_some() && self.username.is_none()
            || self.password_file.is_some() && self.username.is_none()
        {
            return invalid("email.username", "a password needs a username");
        }
        for (key, value) in [
            ("email.verify_token_ttl_mins", self.verify_token_ttl_mins),
            ("email.reset_token_ttl_mins", self.reset_token_ttl_mins),
            (
                "email.requests_per_account",
                u64::from(self.requests_per_account),
            ),
            (
                "email.requests_per_address",
                u64::from(self.requests_per_address),
            ),
            ("email.request_window_mins", self.request_window_mins),
            ("email.queue_capacity", u64::from(self.queue_capacity)),
            ("email.max_attempts", u64::from(self.max_attempts)),
            ("email.timeout_secs", self.timeout_secs),
            ("email.digest_check_secs", self.digest_check_secs),
        ] {
            if value == 0 {
                return Err(ConfigError::invalid(key, "must be > 0"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn mail_on_needs_a_link_base_and_a_sender_and_the_password_stays_hidden() {
        let mut config = Config::default();
        config.email.enabled = true;
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("email.public_url"), "{err}");
        config.http.public_url = Some("https://chat.example.com".into());
        config.validate().unwrap();
        config.email.from = "not a mailbox".into();
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("email.from")
        );
        config.email.from = "Chat <chat@example.com>".into();
        config.email.password = Some(Secret::new("smtp-hunter2"));
        assert!(
            config
                .validate()
                .unwrap_err()
                .to_string()
                .contains("email.username")
        );
        config.email.username = Some("chat".into());
        config.validate().unwrap();
        assert!(!config.to_redacted_toml().contains("smtp-hunter2"));
        assert!(!format!("{config:?}").contains("smtp-hunter2"));

        let mut config = Config::default();
        config.auth.require_verified_email = true;
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("auth.require_verified_email"), "{err}");
    }

    #[test]
    fn the_password_file_wins_and_loses_its_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("smtp-password");
        std::fs::write(&path, "from-file\n").unwrap();
        let config = EmailConfig {
            password: Some(Secret::new("from-config")),
            password_file: Some(path),
            ..EmailConfig::default()
        };
        assert_eq!(
            config.smtp_password().unwrap().unwrap().expose(),
            "from-file"
        );
    }
}
