//! Directories and files only chatd's own user may read (0700 / 0600), whatever the umask
//! of the process that started it: attachments, the token key and the lock live there.

use std::fs::{self, DirBuilder, File, OpenOptions, Permissions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Mode of a private directory.
pub const DIR_MODE: u32 = 0o700;
/// Mode of a private file.
pub const FILE_MODE: u32 = 0o600;
/// Mode of the data directory when another user must pass through it to a subdirectory
/// (the embedded PostgreSQL's user, when chatd runs as root): it may enter, not list.
pub const TRAVERSABLE_DIR_MODE: u32 = 0o711;

/// Creates `path` and its missing parents with `mode`. The directories created get exactly
/// `mode` (a umask can only take bits away, so it is set again after creation); one that
/// exists already keeps the mode its owner gave it.
pub fn create_dir_all(path: &Path, mode: u32) -> io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        create_dir_all(parent, mode)?;
    }
    match DirBuilder::new().mode(mode).create(path) {
        Ok(()) => fs::set_permissions(path, Permissions::from_mode(mode)),
        // Created meanwhile by someone else (another upload into the same fan-out directory).
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
        Err(e) => Err(e),
    }
}

/// Opens `path` for writing, creating it 0600 if missing (an existing file keeps its mode).
pub fn open_private(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .mode(FILE_MODE)
        .open(path)
}

/// Sets `path` to `mode` (for files written by code that does not take a mode).
pub fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    fs::set_permissions(path, Permissions::from_mode(mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_created_private_and_existing_ones_are_left() {
        let base = std::env::temp_dir().join(format!("chatd-private-{}", uuid::Uuid::now_v7()));
        let deep = base.join("a/b");
        create_dir_all(&deep, DIR_MODE).unwrap();
        for dir in [&base, &base.join("a"), &deep] {
            let mode = fs::metadata(dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, DIR_MODE, "{}", dir.display());
        }
        restrict(&deep, 0o755).unwrap();
        create_dir_all(&deep, DIR_MODE).unwrap();
        assert_eq!(
            fs::metadata(&deep).unwrap().permissions().mode() & 0o777,
            0o755
        );
        fs::remove_dir_all(&base).unwrap();
    }
}
