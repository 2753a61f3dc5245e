//! `/api/attachments`: upload (multipart, streamed), download, thumbnail, delete.

use axum::Router;
use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use common::api::{Attachment, AttachmentKind};
use common::{AttachmentId, ErrorResponse};
use futures_util::TryStreamExt;

use super::extract::Path;
use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::media::MediaService;
use crate::media::{Download, upload_too_large};
use crate::state::AppState;

/// Room for the multipart framing around the file.
pub(super) const MULTIPART_OVERHEAD: usize = 64 * 1024;

pub fn router(max_bytes: u64) -> Router<AppState> {
    Router::new()
        .route(
            "/api/attachments/upload",
            post(upload).layer(DefaultBodyLimit::max(
                usize::try_from(max_bytes).unwrap_or(usize::MAX) + MULTIPART_OVERHEAD,
            )),
        )
        .route("/api/attachments/{id}", get(download).delete(remove))
        .route("/api/attachments/{id}/thumbnail", get(thumbnail))
}

/// The first part named `file` is the upload, streamed to the service as it arrives.
#[utoipa::path(post, path = "/api/attachments/upload", tag = "attachments", security(("bearer" = [])),
    request_body(content = super::openapi::UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The stored image or file, not yet attached to a message", body = Attachment),
        (status = 413, description = "PAYLOAD_TOO_LARGE: an image larger than `attachments.max_bytes`, a file larger than `attachments.max_file_bytes`, or (message `storage quota exceeded ...`) more than the caller's `attachments.user_quota_bytes` in all", body = ErrorResponse),
    ))]
async fn upload(
    State(media): State<MediaService>,
    caller: AuthUser,
    form: std::result::Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, axum::Json<Attachment>)> {
    let limits = media.config();
    let max = limits.max_bytes.max(limits.max_file_bytes);
    let mut form = multipart(form)?;
    while let Some(field) = form.next_field().await.map_err(|e| bad_part(&e, max))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("file").to_owned();
        let body = field.map_err(move |e| bad_part(&e, max));
        let attachment = media.upload_any(caller.user_id, &name, body).await?;
        return Ok((StatusCode::CREATED, axum::Json(attachment)));
    }
    Err(no_file_part())
}

/// A missing boundary or another content type gets the error body, not axum's text.
fn multipart(form: std::result::Result<Multipart, MultipartRejection>) -> Result<Multipart> {
    form.map_err(|e| {
        Error::BadRequest(format!(
            "expected a multipart/form-data body with a boundary: {}",
            e.body_text()
        ))
    })
}

fn bad_part(e: &axum::extract::multipart::MultipartError, max: u64) -> Error {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        upload_too_large(max)
    } else {
        Error::BadRequest(format!("malformed multipart body: {}", e.body_text()))
    }
}

fn no_file_part() -> Error {
    Error::field("file", "a multipart part named `file` is required")
}

/// The name and bytes of the first multipart part named `file`, read up to `max` bytes
/// (uploads and avatars).
pub(super) async fn file_part(
    form: std::result::Result<Multipart, MultipartRejection>,
    max: u64,
) -> Result<(String, Vec<u8>)> {
    let mut form = multipart(form)?;
    let bad = |e| bad_part(&e, max);
    while let Some(mut field) = form.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("image").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if (bytes.len() + chunk.len()) as u64 > max {
                return Err(upload_too_large(max));
            }
            bytes.extend_from_slice(&chunk);
        }
        return Ok((name, bytes));
    }
    Err(no_file_part())
}

#[utoipa::path(get, path = "/api/attachments/{id}", tag = "attachments", security(("bearer" = [])),
    params(("id" = AttachmentId, Path, description = "The attachment")),
    responses((status = 200, description = "The image (inline), or the file: always `Content-Disposition: attachment`, `X-Content-Type-Options: nosniff`, an inert type or `application/octet-stream`", content(("image/png"), ("image/jpeg"), ("image/gif"), ("image/webp"), ("application/octet-stream"))), (status = 404, description = "NOT_FOUND: no such attachment, or the caller may not see it", body = ErrorResponse)))]
async fn download(
    State(media): State<MediaService>,
    caller: AuthUser,
    Path(id): Path<AttachmentId>,
) -> Result<Response> {
    let file = media.download(caller.user_id, id, false).await?;
    Ok(file_response(file))
}

#[utoipa::path(get, path = "/api/attachments/{id}/thumbnail", tag = "attachments", security(("bearer" = [])),
    params(("id" = AttachmentId, Path, description = "The attachment")),
    responses((status = 200, description = "The thumbnail", content(("image/png"), ("image/jpeg"), ("image/gif"), ("image/webp"))), (status = 404, description = "NOT_FOUND: no such attachment, or the caller may not see it", body = ErrorResponse)))]
async fn thumbnail(
    State(media): State<MediaService>,
    caller: AuthUser,
    Path(id): Path<AttachmentId>,
) -> Result<Response> {
    let file = media.download(caller.user_id, id, true).await?;
    Ok(file_response(file))
}

#[utoipa::path(delete, path = "/api/attachments/{id}", tag = "attachments", security(("bearer" = [])),
    params(("id" = AttachmentId, Path, description = "The attachment")),
    responses(
        (status = 204, description = "The attachment is deleted"),
        (status = 403, description = "FORBIDDEN: not the caller's upload", body = ErrorResponse),
        (status = 404, description = "NOT_FOUND: no such attachment, or the caller may not see it", body = ErrorResponse),
        (status = 409, description = "CONFLICT: the attachment is part of a message; delete the message instead", body = ErrorResponse),
    ))]
async fn remove(
    State(media): State<MediaService>,
    caller: AuthUser,
    Path(id): Path<AttachmentId>,
) -> Result<StatusCode> {
    media.delete(caller.user_id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn file_response(file: Download) -> Response {
    // Files are never shown by the browser: saved, not opened in the page's origin.
    let (disposition, cache) = match file.kind {
        AttachmentKind::Image => ("inline", cache_control(&file.mime)),
        AttachmentKind::File => ("attachment", "no-store"),
    };
    // The name is for "save as" only; RFC 5987 encoding keeps any character safe.
    let encoded: String = file
        .file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, file.mime),
            (
                header::CONTENT_DISPOSITION,
                format!("{disposition}; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, cache.to_owned()),
            (header::CONTENT_LENGTH, file.size.to_string()),
        ],
        Body::from_stream(file.body),
    )
        .into_response()
}

/// Images never change under their id, so the caller's own cache may keep them a day; a
/// shared cache never may. Anything else is not kept at all.
fn cache_control(mime: &str) -> &'static str {
    if mime.starts_with("image/") {
        "private, max-age=86400"
    } else {
        "no-store"
    }
}
