//! Layering through figment: the TOML file, then `CHATD_*` variables, then flags. Each
//! variable and flag is a provider of its own, so that every value keeps its origin and an
//! error names the variable or flag that set it.

use std::ffi::OsString;
use std::path::Path;

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};

use super::keys::{Key, LEGACY_VARS, env_var, keys};
use super::{Config, ConfigError};
use crate::cli::ConfigArgs;

/// One value from a variable or a flag.
#[derive(Debug)]
struct Setting {
    /// The variable or flag, as the operator wrote it.
    origin: String,
    /// The dotted key it sets.
    key: String,
    value: Value,
}

impl Provider for Setting {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.origin.clone())
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let dict = figment::util::nest(&self.key, self.value.clone())
            .into_dict()
            .ok_or_else(|| figment::Error::from(format!("`{}` is not a key", self.key)))?;
        Ok(Profile::Default.collect(dict))
    }
}

impl Config {
    /// Loads the file named by `--config`/`CHATD_CONFIG` (if any), then the `CHATD_*`
    /// variables of the process, then the flags in `args`, and validates the result.
    pub fn load(args: &ConfigArgs) -> Result<Self, ConfigError> {
        Self::load_from(args, std::env::vars_os())
    }

    /// [`Config::load`] with the environment given, so tests need not change the process's.
    pub fn load_from(
        args: &ConfigArgs,
        env: impl IntoIterator<Item = (OsString, OsString)>,
    ) -> Result<Self, ConfigError> {
        let keys = keys();
        let mut figment = Figment::new();
        if let Some(path) = &args.config {
            // Read once here for the error chatd has always given; figment reads it again
            // so that its errors name the file.
            std::fs::metadata(path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            figment = figment.merge(Toml::file_exact(path));
        }
        for setting in env_settings(&keys, env)? {
            figment = figment.merge(setting);
        }
        for setting in flag_settings(&keys, args)? {
            figment = figment.merge(setting);
        }
        // Lossy: a variable or flag is text, read as a number or boolean where the key
        // wants one.
        let config: Self = figment.extract_lossy().map_err(source_error)?;
        config.validate().map_err(|e| with_origin(e, &figment))?;
        Ok(config)
    }
}

/// The values of the `CHATD_*` variables that name a key: the old names first, so that the
/// generated name of the same key wins. Empty variables count as unset (systemd's
/// `Environment=CHATD_DATABASE_URL=`). Other `CHATD_*` names (`CHATD_CONFIG`, a test's
/// `CHATD_TEST_DIR`) are not keys and are left alone.
fn env_settings(
    keys: &[Key],
    env: impl IntoIterator<Item = (OsString, OsString)>,
) -> Result<Vec<Setting>, ConfigError> {
    let mut legacy = Vec::new();
    let mut generated = Vec::new();
    for (name, value) in env {
        let Some(name) = name.to_str() else { continue };
        let key = if let Some((_, key)) = LEGACY_VARS.iter().find(|(var, _)| *var == name) {
            keys.iter().find(|k| k.path == *key)
        } else if name.starts_with("CHATD_") {
            keys.iter().find(|k| env_var(&k.path) == name)
        } else {
            None
        };
        let Some(key) = key else { continue };
        let value = value
            .into_string()
            .map_err(|_| ConfigError::Source(format!("{name}: the value is not UTF-8")))?;
        if value.is_empty() {
            continue;
        }
        let setting = Setting {
            origin: name.to_owned(),
            key: key.path.clone(),
            value: text_value(key, &value),
        };
        if LEGACY_VARS.iter().any(|(var, _)| *var == name) {
            legacy.push(setting);
        } else {
            generated.push(setting);
        }
    }
    legacy.extend(generated);
    Ok(legacy)
}

/// The flags that were given: the named ones, then each `--set KEY=VALUE` in order.
fn flag_settings(keys: &[Key], args: &ConfigArgs) -> Result<Vec<Setting>, ConfigError> {
    let mut out = Vec::new();
    let mut flag = |flag: &str, key: &str, value: Option<Value>| {
        if let Some(value) = value {
            out.push(Setting {
                origin: format!("--{flag}"),
                key: key.to_owned(),
                value,
            });
        }
    };
    let text = |s: &Option<String>| s.clone().map(Value::from);
    let path = |p: &Option<std::path::PathBuf>| {
        p.as_deref()
            .map(|p: &Path| Value::from(p.to_string_lossy().into_owned()))
    };
    flag("listen", "listen", text(&args.listen));
    flag("data-dir", "data_dir", path(&args.data_dir));
    flag("database-url", "database.url", text(&args.database_url));
    flag(
        "database-max-connections",
        "database.max_connections",
        args.database_max_connections.map(Value::from),
    );
    flag("redis-url", "redis.url", text(&args.redis_url));
    flag(
        "postgres-bin-dir",
        "postgres.bin_dir",
        path(&args.postgres_bin_dir),
    );
    flag("postgres-user", "postgres.user", text(&args.postgres_user));
    flag("log-format", "log.format", text(&args.log_format));
    flag("log-level", "log.level", text(&args.log_level));
    flag(
        "registration",
        "auth.registration",
        text(&args.registration),
    );
    flag(
        "password-min-length",
        "auth.password_min_length",
        args.password_min_length.map(Value::from),
    );
    flag("jwt-secret", "auth.jwt_secret", text(&args.jwt_secret));
    flag(
        "access-token-ttl",
        "auth.access_token_ttl_secs",
        args.access_token_ttl.map(Value::from),
    );
    flag(
        "refresh-token-ttl",
        "auth.refresh_token_ttl_secs",
        args.refresh_token_ttl.map(Value::from),
    );
    flag(
        "trust-forwarded-for",
        "http.trust_forwarded_for",
        args.trust_forwarded_for.map(Value::from),
    );
    for pair in &args.set {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(ConfigError::Source(format!(
                "--set {pair}: expected KEY=VALUE, e.g. --set ws.heartbeat_secs=20"
            )));
        };
        let name = name.trim();
        let Some(key) = keys.iter().find(|k| k.path == name) else {
            return Err(ConfigError::Source(format!(
                "--set {pair}: `{name}` is not a configuration key (see docs/configuration.md)"
            )));
        };
        out.push(Setting {
            origin: format!("--set {name}"),
            key: key.path.clone(),
            value: text_value(key, value),
        });
    }
    Ok(out)
}

