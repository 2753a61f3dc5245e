//! Profiles and user search over real HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use common::ErrorCode;
use common::api::UpdateProfileRequest;
use common::client::ClientError;
use testkit::TestServer;

fn status(result: Result<impl std::fmt::Debug, ClientError>) -> u16 {
    result.expect_err("expected an error").status().unwrap_or(0)
}

#[tokio::test]
async fn me_and_profile_updates() {
    let server = TestServer::start().await;
    let (client, tokens) = server.user("sam").await;
    let me = client.me().await.unwrap();
    assert_eq!(me.user.id, tokens.user.id);
    assert!(!me.is_admin);

    let updated = client
        .update_me(&UpdateProfileRequest {
            display_name: Some("Sam Smith".into()),
            status_message: Some("on call".into()),
        })
        .await
        .unwrap();
    assert_eq!(updated.user.display_name.as_deref(), Some("Sam Smith"));
    assert_eq!(updated.user.status_message.as_deref(), Some("on call"));

    // Leaving a field out keeps it; an empty string clears it.
    let updated = client
        .update_me(&UpdateProfileRequest {
            display_name: None,
            status_message: Some(String::new()),
        })
        .await
        .unwrap();
    assert_eq!(updated.user.display_name.as_deref(), Some("Sam Smith"));
    assert_eq!(updated.user.status_message, None);

    let err = client
        .update_me(&UpdateProfileRequest {
            display_name: Some("bell\u{7}".into()),
            status_message: Some("s".repeat(141)),
        })
        .await
        .unwrap_err();
    let body = err.body().unwrap();
    assert_eq!(body.code, ErrorCode::ValidationError);
    let fields: Vec<&str> = body.details.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(fields, ["displayName", "statusMessage"]);
    assert_eq!(
        client.me().await.unwrap().user.display_name.as_deref(),
        Some("Sam Smith")
    );
}

#[tokio::test]
async fn other_users_by_id() {
    let server = TestServer::start().await;
    let (client, _) = server.user("tina").await;
    let (_, uma) = server.user("uma").await;
    let user = client.user(uma.user.id).await.unwrap();
    assert_eq!(user.username, "uma");
    assert_eq!(status(client.user(common::UserId::new()).await), 404);
    assert_eq!(status(server.client().user(uma.user.id).await), 401);
}

#[tokio::test]
async fn search_by_prefix_of_username_or_display_name_with_pages() {
    let server = TestServer::start().await;
    let (client, _) = server.user("victor").await;
    for name in ["vera", "vince", "viola", "walt"] {
        server.user(name).await;
    }
    let walt = server.client();
    walt.login("walt", testkit::password()).await.unwrap();
    walt.update_me(&UpdateProfileRequest {
        display_name: Some("Walter Vickers".into()),
        status_message: None,
    })
    .await
    .unwrap();

    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = client
            .search_users("V", Some(2), cursor.as_deref())
            .await
            .unwrap();
        assert!(page.items.len() <= 2);
        seen.extend(page.items.into_iter().map(|u| u.username));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["vera", "victor", "vince", "viola", "walt"],
        "walt matches by a word of his display name"
    );

    let page = client.search_users("vi", None, None).await.unwrap();
    let names: Vec<_> = page.items.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, ["victor", "vince", "viola", "walt"]);

    // LIKE wildcards are literal.
    assert!(
        client
            .search_users("%", None, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(status(client.search_users("", None, None).await), 400);
    assert_eq!(status(client.search_users("v", Some(0), None).await), 400);
    assert_eq!(status(client.search_users("v", Some(101), None).await), 400);
    assert_eq!(
        status(server.client().search_users("v", None, None).await),
        401
    );
}
