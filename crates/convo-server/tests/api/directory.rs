//! Business units, users, channels, contacts and API keys; the team workflow.

use convo_client::{ConversationFilters, Page};
use convo_types::{Address, CreateContact, CreateConversation, ErrorCode};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

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
            type_or_view: Some("resolved".parse().unwrap()),
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
async fn directory_lists_page_through_every_item() {
    let server = TestServer::start().await;
    let mut made = Vec::new();
    for i in 0..5 {
        let contact = server
            .admin
            .contacts()
            .create(&CreateContact {
                name: Some(format!("paged {i}")),
                ..Default::default()
            })
            .await
            .unwrap();
        made.push(contact.id);
    }
    let mut pages = server.admin.contacts().pages(2);
    let mut requests = 0;
    let mut seen = Vec::new();
    while let Some(page) = pages.next_page().await.unwrap() {
        requests += 1;
        seen.extend(page.into_iter().map(|c| c.id));
    }
    assert_eq!(requests, 3, "two per page");
    drop(pages);
    seen.sort();
    made.sort();
    assert_eq!(seen, made);
    let users = server.admin.users().pages(1).collect_all().await.unwrap();
    assert_eq!(users.len(), 1, "the admin user");
    server.stop().await;
}
