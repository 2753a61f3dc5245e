//! Where the cluster's socket lives and how its private directories are made.

use std::fmt::Write as _;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::{EmbeddedError, PORT, SOCKET_PATH_MAX};

/// `<root>/run`, or a short path under the temporary directory when that would make the
/// socket path too long for the kernel.
pub(super) fn socket_dir_for(root: &Path) -> PathBuf {
    let preferred = root.join("run");
    let socket = preferred.join(format!(".s.PGSQL.{PORT}"));
    if socket.as_os_str().len() <= SOCKET_PATH_MAX {
        return preferred;
    }
    let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
    let tag = digest.iter().take(6).fold(String::new(), |mut tag, b| {
        let _ = write!(tag, "{b:02x}");
        tag
    });
    std::env::temp_dir().join(format!("chatd-pg-{tag}"))
}

pub(super) fn create_private_dir(path: &Path) -> Result<(), EmbeddedError> {
    fs::create_dir_all(path).map_err(|source| EmbeddedError::Io {
        action: "creating",
        path: path.to_path_buf(),
        source,
    })?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(|source| {
        EmbeddedError::Io {
            action: "setting permissions of",
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_roots_get_a_short_socket_dir() {
        let short = socket_dir_for(Path::new("/var/lib/chatd/postgres"));
        assert_eq!(short, Path::new("/var/lib/chatd/postgres/run"));
        let long_root = PathBuf::from(format!("/tmp/{}", "x".repeat(120)));
        let dir = socket_dir_for(&long_root);
        assert!(dir.join(".s.PGSQL.5432").as_os_str().len() <= SOCKET_PATH_MAX);
        assert_eq!(
            dir,
            socket_dir_for(&long_root),
            "the same root maps to the same dir"
        );
    }
}
