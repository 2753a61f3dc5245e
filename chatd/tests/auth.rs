//! Accounts and sessions over real HTTP against a real PostgreSQL: registration rules,
//! login, rate limits, tokens, refresh rotation and reuse detection, logout, sessions.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use std::time::Duration;

use base64::Engine;
use chatd::auth::{AccessClaims, PasswordHasher};
use chatd::config::RegistrationMode;
use chatd::store::NewUser;
use common::ErrorCode;
use common::api::{CreateInviteRequest, RegisterRequest};
use common::client::{Client, ClientError};
use jsonwebtoken::{EncodingKey, Header};
use testkit::{TestServer, password, test_config};

fn registration(username: &str, pw: &str, confirm: &str) -> RegisterRequest {
    RegisterRequest {
        username: username.to_owned(),
        password: pw.to_owned(),
        password_confirm: confirm.to_owned(),
        display_name: None,
        invite_code: None,
        email: None,
    }
}

fn api_error(result: Result<impl std::fmt::Debug, ClientError>) -> (u16, common::ErrorBody) {
    match result {
        Err(ClientError::Api { status, body }) => (status, body),
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn fields(body: &common::ErrorBody) -> Vec<&str> {
    body.details.iter().map(|d| d.field.as_str()).collect()
}

#[tokio::test]
async fn register_folds_case_and_returns_the_user() {
    let server = TestServer::start().await;
    let mut req = registration("Ada.Lovelace", password(), password());
    req.display_name = Some("  Ada  ".into());
    let user = server.client().register(&req).await.unwrap();
    assert_eq!(user.username, "ada.lovelace");
    assert_eq!(user.display_name.as_deref(), Some("Ada"));
    let tokens = server
        .client()
        .login("ADA.LOVELACE", password())
        .await
        .unwrap();
    assert_eq!(tokens.user.id, user.id);
}

#[tokio::test]
async fn every_registration_rule_answers_400_naming_the_field() {
    let server = TestServer::start().await;
    let client = server.client();
    let long_name = "x".repeat(33);
    let cases: Vec<(RegisterRequest, &str)> = vec![
        (registration("ab", password(), password()), "username"),
        (registration(&long_name, password(), password()), "username"),
        (registration("bad name", password(), password()), "username"),
        (registration("émile", password(), password()), "username"),
        (registration("carol", "short", "short"), "password"),
        (
            registration("carol", "carol-is-great", "carol-is-great"),
            "password",
        ),
        (
            registration("carol", "zzzzzzzzzz", "zzzzzzzzzz"),
            "password",
        ),
        (
            registration("carol", password(), "something else"),
            "passwordConfirm",
        ),
        (
            RegisterRequest {
                display_name: Some("x".repeat(65)),
                ..registration("carol", password(), password())
            },
            "displayName",
        ),
        (
            RegisterRequest {
                display_name: Some("evil\u{1b}[2J".into()),
                ..registration("carol", password(), password())
            },
            "displayName",
        ),
    ];
    for (req, field) in cases {
        let (status, body) = api_error(client.register(&req).await);
        assert_eq!(status, 400, "{req:?}");
        assert_eq!(body.code, ErrorCode::ValidationError);
        assert_eq!(fields(&body), [field], "{req:?}");
    }
    // Several problems at once are all reported.
    let (_, body) = api_error(client.register(&registration("a b", "x", "y")).await);
    assert_eq!(fields(&body), ["username", "password", "passwordConfirm"]);
    // Nothing was created by any of the refused requests.
    let (status, _) = api_error(client.login("carol", password()).await);
    assert_eq!(status, 401);
}

#[tokio::test]
async fn usernames_are_unique_regardless_of_case() {
    let server = TestServer::start().await;
    server.user("bob").await;
    let (status, body) = api_error(
        server
            .client()
            .register(&registration("BOB", password(), password()))
            .await,
    );
    assert_eq!((status, body.code), (409, ErrorCode::Conflict));
}

#[tokio::test]
async fn the_password_policy_is_configurable() {
    let mut config = test_config();
    config.auth.password_min_length = 16;
    let server = TestServer::with_config(config).await;
    let (status, body) = api_error(
        server
            .client()
            .register(&registration("dave", "fifteen chars!!", "fifteen chars!!"))
            .await,
    );
    assert_eq!(status, 400);
    assert!(body.details[0].message.contains("16"), "{body:?}");
}

#[tokio::test]
async fn closed_registration_refuses_everyone() {
    let mut config = test_config();
    config.auth.registration = RegistrationMode::Closed;
    let server = TestServer::with_config(config).await;
    let (status, body) = api_error(
        server
            .client()
            .register(&registration("erin", password(), password()))
            .await,
    );
    assert_eq!((status, body.code), (403, ErrorCode::Forbidden));
}

#[tokio::test]
async fn invite_only_registration_needs_a_valid_unused_code() {
    let mut config = test_config();
    config.auth.registration = RegistrationMode::Invite;
    let server = TestServer::with_config(config).await;
    // The first administrator is made by the operator (chatctl), here through the store.
    let hash = PasswordHasher::new(1)
        .unwrap()
        .hash(password())
        .await
        .unwrap();
    let admin = server
        .store()
        .create_user(&NewUser {
            id: common::UserId::new(),
            username: "root",
            password_hash: &hash,
            display_name: None,
            invite_hash: None,
        })
        .await
        .unwrap();
    server.store().set_admin(admin.id, true).await.unwrap();
    let admin_client = server.client();
    admin_client.login("root", password()).await.unwrap();

    let visitor = server.client();
    let (status, body) = api_error(
        visitor
            .register(&registration("frank", password(), password()))
            .await,
    );
    assert_eq!((status, fields(&body)), (400, vec!["inviteCode"]));

    let invite = admin_client
        .create_invite(&CreateInviteRequest {
            max_uses: Some(1),
            expires_in: None,
        })
        .await
        .unwrap();
    let mut req = registration("frank", password(), password());
    req.invite_code = Some(invite.code.clone());
    visitor.register(&req).await.unwrap();

    req.username = "grace".into();
    let (status, body) = api_error(visitor.register(&req).await);
    assert_eq!(
        (status, fields(&body)),
        (400, vec!["inviteCode"]),
        "a used-up code"
    );

    req.invite_code = Some("made-up".into());
    let (status, _) = api_error(visitor.register(&req).await);
    assert_eq!(status, 400);

    // Only administrators make invites.
    visitor.login("frank", password()).await.unwrap();
    let (status, _) = api_error(visitor.create_invite(&CreateInviteRequest::default()).await);
    assert_eq!(status, 403);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_are_indistinguishable() {
    let server = TestServer::start().await;
    server.user("heidi").await;
    let client = server.client();
    let (s1, wrong) = api_error(client.login("heidi", "not the password").await);
    let (s2, unknown) = api_error(client.login("nobody-here", "not the password").await);
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(wrong.code, unknown.code);
    assert_eq!(wrong.message, unknown.message);
    assert_eq!(wrong.details, unknown.details);
}

#[tokio::test]
async fn failed_logins_per_username_are_limited_then_the_limit_expires() {
    let mut config = test_config();
    config.limits.login_failures_per_user = 3;
    config.limits.login_failure_window_secs = 2;
    let server = TestServer::with_config(config).await;
    server.user("ivan").await;
    server.user("judy").await;
    let client = server.client();
    for _ in 0..3 {
        let (status, _) = api_error(client.login("ivan", "wrong password").await);
        assert_eq!(status, 401);
    }
    // Now even the right password is refused, with Retry-After.
    let resp = client
        .request(reqwest::Method::POST, "/api/auth/login")
        .json(&serde_json::json!({"username": "ivan", "password": password()}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 429);
    let retry: u64 = resp.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "Retry-After {retry}");
    let body: common::ErrorResponse = resp.json().await.unwrap();
    assert_eq!(body.error.code, ErrorCode::RateLimitExceeded);
    // Another user is not affected.
    client.login("judy", password()).await.unwrap();
    // The window passes and ivan can log in again.
    let recovered = testkit::eventually(Duration::from_secs(5), || async {
        client.login("ivan", password()).await.is_ok()
    })
    .await;
    assert!(recovered, "the limit did not expire");
}

#[tokio::test]
async fn failed_logins_per_address_are_limited() {
    let mut config = test_config();
    config.limits.login_failures_per_ip = 4;
    let server = TestServer::with_config(config).await;
    let client = server.client();
    for i in 0..4 {
        let (status, _) = api_error(client.login(&format!("user{i}"), "wrong password").await);
        assert_eq!(status, 401);
    }
    let (status, _) = api_error(client.login("someone-else", "wrong password").await);
    assert_eq!(status, 429);
}

fn sign(claims: &AccessClaims, secret: &[u8]) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret).unwrap(),
    )
    .unwrap()
}

