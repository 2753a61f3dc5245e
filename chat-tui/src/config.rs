//! `config.toml` (in `~/.config/chat-tui/` or `$CHAT_TUI_CONFIG_DIR`): server profiles, keys,
//! theme, time format and notification rules. Loading it writes nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The address of a `chatd` started with its defaults on this machine.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:7878";

/// The whole file. Every field has a default, so an empty file (or none) is valid.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The profile used without `--profile`.
    pub default_profile: Option<String>,
    /// Accounts by name: `[profiles.work] server = "https://chat.example.com"`.
    pub profiles: BTreeMap<String, Profile>,
    /// Time format of timestamps, in the `time` crate's format description syntax.
    pub time_format: Option<String>,
    /// When to ring the bell or show a desktop notification.
    pub notify: NotifyRules,
    /// Colours.
    pub theme: Theme,
    /// Key overrides: `"ctrl-k" = "quick-switcher"`; `"x" = "none"` unbinds a key.
    pub keys: BTreeMap<String, String>,
    /// Image attachments.
    pub attachments: AttachmentsConfig,
    /// The offline cache.
    pub cache: CacheConfig,
}

/// `[cache]`: the offline cache (`<data dir>/<profile>.cache.sqlite`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// Keep a cache at all (`false`: every start waits for the server, as before).
    pub enabled: bool,
    /// The newest messages kept per chat; older ones are dropped from the cache (never
    /// from the server).
    pub messages_per_chat: u32,
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            messages_per_chat: crate::cache::DEFAULT_MESSAGES_PER_CHAT,
        }
    }
}

/// `[attachments]`.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttachmentsConfig {
    /// Inline previews: `auto` (graphics protocol when the terminal has one), `halfblocks`
    /// (and coloured half blocks elsewhere), `off` (the attachment line only).
    pub preview: crate::state::attachments::PreviewMode,
}

/// One account.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    /// The server's base URL.
    pub server: Option<String>,
    /// The username offered on the login screen.
    pub username: Option<String>,
}

/// Notification rules. Muted chats never notify.
#[allow(clippy::struct_excessive_bools)] // independent switches, as written in config.toml
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyRules {
    /// Ring the terminal bell.
    pub bell: bool,
    /// Desktop notification (`notify-send` when present, else OSC 777/9).
    pub desktop: bool,
    /// Notify for messages that mention the user.
    pub mentions: bool,
    /// Notify for messages in direct chats.
    pub direct: bool,
}

impl Default for NotifyRules {
    fn default() -> Self {
        Self {
            bell: true,
            desktop: true,
            mentions: true,
            direct: true,
        }
    }
}

/// Colours by name (`red`, `light-blue`, `#rrggbb`, ...). `NO_COLOR` overrides all of them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Theme {
    /// Accent for focused borders and the selection.
    pub accent: Option<String>,
    /// Colours cycled through for sender names.
    pub senders: Vec<String>,
}

/// Where the config and the data (sessions, drafts) live.
#[derive(Clone, Debug)]
pub struct Dirs {
    /// The config directory.
    pub config: PathBuf,
    /// The data directory.
    pub data: PathBuf,
}

impl Dirs {
    /// `$CHAT_TUI_CONFIG_DIR` / `$CHAT_TUI_DATA_DIR`, else the platform's directories.
    pub fn locate() -> anyhow::Result<Self> {
        let project = directories::ProjectDirs::from("", "", "chat-tui");
        let pick = |var: &str, fallback: Option<&Path>| -> anyhow::Result<PathBuf> {
            std::env::var_os(var)
                .map(PathBuf::from)
                .or_else(|| fallback.map(Path::to_path_buf))
                .ok_or_else(|| anyhow::anyhow!("no home directory; set {var}"))
        };
        Ok(Self {
            config: pick(
                "CHAT_TUI_CONFIG_DIR",
                project.as_ref().map(directories::ProjectDirs::config_dir),
            )?,
            data: pick(
                "CHAT_TUI_DATA_DIR",
                project.as_ref().map(directories::ProjectDirs::data_dir),
            )?,
        })
    }
}

impl Config {
    /// Reads `config.toml` from `dir`; a missing file is the defaults.
    pub fn load(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join("config.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(anyhow::anyhow!("{}: {e}", path.display())),
        }
    }

    /// Parses the text of a config file.
    pub fn parse(text: &str) -> Result<Self, toml::de::Error> {
        toml::from_str(text)
    }

    /// The profile name in use: `--profile`, else `default_profile`, else `default`.
    pub fn profile_name(&self, flag: Option<&str>) -> String {
        flag.map(str::to_owned)
            .or_else(|| self.default_profile.clone())
            .unwrap_or_else(|| "default".to_owned())
    }

    /// The profile's settings (empty when the file does not name it).
    pub fn profile(&self, name: &str) -> Profile {
        self.profiles.get(name).cloned().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_example_parses() {
        let text = include_str!("../../docs/tui-config.example.toml");
        let config = Config::parse(text).unwrap();
        assert_eq!(config.profile_name(None), "work");
        assert!(config.profile("work").server.is_some());
        assert!(!config.keys.is_empty());
    }

    #[test]
    fn empty_file_is_the_defaults_and_unknown_keys_are_refused() {
        let config = Config::parse("").unwrap();
        assert_eq!(config.profile_name(None), "default");
        assert_eq!(config.notify, NotifyRules::default());
        assert!(Config::parse("sever = 'x'").is_err());
    }
}
