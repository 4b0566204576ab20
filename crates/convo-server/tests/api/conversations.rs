//! Conversations over HTTP: both create flows, list filters, paging, idempotency, ETags, deletes.

use convo_client::{ConversationFilters, Page};
use convo_types::{
    ChannelType, CreateChannel, CreateContact, CreateConversation, ErrorCode, EventType, Scope,
    Status, UpdateConversation,
};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashSet;

use crate::common::*;

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
                type_or_view: Some("resolved".parse().unwrap()),
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
        (StatusCode::BAD_REQUEST, json!("status"))
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
    // The query string is part of the request: the admin API's create reads it.
    let admin_create = |query: &'static str| {
        server
            .raw(
                reqwest::Method::POST,
                &format!("/admin/api/v2/conversations{query}"),
            )
            .header("Idempotency-Key", "key-3")
            .json(&json!({"topic": "run"}))
            .send()
    };
    let (status, _) = answer(admin_create("?assignment_id=a1").await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = answer(admin_create("?assignment_id=a2").await.unwrap()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("idempotency_key_reused")
        )
    );
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