fn claims_of(token: &str) -> AccessClaims {
    let payload = token.split('.').nth(1).unwrap();
    let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&json).unwrap()
}

async fn me_status(server: &TestServer, token: Option<&str>) -> u16 {
    let mut req = reqwest::Client::new().get(format!("{}/api/users/me", server.base_url));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    req.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn bad_access_tokens_are_refused() {
    let server = TestServer::start().await;
    let (_, tokens) = server.user("kim").await;
    let secret = server
        .config
        .auth
        .jwt_secret
        .as_ref()
        .unwrap()
        .expose()
        .as_bytes()
        .to_vec();
    assert_eq!(me_status(&server, Some(&tokens.access_token)).await, 200);

    let resp = reqwest::get(format!("{}/api/users/me", server.base_url))
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(resp.headers()["www-authenticate"], "Bearer");

    let mut expired = claims_of(&tokens.access_token);
    expired.exp = expired.iat - 10;
    assert_eq!(
        me_status(&server, Some(&sign(&expired, &secret))).await,
        401,
        "expired"
    );

    let wrong_key = sign(
        &claims_of(&tokens.access_token),
        b"some-other-secret-some-other-secret",
    );
    assert_eq!(
        me_status(&server, Some(&wrong_key)).await,
        401,
        "wrongly signed"
    );

    let mut forged = claims_of(&tokens.access_token);
    forged.sub = common::UserId::new();
    let parts: Vec<&str> = tokens.access_token.split('.').collect();
    let forged_payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(serde_json::to_vec(&forged).unwrap());
    let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);
    assert_eq!(me_status(&server, Some(&tampered)).await, 401, "tampered");

    assert_eq!(me_status(&server, Some("not-a-jwt")).await, 401);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_session() {
    let server = TestServer::start().await;
    let (client, first) = server.user("leo").await;
    let second = client.refresh().await.unwrap();
    assert_ne!(first.refresh_token, second.refresh_token);
    assert_ne!(first.access_token, second.access_token);
    assert_eq!(first.session_id, second.session_id);
    assert_eq!(second.user.username, "leo");
    client.me().await.unwrap();

    // Someone presents the first (already rotated) token: theft is assumed.
    let thief = server.client();
    thief.set_tokens(Some(common::client::Tokens {
        access_token: String::new(),
        refresh_token: first.refresh_token.clone(),
        session_id: first.session_id,
    }));
    let (status, _) = api_error(thief.refresh().await);
    assert_eq!(status, 401);
    // The whole family is gone: the legitimate refresh token and the access token too.
    let (status, _) = api_error(client.refresh().await);
    assert_eq!(status, 401);
    let (status, _) = api_error(client.me().await);
    assert_eq!(status, 401);
    // A new login works.
    client.login("leo", password()).await.unwrap();
    client.me().await.unwrap();
}

#[tokio::test]
async fn one_refresh_token_used_twice_at_once_succeeds_at_most_once() {
    let server = TestServer::start().await;
    let (client, _) = server.user("mia").await;
    let other = server.client();
    other.set_tokens(client.tokens());
    let (a, b) = tokio::join!(client.refresh(), other.refresh());
    assert_eq!(
        usize::from(a.is_ok()) + usize::from(b.is_ok()),
        1,
        "{a:?} {b:?}"
    );
}

#[tokio::test]
async fn logout_ends_refresh_and_access() {
    let server = TestServer::start().await;
    let (client, tokens) = server.user("nina").await;
    client.logout().await.unwrap();
    assert_eq!(me_status(&server, Some(&tokens.access_token)).await, 401);
    client.set_tokens(Some(common::client::Tokens {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        session_id: tokens.session_id,
    }));
    let (status, _) = api_error(client.refresh().await);
    assert_eq!(status, 401);
}

#[tokio::test]
async fn sessions_are_listed_and_revocable_one_by_one() {
    let server = TestServer::start().await;
    let (laptop, _) = server.user("omar").await;
    let phone = server.client();
    phone.login("omar", password()).await.unwrap();
    let list = laptop.sessions().await.unwrap().sessions;
    assert_eq!(list.len(), 2);
    assert_eq!(list.iter().filter(|s| s.current).count(), 1);
    assert!(list.iter().all(|s| s.ip.as_deref() == Some("127.0.0.1")));
    assert!(list.iter().all(|s| {
        s.user_agent
            .as_deref()
            .is_some_and(|ua| ua.starts_with("chat-client/"))
    }));

    let phone_session = phone.tokens().unwrap().session_id;
    laptop.revoke_session(phone_session).await.unwrap();
    let (status, _) = api_error(phone.refresh().await);
    assert_eq!(status, 401);
    let (status, _) = api_error(phone.me().await);
    assert_eq!(status, 401);
    assert_eq!(laptop.sessions().await.unwrap().sessions.len(), 1);

    // Revoking a session that is not one's own (or is unknown) is "not found".
    let (stranger, _) = server.user("pat").await;
    let laptop_session = laptop.tokens().unwrap().session_id;
    let (status, body) = api_error(stranger.revoke_session(laptop_session).await);
    assert_eq!((status, body.code), (404, ErrorCode::NotFound));
    laptop.me().await.unwrap();
}

#[tokio::test]
async fn passwords_are_stored_only_as_argon2id_hashes() {
    let server = TestServer::start().await;
    server.user("quinn").await;
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE username = 'quinn'")
            .fetch_one(server.store().pool())
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains(password()));
    let tokens: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM refresh_tokens")
        .fetch_all(server.store().pool())
        .await
        .unwrap();
    assert_eq!(tokens.len(), 1);
    assert_eq!(tokens[0].len(), 32, "a SHA-256, not the token");
    let _ = Client::new("http://unused").unwrap();
}

