//! The OpenAPI document against the real server: every route the router is built from is in
//! the served document with its method, every documented operation is routed, and what is
//! served is the committed docs/openapi.json.

#![allow(clippy::unwrap_used, clippy::expect_used)] // integration tests: a failed unwrap is a failed test

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use testkit::TestServer;

/// (METHOD, path) pairs.
type Routes = BTreeSet<(String, String)>;

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// Every `.route("<path>", <method>(..).<method>(..))` of chatd's sources: the calls the
/// router is built from. The metrics listener (`metrics/`) is a router of its own, on its
/// own address, and not part of the API.
fn routes_in_source() -> Routes {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut routes = Routes::new();
    for file in files {
        if file.starts_with(src.join("metrics")) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices(".route(") {
            let args = call_arguments(&text[at + ".route".len()..]);
            let path = args
                .split('"')
                .nth(1)
                .unwrap_or_else(|| panic!("{}: a route without a literal path", file.display()));
            let methods = methods_in(args);
            assert!(
                !methods.is_empty(),
                "{}: no method for {path}",
                file.display()
            );
            for method in methods {
                routes.insert((method.to_uppercase(), path.to_owned()));
            }
        }
    }
    routes
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text between the parenthesis `text` opens with and the one that closes it.
fn call_arguments(text: &str) -> &str {
    let mut depth = 0;
    let mut in_string = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_string = !in_string,
            '(' if !in_string => depth += 1,
            ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return &text[1..i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced call: {}", &text[..text.len().min(80)]);
}

/// The method routers named in a `.route(..)`'s arguments: `get(`, `.put(`, `routing::delete(`.
fn methods_in(args: &str) -> Vec<&'static str> {
    let mut found = Vec::new();
    for method in METHODS {
        let call = format!("{method}(");
        for (at, _) in args.match_indices(&call) {
            let before = args[..at].chars().next_back();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                found.push(method);
            }
        }
    }
    found
}

fn routes_in_document(doc: &Value) -> Routes {
    let mut routes = Routes::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

async fn served_document(server: &TestServer) -> Value {
    let resp = reqwest::get(format!("{}/api/openapi.json", server.base_url))
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(
        resp.headers()["content-type"].to_str().unwrap(),
        "application/json"
    );
    resp.json().await.unwrap()
}

#[tokio::test]
async fn every_route_is_documented_with_its_method_and_every_operation_is_routed() {
    let server = TestServer::start().await;
    let doc = served_document(&server).await;
    assert_eq!(doc["openapi"], "3.1.0");
    let source = routes_in_source();
    // The scan must have found the router, not an empty list that matches nothing.
    assert!(source.len() > 50, "only {} routes found", source.len());
    assert!(source.contains(&("GET".to_owned(), "/api/chats/{id}/messages".to_owned())));
    let documented = routes_in_document(&doc);
    let undocumented: Vec<_> = source.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the document: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented.difference(&source).collect();
    assert!(
        unrouted.is_empty(),
        "documented but not routed: {unrouted:?}"
    );

    // And the server itself routes each documented operation: a request with placeholder
    // path parameters reaches a handler (which may refuse it) rather than "no such route".
    let http = reqwest::Client::new();
    for (method, path) in &documented {
        let concrete = path
            .replace("{id}", &uuid::Uuid::now_v7().to_string())
            .replace("{user_id}", &uuid::Uuid::now_v7().to_string())
            .replace("{slug}", "no-such-slug")
            .replace("{emoji}", "x");
        let resp = http
            .request(
                method.parse().unwrap(),
                format!("{}{concrete}", server.base_url),
            )
            .send()
            .await
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap();
        assert!(
            !(status == 404 && text.contains("no such route")),
            "{method} {path} is documented but not routed"
        );
    }
}

#[tokio::test]
async fn every_operation_has_a_unique_id_its_error_body_and_auth() {
    let server = TestServer::start().await;
    let doc = served_document(&server).await;
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_owned()), "operationId {id} repeats");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{method} {path}: no 500");
            let public = [
                "/health",
                "/health/ready",
                "/api/openapi.json",
                "/api/auth/register",
                "/api/auth/login",
                "/api/auth/refresh",
                "/api/auth/password-reset",
                "/api/auth/password-reset/confirm",
                "/api/auth/verify-email/resend",
                "/api/users/me/email/verify",
                "/ws",
            ];
            if !public.contains(&path.as_str()) {
                assert_eq!(
                    op["security"],
                    serde_json::json!([{"bearer": []}]),
                    "{method} {path} needs the bearer token"
                );
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
            }
        }
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["ErrorResponse"].is_object());
}

#[tokio::test]
async fn the_served_document_is_the_committed_one() {
    let chatd = TestServer::start().await;
    let mut served = served_document(&chatd).await;
    let committed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json");
    let mut committed: Value =
        serde_json::from_str(&std::fs::read_to_string(committed).unwrap()).unwrap();
    // Only the server URL may differ (it is `http.public_url` when set).
    served.as_object_mut().unwrap().remove("servers");
    committed.as_object_mut().unwrap().remove("servers");
    assert!(
        served == committed,
        "docs/openapi.json is stale: run `cargo xtask gen`"
    );
}

#[tokio::test]
async fn the_document_names_the_public_url_as_its_server() {
    let mut config = testkit::test_config();
    config.http.public_url = Some("https://chat.example.org".into());
    let server = TestServer::with_config(config).await;
    let doc = served_document(&server).await;
    assert_eq!(
        doc["servers"],
        serde_json::json!([{"url": "https://chat.example.org"}])
    );
}
