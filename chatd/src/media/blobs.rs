//! Where attachment files live: one interface ([`object_store`]) over the local filesystem
//! (`<data_dir>/attachments`, written to a temporary file and renamed into place, so a file
//! is whole or absent; files 0600 in directories 0700) and S3-compatible object storage.

use std::fs::Permissions;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::local::LocalFileSystem;
use object_store::path::Path as Key;
use object_store::{ObjectStore, PutPayload, WriteMultipart};

use crate::config::{AttachmentsConfig, S3Config, StorageKind};
use crate::private_fs;

/// The S3-compatible bucket of `[attachments.s3]`.
#[cfg(feature = "s3")]
fn s3_store(s3: &S3Config) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let mut builder = object_store::aws::AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_virtual_hosted_style_request(!s3.path_style);
    if let Some(endpoint) = &s3.endpoint {
        builder = builder
            .with_endpoint(endpoint)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    if let (Some(key), Some(secret)) = (&s3.access_key, &s3.secret_key) {
        builder = builder
            .with_access_key_id(key.expose())
            .with_secret_access_key(crate::config::Secret::expose(secret));
    }
    Ok(Arc::new(builder.build().context("attachments.s3")?))
}

/// Built without S3: the configuration refuses `storage = "s3"` before this is reached.
#[cfg(not(feature = "s3"))]
fn s3_store(_: &S3Config) -> anyhow::Result<Arc<dyn ObjectStore>> {
    anyhow::bail!("attachments.storage = \"s3\": this chatd was built without the `s3` feature")
}

/// Attachment file storage. Cheap to clone.
#[derive(Clone, Debug)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
    /// The directory of local storage: its files and fan-out directories are made private
    /// after each write, since `object_store` creates them with the process umask.
    local_root: Option<PathBuf>,
}

impl BlobStore {
    /// The configured storage; local storage lives under `data_dir/attachments`.
    pub fn from_config(config: &AttachmentsConfig, data_dir: &Path) -> anyhow::Result<Self> {
        let mut local_root = None;
        let inner: Arc<dyn ObjectStore> = match config.storage {
            StorageKind::Local => {
                let root = data_dir.join("attachments");
                private_fs::create_dir_all(&root, private_fs::DIR_MODE)
                    .and_then(|()| private_fs::restrict(&root, private_fs::DIR_MODE))
                    .with_context(|| format!("creating {}", root.display()))?;
                local_root = Some(root.clone());
                Arc::new(
                    LocalFileSystem::new_with_prefix(&root)
                        .with_context(|| format!("opening {}", root.display()))?
                        // Deleting a file also removes its emptied fan-out directory.
                        .with_automatic_cleanup(true),
                )
            }
            StorageKind::S3 => s3_store(&config.s3)?,
        };
        Ok(Self { inner, local_root })
    }

    /// Stores `bytes` under `key`, replacing nothing (keys are fresh ids).
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> anyhow::Result<()> {
        self.inner
            .put(&Key::from(key), PutPayload::from(Bytes::from(bytes)))
            .await
            .with_context(|| format!("storing attachment file {key}"))?;
        self.restrict(key).await
    }

    /// Stores the chunks of `body` under `key` as a multipart upload, so at most a few parts
    /// (5 MiB each, the least S3 accepts) are in memory at once. When `body` fails (a client
    /// gone, a limit passed) the upload is aborted and nothing is left under `key`; the
    /// body's error comes back as `Err(Ok(e))`, a storage failure as `Err(Err(e))`.
    pub async fn put_stream<E>(
        &self,
        key: &str,
        mut body: impl Stream<Item = Result<Bytes, E>> + Unpin,
    ) -> Result<(), Result<E, anyhow::Error>> {
        let storage = |e: object_store::Error| {
            Err(anyhow::Error::new(e).context(format!("storing attachment file {key}")))
        };
        let upload = self
            .inner
            .put_multipart(&Key::from(key))
            .await
            .map_err(storage)?;
        // Local storage writes the parts to a staging file beside the key: its fan-out
        // directory is made private before any byte lands there.
        self.restrict_dir(key).await.map_err(Err)?;
        let mut writer = WriteMultipart::new(upload);
        while let Some(chunk) = body.next().await {
            let failed = match chunk {
                Ok(chunk) => match writer.wait_for_capacity(2).await {
                    Ok(()) => {
                        writer.put(chunk);
                        continue;
                    }
                    Err(e) => storage(e),
                },
                Err(e) => Ok(e),
            };
            if let Err(e) = writer.abort().await {
                tracing::warn!(error = %e, key, "aborting an attachment upload");
            }
            self.remove_empty_dir(key).await;
            return Err(failed);
        }
        writer.finish().await.map_err(storage)?;
        self.restrict(key).await.map_err(Err)
    }

    /// The fan-out directory of `key` in local storage.
    fn local_dir(&self, key: &str) -> Option<PathBuf> {
        self.local_root
            .as_ref()
            .and_then(|root| root.join(key).parent().map(Path::to_path_buf))
    }

    /// Local storage: the fan-out directory of `key`, if it exists yet, made private.
    async fn restrict_dir(&self, key: &str) -> anyhow::Result<()> {
        let Some(dir) = self.local_dir(key) else {
            return Ok(());
        };
        match tokio::fs::set_permissions(&dir, Permissions::from_mode(private_fs::DIR_MODE)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(anyhow::Error::new(e).context(format!("restricting {}", dir.display())))
            }
            _ => Ok(()),
        }
    }

    /// Local storage: the fan-out directory of an aborted upload goes when nothing else is
    /// in it (as `with_automatic_cleanup` does on delete).
    async fn remove_empty_dir(&self, key: &str) {
        if let Some(dir) = self.local_dir(key) {
            // Fails when the directory holds other files: then it stays, as it should.
            let _ = tokio::fs::remove_dir(&dir).await;
        }
    }

    /// Local storage: the new file and its fan-out directory made private.
    async fn restrict(&self, key: &str) -> anyhow::Result<()> {
        if let Some(root) = &self.local_root {
            let file = root.join(key);
            tokio::fs::set_permissions(&file, Permissions::from_mode(private_fs::FILE_MODE))
                .await
                .with_context(|| format!("restricting {}", file.display()))?;
            if let Some(dir) = file.parent() {
                tokio::fs::set_permissions(dir, Permissions::from_mode(private_fs::DIR_MODE))
                    .await
                    .with_context(|| format!("restricting {}", dir.display()))?;
            }
        }
        Ok(())
    }

    /// The size of the file under `key` and its bytes as a stream, read as they are sent.
    pub async fn get_stream(
        &self,
        key: &str,
    ) -> anyhow::Result<(u64, BoxStream<'static, std::io::Result<Bytes>>)> {
        let found = self
            .inner
            .get(&Key::from(key))
            .await
            .with_context(|| format!("reading attachment file {key}"))?;
        let size = found.meta.size;
        Ok((
            size,
            found.into_stream().map_err(std::io::Error::other).boxed(),
        ))
    }

    /// The bytes under `key`.
    pub async fn get(&self, key: &str) -> anyhow::Result<Bytes> {
        let found = self
            .inner
            .get(&Key::from(key))
            .await
            .with_context(|| format!("reading attachment file {key}"))?;
        Ok(found.bytes().await?)
    }

    /// Removes `key`; an absent key is not an error.
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self.inner.delete(&Key::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e).with_context(|| format!("deleting attachment file {key}")),
        }
    }
}
