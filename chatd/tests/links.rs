//! Deep links: every chat and message has one, in `chat://` and `https://` form; the
//! server resolves a link for a member, by id or slug, and answers `NOT_FOUND` to anyone
//! else, including for a message in a chat they are not in.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

mod social_support;

use common::ErrorCode;
use common::api::ResolvedLink;
use common::client::{Client, ClientError};
use reqwest::Method;
use social_support::{call, code, group};
use testkit::chat::{direct, post};
use testkit::{TestServer, test_config};

async fn resolve(client: &Client, url: &str) -> Result<ResolvedLink, ClientError> {
    client
        .send(
            client
                .request(Method::GET, "/api/links/resolve")
                .query(&[("url", url)]),
        )
        .await
}

#[tokio::test]
async fn links_of_chats_and_messages_resolve_for_members_only() {
    let mut config = test_config();
    config.http.public_url = Some("https://chat.example.com".into());
    let server = TestServer::with_config(config).await;
    let (ada, _) = server.user("ada").await;
    let (bob, bob_t) = server.user("bob").await;
    let (eve, _) = server.user("eve").await;
    let team = group(&ada, "Team", Some("team-ops"), &[bob_t.user.id])
        .await
        .chat
        .id;
    let message = post(&ada, team, "the plan", "a-1").await;
    let dm = direct(&ada, bob_t.user.id).await;
    let private = post(&ada, dm, "between us", "a-2").await;

    let link: ResolvedLink = call(&bob, Method::GET, &format!("/api/chats/{team}/link"), None)
        .await
        .unwrap();
    assert_eq!(link.link, "chat://chat.example.com/c/team-ops");
    assert_eq!(link.web_link, "https://chat.example.com/c/team-ops");
    let link: ResolvedLink = call(
        &bob,
        Method::GET,
        &format!("/api/messages/{}/link", message.message_id),
        None,
    )
    .await
    .unwrap();
    assert_eq!(
        link.link,
        format!(
            "chat://chat.example.com/c/team-ops/m/{}",
            message.message_id
        )
    );
    let dm_link: ResolvedLink = call(&ada, Method::GET, &format!("/api/chats/{dm}/link"), None)
        .await
        .unwrap();
    assert_eq!(dm_link.link, format!("chat://chat.example.com/c/{dm}"));
    assert_eq!(dm_link.slug, None);

    // Resolution: by slug or id, either scheme, with or without a message.
    for url in [
        "chat://chat.example.com/c/team-ops".to_owned(),
        format!("https://chat.example.com/c/{team}"),
        format!(
            "chat://chat.example.com/c/TEAM-OPS/m/{}",
            message.message_id
        ),
    ] {
        let resolved = resolve(&bob, &url).await.unwrap();
        assert_eq!(resolved.chat_id, team, "{url}");
        assert_eq!(resolved.slug.as_deref(), Some("team-ops"));
    }
    let resolved = resolve(
        &bob,
        &format!(
            "chat://chat.example.com/c/team-ops/m/{}",
            message.message_id
        ),
    )
    .await
    .unwrap();
    assert_eq!(resolved.message_id, Some(message.message_id));

    // Outsiders get NOT_FOUND for chats and messages alike, existing or not.
    for url in [
        "chat://chat.example.com/c/team-ops".to_owned(),
        format!("chat://chat.example.com/c/{team}/m/{}", message.message_id),
        format!("chat://chat.example.com/c/{dm}/m/{}", private.message_id),
        "chat://chat.example.com/c/no-such-group".to_owned(),
    ] {
        assert_eq!(
            code(resolve(&eve, &url).await),
            ErrorCode::NotFound,
            "{url}"
        );
    }
    for path in [
        format!("/api/chats/{team}/link"),
        format!("/api/messages/{}/link", private.message_id),
    ] {
        let answer = call::<ResolvedLink>(&eve, Method::GET, &path, None).await;
        assert_eq!(code(answer), ErrorCode::NotFound, "{path}");
    }
    // A member's link to a message of another chat is not found either.
    let mixed = format!(
        "chat://chat.example.com/c/team-ops/m/{}",
        private.message_id
    );
    let (cy, _) = server.user("cyd").await;
    let _ = cy;
    assert_eq!(
        code(
            resolve(
                &ada,
                &format!(
                    "chat://chat.example.com/c/{team}/m/{}",
                    common::MessageId::new()
                )
            )
            .await
        ),
        ErrorCode::NotFound
    );
    assert_eq!(code(resolve(&bob, &mixed).await), ErrorCode::NotFound);

    // Malformed links are a validation error naming `url`.
    for url in [
        "",
        "ftp://x/c/team-ops",
        "chat://host/x/y",
        "chat://host/c/team-ops/m/nope",
    ] {
        let err = resolve(&bob, url).await.unwrap_err();
        let body = err.body().unwrap();
        assert_eq!(body.code, ErrorCode::ValidationError, "{url}");
        assert_eq!(body.details[0].field, "url");
    }
}

#[tokio::test]
async fn without_a_public_url_links_name_the_host_asked() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let team = group(&ada, "Team", None, &[]).await.chat.id;
    let link: ResolvedLink = call(&ada, Method::GET, &format!("/api/chats/{team}/link"), None)
        .await
        .unwrap();
    assert_eq!(link.link, format!("chat://{}/c/{team}", server.addr));
    assert_eq!(resolve(&ada, &link.link).await.unwrap().chat_id, team);
}
