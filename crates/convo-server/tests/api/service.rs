//! Health, the OpenAPI document, keys and scopes, tenancy, and what bad input answers.

use convo_client::{ConversationFilters, Page};
use convo_types::{CreateApiKey, CreateConversation, CreateOrganization, ErrorCode, Scope, Status};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn health_readiness_and_openapi() {
    let server = TestServer::start().await;
    let (status, body) = answer(
        server
            .http
            .get(format!("{}/healthz", server.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["status"].clone()),
        (StatusCode::OK, json!("ok"))
    );
    let (status, spec) = answer(
        server
            .http
            .get(format!("{}/openapi.json", server.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/v1/conversations",
        "/v1/conversations/{id}",
        "/v1/conversations/{id}/status",
        "/v1/conversations/by-public-id/{public_id}",
        "/v1/contacts",
        "/v1/channels",
        "/v1/organizations",
        "/v1/events",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} is documented");
    }
    server.stop().await;
}

#[test]
fn openapi_document_is_stable() {
    let spec = serde_json::to_value(convo_server::openapi()).unwrap();
    // Every request body an operation declares has a schema (a finishing step once added
    // empty ones to operations without a body).
    for (path, operations) in spec["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            if let Some(body) = operation.get("requestBody") {
                for (media, content) in body["content"].as_object().unwrap() {
                    assert!(
                        content["schema"].is_object(),
                        "{method} {path} {media}: {body}"
                    );
                }
            }
        }
    }
    insta::assert_json_snapshot!("openapi", spec);
}

#[tokio::test]
async fn keys_are_required_and_scoped() {
    let server = TestServer::start().await;
    let (status, body) = answer(
        server
            .http
            .get(format!("{}/v1/conversations", server.url))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (StatusCode::UNAUTHORIZED, json!("unauthorized"))
    );
    let wrong = server.admin.with_api_key("convo_sk_nope");
    let err = wrong
        .conversations()
        .list(&ConversationFilters::default(), &Page::default())
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(401), Some(ErrorCode::Unauthorized))
    );
    let reader = server.key(vec![Scope::ConversationsRead]).await;
    reader
        .conversations()
        .list(&ConversationFilters::default(), &Page::default())
        .await
        .unwrap();
    let err = reader
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(403), Some(ErrorCode::MissingScope))
    );
    assert!(
        err.to_string().contains("conversations:write"),
        "the missing scope is named: {err}"
    );
    let err = reader.contacts().list(&Page::default()).await.unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::MissingScope));
    // Only the first key holds `platform`; keys cannot be made with it.
    let err = reader
        .organizations()
        .list(&Page::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(403));
    let err = server
        .admin
        .api_keys()
        .create(&CreateApiKey {
            name: "p".into(),
            scopes: vec![Scope::Platform],
            user_id: None,
            business_unit_ids: None,
        })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    server.stop().await;
}

