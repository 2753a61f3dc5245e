//! Attachment endpoints of the REST client: multipart upload, bounded download of a file or
//! its thumbnail, and deleting an upload that is not attached yet; setting and removing
//! one's avatar (the same multipart upload).

use reqwest::Method;
use reqwest::multipart::{Form, Part};

use super::{Client, ClientError, error_from};
use crate::api::{Attachment, AvatarSet};
use crate::ids::AttachmentId;

/// Which bytes of an attachment to download.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttachmentFile {
    /// The stored image.
    Original,
    /// The thumbnail (fits 320×320).
    Thumbnail,
}

impl Client {
    /// `POST /api/attachments/upload`: one multipart part named `file`. The server reads the
    /// type from the bytes; `file_name` is for display only.
    pub async fn upload_attachment(
        &self,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Result<Attachment, ClientError> {
        let part = Part::bytes(bytes).file_name(file_name.to_owned());
        self.send(
            self.request(Method::POST, "/api/attachments/upload")
                .multipart(Form::new().part("file", part)),
        )
        .await
    }

    /// `GET /api/attachments/{id}` (or `/thumbnail`). Reads at most `max_bytes`: a longer
    /// answer is cut off with [`ClientError::Unexpected`] instead of filling memory.
    pub async fn download_attachment(
        &self,
        id: AttachmentId,
        which: AttachmentFile,
        max_bytes: usize,
    ) -> Result<Vec<u8>, ClientError> {
        let path = match which {
            AttachmentFile::Original => format!("/api/attachments/{id}"),
            AttachmentFile::Thumbnail => format!("/api/attachments/{id}/thumbnail"),
        };
        let mut resp = self.request(Method::GET, &path).send().await?;
        let status = resp.status();
        if !status.is_success() {
            return Err(error_from(status, resp).await);
        }
        let too_large = || ClientError::Unexpected {
            status: status.as_u16(),
            text: format!("the attachment is larger than {max_bytes} bytes"),
        };
        if resp
            .content_length()
            .is_some_and(|len| len > max_bytes as u64)
        {
            return Err(too_large());
        }
        let mut out = Vec::new();
        while let Some(chunk) = resp.chunk().await? {
            if out.len() + chunk.len() > max_bytes {
                return Err(too_large());
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// `DELETE /api/attachments/{id}`: an own upload not attached to a message yet.
    pub async fn delete_attachment(&self, id: AttachmentId) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, &format!("/api/attachments/{id}")))
            .await
    }

    /// `PUT /api/users/me/avatar`: one multipart part named `file`, any of the attachment
    /// formats; the server crops it to a square.
    pub async fn set_avatar(&self, bytes: Vec<u8>) -> Result<AvatarSet, ClientError> {
        let part = Part::bytes(bytes).file_name("avatar");
        self.send(
            self.request(Method::PUT, "/api/users/me/avatar")
                .multipart(Form::new().part("file", part)),
        )
        .await
    }

    /// The large avatar at `avatar_url` (a user's `avatarUrl`), reading at most
    /// `max_bytes`.
    pub async fn avatar_bytes(
        &self,
        avatar_url: &str,
        max_bytes: usize,
    ) -> Result<Vec<u8>, ClientError> {
        let resp = self.request(Method::GET, avatar_url).send().await?;
        let status = resp.status();
        if !status.is_success() {
            return Err(error_from(status, resp).await);
        }
        let bytes = resp.bytes().await?;
        if bytes.len() > max_bytes {
            return Err(ClientError::Unexpected {
                status: status.as_u16(),
                text: format!("the avatar is larger than {max_bytes} bytes"),
            });
        }
        Ok(bytes.to_vec())
    }

    /// `DELETE /api/users/me/avatar`.
    pub async fn delete_avatar(&self) -> Result<(), ClientError> {
        self.send_empty(self.request(Method::DELETE, "/api/users/me/avatar"))
            .await
    }
}
