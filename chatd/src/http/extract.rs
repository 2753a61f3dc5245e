//! Extractors that answer bad input with the documented error body: `Json`, `Query`, `Path`
//! (which also refuse a NUL character anywhere, naming the field: `crate::text`), plus
//! `AuthUser` (a handler that takes it cannot forget authentication) and `ClientInfo`.

use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::header;
use axum::http::request::Parts;
use common::ErrorDetail;
use serde::de::DeserializeOwned;

use std::sync::Arc;

use axum::extract::FromRef;

use crate::auth::AuthService;
use crate::auth::{AuthUser, ClientInfo, bearer_token};
use crate::config::Config;
use crate::error::Error;
use crate::text;

/// A JSON body. Unknown fields, missing fields, wrong types, malformed JSON, a wrong
/// content type and oversized bodies all become the error body.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<S, T> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // The content type is checked before the body is read, as axum's `Json` does, so an
        // oversized body of the wrong type still gets the content-type answer.
        if !is_json(req.headers()) {
            return Err(Error::BadRequest(NOT_JSON.into()));
        }
        // The bytes are read here (within the body limit) and handed to axum's `Json`, so
        // that once they have parsed they can be looked at for a NUL as well.
        let headers = req.headers().clone();
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| json_rejection(&JsonRejection::BytesRejection(e)))?;
        let mut again = Request::new(Body::from(bytes.clone()));
        *again.headers_mut() = headers;
        let value = match axum::Json::<T>::from_request(again, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(json_rejection(&rejection)),
        };
        if text::json_may_hold_nul(&bytes) {
            let parsed: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| Error::BadRequest(format!("malformed JSON: {e}")))?;
            text::refuse_nul(&parsed)?;
        }
        Ok(Self(value))
    }
}

const NOT_JSON: &str = "expected a body with Content-Type: application/json";

/// `application/json` or `application/<anything>+json`, parameters ignored: axum's rule.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence
        .strip_prefix("application/")
        .is_some_and(|sub| sub == "json" || sub.ends_with("+json"))
}

fn json_rejection(rejection: &JsonRejection) -> Error {
    match rejection {
        JsonRejection::JsonDataError(e) => serde_problem(&e.body_text()),
        JsonRejection::JsonSyntaxError(e) => {
            Error::BadRequest(format!("malformed JSON: {}", strip_prefix(&e.body_text())))
        }
        JsonRejection::MissingJsonContentType(_) => Error::BadRequest(NOT_JSON.into()),
        JsonRejection::BytesRejection(e) if e.status().as_u16() == 413 => {
            Error::PayloadTooLarge(format!(
                "the body is larger than {} bytes",
                common::limits::JSON_BODY_MAX_BYTES
            ))
        }
        other => Error::BadRequest(other.body_text()),
    }
}

/// Turns serde's "unknown field `x`" / "missing field `x`" into a detail naming the field.
fn serde_problem(text: &str) -> Error {
    let text = strip_prefix(text);
    for (marker, message) in [
        ("unknown field `", "unknown field"),
        ("missing field `", "is required"),
    ] {
        if let Some(rest) = text.split(marker).nth(1)
            && let Some(field) = rest.split('`').next()
        {
            return Error::Validation(vec![ErrorDetail::new(field, message)]);
        }
    }
    if let Some((path, problem)) = text.split_once(": ")
        && !path.contains(' ')
    {
        return Error::Validation(vec![ErrorDetail::new(path, problem)]);
    }
    Error::BadRequest(format!("invalid body: {text}"))
}

fn strip_prefix(text: &str) -> &str {
    text.split_once("target type: ")
        .map_or(text, |(_, rest)| rest)
        .trim_start_matches("Failed to parse the request body as JSON: ")
}

/// Query parameters.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let value = axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e: QueryRejection| {
                Error::BadRequest(format!("invalid query: {}", e.body_text()))
            })?;
        // A NUL can only arrive percent-encoded; decode the pairs only when one may be there.
        let query = parts.uri.query().unwrap_or("");
        if query.contains("%00") {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect();
            text::nul_in_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        }
        Ok(Self(value.0))
    }
}

/// Path parameters; a malformed id is a 400 naming the parameter.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let value = axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map_err(|e: PathRejection| Error::field("path", e.body_text()))?;
        if parts.uri.path().contains("%00")
            && let Ok(params) = RawPathParams::from_request_parts(parts, state).await
        {
            text::nul_in_pairs(params.iter())?;
        }
        Ok(Self(value.0))
    }
}

impl<S> FromRequestParts<S> for AuthUser
where
    AuthService: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let token =
            bearer_token(&parts.headers).ok_or(Error::Unauthorized("missing bearer token"))?;
        AuthService::from_ref(state).authenticate(token).await
    }
}

impl<S> FromRequestParts<S> for ClientInfo
where
    Arc<Config>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let forwarded = Arc::<Config>::from_ref(state)
            .http
            .trust_forwarded_for
            .then(|| parts.headers.get("x-forwarded-for"))
            .flatten()
            .and_then(|v| v.to_str().ok())
            // The rightmost entry is the one our proxy appended; the others came from the client.
            .and_then(|v| v.rsplit(',').next())
            .map(|v| v.trim().to_owned())
            .filter(|v| v.parse::<std::net::IpAddr>().is_ok());
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip().to_string());
        let user_agent = parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.chars().filter(|c| !c.is_control()).take(256).collect());
        Ok(Self {
            ip: forwarded.or(peer),
            user_agent,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_become_field_details() {
        let Error::Validation(d) = serde_problem(
            "Failed to deserialize the JSON body into the target type: unknown field `admin`, expected one of `a`, `b` at line 1 column 9",
        ) else {
            panic!("not a validation error")
        };
        assert_eq!(
            (d[0].field.as_str(), d[0].message.as_str()),
            ("admin", "unknown field")
        );
        let Error::Validation(d) = serde_problem(
            "Failed to deserialize the JSON body into the target type: missing field `password` at line 1 column 2",
        ) else {
            panic!("not a validation error")
        };
        assert_eq!(d[0].field, "password");
    }
}
