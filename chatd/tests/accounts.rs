//! What an account's owner changes with their password, against a real chatd and
//! PostgreSQL: a new password (other sessions end, their sockets close at once), privacy,
//! deleting the account, avatars.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use common::api::ChangePasswordRequest;
use common::client::ClientError;
use common::ws::ClientRequest;
use common::{ErrorBody, ErrorCode};
use testkit::ws::connect;
use testkit::{TestServer, password, test_config};

const NEW_PASSWORD: &str = "a brand new passphrase";

fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, ErrorBody) {
    match result {
        Err(ClientError::Api { status, body }) => (status, body),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn change(current: &str, new: &str) -> ChangePasswordRequest {
    ChangePasswordRequest {
        current_password: current.to_owned(),
        new_password: new.to_owned(),
    }
}

#[tokio::test]
async fn a_password_change_keeps_this_session_and_ends_the_others_at_once() {
    let server = TestServer::start().await;
    let (laptop, _) = server.user("ada").await;
    let phone = server.client();
    phone.login("ada", password()).await.unwrap();
    let (laptop_ws, _) = connect(&laptop).await;
    let (mut phone_ws, _) = connect(&phone).await;

    phone
        .change_password(&change(password(), NEW_PASSWORD))
        .await
        .unwrap();

    // The laptop's socket closes at once with 4001 and its session is gone...
    assert_eq!(
        laptop_ws.closed().await,
        Some(common::ws::close::UNAUTHORIZED)
    );
    let (status, _) = api_error(laptop.me().await);
    assert_eq!(status, 401);
    let (status, _) = api_error(laptop.refresh().await);
    assert_eq!(status, 401);
    // ...while the phone, which changed it, keeps its socket, its token and its refresh.
    phone_ws.request(&ClientRequest::Ping).await.unwrap();
    phone.me().await.unwrap();
    phone.refresh().await.unwrap();
    assert_eq!(phone.sessions().await.unwrap().sessions.len(), 1);
    // The old password no longer logs in; the new one does.
    let (status, _) = api_error(server.client().login("ada", password()).await);
    assert_eq!(status, 401);
    server.client().login("ada", NEW_PASSWORD).await.unwrap();
}

#[tokio::test]
async fn a_wrong_current_password_names_the_field_and_counts_like_a_failed_login() {
    let mut config = test_config();
    config.limits.login_failures_per_user = 3;
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (ws, _) = connect(&ada).await;
    for _ in 0..3 {
        let (status, body) = api_error(
            ada.change_password(&change("not my password", NEW_PASSWORD))
                .await,
        );
        assert_eq!(status, 400);
        assert_eq!(body.code, ErrorCode::ValidationError);
        assert_eq!(body.details[0].field, "currentPassword");
    }
    // Past the login limit even the right password is refused, and nothing changed.
    let (status, body) = api_error(ada.change_password(&change(password(), NEW_PASSWORD)).await);
    assert_eq!(status, 429);
    assert_eq!(body.code, ErrorCode::RateLimitExceeded);
    // The caller's session is untouched by the failures.
    ada.me().await.unwrap();
    drop(ws);
    // The new password was never set (the account is locked for logins either way).
    let (status, _) = api_error(server.client().login("ada", NEW_PASSWORD).await);
    assert!(status == 401 || status == 429, "status {status}");
}

#[tokio::test]
async fn a_new_password_follows_the_registration_policy() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    for bad in ["short", "ada-the-great-one", "zzzzzzzzzzzz"] {
        let (status, body) = api_error(ada.change_password(&change(password(), bad)).await);
        assert_eq!(status, 400, "{bad}");
        assert!(
            body.details.iter().all(|d| d.field == "newPassword"),
            "{bad}: {body:?}"
        );
    }
    // Unknown and missing fields get the documented body.
    let resp = ada
        .request(reqwest::Method::PUT, "/api/users/me/password")
        .json(&serde_json::json!({"newPassword": NEW_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let body: common::ErrorResponse = resp.json().await.unwrap();
    assert_eq!(body.error.details[0].field, "currentPassword");
    // Without a token: 401.
    let (status, _) = api_error(
        server
            .client()
            .change_password(&change(password(), NEW_PASSWORD))
            .await,
    );
    assert_eq!(status, 401);
    // Nothing changed.
    server.client().login("ada", password()).await.unwrap();
}
