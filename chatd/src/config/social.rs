//! `[contacts]`, `[push]` and `[sync]`: the social side's settings.

use serde::{Deserialize, Serialize};

use super::ConfigError;

/// `[contacts]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactsConfig {
    /// Direct chats only between accepted contacts (existing direct chats stay readable).
    pub direct_chats_require_contact: bool,
    /// Most pending contact requests one user may have sent; more get 429.
    pub max_pending_outgoing: u32,
}

impl Default for ContactsConfig {
    fn default() -> Self {
        Self {
            direct_chats_require_contact: false,
            max_pending_outgoing: 100,
        }
    }
}

/// `[accounts]`: what deleting an account does.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsConfig {
    /// Erase a deleted account's messages (each becomes a deleted message) rather than keep
    /// them shown as from a deleted user.
    pub erase_messages_on_delete: bool,
    /// Days a deleted account's username stays taken before anyone may register it (0: at
    /// once).
    pub username_quarantine_days: u32,
}

impl AccountsConfig {
    /// Checks `[accounts]`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.username_quarantine_days > 36_500 {
            return Err(ConfigError::invalid(
                "accounts.username_quarantine_days",
                "must be at most 36500",
            ));
        }
        Ok(())
    }
}

impl Default for AccountsConfig {
    fn default() -> Self {
        Self {
            erase_messages_on_delete: false,
            username_quarantine_days: 30,
        }
    }
}

/// `[push]`: HTTP POSTs to users' push endpoints (ntfy, `UnifiedPush`) for notifications of
/// users with no live connection.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
// Each flag is an independent operator switch of the TOML file, not a state machine.
#[allow(clippy::struct_excessive_bools)]
pub struct PushConfig {
    /// Send pushes at all.
    pub enabled: bool,
    /// Put the message text into pushes (mentions and replies); off: only who and where.
    pub include_text: bool,
    /// Each POST may take this long.
    pub timeout_secs: u64,
    /// Attempts after the first failed one, waiting `backoff_ms`, doubled each time.
    pub retries: u32,
    /// The first wait before a retry, in milliseconds.
    pub backoff_ms: u64,
    /// Allow `http://` endpoints (otherwise only `https://`), e.g. a distributor on the LAN.
    pub allow_http: bool,
    /// Most push devices per user.
    pub max_devices_per_user: u32,
    /// Allow endpoints on loopback, private, link-local and other non-public addresses
    /// (off: such endpoints are refused, so users cannot make chatd post into its own
    /// network).
    pub allow_private: bool,
    /// Hosts (names or addresses, as in the endpoint URL) that may be on non-public
    /// addresses even with `allow_private` off, e.g. a distributor on the LAN.
    pub allowed_hosts: Vec<String>,
}

impl Default for PushConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            include_text: false,
            timeout_secs: 5,
            retries: 3,
            backoff_ms: 1000,
            allow_http: false,
            max_devices_per_user: 10,
            allow_private: false,
            allowed_hosts: Vec::new(),
        }
    }
}

/// `[sync]`.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// Per-user events (contacts, blocks, notifications) older than this many days are
    /// deleted; a client whose `userSeq` is older is told to reload them from scratch.
    pub user_events_retention_days: u32,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            user_events_retention_days: 30,
        }
    }
}

impl SyncConfig {
    /// The rules of `[sync]`.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(1..=36_500).contains(&self.user_events_retention_days) {
            return Err(ConfigError::invalid(
                "sync.user_events_retention_days",
                "must be between 1 and 36500",
            ));
        }
        Ok(())
    }
}

/// Checks `[contacts]`, `[push]` and `http.public_url`.
pub fn validate(
    contacts: &ContactsConfig,
    push: &PushConfig,
    public_url: Option<&str>,
) -> Result<(), ConfigError> {
    let invalid = |key, message: &str| Err(ConfigError::invalid(key, message));
    if contacts.max_pending_outgoing == 0 {
        return invalid("contacts.max_pending_outgoing", "must be > 0");
    }
    if push.timeout_secs == 0 {
        return invalid("push.timeout_secs", "must be > 0");
    }
    if push.retries > 10 {
        return invalid("push.retries", "must be at most 10");
    }
    if push.max_devices_per_user == 0 {
        return invalid("push.max_devices_per_user", "must be > 0");
    }
    if push
        .allowed_hosts
        .iter()
        .any(|h| h.trim().is_empty() || h.contains(['/', ' ', '@']))
    {
        return invalid(
            "push.allowed_hosts",
            "each entry is a host name or address, e.g. \"ntfy.lan\" or \"10.0.0.5\"",
        );
    }
    if let Some(url) = public_url {
        let parsed = url::Url::parse(url);
        let ok = parsed.as_ref().is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        });
        if !ok {
            return invalid(
                "http.public_url",
                "must be an http:// or https:// URL with a host, e.g. https://chat.example.com",
            );
        }
    }
    Ok(())
}

/// The host (and port) links name: from `http.public_url`, else the request's `Host`.
pub fn link_host(public_url: Option<&str>) -> Option<String> {
    let url = url::Url::parse(public_url?).ok()?;
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_values_name_their_key() {
        let key_of =
            |contacts: &ContactsConfig, push: &PushConfig, url: Option<&str>| match validate(
                contacts, push, url,
            ) {
                Err(ConfigError::Invalid { key, .. }) => key,
                other => panic!("{other:?}"),
            };
        let (contacts, push) = (ContactsConfig::default(), PushConfig::default());
        assert!(validate(&contacts, &push, Some("https://chat.example.com:8443")).is_ok());
        for url in ["chat.example.com", "ftp://x", "https://"] {
            assert_eq!(
                key_of(&contacts, &push, Some(url)),
                "http.public_url",
                "{url}"
            );
        }
        let none_pending = ContactsConfig {
            max_pending_outgoing: 0,
            ..ContactsConfig::default()
        };
        assert_eq!(
            key_of(&none_pending, &push, None),
            "contacts.max_pending_outgoing"
        );
        let many_retries = PushConfig {
            retries: 11,
            ..PushConfig::default()
        };
        assert_eq!(key_of(&contacts, &many_retries, None), "push.retries");
    }

    #[test]
    fn links_name_the_public_host_and_port() {
        assert_eq!(
            link_host(Some("https://chat.example.com/")).as_deref(),
            Some("chat.example.com")
        );
        assert_eq!(
            link_host(Some("http://10.0.0.1:8080")).as_deref(),
            Some("10.0.0.1:8080")
        );
        assert_eq!(link_host(None), None);
    }
}