#[tokio::test]
async fn tenants_are_isolated_and_foreign_ids_are_404() {
    let server = TestServer::start().await;
    let created = server
        .admin
        .organizations()
        .create(&CreateOrganization {
            name: "Acme".into(),
        })
        .await
        .unwrap();
    let acme = server
        .admin
        .with_api_key(created.admin_key.secret.clone().unwrap());
    assert!(!created.admin_key.scopes.contains(&Scope::Platform));
    let theirs = acme
        .conversations()
        .create(&CreateConversation {
            name: Some("Acme only".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let ours = server
        .admin
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap();
    for err in [
        server
            .admin
            .conversations()
            .get(theirs.id)
            .await
            .unwrap_err(),
        server
            .admin
            .conversations()
            .get_by_conversation_id(&theirs.public_id)
            .await
            .unwrap_err(),
        server
            .admin
            .conversations()
            .update_name(theirs.id, "mine now")
            .await
            .unwrap_err(),
        server
            .admin
            .conversations()
            .update_status(theirs.id, Status::Closed)
            .await
            .unwrap_err(),
        server
            .admin
            .conversations()
            .delete_conversation(theirs.id, true)
            .await
            .unwrap_err(),
        server
            .admin
            .conversations()
            .events(theirs.id, None)
            .await
            .unwrap_err(),
        acme.conversations().get(ours.id).await.unwrap_err(),
        acme.business_units()
            .get(ours.business_unit_id)
            .await
            .unwrap_err(),
    ] {
        assert_eq!(
            (err.status(), err.code()),
            (Some(404), Some(ErrorCode::NotFound)),
            "{err}"
        );
    }
    let listed = acme
        .conversations()
        .list(&ConversationFilters::default(), &Page::default())
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![theirs.id]
    );
    let orgs = server
        .admin
        .organizations()
        .list(&Page {
            include_total: true,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(orgs.total, Some(2));
    // `tenant_id` must be the key's own organization.
    let (status, _) = answer(
        server
            .raw(reqwest::Method::POST, "/v1/conversations")
            .json(&json!({"tenant_id": created.organization.id}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

#[tokio::test]
async fn bad_input_gets_clear_errors_and_changes_nothing() {
    let server = TestServer::start_with(|s| s.body_limit = 64 * 1024).await;
    use reqwest::Method;
    let post = |body: &'static str| {
        server
            .raw(Method::POST, "/v1/conversations")
            .header("content-type", "application/json")
            .body(body)
    };
    let cases: Vec<(reqwest::RequestBuilder, StatusCode, &str)> = vec![
        (post("{\"name\":"), StatusCode::BAD_REQUEST, "invalid_json"),
        (
            post("{\"name\": \"x\""),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            post("{\"name\": 5}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            post("{\"status\": \"bogus\"}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            post("{\"metadata\": []}"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (post("{} trailing"), StatusCode::BAD_REQUEST, "invalid_json"),
        (
            server
                .raw(Method::POST, "/v1/conversations")
                .header("content-type", "text/plain")
                .body("{}"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        ),
        (
            server
                .raw(Method::POST, "/v1/conversations")
                .json(&json!({"name": "x".repeat(201)})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(Method::POST, "/v1/conversations")
                .json(&json!({"metadata": {"big": "x".repeat(40_000)}})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(Method::POST, "/v1/conversations")
                .json(&json!({"name": "x".repeat(100_000)})),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            server
                .raw(Method::POST, "/v1/conversations")
                .header("content-type", "application/json")
                .body(format!(
                    "{{\"metadata\":{}1{}}}",
                    "[".repeat(5000),
                    "]".repeat(5000)
                )),
            StatusCode::BAD_REQUEST,
            "invalid_json",
        ),
        (
            server.raw(Method::GET, "/v1/conversations/not-a-uuid"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server.raw(
                Method::GET,
                &format!("/v1/conversations/{}", uuid::Uuid::now_v7()),
            ),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server.raw(Method::GET, "/v1/conversations?limit=0"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(Method::GET, "/v1/conversations?limit=ten"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            server.raw(Method::GET, "/v1/conversations?contact_id=zzz"),
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        (
            server.raw(Method::GET, "/v1/conversations?cursor=bm9wZQ"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(Method::GET, "/v1/nowhere"),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server.raw(Method::PUT, "/v1/conversations"),
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            server
                .raw(Method::POST, "/v1/contacts")
                .json(&json!({"email": "not an email"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(
                    Method::PATCH,
                    "/v1/conversations/00000000-0000-0000-0000-000000000000/status",
                )
                .json(&json!({"status": "open"})),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
    ];
    expect_problems(cases).await;
    let (_, body) = answer(post("{\"name\": 5}").send().await.unwrap()).await;
    assert_eq!(
        body["errors"][0]["field"], "name",
        "type errors name the field"
    );
    let all = server
        .admin
        .conversations()
        .list(
            &ConversationFilters::default(),
            &Page {
                include_total: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(all.total, Some(0), "no bad request created anything");
    server.stop().await;
}

#[tokio::test]
async fn error_body_shape_is_stable() {
    let server = TestServer::start().await;
    let (_, body) = answer(
        server
            .raw(reqwest::Method::POST, "/v1/contacts")
            .json(&json!({"email": "nope", "image": "ftp://x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    insta::assert_json_snapshot!("validation_problem", body);
    server.stop().await;
}
