//! Input an attacker would send, on both backends (PostgreSQL when `CONVO_TEST_POSTGRES_URL`
//! is set, as in CI): every case is a clear 4xx problem, never a 500, the two backends answer
//! alike, and what was accepted reads back.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::common::*;

/// What every backend must answer: (method, path, body, expected status).
fn refused_cases() -> Vec<(Method, String, Option<Value>, StatusCode)> {
    let nul = "nul\u{0}";
    let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
    let mut cases = vec![];
    // A NUL in any JSON string: PostgreSQL cannot store one, so neither backend accepts it.
    for (path, body) in [
        ("/v1/contacts", json!({ "name": nul })),
        ("/v1/contacts", json!({ "name": "c", "external_id": nul })),
        (
            "/v1/contacts",
            json!({ "name": "c", "metadata": { "k": nul } }),
        ),
        ("/v1/business-units", json!({ "name": nul })),
        ("/v1/channels", json!({ "type": "web", "identifier": nul })),
        ("/v1/conversations", json!({ "name": nul })),
        ("/v1/conversations", json!({ "metadata": { nul: 1 } })),
        ("/v1/users", json!({ "name": nul })),
    ] {
        cases.push((Method::POST, path.to_owned(), Some(body), unprocessable));
    }
    // ... and in a query value (`400`) or a path id (no object has such an id: `404`).
    for path in [
        "/v1/contacts?external_id=%00",
        "/v1/channels?identifier=%00",
        "/v1/conversations?q=%00",
    ] {
        cases.push((Method::GET, path.to_owned(), None, StatusCode::BAD_REQUEST));
    }
    cases.push((
        Method::GET,
        "/v1/conversations/by-public-id/%00".to_owned(),
        None,
        StatusCode::NOT_FOUND,
    ));
    // Page numbers whose offset no database can take.
    for path in [
        "/v1/conversations?page_num=9223372036854775807",
        "/v1/contacts?page_num=9223372036854775807",
        "/v1/users?page_num=9223372036854775807",
        "/admin/api/v2/conversations?page_num=9223372036854775807",
        "/v1/conversations/00000000-0000-0000-0000-000000000000/messages?skip=9223372036854775807",
    ] {
        let expected = if path.contains("/messages") {
            StatusCode::NOT_FOUND
        } else {
            unprocessable
        };
        cases.push((Method::GET, path.to_owned(), None, expected));
    }
    // Numbers past what the field holds.
    cases.push((
        Method::GET,
        "/v1/conversations?limit=99999999999999999999".to_owned(),
        None,
        StatusCode::BAD_REQUEST,
    ));
    cases
}

async fn refused_alike(server: &TestServer, backend: &str) {
    for (method, path, body, expected) in refused_cases() {
        let mut request = server.raw(method.clone(), &path);
        if let Some(body) = &body {
            request = request.json(body);
        }
        let (status, problem) = answer(request.send().await.unwrap()).await;
        assert_eq!(
            status, expected,
            "{backend}: {method} {path} {body:?} → {problem}"
        );
    }
}

/// Accepted extremes must read back, one by one and in lists (on PostgreSQL a number past
/// `1e308` once poisoned every later read of the organization's contacts).
async fn accepted_reads_back(server: &TestServer, backend: &str) {
    let huge = json!({ "n": 1.797_693_134_862_315_7e308, "tiny": -1.797_693_134_862_315_7e308 });
    for (path, body) in [
        ("/v1/contacts", json!({ "name": "huge", "metadata": huge })),
        (
            "/v1/business-units",
            json!({ "name": "huge", "metadata": huge }),
        ),
        (
            "/v1/conversations",
            json!({ "name": "huge", "metadata": huge }),
        ),
    ] {
        let (status, created) = answer(
            server
                .raw(Method::POST, path)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{backend}: {path} {created}");
        let id = created["id"].as_str().unwrap();
        let (status, read) = answer(
            server
                .raw(Method::GET, &format!("{path}/{id}"))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{backend}: {path}/{id} {read}");
        assert_eq!(read["metadata"], huge, "{backend}: read back as written");
        let (status, list) = answer(server.raw(Method::GET, path).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{backend}: {path} {list}");
    }
}

#[tokio::test]
async fn bad_input_is_refused_alike_and_accepted_input_reads_back_on_every_backend() {
    let sqlite = TestServer::start().await;
    refused_alike(&sqlite, "SQLite").await;
    accepted_reads_back(&sqlite, "SQLite").await;
    sqlite.stop().await;
    if let Some(postgres) = TestServer::start_on_postgres().await {
        refused_alike(&postgres, "PostgreSQL").await;
        accepted_reads_back(&postgres, "PostgreSQL").await;
        postgres.stop().await;
    }
}

#[tokio::test]
async fn a_missing_field_is_named_where_it_is_missing() {
    let server = TestServer::start().await;
    let conversation = server
        .admin
        .conversations()
        .create(&Default::default())
        .await
        .unwrap();
    let handoff = format!("/v1/conversations/{}/handoff", conversation.id);
    for (path, body, field) in [
        ("/v1/api-keys", serde_json::json!({}), "name"),
        (
            "/v1/labels",
            serde_json::json!({"color": "#1d4ed8"}),
            "name",
        ),
        (handoff.as_str(), serde_json::json!({"to": {}}), "to.type"),
    ] {
        let (status, problem) = answer(
            server
                .raw(reqwest::Method::POST, path)
                .json(&body)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
    }
    server.stop().await;
}
