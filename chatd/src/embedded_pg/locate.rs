//! Finding the PostgreSQL server binaries installed on the machine.

use std::path::{Path, PathBuf};
use std::process::Command;

const REQUIRED: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// The first directory holding `initdb`, `pg_ctl` and `postgres`: the configured one, then
/// `pg_config --bindir`, then PATH (following symlinks), then the newest
/// `/usr/lib/postgresql/<version>/bin`.
pub fn locate_binaries(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = configured {
        return has_all(dir).then(|| dir.to_path_buf());
    }
    from_pg_config()
        .filter(|dir| has_all(dir))
        .or_else(from_path)
        .or_else(from_debian_layout)
}

fn has_all(dir: &Path) -> bool {
    REQUIRED.iter().all(|name| dir.join(name).is_file())
}

fn from_pg_config() -> Option<PathBuf> {
    let output = Command::new("pg_config").arg("--bindir").output().ok()?;
    if !output.status.success() {
        return None;
    }
    let dir = String::from_utf8(output.stdout).ok()?;
    Some(PathBuf::from(dir.trim()))
}

fn from_path() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).find_map(|dir| {
        let initdb = dir.join("initdb");
        let real = std::fs::canonicalize(initdb).ok()?;
        let real_dir = real.parent()?.to_path_buf();
        has_all(&real_dir).then_some(real_dir)
    })
}

fn from_debian_layout() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse::<u32>().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, dir)| has_all(dir))
        .collect();
    versions.sort();
    versions.pop().map(|(_, dir)| dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configured_directory_without_binaries_is_not_used() {
        assert_eq!(locate_binaries(Some(Path::new("/nonexistent/bin"))), None);
    }
}
