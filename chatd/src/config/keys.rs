//! Every configuration key, read off the defaults themselves, and its `CHATD_*` variable:
//! a key added to a section gets its variable (and `--set`) with nothing else to write.

use super::Config;

/// One key of the configuration (a leaf: a value, not a section).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// The dotted path as written in the file, e.g. `auth.password_min_length`.
    pub path: String,
    /// The value is a list (e.g. `push.allowed_hosts`): a variable or `--set` holds
    /// comma-separated items or a bracketed list.
    pub is_list: bool,
}

/// Variable names from before every key had a generated one; each still sets its key
/// (the generated name wins when both are set).
pub const LEGACY_VARS: &[(&str, &str)] = &[
    ("CHATD_REGISTRATION", "auth.registration"),
    ("CHATD_PASSWORD_MIN_LENGTH", "auth.password_min_length"),
    ("CHATD_JWT_SECRET", "auth.jwt_secret"),
    ("CHATD_ACCESS_TOKEN_TTL", "auth.access_token_ttl_secs"),
    ("CHATD_REFRESH_TOKEN_TTL", "auth.refresh_token_ttl_secs"),
    ("CHATD_TRUST_FORWARDED_FOR", "http.trust_forwarded_for"),
];

/// The variable of a key: `CHATD_` and the path in capitals, `.` as `_`
/// (`auth.password_min_length` is `CHATD_AUTH_PASSWORD_MIN_LENGTH`).
pub fn env_var(key: &str) -> String {
    format!("CHATD_{}", key.replace('.', "_").to_ascii_uppercase())
}

/// Every key, sorted by path. JSON (unlike TOML) writes an unset optional value as
/// `null`, so the default configuration names every key, set or not.
pub fn keys() -> Vec<Key> {
    let mut out = Vec::new();
    if let Ok(serde_json::Value::Object(root)) = serde_json::to_value(Config::default()) {
        collect(&root, "", &mut out);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn collect(table: &serde_json::Map<String, serde_json::Value>, prefix: &str, out: &mut Vec<Key>) {
    for (name, value) in table {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            serde_json::Value::Object(section) => collect(section, &path, out),
            value => out.push(Key {
                path,
                is_list: value.is_array(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_its_own_variable_and_the_old_names_still_point_at_keys() {
        let keys = keys();
        assert!(keys.len() > 60, "{keys:?}");
        let paths: Vec<&str> = keys.iter().map(|k| k.path.as_str()).collect();
        for expected in [
            "listen",
            "database.url",
            "metrics.listen",
            "attachments.s3.secret_key",
            "push.allowed_hosts",
        ] {
            assert!(paths.contains(&expected), "{expected} missing: {paths:?}");
        }
        let mut vars: Vec<String> = paths.iter().map(|p| env_var(p)).collect();
        vars.sort();
        vars.dedup();
        assert_eq!(vars.len(), keys.len(), "two keys share a variable");
        // Names the environment uses for other things must never be taken by a key.
        for reserved in ["CHATD_CONFIG", "CHATD_TEST_DIR"] {
            assert!(!vars.iter().any(|v| v == reserved), "{reserved}");
        }
        for (var, key) in LEGACY_VARS {
            assert!(paths.contains(key), "{var} points at no key");
            assert!(!vars.iter().any(|v| v == var), "{var} is also generated");
        }
        assert_eq!(
            env_var("auth.password_min_length"),
            "CHATD_AUTH_PASSWORD_MIN_LENGTH"
        );
    }
}
