//! `/api/users/me/avatar` (set, remove) and `/api/users/{id}/avatar` (read, with an `ETag`).

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use common::api::AvatarSet;
use common::{ErrorResponse, UserId};
use serde::Deserialize;

use super::attachments::{MULTIPART_OVERHEAD, file_part};
use super::extract::{Path, Query};
use crate::auth::AuthUser;
use crate::error::Result;
use crate::media::MediaService;
use crate::media::avatar::AvatarFile;
use crate::state::AppState;
use crate::store::avatars::AvatarSize;

/// Revalidated on every use (a 304 costs little), so a privacy change or a new picture is
/// never hidden behind a cache; never kept by a shared cache.
const CACHE_CONTROL: &str = "private, no-cache";

pub fn router(max_bytes: u64) -> Router<AppState> {
    Router::new()
        .route(
            "/api/users/me/avatar",
            put(set).delete(remove).layer(DefaultBodyLimit::max(
                usize::try_from(max_bytes).unwrap_or(usize::MAX) + MULTIPART_OVERHEAD,
            )),
        )
        .route("/api/users/{id}/avatar", get(read))
}

#[utoipa::path(put, path = "/api/users/me/avatar", tag = "users", security(("bearer" = [])),
    request_body(content = super::openapi::UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The new avatar's address", body = AvatarSet),
        (status = 413, description = "PAYLOAD_TOO_LARGE: larger than `attachments.max_bytes`", body = ErrorResponse),
    ))]
async fn set(
    State(media): State<MediaService>,
    caller: AuthUser,
    form: std::result::Result<Multipart, MultipartRejection>,
) -> Result<axum::Json<AvatarSet>> {
    let max = media.config().max_bytes;
    let (_, bytes) = file_part(form, max).await?;
    let user = caller.user_id;
    let id = media.set_avatar(user, bytes).await?;
    Ok(axum::Json(AvatarSet {
        avatar_url: common::api::avatar_url(user, id),
    }))
}

#[utoipa::path(delete, path = "/api/users/me/avatar", tag = "users", security(("bearer" = [])),
    responses((status = 204, description = "The avatar is removed")))]
async fn remove(State(media): State<MediaService>, caller: AuthUser) -> Result<StatusCode> {
    media.delete_avatar(caller.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Size {
    Small,
    Large,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ReadParams {
    pub(super) size: Option<Size>,
    /// The avatar's id from `avatarUrl`: it only makes the address change with the picture.
    #[allow(dead_code)]
    v: Option<String>,
}

#[utoipa::path(get, path = "/api/users/{id}/avatar", tag = "users", security(("bearer" = [])),
    params(
        ("id" = UserId, Path, description = "The user"),
        ("size" = Option<String>, Query, description = "`small` (64 px) or `large` (256 px, the default)"),
        ("v" = Option<String>, Query, description = "The avatar's id from `avatarUrl` (changes the address with the picture)"),
    ),
    responses(
        (status = 200, description = "The avatar", content(("image/png"))),
        (status = 304, description = "Not modified (`If-None-Match` matched the `ETag`)"),
        (status = 404, description = "NOT_FOUND: no avatar, no such user, or their privacy hides it", body = ErrorResponse),
    ))]
async fn read(
    State(media): State<MediaService>,
    caller: AuthUser,
    Path(owner): Path<UserId>,
    Query(params): Query<ReadParams>,
    headers: HeaderMap,
) -> Result<Response> {
    let size = params.size();
    let file = media.avatar_of(caller.user_id, owner, size).await?;
    Ok(avatar_response(file, size, &headers))
}

impl ReadParams {
    /// The size asked for; large by default.
    pub(super) fn size(&self) -> AvatarSize {
        match self.size {
            Some(Size::Small) => AvatarSize::Small,
            Some(Size::Large) | None => AvatarSize::Large,
        }
    }
}

/// An avatar (a user's or a group's) with its `ETag`, or 304 when `If-None-Match` has it.
pub(super) fn avatar_response(file: AvatarFile, size: AvatarSize, headers: &HeaderMap) -> Response {
    let suffix = if size == AvatarSize::Small { "s" } else { "l" };
    let etag = format!("\"{}-{suffix}\"", file.id.simple());
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let common_headers = [
        (header::ETAG, etag.clone()),
        (header::CACHE_CONTROL, CACHE_CONTROL.to_owned()),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, common_headers).into_response();
    }
    (
        common_headers,
        [
            (header::CONTENT_TYPE, "image/png".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        file.bytes,
    )
        .into_response()
}
