//! Rendering [`Error`] as the documented body, with the status, `Retry-After` and
//! `WWW-Authenticate` headers that go with it.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use common::{ErrorCode, ErrorResponse};

use super::context::current_request_id;
use crate::error::Error;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        // The one place a REST error's cause is logged; the client sees none of it.
        self.log();
        let code = self.code();
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = ErrorResponse {
            error: self.to_body(&current_request_id()),
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        if let Error::RateLimited { retry_after_secs } = self
            && let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if code == ErrorCode::Unauthorized {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The answer to a panic inside a handler: a plain 500 body, the panic logged.
#[allow(clippy::needless_pass_by_value)] // the signature `CatchPanicLayer::custom` requires
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    Error::Internal(anyhow::anyhow!("handler panicked: {message}")).into_response()
}
