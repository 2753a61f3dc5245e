//! Text a hostile client sends: a NUL character in any field (REST bodies, query strings,
//! paths, WebSocket frames) is refused with `VALIDATION_ERROR` naming the field and never
//! a 500; names refuse invisible and direction-changing characters; a contact note refuses
//! terminal control sequences.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::too_many_lines)] // integration tests: a failed unwrap is a failed test; scenarios read top to bottom

use common::client::Client;
use common::{ChatId, MessageId, UserId};
use reqwest::Method;
use serde_json::{Value, json};
use testkit::TestServer;
use testkit::chat::{direct, post};
use testkit::ws::{connect, expect};

const NUL: &str = "\u{0}";

/// Status and body of a raw request with an optional JSON body.
async fn call(client: &Client, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut req = client.request(method, path);
    if let Some(body) = body {
        req = req.json(body);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Asserts a 400 `VALIDATION_ERROR` whose detail names `field`.
fn assert_names(what: &str, (status, body): &(u16, Value), field: &str) {
    assert_eq!(*status, 400, "{what}: {body}");
    assert_eq!(body["error"]["code"], "VALIDATION_ERROR", "{what}: {body}");
    let fields: Vec<&str> = body["error"]["details"]
        .as_array()
        .map(|d| d.iter().filter_map(|d| d["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(fields, [field], "{what}: {body}");
}

async fn count(server: &TestServer, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
        .fetch_one(server.store().pool())
        .await
        .unwrap()
}

/// A server with two users in a direct chat with one message: what the inputs act on.
async fn scene() -> (TestServer, Client, UserId, ChatId, MessageId) {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    let chat = direct(&ada, bob.user.id).await;
    let sent = post(&ada, chat, "hello", "c0").await;
    (server, ada, bob.user.id, chat, sent.message_id)
}

#[tokio::test]
async fn a_nul_in_each_of_the_nine_inputs_is_refused_naming_the_field_and_nothing_is_stored() {
    let (server, ada, bob, chat, message) = scene().await;
    let messages = format!("/api/chats/{chat}/messages");
    let cases = [
        (
            "message metadata key",
            Method::POST,
            messages.clone(),
            Some(json!({"content": "x", "clientId": "n1", "metadata": {format!("k{NUL}"): 1}})),
            "metadata",
        ),
        (
            "message metadata value",
            Method::POST,
            messages.clone(),
            Some(json!({"content": "x", "clientId": "n2", "metadata": {"k": format!("v{NUL}")}})),
            "metadata.k",
        ),
        (
            "edit metadata",
            Method::PUT,
            format!("/api/messages/{message}"),
            Some(json!({"content": "edited", "metadata": {"k": [format!("{NUL}")]}})),
            "metadata.k[0]",
        ),
        (
            "contact note",
            Method::POST,
            "/api/contacts".to_owned(),
            Some(json!({"userId": bob, "message": format!("hi{NUL}")})),
            "message",
        ),
        (
            "push endpoint",
            Method::POST,
            "/api/push/devices".to_owned(),
            Some(json!({"endpoint": format!("https://push.example.com/{NUL}")})),
            "endpoint",
        ),
        (
            "user search q",
            Method::GET,
            "/api/users/search?q=ad%00a".to_owned(),
            None,
            "q",
        ),
        (
            "user search cursor",
            Method::GET,
            "/api/users/search?q=ada&cursor=%00".to_owned(),
            None,
            "cursor",
        ),
        (
            "chat slug",
            Method::GET,
            "/api/chats/slug/ab%00cd".to_owned(),
            None,
            "slug",
        ),
    ];
    for (what, method, path, body, field) in cases {
        let answer = call(&ada, method, &path, body.as_ref()).await;
        assert_names(what, &answer, field);
    }
    // No login needed for the ninth.
    let anonymous = server.client();
    let answer = call(
        &anonymous,
        Method::POST,
        "/api/auth/login",
        Some(&json!({"username": format!("ada{NUL}"), "password": "whatever it is"})),
    )
    .await;
    assert_names("login username", &answer, "username");

    // The same over the WebSocket.
    let (mut ws, _) = connect(&ada).await;
    let frame = json!({"type": "message:send", "id": "w1", "data": {
        "chatId": chat, "content": "x", "clientId": "w1", "metadata": {"k": format!("{NUL}")}}});
    ws.send_text(&frame.to_string()).await.unwrap();
    let (error, _) = expect(&mut ws, "error").await;
    let error = serde_json::to_value(error).unwrap();
    assert_eq!(error["id"], "w1", "{error}");
    assert_eq!(error["error"]["code"], "VALIDATION_ERROR", "{error}");
    assert_eq!(
        error["error"]["details"][0]["field"], "metadata.k",
        "{error}"
    );
    // The socket stays usable.
    ws.request(&common::ws::ClientRequest::Ping).await.unwrap();

    assert_eq!(count(&server, "messages").await, 1);
    let content: String = sqlx::query_scalar("SELECT content FROM messages")
        .fetch_one(server.store().pool())
        .await
        .unwrap();
    assert_eq!(content, "hello");
    assert_eq!(count(&server, "contacts").await, 0);
    assert_eq!(count(&server, "push_devices").await, 0);
}

/// Every string in `template` (object keys of `metadata` included) replaced in turn by
/// one with a NUL: the bodies to send.
fn with_nul_in_each_string(template: &Value) -> Vec<(String, Value)> {
    fn walk(value: &Value, path: &str, out: &mut Vec<(String, Value)>, root: &Value) {
        match value {
            Value::String(s) => {
                let mut copy = root.clone();
                *copy.pointer_mut(path).unwrap() = Value::String(format!("{s}{NUL}x"));
                out.push((path.to_owned(), copy));
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{path}/{i}"), out, root);
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    walk(item, &format!("{path}/{key}"), out, root);
                    if path.ends_with("metadata") {
                        let mut copy = root.clone();
                        let object = copy.pointer_mut(path).unwrap().as_object_mut().unwrap();
                        let moved = object.remove(key).unwrap();
                        object.insert(format!("{key}{NUL}"), moved);
                        out.push((format!("{path}/<key {key}>"), copy));
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(template, "", &mut out, template);
    out
}

#[tokio::test]
async fn nul_in_every_string_field_of_many_endpoints_never_gets_a_5xx() {
    let (server, ada, bob, chat, message) = scene().await;
    let anonymous = server.client();
    let bodies: Vec<(&Client, Method, String, Value)> = vec![
        (
            &anonymous,
            Method::POST,
            "/api/auth/register".into(),
            json!({"username": "carol", "password": "pw long enough", "passwordConfirm": "pw long enough",
                   "displayName": "Carol", "inviteCode": "abc"}),
        ),
        (
            &anonymous,
            Method::POST,
            "/api/auth/login".into(),
            json!({"username": "ada", "password": "pw"}),
        ),
        (
            &anonymous,
            Method::POST,
            "/api/auth/refresh".into(),
            json!({"refreshToken": "abc"}),
        ),
        (
            &ada,
            Method::PUT,
            "/api/users/me".into(),
            json!({"displayName": "Ada", "statusMessage": "here"}),
        ),
        (
            &ada,
            Method::POST,
            "/api/chats/group".into(),
            json!({"name": "Team", "slug": "team", "participantIds": [bob]}),
        ),
        (
            &ada,
            Method::POST,
            "/api/chats/direct".into(),
            json!({"userId": bob}),
        ),
        (
            &ada,
            Method::POST,
            format!("/api/chats/{chat}/messages"),
            json!({"content": "x", "contentType": "text", "clientId": "s1", "replyToId": message,
                   "metadata": {"k": "v", "formatting": [{"start": 0, "end": 1, "style": "bold"}]}}),
        ),
        (
            &ada,
            Method::PUT,
            format!("/api/messages/{message}"),
            json!({"content": "y", "metadata": {"k": "v"}}),
        ),
        (
            &ada,
            Method::POST,
            format!("/api/messages/{message}/reactions"),
            json!({"emoji": "👍"}),
        ),
        (
            &ada,
            Method::POST,
            "/api/contacts".into(),
            json!({"userId": bob, "message": "hi"}),
        ),
        (
            &ada,
            Method::POST,
            "/api/push/devices".into(),
            json!({"endpoint": "https://push.example.com/x", "name": "phone"}),
        ),
        (
            &ada,
            Method::POST,
            "/api/presence".into(),
            json!({"userIds": [bob]}),
        ),
        (
            &ada,
            Method::POST,
            "/api/sync".into(),
            json!({"chats": [{"chatId": chat, "seq": 0}]}),
        ),
        (
            &ada,
            Method::POST,
            "/api/notifications/read".into(),
            json!({"ids": [message]}),
        ),
    ];
    let mut tried = 0;
    for (client, method, path, template) in &bodies {
        for (field, body) in with_nul_in_each_string(template) {
            let (status, answer) = call(client, method.clone(), path, Some(&body)).await;
            assert!(
                status < 500,
                "{method} {path} with a NUL in {field}: {status} {answer}"
            );
            tried += 1;
        }
    }
    let queries = [
        "/api/users/search?q=%00",
        "/api/users/search?q=ada&cursor=x%00",
        "/api/users/search?q=ada&limit=%00",
        "/api/messages/search?q=hel%00lo",
        "/api/messages/search?q=hello&cursor=%00",
        "/api/links/resolve?url=chat%3A%2F%2Fchat%2F%00",
        "/api/notifications?cursor=%00",
        "/api/chats/slug/%00",
        "/api/users/%00",
        "/api/sync?x=%00",
    ];
    for path in queries {
        let (status, answer) = call(&ada, Method::GET, path, None).await;
        assert!(status < 500, "GET {path}: {status} {answer}");
        tried += 1;
    }
    let (status, answer) = call(
        &ada,
        Method::DELETE,
        &format!("/api/messages/{message}/reactions/%00"),
        None,
    )
    .await;
    assert!(status < 500, "DELETE reaction %00: {status} {answer}");

    // WebSocket frames: never an internal error.
    let (mut ws, _) = connect(&ada).await;
    let frames = [
        json!({"type": "message:send", "data": {"chatId": chat, "content": "x", "clientId": "f1", "metadata": {"k": "v"}}}),
        json!({"type": "message:edit", "data": {"messageId": message, "content": "y", "metadata": {"k": "v"}}}),
        json!({"type": "reaction:add", "data": {"messageId": message, "emoji": "👍"}}),
        json!({"type": "reaction:remove", "data": {"messageId": message, "emoji": "👍"}}),
        json!({"type": "typing:start", "data": {"chatId": chat}}),
        json!({"type": "presence:update", "data": {"status": "away"}}),
        json!({"type": "sync", "data": {"chats": [{"chatId": chat, "seq": 0}]}}),
    ];
    for template in &frames {
        for (field, mut frame) in with_nul_in_each_string(template) {
            if field == "/type" {
                continue;
            }
            frame["id"] = json!("f");
            ws.send_text(&frame.to_string()).await.unwrap();
            let (answer, _) = expect(&mut ws, "error").await;
            let answer = serde_json::to_value(answer).unwrap();
            assert_eq!(
                answer["error"]["code"], "VALIDATION_ERROR",
                "{field} in {template}: {answer}"
            );
            tried += 1;
        }
    }
    assert!(tried > 50, "only {tried} inputs tried");
}

#[tokio::test]
async fn names_refuse_invisible_and_direction_changing_characters() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    let anonymous = server.client();
    for hostile in [
        "evil\u{202E}gnp.exe",
        "a\u{2066}b\u{2069}",
        "zero\u{200B}width",
        "\u{FEFF}bom",
    ] {
        let answer = call(
            &anonymous,
            Method::POST,
            "/api/auth/register",
            Some(&json!({"username": "mallory", "password": "pw long enough", "passwordConfirm": "pw long enough",
                        "displayName": hostile})),
        )
        .await;
        assert_names("register", &answer, "displayName");
        let answer = call(
            &ada,
            Method::PUT,
            "/api/users/me",
            Some(&json!({"displayName": hostile})),
        )
        .await;
        assert_names("profile", &answer, "displayName");
        let answer = call(
            &ada,
            Method::POST,
            "/api/chats/group",
            Some(&json!({"name": hostile, "participantIds": [bob.user.id]})),
        )
        .await;
        assert_names("new group", &answer, "name");
    }
    assert_eq!(count(&server, "users").await, 2);
    assert_eq!(count(&server, "chats").await, 0);

    // An emoji sequence joined by U+200D is a name like any other.
    let (status, group) = call(
        &ada,
        Method::POST,
        "/api/chats/group",
        Some(&json!({"name": "👩\u{200D}💻 devs", "participantIds": [bob.user.id]})),
    )
    .await;
    assert_eq!(status, 201, "{group}");
    let id = group["id"].as_str().unwrap();
    let answer = call(
        &ada,
        Method::PUT,
        &format!("/api/chats/{id}"),
        Some(&json!({"name": "devs\u{202E}"})),
    )
    .await;
    assert_names("rename", &answer, "name");
    let (status, me) = call(
        &ada,
        Method::PUT,
        "/api/users/me",
        Some(&json!({"displayName": "Ada 👩\u{200D}💻"})),
    )
    .await;
    assert_eq!(status, 200, "{me}");
}

#[tokio::test]
async fn a_contact_note_refuses_control_characters_like_a_message() {
    let server = TestServer::start().await;
    let (ada, _) = server.user("ada").await;
    let (_, bob) = server.user("bob").await;
    for hostile in [
        "hi \u{1b}[2J\u{1b}[31mfake prompt",
        "bell\u{7}",
        "c1\u{9b}31m",
    ] {
        let answer = call(
            &ada,
            Method::POST,
            "/api/contacts",
            Some(&json!({"userId": bob.user.id, "message": hostile})),
        )
        .await;
        assert_names("note", &answer, "message");
    }
    assert_eq!(count(&server, "contacts").await, 0);
    let (status, answer) = call(
        &ada,
        Method::POST,
        "/api/contacts",
        Some(&json!({"userId": bob.user.id, "message": "Hi Bob,\nit's Ada\tfrom work"})),
    )
    .await;
    assert!(status == 200 || status == 201, "{status} {answer}");
}
