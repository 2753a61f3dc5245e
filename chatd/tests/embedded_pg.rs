//! The embedded PostgreSQL through the faults of real life: the lock files of a crashed
//! cluster naming a PID that now belongs to another process, and a Ctrl-C on
//! `chatd 2>&1 | tee log` (the reader of chatd's output gone first).

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::api::RegisterRequest;
use common::client::Client;
use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;
use testkit::{ChatdProcess, password};

const CHATD: &str = env!("CARGO_BIN_EXE_chatd");

fn start(data_dir: &Path) -> ChatdProcess {
    ChatdProcess::start(
        Path::new(CHATD),
        &[],
        &[("CHATD_DATA_DIR", data_dir.to_str().unwrap())],
    )
}

fn registration(username: &str) -> RegisterRequest {
    RegisterRequest {
        username: username.into(),
        password: password().into(),
        password_confirm: password().into(),
        display_name: None,
        invite_code: None,
        email: None,
    }
}

fn pgdata(data_dir: &Path) -> PathBuf {
    data_dir.join("postgres/data")
}

/// `text` with its first line (the PID) replaced by `pid`.
fn with_pid(text: &str, pid: u32) -> String {
    let rest = text.split_once('\n').map_or("", |(_, rest)| rest);
    format!("{pid}\n{rest}")
}

/// A process that is no PostgreSQL, owned by the user that runs the cluster (as root:
/// `postgres`), as a PID reused after a crash would be.
fn unrelated_process() -> Child {
    let mut sleep = Command::new("sleep");
    sleep.arg("600");
    if nix::unistd::geteuid().is_root() {
        let user = nix::unistd::User::from_name("postgres").unwrap().unwrap();
        sleep.uid(user.uid.as_raw()).gid(user.gid.as_raw());
    }
    sleep.spawn().unwrap()
}

/// Stops whatever postmaster still runs on `data_dir` (a test that failed must not leave
/// its cluster behind).
fn stop_leftover(data_dir: &Path) {
    if let Ok(text) = std::fs::read_to_string(pgdata(data_dir).join("postmaster.pid"))
        && let Some(pid) = text
            .lines()
            .next()
            .and_then(|l| l.trim().parse::<i32>().ok())
    {
        let _ = kill(Pid::from_raw(pid), Signal::SIGINT);
    }
}

#[tokio::test]
async fn a_stale_pid_file_naming_another_process_is_not_adopted() {
    let dir = testkit::temp_dir();
    let chatd = start(dir.path());
    Client::new(&chatd.base_url)
        .unwrap()
        .register(&registration("otto"))
        .await
        .unwrap();
    // The lock files as a crash leaves them: the postmaster's own, with its PID.
    let pid_file = pgdata(dir.path()).join("postmaster.pid");
    let socket_lock = dir.path().join("postgres/run/.s.PGSQL.5432.lock");
    let pid_text = std::fs::read_to_string(&pid_file).unwrap();
    let lock_text = std::fs::read_to_string(&socket_lock).unwrap();
    let owner = std::os::unix::fs::MetadataExt::uid(&std::fs::metadata(&pid_file).unwrap());
    let (code, log) = chatd.terminate();
    assert_eq!(code, Some(0), "{log}");

    // After the "reboot", their PID belongs to an unrelated process.
    let mut sleeper = unrelated_process();
    for (path, text) in [(&pid_file, &pid_text), (&socket_lock, &lock_text)] {
        std::fs::write(path, with_pid(text, sleeper.id())).unwrap();
        std::os::unix::fs::chown(path, Some(owner), None).unwrap();
    }

    let chatd = start(dir.path());
    Client::new(&chatd.base_url)
        .unwrap()
        .login("otto", password())
        .await
        .unwrap();
    assert!(
        sleeper.try_wait().unwrap().is_none(),
        "the unrelated process was signalled"
    );
    let (code, log) = chatd.terminate();
    assert_eq!(code, Some(0), "{log}");
    assert!(log.contains("stale postmaster.pid"), "{log}");
    assert!(
        !pid_file.exists(),
        "PostgreSQL still running after chatd stopped"
    );
    let _ = sleeper.kill();
    let _ = sleeper.wait();
}

#[tokio::test]
async fn ctrl_c_after_the_output_reader_is_gone_still_stops_postgres() {
    let dir = testkit::temp_dir();
    // `chatd 2>&1 | tee log`: stdout and stderr on one pipe, chatd leading its own process
    // group as a shell job does.
    let (reader, writer) = std::io::pipe().unwrap();
    let mut chatd = Command::new(CHATD)
        .env_remove("CHATD_DATABASE_URL")
        .env_remove("CHATD_REDIS_URL")
        .env("CHATD_DATA_DIR", dir.path())
        .env("CHATD_LISTEN", "127.0.0.1:0")
        .stdin(Stdio::null())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .process_group(0)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(reader).lines();
    let serving = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.starts_with("chatd serving on "));
    assert!(serving, "chatd did not start");
    // The reader goes away (tee killed by the same Ctrl-C, first), then the SIGINT.
    drop(lines);
    killpg(Pid::from_raw(chatd.id() as i32), Signal::SIGINT).unwrap();

    let exited = testkit::eventually(Duration::from_secs(90), || {
        let done = matches!(chatd.try_wait(), Ok(Some(_)));
        async move { done }
    })
    .await;
    let pid_file = pgdata(dir.path()).join("postmaster.pid");
    let stopped = testkit::eventually(Duration::from_secs(30), || {
        let gone = !pid_file.exists();
        async move { gone }
    })
    .await;
    if !exited {
        let _ = chatd.kill();
    }
    if !stopped {
        stop_leftover(dir.path());
    }
    assert!(exited, "chatd did not exit on SIGINT");
    assert!(
        stopped,
        "chatd exited ({:?}) and left its PostgreSQL running",
        chatd.try_wait()
    );
}
