//! The client's private files (the session, the drafts): named per profile, written whole
//! to a fresh 0600 file and renamed over the old one, so a crash never leaves half a file
//! and no other user can read one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// `<data_dir>/<profile><suffix>`, with anything but ASCII letters, digits, `-` and `_` in
/// the profile name replaced, so a profile name can never point outside the directory.
pub fn path_for(data_dir: &Path, profile: &str, suffix: &str) -> PathBuf {
    let name: String = profile
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    data_dir.join(format!("{name}{suffix}"))
}

/// Replaces `path` with `contents`, mode 0600, durably.
pub fn write(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&tmp)?;
    file.write_all(contents)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Removes `path`; a file that is not there is already removed.
pub fn remove(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_stay_inside_the_directory_and_files_are_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_for(dir.path(), "../work/ada", ".session.json");
        assert_eq!(path, dir.path().join("___work_ada.session.json"));
        write(&path, b"one").unwrap();
        write(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        remove(&path).unwrap();
        remove(&path).unwrap();
        assert!(!path.exists());
    }
}