/// A variable's or `--set`'s text as a value: a list from `a,b` or `["a", "b"]`, anything
/// else as text (read as a number or boolean later, where the key wants one).
fn text_value(key: &Key, text: &str) -> Value {
    if !key.is_list {
        return Value::from(text.to_owned());
    }
    let text = text.trim();
    let inner = text
        .strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(text);
    let items: Vec<Value> = inner
        .split(',')
        .map(|item| item.trim().trim_matches('"'))
        .filter(|item| !item.is_empty())
        .map(|item| Value::from(item.to_owned()))
        .collect();
    Value::from(items)
}

/// Where a value came from: the variable or flag, or the file.
fn origin_of(metadata: &Metadata) -> String {
    match &metadata.source {
        Some(source) => format!("file {source}"),
        None => metadata.name.to_string(),
    }
}

/// figment's errors (all of them, one a line), each naming its key and origin.
#[allow(clippy::needless_pass_by_value)] // the shape `map_err` hands over
fn source_error(error: figment::Error) -> ConfigError {
    let lines: Vec<String> = error
        .into_iter()
        .map(|e| {
            let origin = e.metadata.as_ref().map(origin_of);
            match (e.path.is_empty(), origin) {
                (false, Some(origin)) => format!(
                    "invalid value for `{}` ({origin}): {}",
                    e.path.join("."),
                    e.kind
                ),
                (true, Some(origin)) => format!("{origin}: {}", e.kind),
                (false, None) => format!("invalid value for `{}`: {}", e.path.join("."), e.kind),
                (true, None) => e.kind.to_string(),
            }
        })
        .collect();
    ConfigError::Source(lines.join("\n"))
}

/// A broken rule, with the variable, flag or file that set the value.
fn with_origin(error: ConfigError, figment: &Figment) -> ConfigError {
    match error {
        ConfigError::Invalid {
            key,
            origin: None,
            message,
        } => ConfigError::Invalid {
            key,
            origin: figment.find_metadata(key).map(origin_of),
            message,
        },
        other => other,
    }
}
