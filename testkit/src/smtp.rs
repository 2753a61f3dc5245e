//! A real SMTP server for the mail tests: Debian's `python3-aiosmtpd` on a free port of
//! 127.0.0.1, writing every mail it takes into a maildir that [`SmtpServer::wait_for`]
//! reads and parses (`mailparse`). `scripts/test` installs the package.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use chatd::config::{Config, SmtpTls};

/// A mail as the server received it.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// Every header, in order, decoded.
    pub headers: Vec<(String, String)>,
    /// The body, transfer encoding and charset decoded.
    pub body: String,
    /// The message as stored.
    pub raw: String,
}

impl ReceivedMail {
    /// The first header of this name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `Subject`.
    pub fn subject(&self) -> &str {
        self.header("Subject").unwrap_or_default()
    }

    /// The envelope recipient the server recorded (`X-RcptTo`), else `To`.
    pub fn to(&self) -> &str {
        self.header("X-RcptTo")
            .or_else(|| self.header("To"))
            .unwrap_or_default()
    }

    /// The first `http(s)://` link of the body.
    pub fn link(&self) -> Option<&str> {
        self.body
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
    }

    /// The line after the first line that ends with `marker` (the code of a mail), trimmed.
    pub fn line_after(&self, marker: &str) -> Option<&str> {
        let mut lines = self.body.lines().map(str::trim).filter(|l| !l.is_empty());
        lines.find(|l| l.ends_with(marker))?;
        lines.next()
    }

    /// The headers and body as they were received, for a report.
    pub fn show(&self) -> String {
        self.raw.clone()
    }
}

/// A running SMTP server; stopped on drop.
#[derive(Debug)]
pub struct SmtpServer {
    /// Where it listens.
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
    child: Child,
}

impl SmtpServer {
    /// Starts the server and waits until it takes connections.
    pub async fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("chatd-mail-")
            .tempdir()
            .unwrap_or_else(|e| panic!("creating the maildir: {e}"));
        let maildir = dir.path().join("maildir");
        let python = python();
        for _ in 0..5 {
            let port = free_port();
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let mut child = Command::new(&python)
                .args(["-m", "aiosmtpd", "-n", "-l", &addr.to_string()])
                .args(["-c", "aiosmtpd.handlers.Mailbox"])
                .arg(&maildir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| {
                    panic!(
                        "starting the test SMTP server ({python} -m aiosmtpd; install \
                         python3-aiosmtpd): {e}"
                    )
                });
            let up = crate::eventually(Duration::from_secs(15), || async {
                tokio::net::TcpStream::connect(addr).await.is_ok()
            })
            .await;
            if up {
                return Self { addr, dir, child };
            }
            // The port was taken meanwhile, or the module is missing: try once more, then fail.
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!(
            "the test SMTP server did not start ({python} -m aiosmtpd; install python3-aiosmtpd)"
        );
    }

    /// Points `config` at this server: mail on, no TLS, links under `public_url`.
    pub fn configure(&self, config: &mut Config, public_url: &str) {
        config.email.enabled = true;
        config.email.smtp_host = self.addr.ip().to_string();
        config.email.smtp_port = self.addr.port();
        config.email.tls = SmtpTls::None;
        config.email.from = "Chat <chat@chat.test>".into();
        config.email.public_url = Some(public_url.into());
        config.email.retry_backoff_secs = 1;
        config.email.timeout_secs = 10;
    }

    /// Every mail received so far, oldest first.
    pub fn mails(&self) -> Vec<ReceivedMail> {
        let mut files: Vec<PathBuf> = ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.dir.path().join("maildir").join(sub)).ok())
            .flatten()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        // Maildir names start with the delivery time in seconds; the modification time
        // orders mails of the same second.
        files.sort_by_key(|p| {
            std::fs::metadata(p)
                .and_then(|m| m.modified())
                .unwrap_or(std::time::SystemTime::UNIX_EPOCH)
        });
        files.iter().filter_map(|p| parse(p)).collect()
    }

    /// Waits (up to `timeout`) for the `nth` mail (from 0) to `to` and returns it.
    pub async fn wait_for_nth(&self, to: &str, nth: usize, timeout: Duration) -> ReceivedMail {
        let mut found = None;
        let arrived = crate::eventually(timeout, || {
            let mails: Vec<ReceivedMail> = self
                .mails()
                .into_iter()
                .filter(|m| m.to().eq_ignore_ascii_case(to))
                .collect();
            found = mails.into_iter().nth(nth);
            let done = found.is_some();
            async move { done }
        })
        .await;
        assert!(arrived, "no mail #{nth} to {to} within {timeout:?}");
        found.unwrap_or_else(|| panic!("no mail to {to}"))
    }

    /// Waits (up to 30 s) for the first mail to `to`.
    pub async fn wait_for(&self, to: &str) -> ReceivedMail {
        self.wait_for_nth(to, 0, Duration::from_secs(30)).await
    }

    /// How many mails went to `to`.
    pub fn count_to(&self, to: &str) -> usize {
        self.mails()
            .iter()
            .filter(|m| m.to().eq_ignore_ascii_case(to))
            .count()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse(path: &Path) -> Option<ReceivedMail> {
    let bytes = std::fs::read(path).ok()?;
    let parsed = mailparse::parse_mail(&bytes).ok()?;
    let headers = parsed
        .headers
        .iter()
        .map(|h| (h.get_key(), h.get_value()))
        .collect();
    Some(ReceivedMail {
        headers,
        body: parsed.get_body().ok()?,
        raw: String::from_utf8_lossy(&bytes).into_owned(),
    })
}

/// The Python with `aiosmtpd`: `$CHATD_TEST_PYTHON`, else the system's (where Debian's
/// package installs it; a `python3` earlier on PATH may be another installation).
fn python() -> String {
    if let Ok(python) = std::env::var("CHATD_TEST_PYTHON") {
        return python;
    }
    if Path::new("/usr/bin/python3").exists() {
        return "/usr/bin/python3".into();
    }
    "python3".into()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_or_else(|e| panic!("finding a free port: {e}"), |a| a.port())
}
