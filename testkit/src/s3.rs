//! An S3-compatible server in the test process (`s3s` over a directory, `s3s-fs`), served
//! over HTTP on `127.0.0.1:0` with signature checks, so chatd's `object_store` client
//! talks to it exactly as to S3: nothing to install, nothing left running.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chatd::config::{AttachmentsConfig, S3Config, Secret, StorageKind};
use hyper_util::rt::TokioIo;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use tokio::task::JoinHandle;

/// A running S3-compatible server with one empty bucket. Stopped on drop.
#[derive(Debug)]
pub struct S3Server {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The bucket chatd is configured with.
    pub bucket: String,
    access_key: String,
    secret_key: String,
    root: tempfile::TempDir,
    task: JoinHandle<()>,
}

impl S3Server {
    /// Starts a server with a fresh bucket and random credentials.
    pub async fn start() -> Self {
        let root = crate::temp_dir();
        let bucket = "chat-attachments".to_owned();
        std::fs::create_dir(root.path().join(&bucket))
            .unwrap_or_else(|e| panic!("creating the bucket directory: {e}"));
        let access_key = format!("AK{}", uuid::Uuid::now_v7().simple());
        let secret_key = format!("SK{}", uuid::Uuid::now_v7().simple());
        let fs = s3s_fs::FileSystem::new(root.path())
            .unwrap_or_else(|e| panic!("opening the S3 server's directory: {e:?}"));
        let mut builder = S3ServiceBuilder::new(fs);
        // Unsigned or wrongly signed requests are refused, as by S3.
        builder.set_auth(SimpleAuth::from_single(
            access_key.clone(),
            secret_key.clone(),
        ));
        let service = builder.build();
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap_or_else(|e| panic!("binding the S3 server: {e}"));
        let addr = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("S3 server address: {e}"));
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let service = service.clone();
                tokio::spawn(async move {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        });
        Self {
            addr,
            bucket,
            access_key,
            secret_key,
            root,
            task,
        }
    }

    /// `config` with its attachments stored in this server's bucket.
    pub fn attachments_config(&self, config: &AttachmentsConfig) -> AttachmentsConfig {
        AttachmentsConfig {
            storage: StorageKind::S3,
            s3: S3Config {
                endpoint: Some(format!("http://{}", self.addr)),
                bucket: self.bucket.clone(),
                region: "us-east-1".into(),
                access_key: Some(Secret::new(self.access_key.clone())),
                secret_key: Some(Secret::new(self.secret_key.clone())),
                path_style: true,
            },
            ..config.clone()
        }
    }

    /// The keys of the objects in the bucket, sorted.
    pub fn keys(&self) -> Vec<String> {
        fn walk(dir: &Path, prefix: &Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, prefix, out);
                } else if let Ok(key) = path.strip_prefix(prefix) {
                    out.push(key.to_string_lossy().into_owned());
                }
            }
        }
        let bucket: PathBuf = self.root.path().join(&self.bucket);
        let mut keys = Vec::new();
        walk(&bucket, &bucket, &mut keys);
        keys.sort();
        keys
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}
