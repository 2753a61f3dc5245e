//! The server's one error type. Services return it; `http` renders it as the documented
//! body and the WebSocket sends the same body in `error` frames. Both edges call
//! [`Error::log`] as they answer, the one place a cause is logged: nothing logs when an error
//! is made or converted, so an error passed up (or logged by a background task) is logged
//! once.

use common::{ErrorBody, ErrorCode, ErrorDetail};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::store::StoreError;

/// Every way a request can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more fields break a rule.
    #[error("invalid request")]
    Validation(Vec<ErrorDetail>),
    /// The request itself is malformed (bad JSON, wrong content type, bad path).
    #[error("{0}")]
    BadRequest(String),
    /// No valid credentials.
    #[error("{0}")]
    Unauthorized(&'static str),
    /// Authenticated but not allowed.
    #[error("{0}")]
    Forbidden(&'static str),
    /// A block separates the caller and the other user.
    #[error("{0}")]
    Blocked(&'static str),
    /// Login refused until the account's email address is verified.
    #[error(
        "this server requires a verified email address: follow the link in the verification mail, then log in"
    )]
    EmailNotVerified,
    /// No such thing, or one the caller may not see.
    #[error("{0}")]
    NotFound(&'static str),
    /// Conflicts with existing state.
    #[error("{0}")]
    Conflict(&'static str),
    /// Too large.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Too many attempts; retry after this many seconds.
    #[error("too many requests; retry in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a retry can succeed.
        retry_after_secs: u64,
    },
    /// The caller holds as many WebSocket connections on this node as one account may.
    #[error(
        "too many open WebSocket connections: at most {max} per account on this server; close one first"
    )]
    TooManyConnections {
        /// `ws.max_connections_per_user`.
        max: usize,
    },
    /// A dependency is down or the request timed out.
    #[error("{0}")]
    Unavailable(String),
    /// PostgreSQL did not answer (no connection within the acquire timeout, connection
    /// refused). The client is told to retry; the cause is logged where it is answered.
    #[error("the database is unavailable: {0}")]
    DatabaseUnavailable(#[source] sqlx::Error),
    /// Readiness failed; one detail per failing dependency.
    #[error("not ready")]
    NotReady(Vec<ErrorDetail>),
    /// Anything else: logged, never shown to the client.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Error {
    /// A validation error on one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![ErrorDetail::new(field, message)])
    }

    /// The wire code.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Validation(_) | Self::BadRequest(_) => ErrorCode::ValidationError,
            Self::Unauthorized(_) => ErrorCode::Unauthorized,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::Blocked(_) => ErrorCode::Blocked,
            Self::EmailNotVerified => ErrorCode::EmailNotVerified,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) => ErrorCode::Conflict,
            Self::PayloadTooLarge(_) => ErrorCode::PayloadTooLarge,
            Self::RateLimited { .. } | Self::TooManyConnections { .. } => {
                ErrorCode::RateLimitExceeded
            }
            Self::Unavailable(_) | Self::DatabaseUnavailable(_) | Self::NotReady(_) => {
                ErrorCode::ServiceUnavailable
            }
            Self::Internal(_) => ErrorCode::InternalError,
        }
    }

    /// The documented body for this error. Internal errors say nothing of their cause.
    pub fn to_body(&self, request_id: &str) -> ErrorBody {
        let (message, details) = match self {
            Self::Validation(details) => ("invalid request".to_owned(), details.clone()),
            Self::NotReady(details) => ("not ready".to_owned(), details.clone()),
            Self::Internal(_) => ("internal error".to_owned(), Vec::new()),
            Self::DatabaseUnavailable(_) => (
                "the database is unavailable; try again shortly".to_owned(),
                Vec::new(),
            ),
            other => (other.to_string(), Vec::new()),
        };
        ErrorBody {
            code: self.code(),
            message,
            details,
            request_id: request_id.to_owned(),
            timestamp: OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default(),
        }
    }
}

impl Error {
    /// Logs the cause of an error being answered (by a response or an `error` frame): an
    /// internal error at `ERROR`, a database outage at `WARN`. The client's errors are not
    /// logged here; the request's `served` line has their status.
    pub fn log(&self) {
        match self {
            Self::Internal(cause) => tracing::error!(error = ?cause, "internal error"),
            Self::DatabaseUnavailable(cause) => {
                tracing::warn!(error = %cause, "database unavailable");
            }
            _ => {}
        }
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(e) => Self::DatabaseUnavailable(e),
            StoreError::Database(e) => Self::Internal(e.into()),
        }
    }
}

/// Results of services.
pub type Result<T, E = Error> = std::result::Result<T, E>;
