//! Drafts survive a restart: on exit the unsent text of every chat is written to
//! `<data dir>/<profile>.drafts.json` (mode 0600, it is private writing), and read back on
//! start, so quitting never loses what was being written.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use common::ChatId;

use crate::private_file;

/// The drafts file of one profile.
#[derive(Clone, Debug)]
pub struct DraftsFile {
    path: PathBuf,
}

impl DraftsFile {
    /// Next to the profile's session file.
    pub fn new(data_dir: &Path, profile: &str) -> Self {
        Self {
            path: private_file::path_for(data_dir, profile, ".drafts.json"),
        }
    }

    /// The kept drafts (none when missing or unreadable).
    pub fn load(&self) -> HashMap<ChatId, String> {
        std::fs::read_to_string(&self.path)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Keeps these drafts (removes the file when there are none).
    pub fn save(&self, drafts: &HashMap<ChatId, String>) -> std::io::Result<()> {
        if drafts.is_empty() {
            return private_file::remove(&self.path);
        }
        private_file::write(&self.path, serde_json::to_string(drafts)?.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_round_trip_and_an_empty_set_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = DraftsFile::new(dir.path(), "default");
        let drafts = HashMap::from([(ChatId::new(), "half a thought\nand more".to_owned())]);
        file.save(&drafts).unwrap();
        assert_eq!(file.load(), drafts);
        file.save(&HashMap::new()).unwrap();
        assert!(file.load().is_empty());
        assert!(!file.path.exists());
    }
}
