//! What the HTTP surface promises beyond each route: bodies are JSON objects, empty and NUL
//! values are refused the same way on every route, browsers may call the API from the
//! configured origins, and people get a docs page.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{answer, expect_problems, TestServer};

#[tokio::test]
async fn bodies_queries_and_headers_are_refused_alike() {
    let server = TestServer::start().await;
    let conversation = server
        .admin
        .conversations()
        .create(&Default::default())
        .await
        .unwrap();
    let path = format!("/v1/conversations/{}", conversation.id);
    let body = |method: Method, path: &str, text: &str| {
        server
            .raw(method, path)
            .header("content-type", "application/json")
            .body(text.to_owned())
    };
    let cases = [
        // Not mapped onto fields by position.
        (
            body(Method::POST, "/v1/business-units", r#"["ArrayUnit"]"#),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            body(
                Method::PATCH,
                "/v1/contacts/00000000-0000-0000-0000-000000000000",
                r#"[null,null,"x@example.com"]"#,
            ),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            body(Method::POST, "/v1/contacts", "\"text\""),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            body(Method::POST, "/v1/contacts", r#"{"name": "nul\u0000"}"#),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(Method::GET, "/v1/conversations?business_unit_id="),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            server.raw(Method::GET, "/v1/contacts?external_id=%00"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            server.raw(Method::GET, "/v1/conversations/by-public-id/%00"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server.raw(Method::GET, "/v1/contacts?page_num=9223372036854775807"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(Method::GET, "/v1/conversations?order=sideways"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            body(Method::PATCH, &path, "{}").header("if-match", "v1"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            body(Method::POST, "/v1/contacts", "{}").header("idempotency-key", "x".repeat(256)),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            body(
                Method::POST,
                "/v1/users",
                r#"{"name": "A", "avatar_url": "http://"}"#,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];
    expect_problems(cases).await;
    // An empty optional header is no header; free text may be empty.
    let (status, _) = answer(
        body(Method::PATCH, &path, r#"{"name": "x"}"#)
            .header("if-match", "")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = answer(
        server
            .raw(Method::GET, "/v1/conversations?q=")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, units) = answer(
        server
            .raw(Method::GET, "/v1/business-units")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        units["data"].as_array().unwrap().len(),
        1,
        "no refused body created anything"
    );
    server.stop().await;
}

#[tokio::test]
async fn browsers_may_call_from_configured_origins_only() {
    let server =
        TestServer::start_with(|s| s.cors_origins = vec!["https://app.example.com".into()]).await;
    let preflight = |origin: &str| {
        server
            .http
            .request(Method::OPTIONS, format!("{}/v1/conversations", server.url))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type, idempotency-key",
            )
    };
    let allowed = preflight("https://app.example.com").send().await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    let methods = allowed.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("POST") && methods.contains("PATCH"),
        "{methods}"
    );
    let other = preflight("https://evil.example.com").send().await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let read = server
        .raw(Method::GET, "/v1/conversations")
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    let exposed = read.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    for header in ["etag", "x-request-id", "retry-after", "idempotent-replayed"] {
        assert!(exposed.contains(header), "{header} in {exposed}");
    }
    server.stop().await;

    let closed = TestServer::start().await;
    let response = closed
        .http
        .get(format!("{}/healthz", closed.url))
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none(),
        "no origin by default"
    );
    closed.stop().await;
}

#[tokio::test]
async fn people_get_a_docs_page_without_internet() {
    let server = TestServer::start().await;
    let get = |path: &str| server.http.get(format!("{}{path}", server.url)).send();
    let home = get("/").await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let home = home.text().await.unwrap();
    assert!(home.contains("href=\"/docs\"") && home.contains("href=\"/openapi.json\""));
    let docs = get("/docs").await.unwrap().text().await.unwrap();
    // Every asset the page loads is served by convo itself.
    for asset in ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js"] {
        assert!(docs.contains(asset), "{asset}");
        let response = get(asset).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{asset}");
        assert!(
            response.bytes().await.unwrap().len() > 100_000,
            "{asset} is the real viewer"
        );
    }
    assert!(!docs.contains("https://"), "no file from the internet");
    let spec: serde_json::Value = get("/openapi.json").await.unwrap().json().await.unwrap();
    assert_eq!(spec["info"]["version"], json!(env!("CARGO_PKG_VERSION")));
    server.stop().await;
}

#[tokio::test]
async fn the_inbox_is_served_from_the_binary() {
    let server = TestServer::start().await;
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let get = |path: &str, accept: &str| {
        no_redirects
            .get(format!("{}{path}", server.url))
            .header("accept", accept)
            .send()
    };
    // A browser asking for the server's root goes to the inbox; other clients see links.
    let root = get("/", "text/html,application/xhtml+xml").await.unwrap();
    assert_eq!(root.status(), StatusCode::SEE_OTHER);
    assert_eq!(root.headers()["location"], "/inbox/");
    assert_eq!(
        get("/inbox", "text/html").await.unwrap().status(),
        StatusCode::PERMANENT_REDIRECT
    );

    // Every path of the app is its page, never cached, under a policy that allows only convo.
    for path in ["/inbox/", "/inbox/c/some-conversation", "/inbox/password"] {
        let page = get(path, "text/html").await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let headers = page.headers().clone();
        assert_eq!(headers["content-type"], "text/html; charset=utf-8");
        assert_eq!(headers["cache-control"], "no-cache");
        let policy = headers["content-security-policy"].to_str().unwrap();
        assert!(policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'"));
        let html = page.text().await.unwrap();
        assert!(html.contains("<div id=\"app\">"), "{path}");
        assert!(!html.contains("https://"), "no file from the internet");
    }

    // The page's own files: hashed names kept for good, compressed for browsers that ask.
    let html = get("/inbox/", "text/html")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let assets: Vec<&str> = html
        .split('"')
        .filter(|part| part.starts_with("/inbox/assets/"))
        .collect();
    assert!(
        assets.iter().any(|a| a.ends_with(".js")) && assets.iter().any(|a| a.ends_with(".css"))
    );
    for asset in assets {
        let plain = get(asset, "*/*").await.unwrap();
        assert_eq!(plain.status(), StatusCode::OK, "{asset}");
        assert_eq!(
            plain.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let expected = if asset.ends_with(".js") {
            "text/javascript"
        } else {
            "text/css"
        };
        assert_eq!(plain.headers()["content-type"], expected, "{asset}");
        let size = plain.bytes().await.unwrap().len();
        let gzipped = no_redirects
            .get(format!("{}{asset}", server.url))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(gzipped.headers()["content-encoding"], "gzip");
        assert!(gzipped.bytes().await.unwrap().len() < size, "{asset}");
    }
    // A file the build does not have is 404, not the page.
    assert_eq!(
        get("/inbox/assets/missing.js", "*/*")
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
    server.stop().await;
}

#[tokio::test]
async fn a_request_id_is_kept_only_when_it_is_a_plain_token() {
    let server = TestServer::start().await;
    let id_of = |sent: &'static str| {
        let request = server
            .raw(Method::GET, "/healthz")
            .header("x-request-id", sent);
        async move {
            let response = request.send().await.unwrap();
            response.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(id_of("trace-7f3a:9.1_b").await, "trace-7f3a:9.1_b");
    // What could forge fields in the text log is replaced by an id of the server's own.
    for forged in [
        "x status=500 organization_id=forged",
        "line\tbreak",
        "\"quoted\"",
        "long-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ] {
        let made = id_of(forged).await;
        assert_ne!(made, forged);
        assert!(uuid::Uuid::parse_str(&made).is_ok(), "{made}");
    }
    server.stop().await;
}

/// Every answer body kept for idempotent replays, as stored.
async fn kept_replays(server: &TestServer) -> Vec<Vec<u8>> {
    use sqlx::Connection;
    let query = "SELECT body FROM idempotency_keys WHERE body IS NOT NULL";
    if server.database_url.starts_with("postgres") {
        let mut db = sqlx::PgConnection::connect(&server.database_url)
            .await
            .unwrap();
        sqlx::query_scalar(query).fetch_all(&mut db).await.unwrap()
    } else {
        let path = server._dir.path().join("convo.db");
        let url = format!("sqlite://{}", path.display());
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar(query).fetch_all(&mut db).await.unwrap()
    }
}

#[tokio::test]
async fn a_secret_is_shown_once_even_to_a_replay() {
    let server = TestServer::start_with(|s| s.webhook_allow_private = true).await;
    let create = |path: &'static str, body: serde_json::Value| {
        server
            .raw(Method::POST, path)
            .header("idempotency-key", format!("once-{path}"))
            .json(&body)
    };
    let cases = [
        (
            "/v1/api-keys",
            json!({"name": "ci", "scopes": ["conversations:read"]}),
            "/secret",
        ),
        (
            "/v1/webhooks",
            json!({"url": "http://127.0.0.1:9/convo"}),
            "/secret",
        ),
        (
            "/v1/invitations",
            json!({"email": "new.person@example.com"}),
            "/token",
        ),
    ];
    for (path, body, secret_at) in cases {
        let first = create(path, body.clone()).send().await.unwrap();
        assert_eq!(first.status(), StatusCode::CREATED, "{path}");
        let first: serde_json::Value = first.json().await.unwrap();
        let secret = first
            .pointer(secret_at)
            .and_then(|s| s.as_str())
            .unwrap()
            .to_owned();

        let replay = create(path, body).send().await.unwrap();
        assert_eq!(replay.status(), StatusCode::CREATED, "{path}");
        assert_eq!(replay.headers()["idempotent-replayed"], "true");
        assert_eq!(replay.headers()["secrets-withheld"], "true", "{path}");
        let replay: serde_json::Value = replay.json().await.unwrap();
        assert_eq!(replay["id"], first["id"], "the same object");
        assert!(
            replay.pointer(secret_at).unwrap().is_null(),
            "{path}: {replay}"
        );
        assert!(!replay.to_string().contains(&secret), "{path}");
        // Nothing at rest holds it either.
        for kept in kept_replays(&server).await {
            assert!(!String::from_utf8_lossy(&kept).contains(&secret), "{path}");
        }
    }
    // An answer without secrets replays whole, and says nothing of secrets.
    let body = json!({"name": "plain"});
    let first = create("/v1/labels", body.clone()).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let replay = create("/v1/labels", body).send().await.unwrap();
    assert!(replay.headers().get("secrets-withheld").is_none());
    server.stop().await;
}
