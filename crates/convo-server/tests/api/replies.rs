//! Reply times, read markers, delivery receipts, transfers and contacts over HTTP, on every
//! backend the run has: what the document promises, refusals with their codes, and nothing
//! lost.

use convo_client::{ConversationFilters, Page};
use convo_types::{
    BusinessUnitId, ConversationOrder, CreateApiKey, CreateBusinessUnit, CreateContact,
    CreateConversation, CreateMessage, MarkRead, MessageError, MessageFilters, MessageStatus,
    MessageType, Scope,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

fn message(message_type: MessageType, content: &str) -> CreateMessage {
    CreateMessage {
        message_type: Some(message_type),
        content: content.into(),
        ..Default::default()
    }
}

async fn reads_and_reply_times(server: &TestServer, backend: &str) {
    let conversations = server.admin.conversations();
    let id = conversations
        .create(&CreateConversation::default())
        .await
        .unwrap()
        .id;
    let other = conversations
        .create(&CreateConversation::default())
        .await
        .unwrap()
        .id;
    let asked = conversations
        .create_message(id, &message(MessageType::Incoming, "hello?"))
        .await
        .unwrap();
    let foreign = conversations
        .create_message(other, &message(MessageType::Incoming, "elsewhere"))
        .await
        .unwrap();
    let got = conversations.get(id).await.unwrap();
    assert_eq!(got.unread_count, Some(1), "{backend}");
    assert_eq!(got.waiting_since, Some(asked.created_at), "{backend}");
    let waiting = conversations
        .list(
            &ConversationFilters {
                order: Some(ConversationOrder::WaitingSince),
                ..Default::default()
            },
            &Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        waiting.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![id, other],
        "{backend}"
    );

    // No body: read up to the latest.
    let (status, read) = answer(
        server
            .raw(Method::POST, &format!("/v1/conversations/{id}/read"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, read["unread_count"].clone()),
        (StatusCode::OK, json!(0)),
        "{backend}: {read}"
    );
    let counted = conversations
        .get_views_count(&ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(
        counted.unread, 0,
        "{backend}: the admin is in no conversation"
    );
    let seen = conversations
        .mark_read(
            id,
            &MarkRead {
                message_id: Some(asked.id),
                contact: true,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        seen.contact_read.map(|r| r.message_id),
        Some(asked.id),
        "{backend}"
    );
    let events = conversations.events(id, None).await.unwrap();
    assert!(
        events
            .data
            .iter()
            .any(|e| e.event_type == convo_types::EventType::ConversationReadByContact),
        "{backend}"
    );
    let reader = server.key(vec![Scope::ConversationsRead]).await;
    reader
        .conversations()
        .mark_read(id, &MarkRead::default())
        .await
        .expect("reading is one's own");
    let path = format!("/v1/conversations/{id}/read");
    let missing = format!(
        "/v1/conversations/{}/read",
        convo_types::ConversationId::new()
    );
    expect_problems([
        (
            server
                .raw(Method::POST, &path)
                .json(&json!({ "message_id": foreign.id })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(Method::POST, &path)
                .json(&json!({ "message_id": "nope" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(Method::POST, &path)
                .json(&json!({ "contact": "yes" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(Method::POST, &missing),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server
                .http
                .post(format!("{}{path}", server.url))
                .bearer_auth(secret(server, vec![Scope::ConversationsRead], None).await)
                .json(&json!({ "contact": true })),
            StatusCode::FORBIDDEN,
            "missing_scope",
        ),
    ])
    .await;
}

/// The secret of a new key with `scopes`, limited to `units` when given.
async fn secret(
    server: &TestServer,
    scopes: Vec<Scope>,
    units: Option<Vec<BusinessUnitId>>,
) -> String {
    server
        .admin
        .api_keys()
        .create(&CreateApiKey {
            name: "limited".into(),
            scopes,
            user_id: None,
            business_unit_ids: units,
        })
        .await
        .unwrap()
        .secret
        .unwrap()
}

async fn receipts(server: &TestServer, backend: &str) {
    let conversations = server.admin.conversations();
    let id = conversations
        .create(&CreateConversation::default())
        .await
        .unwrap()
        .id;
    let sent = conversations
        .create_message(id, &message(MessageType::Outgoing, "your code is 1234"))
        .await
        .unwrap();
    assert_eq!(sent.status, MessageStatus::Sent, "{backend}");
    let messages = server.admin.messages();
    let delivered = messages
        .report_status(sent.id, MessageStatus::Delivered, None)
        .await
        .unwrap();
    assert_eq!(delivered.status, MessageStatus::Delivered, "{backend}");
    let late = messages
        .report_status(sent.id, MessageStatus::Sent, None)
        .await
        .unwrap();
    assert_eq!(
        late.status,
        MessageStatus::Delivered,
        "{backend}: never backwards"
    );
    let error = MessageError {
        code: Some("30007".into()),
        message: "filtered by the carrier".into(),
    };
    let failed = messages
        .report_status(sent.id, MessageStatus::Failed, Some(error.clone()))
        .await
        .unwrap();
    assert_eq!(failed.error, Some(error), "{backend}");
    let undelivered = conversations
        .list_messages_filtered(
            id,
            &MessageFilters {
                status: Some(MessageStatus::Failed),
                message_type: Some(MessageType::Outgoing),
                ..Default::default()
            },
            &Page::default(),
        )
        .await
        .unwrap();
    assert_eq!(undelivered.data.len(), 1, "{backend}");
    let path = format!("/v1/messages/{}", sent.id);
    expect_problems([
        (
            server
                .raw(Method::PATCH, &path)
                .json(&json!({ "status": "lost" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(Method::PATCH, &path)
                .json(&json!({ "status": "read", "content": "x" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(Method::PATCH, &path)
                .json(&json!({ "status": "failed", "error": { "message": "x".repeat(10_001) } })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(Method::PATCH, &path)
                .json(&json!({ "error": { "message": "why" } })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ])
    .await;
}

async fn transfers_and_contacts(server: &TestServer, backend: &str) {
    let units = server.admin.business_units();
    let unit = |name: &str| CreateBusinessUnit {
        name: name.into(),
        metadata: None,
        auto_resolve_after: None,
    };
    let sales = units.create(&unit("Sales")).await.unwrap();
    let support = units.create(&unit("Support")).await.unwrap();
    let conversations = server.admin.conversations();
    let id = conversations
        .create(&CreateConversation {
            business_unit_id: Some(sales.id),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let (status, moved) = answer(
        server
            .raw(Method::PATCH, &format!("/v1/conversations/{id}"))
            .json(&json!({ "business_unit_id": support.id }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, moved["business_unit_id"].clone()),
        (StatusCode::OK, json!(support.id)),
        "{backend}"
    );
    let in_support = conversations
        .get_views_count(&ConversationFilters {
            business_unit_id: Some(support.id),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(in_support.all, 1, "{backend}");
    let limited = secret(
        server,
        vec![Scope::ConversationsRead, Scope::ConversationsWrite],
        Some(vec![support.id]),
    )
    .await;
    expect_problems([(
        server
            .http
            .patch(format!("{}/v1/conversations/{id}", server.url))
            .bearer_auth(limited)
            .json(&json!({ "business_unit_id": sales.id })),
        StatusCode::FORBIDDEN,
        "forbidden",
    )])
    .await;

    let contacts = server.admin.contacts();
    let by_sms = contacts
        .create(&CreateContact {
            name: Some("Trần Thị Lan".into()),
            phone: Some("+84 90 555 0101".into()),
            external_id: Some("sms:+84905550101".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let by_email = contacts
        .create(&CreateContact {
            email: Some("lan.tran@example.com".into()),
            external_id: Some("email:lan.tran@example.com".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let found = contacts.search("tran", &Page::default()).await.unwrap();
    assert_eq!(found.data.len(), 2, "{backend}: Trần and lan.tran@");
    let phone = contacts.search("+84 905", &Page::default()).await.unwrap();
    assert_eq!(
        phone.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![by_sms.id],
        "{backend}"
    );
    let merged = contacts.merge(by_sms.id, by_email.id).await.unwrap();
    assert_eq!(
        merged.email.as_deref(),
        Some("lan.tran@example.com"),
        "{backend}"
    );
    let survivor = contacts
        .find_by_external_id("email:lan.tran@example.com")
        .await
        .unwrap()
        .map(|c| c.id);
    assert_eq!(survivor, Some(by_sms.id), "{backend}");
    let merge = format!("/v1/contacts/{}/merge", by_sms.id);
    expect_problems([
        (
            server.raw(Method::GET, &format!("/v1/contacts/{}", by_email.id)),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server
                .raw(Method::POST, &merge)
                .json(&json!({ "from": by_email.id })),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(Method::POST, &merge).json(&json!({})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(
                    Method::POST,
                    &format!("/v1/contacts/{}/merge", convo_types::ContactId::new()),
                )
                .json(&json!({ "from": by_sms.id })),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            server.raw(Method::GET, "/v1/contacts?q=%2B%2B"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ])
    .await;
}

#[tokio::test]
async fn inbox_follow_ups_work_alike_on_every_backend() {
    let sqlite = TestServer::start().await;
    reads_and_reply_times(&sqlite, "SQLite").await;
    receipts(&sqlite, "SQLite").await;
    transfers_and_contacts(&sqlite, "SQLite").await;
    sqlite.stop().await;
    if let Some(postgres) = TestServer::start_on_postgres().await {
        reads_and_reply_times(&postgres, "PostgreSQL").await;
        receipts(&postgres, "PostgreSQL").await;
        transfers_and_contacts(&postgres, "PostgreSQL").await;
        postgres.stop().await;
    }
}
