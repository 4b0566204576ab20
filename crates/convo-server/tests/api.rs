//! API tests: the real server on port 0, driven over HTTP through `convo-client` (and raw
//! requests where the point is a malformed one).

use std::collections::HashSet;

use convo_client::{Client, ConversationFilters, Page};
use convo_server::{launch, Settings};
use convo_types::{
    Address, ChannelType, CreateApiKey, CreateChannel, CreateContact, CreateConversation,
    CreateOrganization, ErrorCode, EventType, Scope, Status, UpdateConversation,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

const ADMIN_KEY: &str = "convo_sk_test_admin_key_0123456789";

struct TestServer {
    url: String,
    admin: Client,
    http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    async fn start_with(configure: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut settings = Settings::new(dir.path().join("convo.db").to_str().unwrap());
        settings.admin_key = Some(ADMIN_KEY.into());
        configure(&mut settings);
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(launch(settings, listener, async {
            let _ = stopped.await;
        }));
        let server = TestServer {
            admin: Client::new(&url, ADMIN_KEY).unwrap(),
            http: reqwest::Client::new(),
            url,
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        };
        for _ in 0..100 {
            if let Ok(r) = server
                .http
                .get(format!("{}/readyz", server.url))
                .send()
                .await
            {
                if r.status() == StatusCode::OK {
                    return server;
                }
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        panic!("the server did not become ready");
    }

    fn raw(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.url))
            .bearer_auth(ADMIN_KEY)
    }

    async fn key(&self, scopes: Vec<Scope>) -> Client {
        let key = self
            .admin
            .api_keys()
            .create(&CreateApiKey {
                name: "test".into(),
                scopes,
                user_id: None,
                business_unit_ids: None,
            })
            .await
            .unwrap();
        self.admin.with_api_key(key.secret.unwrap())
    }

    async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
    }
}

/// Status and body of a raw answer; error bodies must be problem+json.
async fn answer(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let problem = response
        .headers()
        .get("content-type")
        .is_some_and(|v| v.to_str().unwrap_or_default() == "application/problem+json");
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        assert!(problem, "{status} must answer problem+json: {body}");
        assert_eq!(body["status"], json!(status.as_u16()));
    }
    (status, body)
}

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
async fn seed_004_create_flow_round_trips() {
    let server = TestServer::start().await;
    let body = json!({
        "customer_id": null,
        "owner_type": "agent",
        "owner_id": "3a4b5c6d-7e8f-9012-3456-789abcdef012",
        "name": "conversation",
        "detail": "conversation detail",
        "dialog_id": "+673802",
        "self": {"type": "tel", "target": "+14703298699", "target_name": "", "name": "", "detail": ""},
        "peer": {"type": "tel", "target": "+673802", "target_name": "", "name": "", "detail": ""}
    });
    let response = server
        .raw(reqwest::Method::POST, "/v1/conversations")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["etag"], "\"v1\"");
    let (status, created) = answer(response).await;
    assert_eq!(status, StatusCode::CREATED);
    for field in [
        "owner_type",
        "owner_id",
        "name",
        "detail",
        "dialog_id",
        "self",
        "peer",
    ] {
        assert_eq!(created[field], body[field], "{field}");
    }
    assert_eq!(created["object_name"], "conversation");
    assert_eq!(created["deleted_at"], Value::Null);
    let stamp = created["created_at"].as_str().unwrap();
    assert!(
        stamp.ends_with('Z') && stamp.len() == 24,
        "RFC 3339 UTC with milliseconds: {stamp}"
    );
    let id = created["id"].as_str().unwrap().parse().unwrap();
    let listed = server
        .admin
        .conversations()
        .list(
            &ConversationFilters {
                owner_id: Some("3a4b5c6d-7e8f-9012-3456-789abcdef012".into()),
                ..Default::default()
            },
            &Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(listed.data[0].id, id);
    server
        .admin
        .conversations()
        .delete_conversation(id, false)
        .await
        .unwrap();
    let log = server.admin.events().list(None, None).await.unwrap();
    let types: Vec<_> = log.data.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [
            EventType::ConversationCreated,
            EventType::ConversationDeleted
        ]
    );
    server.stop().await;
}

