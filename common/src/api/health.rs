//! Liveness and readiness.

use serde::{Deserialize, Serialize};

/// `GET /health`: the process is up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Liveness {
    /// Always `"ok"`.
    pub status: String,
    /// The server's version.
    pub version: String,
}

/// `GET /health/ready` when every dependency answers. A failing one answers 503 with the
/// standard error body, whose `details` name each failing dependency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Readiness {
    /// `"ready"`.
    pub status: String,
    /// `"ok"`.
    pub postgres: String,
    /// `"ok"`, or `"not configured"` on a single node with no Redis.
    pub redis: String,
}
