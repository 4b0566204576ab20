//! The get-or-create and sub-conversation routes, and the admin API served as its clients call it.

use convo_client::Page;
use convo_types::{ChannelType, CreateChannel};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

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