#[tokio::test]
async fn seed_000_flow_with_channels_contacts_and_aliases() {
    let server = TestServer::start().await;
    let channel = server
        .admin
        .channels()
        .create(&CreateChannel {
            business_unit_id: None,
            channel_type: ChannelType::Web,
            identifier: "example.com".into(),
            name: None,
            metadata: None,
        })
        .await
        .unwrap();
    let err = server
        .admin
        .channels()
        .create(&CreateChannel {
            business_unit_id: None,
            channel_type: ChannelType::Web,
            identifier: "example.com".into(),
            name: None,
            metadata: None,
        })
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(409), Some(ErrorCode::AlreadyExists))
    );
    let jane = server
        .admin
        .contacts()
        .create(&CreateContact {
            external_id: Some("website_user_123".into()),
            name: Some("Jane Customer".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        server
            .admin
            .contacts()
            .find_by_external_id("website_user_123")
            .await
            .unwrap()
            .map(|c| c.id),
        Some(jane.id)
    );
    // Seed vocabulary: `topic`, `customer_id`, `tenant_unit_id`.
    let (status, created) = answer(
        server
            .raw(reqwest::Method::POST, "/v1/conversations")
            .json(&json!({"channel_id": channel.id, "customer_id": jane.id, "topic": "Billing question", "tenant_unit_id": channel.business_unit_id}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (created["name"].clone(), created["topic"].clone()),
        (json!("Billing question"), json!("Billing question"))
    );
    assert_eq!(created["contact_id"], json!(jane.id));
    assert_eq!(created["channel_type"], json!("web"));
    let id = created["id"].as_str().unwrap().parse().unwrap();
    let conversations = server.admin.conversations();
    let renamed = conversations
        .update_name(id, "VIP Support Thread")
        .await
        .unwrap();
    assert_eq!(renamed.name, "VIP Support Thread");
    let resolved = conversations
        .update_status(id, Status::Resolved)
        .await
        .unwrap();
    assert_eq!(resolved.status, Status::Resolved);
    let by_public = conversations
        .get_by_conversation_id(&resolved.public_id)
        .await
        .unwrap();
    assert_eq!(by_public.id, id);
    let found = conversations
        .list(
            &ConversationFilters {
                type_or_view: Some("resolved".into()),
                q: Some("vip".into()),
                ..Default::default()
            },
            &Page {
                limit: Some(20),
                skip: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(found.data.len(), 1);
    let err = conversations
        .update_conversation(
            id,
            &UpdateConversation {
                parent_id: Some(Some(id)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(422), Some(ErrorCode::ValidationFailed))
    );
    server.stop().await;
}

#[tokio::test]
async fn list_filters_over_http() {
    let server = TestServer::start().await;
    let c = server.admin.conversations();
    let open = c
        .create(&CreateConversation {
            status: Some(Status::Open),
            ..Default::default()
        })
        .await
        .unwrap();
    let pending = c
        .create(&CreateConversation {
            status: Some(Status::Pending),
            ..Default::default()
        })
        .await
        .unwrap();
    let running = c
        .create(&CreateConversation {
            status: Some(Status::Running),
            agent_id: Some("a1".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let ids = |list: convo_types::List<convo_types::Conversation>| {
        list.data.into_iter().map(|c| c.id).collect::<Vec<_>>()
    };
    let both = c
        .list(
            &ConversationFilters::statuses(&[Status::Open, Status::Pending]),
            &Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(ids(both), vec![pending.id, open.id]);
    let (status, repeated) = answer(
        server
            .raw(
                reqwest::Method::GET,
                "/v1/conversations?statuses=open&statuses=running&order=oldest",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let got: Vec<String> = repeated["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(got, vec![open.id.to_string(), running.id.to_string()]);
    let by_agent = c
        .list(
            &ConversationFilters {
                agent_id: Some("a1".into()),
                ..Default::default()
            },
            &Page {
                include_total: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(by_agent.total, Some(1));
    let (status, body) = answer(
        server
            .raw(reqwest::Method::GET, "/v1/conversations?status=bogus")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("status"))
    );
    let (status, body) = answer(
        server
            .raw(
                reqwest::Method::GET,
                "/v1/conversations?page_num=2&page_size=2",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"][0]["id"], json!(open.id));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursor_paging_over_http_neither_skips_nor_repeats_during_inserts() {
    let server = TestServer::start().await;
    let mut existing = HashSet::new();
    for i in 0..30 {
        existing.insert(
            server
                .admin
                .conversations()
                .create(&CreateConversation {
                    name: Some(format!("c{i}")),
                    ..Default::default()
                })
                .await
                .unwrap()
                .id,
        );
    }
    let writer = {
        let client = server.admin.clone();
        tokio::spawn(async move {
            for i in 0..15 {
                client
                    .conversations()
                    .create(&CreateConversation {
                        name: Some(format!("new {i}")),
                        ..Default::default()
                    })
                    .await
                    .unwrap();
            }
        })
    };
    let mut seen = Vec::new();
    let mut page = Page {
        limit: Some(4),
        ..Default::default()
    };
    loop {
        let list = server
            .admin
            .conversations()
            .list(&ConversationFilters::default(), &page)
            .await
            .unwrap();
        seen.extend(list.data.iter().map(|c| c.id));
        match list.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => break,
        }
    }
    writer.await.unwrap();
    let unique: HashSet<_> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no conversation twice");
    assert!(existing.is_subset(&unique), "none that existed is skipped");
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
    for (request, status, code) in cases {
        let (got, body) = answer(request.send().await.unwrap()).await;
        assert_eq!(
            (got, body["code"].as_str().unwrap_or_default()),
            (status, code),
            "{body}"
        );
    }
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

#[tokio::test]
async fn idempotency_keys_replay_and_refuse() {
    let server = TestServer::start().await;
    let req = CreateConversation {
        name: Some("once".into()),
        ..Default::default()
    };
    let first = server
        .admin
        .conversations()
        .create_idempotent(&req, "key-1")
        .await
        .unwrap();
    let again = server
        .raw(reqwest::Method::POST, "/v1/conversations")
        .header("Idempotency-Key", "key-1")
        .json(&req)
        .send()
        .await
        .unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let (status, body) = answer(again).await;
    assert_eq!(
        (status, body["id"].clone()),
        (StatusCode::CREATED, json!(first.id))
    );
    let other = CreateConversation {
        name: Some("another".into()),
        ..Default::default()
    };
    let err = server
        .admin
        .conversations()
        .create_idempotent(&other, "key-1")
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(422), Some(ErrorCode::IdempotencyKeyReused))
    );
    // A failed request frees its key.
    let bad = CreateConversation {
        name: Some("x".repeat(300)),
        ..Default::default()
    };
    assert_eq!(
        server
            .admin
            .conversations()
            .create_idempotent(&bad, "key-2")
            .await
            .unwrap_err()
            .status(),
        Some(422)
    );
    server
        .admin
        .conversations()
        .create_idempotent(&other, "key-2")
        .await
        .unwrap();
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
    assert_eq!(all.total, Some(2));
    server.stop().await;
}

#[tokio::test]
async fn stale_etags_fail_and_change_nothing() {
    let server = TestServer::start().await;
    let created = server
        .admin
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap();
    let path = format!("/v1/conversations/{}", created.id);
    let first = server
        .raw(reqwest::Method::PATCH, &path)
        .header("If-Match", "\"v1\"")
        .json(&json!({"name": "agent A"}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.headers()["etag"], "\"v2\"");
    let (status, body) = answer(
        server
            .raw(reqwest::Method::PATCH, &path)
            .header("If-Match", "\"v1\"")
            .json(&json!({"name": "agent B"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (
            StatusCode::PRECONDITION_FAILED,
            json!("precondition_failed")
        )
    );
    let (status, _) = answer(
        server
            .raw(reqwest::Method::DELETE, &path)
            .header("If-Match", "\"v1\"")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    let now = server.admin.conversations().get(created.id).await.unwrap();
    assert_eq!(now.name, "agent A");
    server.stop().await;
}

#[tokio::test]
async fn deleting_needs_the_scope_and_the_lifecycle() {
    let server = TestServer::start().await;
    let integration = server
        .key(vec![
            Scope::ConversationsRead,
            Scope::ConversationsWrite,
            Scope::ConversationsDelete,
        ])
        .await;
    let admins = server
        .admin
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap();
    let own = integration
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap();
    let err = integration
        .conversations()
        .delete_conversation(admins.id, false)
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(403), Some(ErrorCode::LifecycleNotOwned))
    );
    integration
        .conversations()
        .delete_conversation(own.id, false)
        .await
        .unwrap();
    assert_eq!(
        integration
            .conversations()
            .get(own.id)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    server
        .admin
        .conversations()
        .delete_conversation(admins.id, true)
        .await
        .unwrap();
    assert_eq!(
        server
            .admin
            .conversations()
            .get(admins.id)
            .await
            .unwrap_err()
            .status(),
        Some(404)
    );
    server.stop().await;
}

#[tokio::test]
async fn directory_resources_validate_and_round_trip() {
    let server = TestServer::start().await;
    let contact = server
        .admin
        .contacts()
        .create(&CreateContact {
            external_id: Some("c-1".into()),
            name: Some("Nguyễn Văn A".into()),
            phone: Some("+84 90 123 4567".into()),
            addresses: Some(vec![Address {
                address_type: "line".into(),
                target: "U123".into(),
                ..Default::default()
            }]),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(
        server.admin.contacts().get(contact.id).await.unwrap(),
        contact
    );
    let dup = server
        .admin
        .contacts()
        .create(&CreateContact {
            external_id: Some("c-1".into()),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(dup.status(), Some(409));
    let users = server.admin.users().list(&Page::default()).await.unwrap();
    assert_eq!(users.data.len(), 1, "the admin user made on first start");
    let keys = server
        .admin
        .api_keys()
        .list(&Page::default())
        .await
        .unwrap();
    assert!(
        keys.data.iter().all(|k| k.secret.is_none()),
        "secrets are shown only once"
    );
    server.stop().await;
}

#[tokio::test]
async fn team_workflow_over_http() {
    let server = TestServer::start().await;
    let c = server.admin.conversations();
    let lan = server
        .admin
        .users()
        .create(&convo_types::CreateUser {
            name: "Nguyễn Lan".into(),
            email: Some("lan@example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let conv = c.create(&CreateConversation::default()).await.unwrap();
    let joined = c.join(conv.id).await.unwrap();
    assert_eq!(joined.users.len(), 1);
    assert_eq!(c.join(conv.id).await.unwrap().users.len(), 1, "idempotent");
    let invitable = c
        .get_invitable_users(conv.id, Some("nguyen"), &Page::default())
        .await
        .unwrap();
    assert_eq!(
        invitable.data.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![lan.id]
    );
    let both = c.assign_team_member(conv.id, lan.id).await.unwrap();
    assert_eq!(both.users.len(), 2);
    assert!(c
        .get_invitable_users(conv.id, None, &Page::default())
        .await
        .unwrap()
        .data
        .is_empty());
    let counts = c
        .get_views_count(&ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(
        (counts.mine, counts.assigned, counts.unassigned, counts.all),
        (1, 1, 0, 1)
    );
    assert_eq!(counts.by_status["open"], 1);
    let open_only = c
        .get_views_count(&ConversationFilters {
            type_or_view: Some("resolved".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(open_only.all, 0);
    assert_eq!(open_only.by_status.keys().collect::<Vec<_>>(), ["resolved"]);
    let removed = c.remove_team_member(conv.id, lan.id).await.unwrap();
    assert_eq!(removed.users.len(), 1);
    assert!(c.leave(conv.id).await.unwrap().users.is_empty());
    let err = c
        .assign_team_member(conv.id, convo_types::UserId::new())
        .await
        .unwrap_err();
    assert_eq!(
        (err.status(), err.code()),
        (Some(404), Some(ErrorCode::NotFound))
    );
    let inactive = server
        .admin
        .users()
        .create(&convo_types::CreateUser {
            name: "Gone".into(),
            active: Some(false),
            ..Default::default()
        })
        .await
        .unwrap();
    let err = c
        .assign_team_member(conv.id, inactive.id)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422));
    let (status, _) = answer(
        server
            .raw(
                reqwest::Method::POST,
                &format!("/v1/conversations/{}/members", conv.id),
            )
            .json(&json!({"user": "x"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let counts = c
        .get_views_count(&ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!((counts.mine, counts.unassigned), (0, 1));
    server.stop().await;
}

#[tokio::test]
async fn messages_search_and_video_calls_over_http() {
    let server = TestServer::start_with(|s| {
        s.video_url_template = "https://video.example.com/r/{room}".into()
    })
    .await;
    let c = server.admin.conversations();
    let jane = server
        .admin
        .contacts()
        .create(&CreateContact {
            name: Some("Jane".into()),
            phone: Some("+1 470 329 8699".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let conversations: Vec<_> = conversations_with_messages(
        &server,
        &[
            ("vi", "Tôi muốn hoàn tiền cho hóa đơn này"),
            ("zh", "我想申請退款"),
            ("ar", "أريد استرداد المبلغ"),
            ("en", "Please send the refunds today"),
        ],
        Some(jane.id),
    )
    .await;
    for (q, expected) in [
        ("hoan tien", 0),
        ("退款", 1),
        ("استرداد", 2),
        ("refund", 3),
        ("14703298699", usize::MAX),
    ] {
        let found = c.search(q, None, Some(10), None).await.unwrap();
        let ids: Vec<_> = found.data.iter().map(|h| h.conversation.id).collect();
        if expected == usize::MAX {
            assert_eq!(ids.len(), 4, "{q}: every conversation of the contact");
        } else {
            assert_eq!(ids, vec![conversations[expected]], "{q}");
            assert!(
                found.data[0]
                    .search
                    .highlights
                    .iter()
                    .any(|h| h.snippet.contains("<mark>")),
                "{q}"
            );
        }
    }
    let (status, body) = answer(
        server
            .raw(
                reqwest::Method::GET,
                "/v1/conversations/search?q=hoan%20tien",
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["data"][0]["search"]["score"].is_number());
    assert_eq!(
        body["data"][0]["object_name"], "conversation",
        "a hit is the conversation plus `search`"
    );
    let (status, _) = answer(
        server
            .raw(reqwest::Method::GET, "/v1/conversations/search?q=")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // external_id: the repeat answers the first message with 200.
    let path = format!("/v1/conversations/{}/messages", conversations[3]);
    let body =
        json!({"content": "from WhatsApp", "message_type": "incoming", "external_id": "wamid.1"});
    let (first, one) = answer(
        server
            .raw(reqwest::Method::POST, &path)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    let (again, two) = answer(
        server
            .raw(reqwest::Method::POST, &path)
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((first, again), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(one["id"], two["id"]);
    let (status, body) = answer(
        server
            .raw(reqwest::Method::POST, &path)
            .json(&json!({"content": "x".repeat(20_001)}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["errors"][0]["field"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("content"))
    );
    let listed = c
        .list_messages(
            conversations[3],
            &Page {
                page_num: Some(1),
                page_size: Some(10),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 2);
    let id = listed.data[1].id;
    let edited = server
        .admin
        .messages()
        .update(
            id,
            &convo_types::UpdateMessage {
                content: Some("edited".into()),
                metadata: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(edited.content, "edited");
    server.admin.messages().delete(id).await.unwrap();
    assert_eq!(
        server.admin.messages().get(id).await.unwrap_err().status(),
        Some(404)
    );

    let started = c.init_video_call(conversations[0]).await.unwrap();
    assert!(started
        .video_call
        .join_url
        .starts_with("https://video.example.com/r/"));
    assert_eq!(
        started.conversation.last_message.unwrap().message_type,
        convo_types::MessageType::Activity
    );
    server.stop().await;
}

/// Creates one conversation per (label, text) with the text as an incoming message.
async fn conversations_with_messages(
    server: &TestServer,
    texts: &[(&str, &str)],
    contact: Option<convo_types::ContactId>,
) -> Vec<convo_types::ConversationId> {
    let mut ids = Vec::new();
    for (label, text) in texts {
        let conversation = server
            .admin
            .conversations()
            .create(&CreateConversation {
                name: Some((*label).into()),
                contact_id: contact,
                ..Default::default()
            })
            .await
            .unwrap();
        let message = convo_types::CreateMessage {
            content: (*text).into(),
            message_type: Some(convo_types::MessageType::Incoming),
            ..Default::default()
        };
        server
            .admin
            .conversations()
            .create_message(conversation.id, &message)
            .await
            .unwrap();
        ids.push(conversation.id);
    }
    ids
}

#[tokio::test]
async fn seed_002_get_or_create_and_sub_conversations_over_http() {
    let server = TestServer::start().await;
    server
        .admin
        .channels()
        .create(&CreateChannel {
            business_unit_id: None,
            channel_type: ChannelType::Web,
            identifier: "example.com".into(),
            name: None,
            metadata: None,
        })
        .await
        .unwrap();
    // Seed 002's own example, camelCase and `DIRECT` included.
    let body = json!({
        "type": "DIRECT",
        "customer": {"externalId": "website_user_123", "name": "Jane Customer", "email": "jane@example.com"},
        "channelIdentifier": "example.com",
        "metadata": {"source": "website-chat"}
    });
    let post = |key: &'static str| {
        server
            .raw(reqwest::Method::POST, "/v1/conversations/get-or-create")
            .header("Idempotency-Key", key)
            .json(&body)
    };
    let (status, made) = answer(post("a").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (
            made["type"].clone(),
            made["channel_type"].clone(),
            made["metadata"]["source"].clone()
        ),
        (json!("direct"), json!("web"), json!("website-chat"))
    );
    let (status, found) = answer(post("b").send().await.unwrap()).await;
    assert_eq!(
        (status, found["id"].clone()),
        (StatusCode::OK, made["id"].clone())
    );
    let replay = post("a").send().await.unwrap();
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    let (status, again) = answer(replay).await;
    assert_eq!(
        (status, again["id"].clone()),
        (StatusCode::CREATED, made["id"].clone())
    );
    let (status, problem) = answer(
        server
            .raw(reqwest::Method::POST, "/v1/conversations/get-or-create")
            .json(&json!({"name": "nobody"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, problem["code"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!("validation_failed"))
    );
    let (status, _) = answer(
        server
            .raw(reqwest::Method::POST, "/v1/conversations/get-or-create")
            .json(
                &json!({"customerId": made["contact_id"], "channelIdentifier": "unknown.example"}),
            )
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let parent: convo_types::ConversationId = made["id"].as_str().unwrap().parse().unwrap();
    let c = server.admin.conversations();
    let thread = c.create_sub_conversation(parent, &serde_json::from_value(json!({"parentId": parent, "name": "Order #1042", "type": "GROUP", "customer": {"externalId": "website_user_123"}})).unwrap()).await.unwrap();
    assert_eq!(
        (thread.parent_id, thread.channel_ids.len()),
        (Some(parent), 1)
    );
    let page = c
        .list_sub_conversations(
            parent,
            &Page {
                limit: Some(30),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        page.data.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![thread.id]
    );
    assert_eq!(page.data[0].counts.children, 0);
    assert_eq!(c.get(parent).await.unwrap().counts.children, 1);
    let updated = c
        .update_conversation(
            parent,
            &serde_json::from_value(
                json!({"name": "VIP customer support", "metadata": {"priority": "high"}}),
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        updated.metadata,
        serde_json::from_value(json!({"source": "website-chat", "priority": "high"})).unwrap()
    );
    c.delete_conversation(parent, false).await.unwrap();
    assert_eq!(
        c.get(thread.id).await.unwrap_err().status(),
        Some(404),
        "threads go with their parent"
    );
    server.stop().await;
}

#[tokio::test]
async fn seed_003_admin_api_over_http() {
    let server = TestServer::start().await;
    let raw = |method: reqwest::Method, path: &str| server.raw(method, path);
    let (status, run) = answer(
        raw(
            reqwest::Method::POST,
            "/admin/api/v2/conversations?assignment_id=as-9",
        )
        .json(&json!({"inputs": {"goal": "triage"}}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (
            run["topic"].clone(),
            run["status"].clone(),
            run["assignment_id"].clone()
        ),
        (json!("New Conversation"), json!("running"), json!("as-9"))
    );
    let id = run["id"].as_str().unwrap().to_owned();
    let org = run["organization_id"].as_str().unwrap().to_owned();
    let (status, listed) = answer(raw(reqwest::Method::GET, &format!("/admin/api/v2/conversations?page_num=1&page_size=10&order=recent&status=running&tenant_id={org}")).send().await.unwrap()).await;
    assert_eq!(
        (status, listed["total"].clone()),
        (StatusCode::OK, json!(1))
    );
    let (status, _) = answer(
        raw(
            reqwest::Method::GET,
            &format!(
                "/admin/api/v2/conversations?tenant_id={}",
                uuid::Uuid::now_v7()
            ),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "another tenant");
    let (status, renamed) = answer(
        raw(
            reqwest::Method::PATCH,
            &format!("/admin/api/v2/conversations/{id}"),
        )
        .json(&json!({"topic": "Triage run"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, renamed["topic"].clone()),
        (StatusCode::OK, json!("Triage run"))
    );
    let (status, done) = answer(
        raw(
            reqwest::Method::PATCH,
            &format!("/admin/api/v2/conversations/{id}/status"),
        )
        .json(&json!({"status": "completed"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, done["status"].clone()),
        (StatusCode::OK, json!("completed"))
    );
    let (status, _) = answer(
        raw(
            reqwest::Method::PATCH,
            &format!("/admin/api/v2/conversations/{id}/status"),
        )
        .json(&json!({"status": "open"}))
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "only run statuses"
    );
    let conversation: convo_types::ConversationId = id.parse().unwrap();
    server
        .admin
        .conversations()
        .create_message(
            conversation,
            &convo_types::CreateMessage {
                content: "hello".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (status, steps) = answer(
        raw(
            reqwest::Method::GET,
            &format!("/admin/api/v2/conversations/{id}/messages?page=1&page_size=20"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(
        (status, steps["data"][0]["content"].clone()),
        (StatusCode::OK, json!("hello"))
    );
    let response = raw(
        reqwest::Method::DELETE,
        &format!("/admin/api/v2/conversations/{id}"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, _) = answer(
        raw(
            reqwest::Method::GET,
            &format!("/admin/api/v2/conversations/{id}"),
        )
        .send()
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    server.stop().await;
}

async fn next_event(stream: &mut convo_client::EventStream) -> convo_types::Event {
    let item = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .expect("an event within 10 s")
        .unwrap()
        .expect("the stream is open");
    match item {
        convo_client::StreamItem::Event(event) => *event,
        other => panic!("expected an event, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_stream_follows_and_resumes_without_gaps() {
    let server = TestServer::start().await;
    let c = server.admin.conversations();
    let before = c
        .create(&CreateConversation {
            name: Some("before".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let mut live = server
        .admin
        .events()
        .stream(&Default::default(), None)
        .await
        .unwrap();
    let made = c
        .create(&CreateConversation {
            name: Some("live".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let first = next_event(&mut live).await;
    assert_eq!(
        (first.event_type, first.conversation_id),
        (EventType::ConversationCreated, Some(made.id)),
        "a new stream starts with the next event"
    );
    c.update_status(made.id, Status::Resolved).await.unwrap();
    let second = next_event(&mut live).await;
    assert_eq!(
        (second.event_type, second.id),
        (EventType::ConversationStatusChanged, first.id + 1)
    );
    drop(live);
    // Resume: everything after the last event seen, once each, in order.
    c.update_name(made.id, "while away").await.unwrap();
    c.update_name(before.id, "also while away").await.unwrap();
    let mut resumed = server
        .admin
        .events()
        .stream(&Default::default(), Some(second.id))
        .await
        .unwrap();
    let ids = [
        next_event(&mut resumed).await.id,
        next_event(&mut resumed).await.id,
    ];
    assert_eq!(ids, [second.id + 1, second.id + 2]);
    // Filters: one conversation, some types.
    let filters = convo_client::StreamFilters {
        conversation_id: Some(before.id),
        types: Some("conversation.status_changed".into()),
        ..Default::default()
    };
    let mut narrow = server.admin.events().stream(&filters, None).await.unwrap();
    c.update_status(made.id, Status::Open).await.unwrap();
    c.update_name(before.id, "renamed again").await.unwrap();
    c.update_status(before.id, Status::Pending).await.unwrap();
    let only = next_event(&mut narrow).await;
    assert_eq!(
        (only.event_type, only.conversation_id),
        (EventType::ConversationStatusChanged, Some(before.id))
    );
    // Another organization hears nothing of this one.
    let other = server
        .admin
        .organizations()
        .create(&CreateOrganization {
            name: "Other".into(),
        })
        .await
        .unwrap();
    let outsider = server.admin.with_api_key(other.admin_key.secret.unwrap());
    let mut theirs = outsider
        .events()
        .stream(&Default::default(), Some(0))
        .await
        .unwrap();
    c.create(&CreateConversation::default()).await.unwrap();
    let quiet = tokio::time::timeout(std::time::Duration::from_millis(300), theirs.next()).await;
    assert!(quiet.is_err(), "no event crosses organizations");
    let (status, _) = answer(
        server
            .raw(reqwest::Method::GET, "/v1/events/stream?types=bogus")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    server.stop().await;
}

/// Two nodes on one PostgreSQL database: an event made on one reaches the other's stream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cross_nodes_on_postgres() {
    let Some(url) = std::env::var("CONVO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        eprintln!("skipped: CONVO_TEST_POSTGRES_URL is not set");
        return;
    };
    // Both nodes share the database (other suites use it too): the test makes its own
    // organization through the store rather than relying on a first-start admin key.
    let a = TestServer::start_with(|s| s.database_url = url.clone()).await;
    let b = TestServer::start_with(|s| s.database_url = url.clone()).await;
    let store = convo_server::open_store(&Settings::new(url.clone()))
        .await
        .unwrap();
    let platform = convo_core::auth::Principal::platform_operator();
    let created = convo_core::usecases::organizations::create(
        store.as_ref(),
        &platform,
        CreateOrganization {
            name: "Two nodes".into(),
        },
    )
    .await
    .unwrap();
    let secret = created.admin_key.secret.unwrap();
    let on_a = a.admin.with_api_key(secret.clone());
    let on_b = b.admin.with_api_key(secret);
    let mut stream = on_b
        .events()
        .stream(&Default::default(), None)
        .await
        .unwrap();
    let mut latencies = Vec::new();
    for i in 0..5 {
        let sent = std::time::Instant::now();
        let made = on_a
            .conversations()
            .create(&CreateConversation {
                name: Some(format!("node A {i}")),
                ..Default::default()
            })
            .await
            .unwrap();
        let event = next_event(&mut stream).await;
        latencies.push(sent.elapsed());
        assert_eq!(event.conversation_id, Some(made.id));
    }
    eprintln!("cross-node event latency (create on A → stream on B): {latencies:?}");
    a.stop().await;
    b.stop().await;
}

/// A local webhook receiver: answers 500 to the first `fail_first` requests, then 200, and
/// keeps every request it was sent.
struct Receiver {
    url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, bytes::Bytes)>>>,
}

impl Receiver {
    async fn start(fail_first: usize) -> Receiver {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let received: std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, bytes::Bytes)>>> =
            Default::default();
        let calls = std::sync::Arc::new(AtomicUsize::new(0));
        let (store, counter) = (received.clone(), calls.clone());
        let app = axum::Router::new().route(
            "/hook",
            axum::routing::post(move |headers: axum::http::HeaderMap, body: bytes::Bytes| {
                let (store, counter) = (store.clone(), counter.clone());
                async move {
                    if counter.fetch_add(1, Ordering::SeqCst) < fail_first {
                        return StatusCode::INTERNAL_SERVER_ERROR;
                    }
                    store.lock().unwrap().push((headers, body));
                    StatusCode::OK
                }
            }),
        );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Receiver { url, received }
    }

    async fn wait_for(&self, count: usize) -> Vec<(axum::http::HeaderMap, bytes::Bytes)> {
        for _ in 0..200 {
            if self.received.lock().unwrap().len() >= count {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        self.received.lock().unwrap().clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_are_signed_retried_and_listed() {
    // Private targets are refused by default.
    let strict = TestServer::start().await;
    let receiver = Receiver::start(2).await;
    let err = strict
        .admin
        .webhooks()
        .create(&convo_types::CreateWebhook {
            url: receiver.url.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(422), "a loopback target is refused");
    strict.stop().await;

    let server = TestServer::start_with(|s| {
        s.webhook_allow_private = true;
        s.webhook_retry_base_ms = 50;
    })
    .await;
    let hook = server
        .admin
        .webhooks()
        .create(&convo_types::CreateWebhook {
            url: receiver.url.clone(),
            event_types: Some(vec![
                EventType::ConversationCreated,
                EventType::MessageCreated,
            ]),
            active: None,
        })
        .await
        .unwrap();
    let secret = hook.secret.clone().expect("the secret, once");
    assert!(secret.starts_with("whsec_"));
    assert!(server
        .admin
        .webhooks()
        .get(hook.id)
        .await
        .unwrap()
        .secret
        .is_none());
    let c = server.admin.conversations();
    let conversation = c
        .create(&CreateConversation {
            name: Some("hooked".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    c.update_name(conversation.id, "not sent: filtered out")
        .await
        .unwrap();
    c.create_message(
        conversation.id,
        &convo_types::CreateMessage {
            content: "hello".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2, "two events after two failed tries");
    let verifier = standardwebhooks::Webhook::new(&secret).unwrap();
    let mut types = Vec::new();
    for (headers, body) in &got {
        verifier
            .verify(body, headers)
            .expect("a valid Standard Webhooks signature");
        let event: convo_types::Event = serde_json::from_slice(body).unwrap();
        types.push(event.event_type);
    }
    assert_eq!(
        types,
        [EventType::ConversationCreated, EventType::MessageCreated],
        "in order"
    );
    let deliveries = server
        .admin
        .webhooks()
        .deliveries(hook.id, &Page::default())
        .await
        .unwrap();
    assert_eq!(deliveries.data.len(), 2);
    let first = deliveries
        .data
        .iter()
        .find(|d| d.event_type == EventType::ConversationCreated)
        .unwrap();
    assert_eq!(first.status, convo_types::DeliveryStatus::Delivered);
    assert_eq!(
        first
            .attempts
            .iter()
            .map(|a| a.status_code)
            .collect::<Vec<_>>(),
        [Some(500), Some(500), Some(200)],
        "every attempt is kept"
    );
    // Replay sends it again; rotation signs with both secrets for a while.
    let rotated = server
        .admin
        .webhooks()
        .rotate_secret(hook.id)
        .await
        .unwrap();
    server
        .admin
        .webhooks()
        .replay(hook.id, first.id)
        .await
        .unwrap();
    let got = receiver.wait_for(3).await;
    let (headers, body) = &got[2];
    let new_secret = rotated.secret.unwrap();
    standardwebhooks::Webhook::new(&new_secret)
        .unwrap()
        .verify(body, headers)
        .expect("signed with the new secret");
    verifier
        .verify(body, headers)
        .expect("and still with the old one");
    server.stop().await;
}
