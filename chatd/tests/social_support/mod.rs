//! Helpers shared by the contacts, blocking, notifications, push and links tests.

#![allow(dead_code, clippy::unwrap_used, clippy::missing_panics_doc)] // not every test file uses every helper

use common::api::{ChatDetail, CreateGroupRequest, SyncRequest, SyncResponse};
use common::client::{Client, ClientError};
use common::ws::Envelope;
use common::{ErrorCode, UserId};
use reqwest::Method;
use serde::de::DeserializeOwned;

/// A JSON call; `body` is sent as JSON when given.
pub async fn call<T: DeserializeOwned>(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> Result<T, ClientError> {
    let mut req = client.request(method, path);
    if let Some(body) = body {
        req = req.json(&body);
    }
    client.send(req).await
}

/// A call whose answer has no body (204); returns the status.
pub async fn status(
    client: &Client,
    method: Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> u16 {
    let mut req = client.request(method, path);
    if let Some(body) = body {
        req = req.json(&body);
    }
    req.send().await.unwrap().status().as_u16()
}

/// The error code of a failed call.
pub fn code<T: std::fmt::Debug>(result: Result<T, ClientError>) -> ErrorCode {
    match result {
        Err(e) => e.body().map_or_else(|| panic!("{e}"), |b| b.code),
        Ok(v) => panic!("expected an error, got {v:?}"),
    }
}

/// A group of the caller with `members`, with an optional slug.
pub async fn group(
    client: &Client,
    name: &str,
    slug: Option<&str>,
    members: &[UserId],
) -> ChatDetail {
    let req = CreateGroupRequest {
        name: name.into(),
        slug: slug.map(Into::into),
        participant_ids: members.to_vec(),
        ..Default::default()
    };
    client
        .send(client.request(Method::POST, "/api/chats/group").json(&req))
        .await
        .unwrap()
}

/// `POST /api/sync` with the user cursor `user_seq` and no chats.
pub async fn sync_user(client: &Client, user_seq: i64) -> SyncResponse {
    let req = SyncRequest {
        user_seq: Some(user_seq),
        ..SyncRequest::default()
    };
    client
        .send(client.request(Method::POST, "/api/sync").json(&req))
        .await
        .unwrap()
}

/// The `type`s of the user events of a sync answer.
pub fn user_event_kinds(answer: &SyncResponse) -> Vec<String> {
    answer
        .user
        .as_ref()
        .unwrap()
        .events
        .iter()
        .map(|e| {
            serde_json::to_value(e).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Whether `frames` hold one of `kind` whose data has `field` = `value`.
pub fn has_frame(frames: &[Envelope], kind: &str, field: &str, value: &str) -> bool {
    frames
        .iter()
        .any(|f| f.kind == kind && f.data[field].as_str() == Some(value))
}