#[tokio::test]
async fn a_parallel_burst_of_guesses_cannot_exceed_the_limit() {
    let mut config = test_config();
    config.limits.login_failures_per_user = 3;
    let server = TestServer::with_config(config).await;
    server.user("rosa").await;
    let guesses = (0..12).map(|i| {
        let client = server.client();
        async move { client.login("rosa", &format!("guess number {i}")).await }
    });
    let results = futures_join_all(guesses).await;
    let statuses: Vec<u16> = results
        .iter()
        .map(|r| r.as_ref().unwrap_err().status().unwrap())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 401).count(),
        3,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 429).count(),
        9,
        "{statuses:?}"
    );
}

async fn futures_join_all<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

#[tokio::test]
async fn behind_a_proxy_the_address_is_the_one_the_proxy_appended() {
    let mut config = test_config();
    config.http.trust_forwarded_for = true;
    let server = TestServer::with_config(config).await;
    server.user("sven").await;
    let resp = reqwest::Client::new()
        .post(format!("{}/api/auth/login", server.base_url))
        .header("x-forwarded-for", "6.6.6.6, 203.0.113.7")
        .json(&serde_json::json!({"username": "sven", "password": password()}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let tokens: common::api::TokenResponse = resp.json().await.unwrap();
    let client = server.client();
    client.set_tokens(Some(common::client::Tokens {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        session_id: tokens.session_id,
    }));
    let sessions = client.sessions().await.unwrap().sessions;
    let ips: Vec<_> = sessions.iter().filter_map(|s| s.ip.as_deref()).collect();
    assert!(ips.contains(&"203.0.113.7"), "{ips:?}");
    assert!(!ips.contains(&"6.6.6.6"), "{ips:?}");
}

#[tokio::test]
async fn long_passwords_in_any_script_work_up_to_the_documented_limit() {
    let server = TestServer::start().await;
    let long = "éà".repeat(512);
    server
        .client()
        .register(&registration("tomas", &long, &long))
        .await
        .unwrap();
    server.client().login("tomas", &long).await.unwrap();
    let too_long = format!("{long}ü");
    let (status, body) = api_error(
        server
            .client()
            .register(&registration("ulla", &too_long, &too_long))
            .await,
    );
    assert_eq!((status, fields(&body)), (400, vec!["password"]));
}
