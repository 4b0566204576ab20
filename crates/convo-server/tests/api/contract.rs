//! The document checked against the server on every answer the suite receives: each test
//! server sits behind a proxy that matches the request to its documented operation and checks
//! the status is documented, the media type is the documented one, and the body validates
//! against the documented schema. A handler and its document cannot drift apart unnoticed.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};
use tokio::net::TcpListener;

/// What the proxies found wrong, per test server.
pub type Violations = Arc<Mutex<Vec<String>>>;

struct Document {
    doc: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

static DOCUMENT: LazyLock<Document> = LazyLock::new(|| Document {
    doc: convo_server::openapi(),
    validators: Mutex::default(),
});

impl Document {
    /// The operation of `method` on `path`: the literal route wins over a templated one
    /// (`/v1/conversations/search` over `/v1/conversations/{id}`).
    fn operation(&self, method: &str, path: &str) -> Option<(String, &Value)> {
        let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        let mut best: Option<(usize, String, &Value)> = None;
        for (template, item) in self.doc["paths"].as_object()? {
            let parts: Vec<&str> = template.split('/').collect();
            if parts.len() != segments.len() {
                continue;
            }
            let mut holes = 0;
            let matches = parts.iter().zip(&segments).all(|(part, segment)| {
                if part.starts_with('{') {
                    holes += 1;
                    !segment.is_empty()
                } else {
                    part == segment
                }
            });
            let Some(op) = item.get(method) else { continue };
            if matches && best.as_ref().is_none_or(|(h, _, _)| holes < *h) {
                best = Some((holes, template.clone(), op));
            }
        }
        best.map(|(_, template, op)| (template, op))
    }

    fn validator(&self, pointer: &str) -> Arc<jsonschema::Validator> {
        if let Some(found) = self.validators.lock().unwrap().get(pointer) {
            return found.clone();
        }
        // The whole document is the root, so `#/components/schemas/...` references resolve.
        let mut root = self.doc.clone();
        root["$ref"] = json!(format!("#{pointer}"));
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("the schema at {pointer} compiles: {e}"));
        let validator = Arc::new(validator);
        self.validators
            .lock()
            .unwrap()
            .insert(pointer.to_owned(), validator.clone());
        validator
    }
}

/// A JSON pointer segment, as it may stand in a URI fragment.
fn escape(segment: &str) -> String {
    segment
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// What is wrong with one answer, if anything.
fn check(method: &str, path: &str, status: u16, headers: &HeaderMap, body: &[u8]) -> Vec<String> {
    let media = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().trim().to_owned());
    let at = format!("{} {path} → {status}", method.to_uppercase());
    let Some((template, op)) = DOCUMENT.operation(method, path) else {
        // No route (404) or no such method (405): answered by the router, not an operation.
        return if status >= 400 && media.as_deref() != Some("application/problem+json") {
            vec![format!(
                "{at}: an error outside any operation must be problem+json"
            )]
        } else {
            Vec::new()
        };
    };
    let status_key = status.to_string();
    let Some(response) = op["responses"].get(&status_key) else {
        return vec![format!("{at}: status not documented for {template}")];
    };
    let Some(content) = response.get("content") else {
        return if body.is_empty() {
            Vec::new()
        } else {
            vec![format!("{at}: documented without a body, but one was sent")]
        };
    };
    let Some(media) = media else {
        return vec![format!("{at}: no content-type")];
    };
    // `*/*`: any type (a stored file is served as what it is).
    let Some(documented) = content.get(&media).or_else(|| content.get("*/*")) else {
        return vec![format!("{at}: served as {media}, documented as {content}")];
    };
    if !media.ends_with("json") || documented.get("schema").is_none() {
        return Vec::new();
    }
    let Ok(instance) = serde_json::from_slice::<Value>(body) else {
        return vec![format!("{at}: the body is not JSON")];
    };
    let pointer = format!(
        "/paths/{}/{method}/responses/{status_key}/content/{}/schema",
        escape(&template),
        escape(&media)
    );
    DOCUMENT
        .validator(&pointer)
        .iter_errors(&instance)
        .map(|e| format!("{at}: {} at `{}`", e, e.instance_path()))
        .collect()
}

struct Proxy {
    upstream: String,
    http: reqwest::Client,
    violations: Violations,
}

/// Starts a checking proxy in front of `upstream`; answers its URL.
pub async fn proxy(upstream: String, violations: Violations) -> String {
    let state = Arc::new(Proxy {
        upstream,
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        violations,
    });
    let app = axum::Router::new().fallback(forward).with_state(state);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

const HOP_BY_HOP: &[&str] = &["host", "connection", "transfer-encoding", "content-length"];

async fn forward(State(proxy): State<Arc<Proxy>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_lowercase();
    let path = parts.uri.path().to_owned();
    let target = format!(
        "{}{}",
        proxy.upstream,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let body = to_bytes(body, usize::MAX).await.unwrap();
    let mut outgoing = proxy.http.request(parts.method.clone(), target).body(body);
    for (name, value) in &parts.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = outgoing.send().await.expect("the server answers");
    let status = answer.status();
    let mut headers = answer.headers().clone();
    for name in HOP_BY_HOP {
        headers.remove(*name);
    }
    let streaming = headers
        .get("content-type")
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    let body = if streaming {
        // A live stream is checked for its status and media type, then passed on as it comes.
        let found = check(&method, &path, status.as_u16(), &headers, b"");
        proxy.violations.lock().unwrap().extend(found);
        Body::from_stream(futures_util::stream::unfold(
            answer,
            |mut answer| async move {
                match answer.chunk().await {
                    Ok(Some(chunk)) => Some((Ok::<_, reqwest::Error>(chunk), answer)),
                    Ok(None) => None,
                    Err(e) => Some((Err(e), answer)),
                }
            },
        ))
    } else {
        let bytes = answer.bytes().await.unwrap_or_default();
        let found = check(&method, &path, status.as_u16(), &headers, &bytes);
        proxy.violations.lock().unwrap().extend(found);
        Body::from(bytes)
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status.as_u16()).unwrap();
    *response.headers_mut() = headers;
    response
}

#[test]
fn operations_match_literal_routes_first() {
    let (template, _) = DOCUMENT
        .operation("get", "/v1/conversations/search")
        .unwrap();
    assert_eq!(template, "/v1/conversations/search");
    let (template, _) = DOCUMENT
        .operation(
            "get",
            "/v1/conversations/0190a6c2-0000-7000-8000-000000000000",
        )
        .unwrap();
    assert_eq!(template, "/v1/conversations/{id}");
    assert!(DOCUMENT.operation("put", "/v1/conversations").is_none());
}

#[test]
fn a_wrong_answer_is_caught() {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    let wrong_status = check("get", "/v1/channels", 418, &headers, b"{}");
    assert_eq!(wrong_status.len(), 1, "{wrong_status:?}");
    let wrong_shape = check("get", "/v1/channels", 200, &headers, br#"{"data": 1}"#);
    assert!(!wrong_shape.is_empty());
    let right = check(
        "get",
        "/v1/channels",
        200,
        &headers,
        br#"{"object_name": "list", "data": [], "has_more": false, "next_cursor": null}"#,
    );
    assert_eq!(right, Vec::<String>::new());
    let error_as_json = check("get", "/v1/channels/x", 404, &headers, b"{}");
    assert_eq!(error_as_json.len(), 1, "{error_as_json:?}");
}
