//! A configuration value that must never reach a log or `print-config`.

use serde::{Deserialize, Serialize, Serializer};

/// A secret string. `Debug` and `Serialize` show it redacted; `expose` is the only way in.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value with any password in a URL's user info replaced, for display.
    pub fn redacted(&self) -> String {
        redact_url(&self.0).unwrap_or_else(|| "<redacted>".to_owned())
    }
}

/// Keeps scheme, host and path of a URL so operators can see where it points.
fn redact_url(value: &str) -> Option<String> {
    let (scheme, rest) = value.split_once("://")?;
    if ![
        "postgres",
        "postgresql",
        "redis",
        "rediss",
        "redis+unix",
        "unix",
    ]
    .contains(&scheme)
    {
        return None;
    }
    let (authority, tail) = rest.split_once('/').map_or((rest, ""), |(a, t)| (a, t));
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let user = authority
        .rsplit_once('@')
        .map(|(info, _)| info.split(':').next().unwrap_or_default());
    let tail = tail.split('?').next().unwrap_or_default();
    Some(match user {
        Some(user) => format!("{scheme}://{user}:<redacted>@{host}/{tail}"),
        None => format!("{scheme}://{host}/{tail}"),
    })
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_keep_host_but_not_password() {
        let s = Secret::new("postgres://chatd:hunter2@db.internal:5432/chat?sslmode=require");
        assert_eq!(
            s.redacted(),
            "postgres://chatd:<redacted>@db.internal:5432/chat"
        );
        assert!(!format!("{s:?}").contains("hunter2"));
    }

    #[test]
    fn non_urls_are_fully_redacted() {
        assert_eq!(Secret::new("a-jwt-secret").redacted(), "<redacted>");
        assert_eq!(
            Secret::new("https://looks-like-a-url@x").redacted(),
            "<redacted>"
        );
    }
}
