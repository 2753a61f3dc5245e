//! The OpenAPI 3.1 document of the REST API, generated from the handlers' `#[utoipa::path]`
//! annotations and `common`'s types: served at `GET /api/openapi.json`, committed as
//! `docs/openapi.json` (`cargo xtask gen` rewrites it, `cargo xtask check` fails when stale).
//!
//! The handlers list the answers particular to them; the ones every operation of a kind can
//! get (docs/api.md, "Errors any request can get") are added here once, by [`Conventions`].

use axum::Router;
use axum::http::header;
use std::sync::Arc;

use axum::response::{IntoResponse, Response};
use axum::routing::get;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, OpenApi as Document, Ref, RefOr, Response as DocResponse, ResponseBuilder,
    ServerBuilder,
};
use utoipa::{Modify, OpenApi, ToSchema};

use super::{
    admin, attachments, auth, avatars, chats, contacts, email, groups, health, links, messages,
    notifications, search, sync, users,
};
mod doc_links;

use crate::error::{Error, Result};
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "chatd",
        description = "The REST API of chatd, a self-hosted terminal team chat. The prose \
                       reference is docs/api.md; the WebSocket at `GET /ws` is docs/protocol.md.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        health::live,
        health::ready,
        openapi_document,
        auth::register,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::sessions,
        auth::revoke,
        users::me,
        users::update_me,
        users::delete_me,
        email::status,
        email::set_email,
        email::verify_code,
        email::verify_link,
        email::settings,
        email::request_reset,
        email::confirm_reset,
        email::resend_own,
        email::resend_for_login,
        users::change_password,
        users::privacy,
        users::update_privacy,
        avatars::set,
        avatars::remove,
        avatars::read,
        users::search,
        users::user,
        users::presence,
        admin::create_invite,
        chats::list,
        chats::direct,
        chats::group,
        chats::by_slug,
        chats::one,
        chats::update,
        chats::delete,
        chats::add_participants,
        chats::set_role,
        chats::remove_participant,
        chats::leave,
        chats::transfer,
        chats::read,
        chats::retention,
        chats::patch,
        groups::directory,
        groups::join,
        groups::set_avatar,
        groups::remove_avatar,
        groups::avatar,
        groups::create_invite,
        groups::invites,
        groups::revoke_invite,
        groups::preview,
        groups::join_by_invite,
        search::search,
        messages::page,
        messages::send,
        messages::edit,
        messages::remove,
        messages::react,
        messages::unreact,
        attachments::upload,
        attachments::download,
        attachments::thumbnail,
        attachments::remove,
        sync::summary,
        sync::sync,
        contacts::list,
        contacts::request,
        contacts::pending,
        contacts::remove,
        contacts::accept,
        contacts::decline,
        contacts::cancel,
        contacts::blocks,
        contacts::block,
        contacts::unblock,
        notifications::list,
        notifications::read,
        notifications::settings,
        notifications::dnd_on,
        notifications::dnd_off,
        notifications::mute,
        notifications::unmute,
        notifications::devices,
        notifications::register,
        notifications::unregister,
        links::resolve,
        links::chat_link,
        links::message_link,
        crate::ws::upgrade,
        crate::ws::sse::events,
        crate::ws::frames::post_frame,
    ),
    components(schemas(common::ErrorResponse, UploadForm)),
    modifiers(&Conventions),
    tags(
        (name = "health", description = "Liveness and readiness"),
        (name = "meta", description = "This document"),
        (name = "auth", description = "Accounts, logins, sessions"),
        (name = "users", description = "Profiles, user search, presence"),
        (name = "admin", description = "Server administration"),
        (name = "chats", description = "Direct chats and groups, members, roles"),
        (name = "groups", description = "Group directory, avatars, invite links"),
        (name = "messages", description = "History, send, edit, delete, reactions, search"),
        (name = "attachments", description = "Image uploads"),
        (name = "sync", description = "Resync after a gap"),
        (name = "contacts", description = "Contact requests and blocks"),
        (name = "notifications", description = "Notifications, mutes, do-not-disturb, push"),
        (name = "links", description = "Deep links"),
        (name = "realtime", description = "The WebSocket, and its fallback: Server-Sent Events with frames over REST (docs/protocol.md)"),
    )
)]
struct ApiDoc;

