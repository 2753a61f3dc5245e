//! The kept session of a profile, in `<data dir>/<profile>.session.json` (mode 0600), shared
//! by every process of the profile (the full-screen client, `chat-tui send` from cron, a
//! second client): the refresh token, the newest access token and when it stops being
//! reused. Refresh tokens are single-use and a reuse revokes the session, so a process only
//! refreshes while holding the profile's lock ([`SessionFile::lock`]) and after re-reading
//! the file. Logging out removes the file.

use std::fs::File;
use std::path::{Path, PathBuf};

use common::{SessionId, UserId};
use serde::{Deserialize, Serialize};

use crate::private_file;

/// What is kept between runs and shared between processes.
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
    /// The single-use refresh secret (rotated on every refresh).
    pub refresh_token: String,
    /// The newest access token, reused by every process until `access_expires_at`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// Unix seconds after which `access_token` is not reused (a little before it expires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_expires_at: Option<i64>,
}

impl Session {
    /// The access token, while it is still good at `now` (unix seconds).
    pub fn live_access_token(&self, now: i64) -> Option<&str> {
        match (&self.access_token, self.access_expires_at) {
            (Some(token), Some(until)) if now < until && !token.is_empty() => Some(token),
            _ => None,
        }
    }
}

/// When an access token that lives `expires_in` seconds from `now` stops being reused: a
/// tenth of its life early (at most 30 s), so a request started just before never carries
/// an expired token.
pub fn reuse_until(now: i64, expires_in: u64) -> i64 {
    let life = i64::try_from(expires_in).unwrap_or(i64::MAX / 2);
    now + life - (life / 10).min(30)
}

/// The clock in unix seconds.
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("server", &self.server)
            .field("username", &self.username)
            .field("refresh_token", &"<redacted>")
            .field("access_expires_at", &self.access_expires_at)
            .finish_non_exhaustive()
    }
}

/// The file of one profile's session.
#[derive(Clone, Debug)]
pub struct SessionFile {
    path: PathBuf,
    lock_path: PathBuf,
}

/// The profile's exclusive lock; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct SessionLock {
    _file: File,
}

impl SessionFile {
    /// The session file of `profile` under `data_dir`.
    pub fn new(data_dir: &Path, profile: &str) -> Self {
        Self {
            path: private_file::path_for(data_dir, profile, ".session.json"),
            lock_path: private_file::path_for(data_dir, profile, ".session.lock"),
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
    /// crash never leaves half a token, a reader never sees half a file and no other user can
    /// ever read it.
    pub fn save(&self, session: &Session) -> std::io::Result<()> {
        private_file::write(&self.path, serde_json::to_string(session)?.as_bytes())
    }

    /// Forgets the session.
    pub fn remove(&self) -> std::io::Result<()> {
        private_file::remove(&self.path)
    }

    /// Waits for the profile's exclusive lock (blocking: call it off the async executor).
    /// The lock is on a sibling `.session.lock` file, not on the session file itself: the
    /// session file is replaced by a rename on every write, and a lock held on the replaced
    /// file would not exclude a process that opened the new one.
    pub fn lock(&self) -> std::io::Result<SessionLock> {
        if let Some(dir) = self.lock_path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(&self.lock_path)?;
        file.lock()?;
        Ok(SessionLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            server: "http://127.0.0.1:1".into(),
            user_id: UserId::new(),
            username: "ada".into(),
            session_id: SessionId::new(),
            refresh_token: "secret".into(),
            access_token: Some("access".into()),
            access_expires_at: Some(100),
        }
    }

    #[test]
    fn saved_session_is_private_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let file = SessionFile::new(dir.path(), "work/../x");
        assert!(file.path().starts_with(dir.path()));
        let session = session();
        file.save(&session).unwrap();
        file.save(&session).unwrap();
        assert_eq!(file.load(), Some(session.clone()));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(file.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let debug = format!("{session:?}");
        assert!(!debug.contains("secret") && !debug.contains("access\""));
        file.remove().unwrap();
        assert_eq!(file.load(), None);
        file.remove().unwrap();
    }

    #[test]
    fn an_access_token_is_reused_only_before_its_reuse_deadline() {
        let s = session();
        assert_eq!(s.live_access_token(99), Some("access"));
        assert_eq!(s.live_access_token(100), None);
        let old = Session {
            access_token: None,
            access_expires_at: None,
            ..s
        };
        assert_eq!(old.live_access_token(0), None);
        // A file written before access tokens were kept still reads.
        let text = r#"{"server":"s","user_id":"01a20260-9208-7200-9b80-3e07bce0afd7","username":"a","session_id":"01a20260-9208-7200-9b80-3e07bce0afd7","refresh_token":"r"}"#;
        assert!(serde_json::from_str::<Session>(text).is_ok());
        assert_eq!(reuse_until(1000, 900), 1000 + 900 - 30);
        assert_eq!(reuse_until(1000, 10), 1009);
    }

    #[test]
    fn the_lock_is_exclusive_between_holders() {
        let dir = tempfile::tempdir().unwrap();
        let file = SessionFile::new(dir.path(), "p");
        let held = file.lock().unwrap();
        let other = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.path().join("p.session.lock"))
            .unwrap();
        assert!(other.try_lock().is_err());
        drop(held);
        assert!(other.try_lock().is_ok());
    }
}
