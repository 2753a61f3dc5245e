//! What chatd writes to disk is private to its user whatever the umask it was started
//! with: the data directory, the lock, the token key, attachment directories and files.

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::client::Client;
use nix::sys::stat::{Mode, umask};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use testkit::{ChatdProcess, fresh_db, password};

const CHATD: &str = env!("CARGO_BIN_EXE_chatd");

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// Every file and directory under `dir`.
fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        out.push(entry.path());
        if entry.path().is_dir() {
            walk(&entry.path(), out);
        }
    }
}

#[tokio::test]
async fn the_data_directory_and_attachments_are_private_under_umask_022() {
    // The umask most services start with; chatd inherits it.
    umask(Mode::from_bits_truncate(0o022));
    let db = fresh_db().await;
    let base = testkit::temp_dir();
    let data = base.path().join("data");
    let url = db.url();
    let chatd = ChatdProcess::start(
        Path::new(CHATD),
        &[],
        &[
            ("CHATD_DATA_DIR", data.to_str().unwrap()),
            ("CHATD_DATABASE_URL", url.as_str()),
        ],
    );
    let client = Client::new(&chatd.base_url).unwrap();
    client
        .register(&common::api::RegisterRequest {
            username: "ada".into(),
            password: password().into(),
            password_confirm: password().into(),
            display_name: None,
            invite_code: None,
            email: None,
        })
        .await
        .unwrap();
    client.login("ada", password()).await.unwrap();
    let mut png = Vec::new();
    image::DynamicImage::new_rgb8(8, 8)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let part = Part::bytes(png)
        .file_name("a.png")
        .mime_str("image/png")
        .unwrap();
    let resp = client
        .request(Method::POST, "/api/attachments/upload")
        .multipart(Form::new().part("file", part))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201);

    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("chatd.lock")), 0o600);
    assert_eq!(mode(&data.join("jwt-secret")), 0o600);
    let attachments = data.join("attachments");
    assert_eq!(mode(&attachments), 0o700);
    let mut entries = Vec::new();
    walk(&attachments, &mut entries);
    // One fan-out directory with the image and its thumbnail.
    assert_eq!(entries.len(), 3, "{entries:?}");
    for path in entries {
        let expected = if path.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode(&path), expected, "{}", path.display());
    }
    assert_eq!(chatd.terminate().0, Some(0));
}

#[tokio::test]
async fn the_embedded_cluster_starts_in_a_data_directory_chatd_created() {
    umask(Mode::from_bits_truncate(0o022));
    let base = testkit::temp_dir();
    let data = base.path().join("fresh");
    let chatd = ChatdProcess::start(
        Path::new(CHATD),
        &[],
        &[("CHATD_DATA_DIR", data.to_str().unwrap())],
    );
    Client::new(&chatd.base_url).unwrap().ready().await.unwrap();
    // As root the cluster runs as its own user, which must pass through to `postgres/`:
    // it may enter the data directory, not list or read it.
    let expected = if nix::unistd::geteuid().is_root() {
        0o711
    } else {
        0o700
    };
    assert_eq!(mode(&data), expected);
    assert_eq!(mode(&data.join("postgres")), 0o700);
    assert_eq!(mode(&data.join("jwt-secret")), 0o600);
    assert_eq!(chatd.terminate().0, Some(0));
}