/// The body of `POST /api/attachments/upload`: one part named `file`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // Describes the multipart form; the handler reads the parts itself.
pub struct UploadForm {
    /// The image: PNG, JPEG, GIF or WebP, at most `attachments.max_bytes`.
    #[schema(content_media_type = "application/octet-stream")]
    file: Vec<u8>,
}

/// The document as committed (no `servers`: a client uses the URL it fetched it from).
pub fn document() -> Document {
    ApiDoc::openapi()
}

/// The committed form of [`document`]: pretty JSON with a final newline.
pub fn document_json() -> serde_json::Result<String> {
    let mut text = document().to_pretty_json()?;
    text.push('\n');
    Ok(text)
}

/// `GET /api/openapi.json`, with `http.public_url` as the server when it is set.
pub fn router(public_url: Option<&str>) -> Router<AppState> {
    let mut doc = document();
    if let Some(url) = public_url {
        doc.servers = Some(vec![ServerBuilder::new().url(url).build()]);
    }
    let doc = Arc::new(doc);
    Router::new().route(
        "/api/openapi.json",
        get(move || std::future::ready(openapi_document(&doc))),
    )
}

/// This document. No token is needed.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Object)),
)]
fn openapi_document(doc: &Document) -> Result<Response> {
    let body = doc
        .to_json()
        .map_err(|e| Error::Internal(anyhow::anyhow!("serializing the OpenAPI document: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Adds what every operation of a kind shares: the bearer scheme, the reusable error
/// responses, and each operation's share of them.
struct Conventions;

/// (component name, status, description) of the shared error answers.
const SHARED: [(&str, &str, &str); 6] = [
    (
        "BadRequest",
        "400",
        "VALIDATION_ERROR: a malformed body, path or query, or a field that breaks a rule",
    ),
    (
        "Unauthorized",
        "401",
        "UNAUTHORIZED: no bearer token, or an invalid or expired one, or an ended session",
    ),
    (
        "NotFound",
        "404",
        "NOT_FOUND: no such resource (or one the caller may not see), or no such route",
    ),
    (
        "PayloadTooLarge",
        "413",
        "PAYLOAD_TOO_LARGE: the body is larger than the limit",
    ),
    (
        "InternalError",
        "500",
        "INTERNAL_ERROR: the server failed; the cause is logged, never sent",
    ),
    (
        "Unavailable",
        "503",
        "SERVICE_UNAVAILABLE: PostgreSQL or Redis unavailable, not ready, too many \
         connections, or the request timed out",
    ),
];

impl Modify for Conventions {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The `accessToken` of a login or refresh (docs/api.md, Tokens)",
                    ))
                    .build(),
            ),
        );
        for (name, _, description) in SHARED {
            components
                .responses
                .insert(name.to_owned(), RefOr::T(error_response(description)));
        }
        let mut ops: Vec<&mut Operation> = Vec::new();
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                add_shared(op);
                ops.push(op);
            }
        }
        doc_links::add(&mut ops);
    }
}

/// The shared answers this operation can get, unless it documents its own; and an
/// operation id unique in the document (handler names repeat across resources: `list`).
fn add_shared(op: &mut Operation) {
    if let (Some(tag), Some(id)) = (
        op.tags.as_ref().and_then(|t| t.first()),
        op.operation_id.as_mut(),
    ) {
        *id = format!("{tag}_{id}");
    }
    let has_params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let has_path_params = op.parameters.as_ref().is_some_and(|p| {
        p.iter().any(|p| {
            matches!(p, RefOr::T(p) if p.parameter_in == utoipa::openapi::path::ParameterIn::Path)
        })
    });
    let has_body = op.request_body.is_some();
    let secured = op
        .security
        .as_ref()
        .is_some_and(|s| s.iter().any(|s| s != &SecurityRequirement::default()));
    for (name, status, _) in SHARED {
        let applies = match status {
            "400" => has_params || has_body,
            "401" => secured,
            "404" => has_path_params,
            "413" => has_body,
            _ => true,
        };
        if applies {
            op.responses
                .responses
                .entry(status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
        }
    }
}

/// A response with the shared error body.
fn error_response(description: &str) -> DocResponse {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorResponse")))
                .build(),
        )
        .build()
}
