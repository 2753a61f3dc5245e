//! Prints the directory of the shared test PostgreSQL and Redis of this checkout; with
//! `--stop`, stops both (used by `scripts/test` when the suite ends).

use std::path::Path;
use std::process::Command;

fn main() {
    let dir = testkit::shared_dir();
    if std::env::args().nth(1).as_deref() != Some("--stop") {
        println!("{}", dir.display());
        return;
    }
    stop_postgres(&dir.join("pg"));
    stop_redis(&dir.join("redis"));
}

fn stop_postgres(root: &Path) {
    let data = root.join("data");
    if !data.join("postmaster.pid").exists() {
        return;
    }
    let Some(bin) = chatd::embedded_pg::locate_binaries(None) else {
        return;
    };
    let mut cmd = Command::new(bin.join("pg_ctl"));
    cmd.arg("stop")
        .arg("-D")
        .arg(&data)
        .args(["-m", "fast", "-w", "-s"])
        .current_dir(root);
    if nix::unistd::geteuid().is_root()
        && let Ok(Some(user)) = nix::unistd::User::from_name("postgres")
    {
        use std::os::unix::process::CommandExt;
        cmd.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    match cmd.status() {
        Ok(status) if status.success() => eprintln!("stopped the test PostgreSQL"),
        other => eprintln!("stopping the test PostgreSQL: {other:?}"),
    }
}

fn stop_redis(dir: &Path) {
    let Ok(pid) = std::fs::read_to_string(dir.join("redis.pid")) else {
        return;
    };
    if let Ok(pid) = pid.trim().parse::<i32>() {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGTERM,
        );
        let _ = std::fs::remove_file(dir.join("redis.pid"));
        eprintln!("stopped the test Redis");
    }
}
