//! The lock files a crashed cluster leaves behind (`postmaster.pid` and the socket's
//! `.lock`): whether the process they name is really this cluster's postmaster.
//!
//! After a crash or a reboot the PID in `postmaster.pid` may belong to any other process.
//! `pg_ctl status` only asks whether that PID is alive, so chatd used to "adopt" an
//! unrelated process as its PostgreSQL, signal it on stop and wait for it in vain. Here the
//! process must be a `postgres` executable whose working directory is this data directory
//! (a postmaster changes into its data directory at start), or the files are stale.
//!
//! Also here: the drop of a cluster handle whose cluster still runs stops it.

use std::fs;
use std::path::{Path, PathBuf};

use tracing::warn;

use super::EmbeddedPostgres;

/// What `postmaster.pid` says about the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PidFile {
    /// No lock file: the cluster is not running.
    Absent,
    /// The file names a live postmaster of this data directory.
    Ours(u32),
    /// The file names a process that is gone or is not this cluster's postmaster.
    Stale(Option<u32>),
    /// No `/proc` to tell: leave the decision to `pg_ctl status`.
    Unknown,
}

/// Looks at `<pgdata>/postmaster.pid` and the process it names.
pub fn inspect(pgdata: &Path) -> PidFile {
    let Ok(text) = fs::read_to_string(pgdata.join("postmaster.pid")) else {
        return PidFile::Absent;
    };
    let pid = text
        .lines()
        .next()
        .and_then(|line| line.trim().parse::<u32>().ok())
        .filter(|&pid| pid > 0);
    let Some(pid) = pid else {
        // Empty or torn (a crash while it was written): PostgreSQL would refuse it too.
        return PidFile::Stale(None);
    };
    if !Path::new("/proc/self").exists() {
        return PidFile::Unknown;
    }
    if is_postmaster_of(pid, pgdata) {
        PidFile::Ours(pid)
    } else {
        PidFile::Stale(Some(pid))
    }
}

/// Whether process `pid` runs a `postgres` executable inside `pgdata`. Anything that cannot
/// be read (the process is gone, or belongs to someone chatd cannot look at, so not to the
/// cluster it runs) counts as no.
fn is_postmaster_of(pid: u32, pgdata: &Path) -> bool {
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let Ok(exe) = fs::read_link(proc.join("exe")) else {
        return false;
    };
    // A binary replaced by a package upgrade reads as ".../postgres (deleted)".
    let is_postgres = exe
        .file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.starts_with("postgres") || name.starts_with("postmaster"));
    let Ok(cwd) = fs::read_link(proc.join("cwd")) else {
        return false;
    };
    let pgdata = fs::canonicalize(pgdata).unwrap_or_else(|_| pgdata.to_path_buf());
    is_postgres && cwd == pgdata
}

/// Removes the stale lock files: `postmaster.pid` and the socket's lock, which a crashed
/// postmaster leaves with the same PID and PostgreSQL would refuse just the same.
pub fn remove_stale(pgdata: &Path, socket_lock: &Path) -> std::io::Result<()> {
    for path in [pgdata.join("postmaster.pid"), socket_lock.to_path_buf()] {
        match fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl Drop for EmbeddedPostgres {
    /// A cluster still running when its handle goes (a panic or an early return skipped
    /// [`EmbeddedPostgres::stop`]) is stopped here, so that chatd never leaves its
    /// PostgreSQL behind. Blocking, but only on that unusual path.
    fn drop(&mut self) {
        if !self.stop_on_drop || matches!(inspect(&self.pgdata), PidFile::Absent) {
            return;
        }
        warn!("stopping the embedded PostgreSQL left running");
        let mut stop = self.command("pg_ctl");
        stop.arg("stop")
            .arg("-D")
            .arg(&self.pgdata)
            .args(["-m", "fast", "-w", "-t", "60", "-s"]);
        let _ = self.run(stop, "pg_ctl stop");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pid_file_naming_another_process_is_stale() {
        let dir = std::env::temp_dir().join(format!("chatd-pidfile-{}", uuid::Uuid::now_v7()));
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(inspect(&dir), PidFile::Absent);
        let write = |text: &str| {
            fs::write(dir.join("postmaster.pid"), text).unwrap_or_else(|e| panic!("{e}"));
        };
        write("");
        assert_eq!(inspect(&dir), PidFile::Stale(None));
        // This test process is alive, but it is no postmaster of that directory.
        let me = std::process::id();
        write(&format!("{me}\n{}\n", dir.display()));
        assert_eq!(inspect(&dir), PidFile::Stale(Some(me)));
        let lock = dir.join(".s.PGSQL.5432.lock");
        write("1\n");
        fs::write(&lock, "1\n").unwrap_or_else(|e| panic!("{e}"));
        remove_stale(&dir, &lock).unwrap_or_else(|e| panic!("{e}"));
        assert!(!lock.exists() && !dir.join("postmaster.pid").exists());
        remove_stale(&dir, &lock).unwrap_or_else(|e| panic!("{e}"));
        let _ = fs::remove_dir_all(&dir);
    }
}
