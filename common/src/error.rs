//! The one error shape every endpoint and frame answers with, and its codes.

use serde::{Deserialize, Serialize};

/// Machine-readable error codes. Each maps to one HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// 400: the request is malformed or a field breaks a rule; `details` names the fields.
    ValidationError,
    /// 401: no valid credentials.
    Unauthorized,
    /// 403: authenticated, but not allowed.
    Forbidden,
    /// 403: the other user blocked the caller, or the caller blocked them (a direct chat,
    /// a message into it, a contact request).
    Blocked,
    /// 403: the server requires a verified email address (`auth.require_verified_email`)
    /// and the account has none yet: log in again after following the verification mail.
    EmailNotVerified,
    /// 404: no such resource, or one the caller may not see.
    NotFound,
    /// 409: the request conflicts with existing state (a taken username, say).
    Conflict,
    /// 413: the body or a field is larger than the documented limit.
    PayloadTooLarge,
    /// 429: too many requests; `Retry-After` says when to try again.
    RateLimitExceeded,
    /// 500: the server failed; the message says nothing internal.
    InternalError,
    /// 503: a dependency (PostgreSQL, Redis) is unavailable, or the server is shutting down.
    ServiceUnavailable,
}

impl ErrorCode {
    /// The HTTP status code this error is answered with.
    pub fn http_status(self) -> u16 {
        match self {
            Self::ValidationError => 400,
            Self::Unauthorized => 401,
            Self::Forbidden | Self::Blocked | Self::EmailNotVerified => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::RateLimitExceeded => 429,
            Self::InternalError => 500,
            Self::ServiceUnavailable => 503,
        }
    }

    /// The code as it appears on the wire, e.g. `VALIDATION_ERROR`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ValidationError => "VALIDATION_ERROR",
            Self::Unauthorized => "UNAUTHORIZED",
            Self::Forbidden => "FORBIDDEN",
            Self::Blocked => "BLOCKED",
            Self::EmailNotVerified => "EMAIL_NOT_VERIFIED",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::RateLimitExceeded => "RATE_LIMIT_EXCEEDED",
            Self::InternalError => "INTERNAL_ERROR",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem with one field of a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorDetail {
    /// The field, in the request's own (camelCase) spelling.
    pub field: String,
    /// What is wrong with it, for a person.
    pub message: String,
}

impl ErrorDetail {
    /// A detail naming `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The body inside `{"error": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// The machine-readable code.
    pub code: ErrorCode,
    /// A message for a person.
    pub message: String,
    /// Per-field problems, for `VALIDATION_ERROR`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
    /// The id of the request, also in the `x-request-id` header and the server's log.
    pub request_id: String,
    /// When the error happened, RFC 3339.
    pub timestamp: String,
}

/// Every error response: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorResponse {
    /// The error.
    pub error: ErrorBody,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_round_trips_in_documented_shape() {
        let body = ErrorResponse {
            error: ErrorBody {
                code: ErrorCode::ValidationError,
                message: "invalid request".into(),
                details: vec![ErrorDetail::new("username", "too short")],
                request_id: "r-1".into(),
                timestamp: "2026-01-01T00:00:00Z".into(),
            },
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["error"]["code"], "VALIDATION_ERROR");
        assert_eq!(json["error"]["details"][0]["field"], "username");
        assert_eq!(json["error"]["requestId"], "r-1");
        let back: ErrorResponse = serde_json::from_value(json).unwrap();
        assert_eq!(back, body);
    }

    #[test]
    fn every_code_has_its_status_and_wire_name() {
        for (code, status) in [
            (ErrorCode::ValidationError, 400),
            (ErrorCode::Unauthorized, 401),
            (ErrorCode::Forbidden, 403),
            (ErrorCode::Blocked, 403),
            (ErrorCode::EmailNotVerified, 403),
            (ErrorCode::NotFound, 404),
            (ErrorCode::Conflict, 409),
            (ErrorCode::PayloadTooLarge, 413),
            (ErrorCode::RateLimitExceeded, 429),
            (ErrorCode::InternalError, 500),
            (ErrorCode::ServiceUnavailable, 503),
        ] {
            assert_eq!(code.http_status(), status);
            let wire = serde_json::to_string(&code).unwrap();
            assert_eq!(wire, format!("\"{}\"", code.as_str()));
        }
    }
}
