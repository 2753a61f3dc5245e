//! The kept session: the refresh token of a profile, in `<data dir>/<profile>.session.json`
//! with mode 0600, so the next start goes straight in. Logging out removes the file.

use std::path::{Path, PathBuf};

use common::{SessionId, UserId};
use serde::{Deserialize, Serialize};

use crate::private_file;

/// What is kept between runs.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The server it belongs to.
    pub server: String,
    /// The user.
    pub user_id: UserId,
    /// The username, for messages.
    pub username: String,
    /// The session.
    pub session_id: SessionId,
    /// The single-use refresh secret (rotated on every use, so rewritten every start).
    pub refresh_token: String,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("server", &self.server)
            .field("username", &self.username)
            .field("refresh_token", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// The file of one profile's session.
#[derive(Clone, Debug)]
pub struct SessionFile {
    path: PathBuf,
}

impl SessionFile {
    /// The session file of `profile` under `data_dir`.
    pub fn new(data_dir: &Path, profile: &str) -> Self {
        Self {
            path: private_file::path_for(data_dir, profile, ".session.json"),
        }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The kept session, if any (an unreadable file counts as none).
    pub fn load(&self) -> Option<Session> {
        let text = std::fs::read_to_string(&self.path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Writes the session: to a fresh 0600 file first, then renamed over the old one, so a
    /// crash never leaves half a token and no other user can ever read it.
    pub fn save(&self, session: &Session) -> std::io::Result<()> {
        private_file::write(&self.path, serde_json::to_string(session)?.as_bytes())
    }

    /// Forgets the session.
    pub fn remove(&self) -> std::io::Result<()> {
        private_file::remove(&self.path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_session_is_private_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let file = SessionFile::new(dir.path(), "work/../x");
        assert!(file.path().starts_with(dir.path()));
        let session = Session {
            server: "http://127.0.0.1:1".into(),
            user_id: UserId::new(),
            username: "ada".into(),
            session_id: SessionId::new(),
            refresh_token: "secret".into(),
        };
        file.save(&session).unwrap();
        file.save(&session).unwrap();
        assert_eq!(file.load(), Some(session.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{session:?}").contains("secret"));
        file.remove().unwrap();
        assert_eq!(file.load(), None);
        file.remove().unwrap();
    }
}
