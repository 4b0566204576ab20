//! Working together over HTTP: the stale-reply guard, drafts, canned responses, saved views,
//! bulk changes, typing and viewing across nodes, presence and notifications.

use std::time::Duration;

use convo_client::{Client, StreamFilters, StreamItem};
use convo_types::{
    Activity, BulkChange, BulkUpdate, CreateCannedResponse, CreateConversation, CreateMessage,
    CreateSavedView, MessageType, NotificationQuery, Presence, ReadNotifications, SaveDraft,
    Signal, Status, User, UserKind,
};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::*;

/// A person with a key acting as them.
async fn person(server: &TestServer, name: &str) -> (User, Client) {
    let (client, user, _) = acting_as(server, name, UserKind::Human).await;
    (user, client)
}

/// The next signal of a stream, skipping events.
async fn next_signal(stream: &mut convo_client::EventStream) -> Signal {
    loop {
        let item = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("a signal within 10 s")
            .unwrap();
        if let StreamItem::Signal(signal) = item {
            return *signal;
        }
    }
}

/// The next signal of this type and about this user, skipping the rest.
async fn signal_of(stream: &mut convo_client::EventStream, kind: &str, user: &User) -> Signal {
    loop {
        let signal = next_signal(stream).await;
        let about = signal.data["user"]["id"]
            .as_str()
            .or(signal.data["id"].as_str())
            .map(str::to_owned);
        if signal.signal_type == kind && about == Some(user.id.to_string()) {
            return signal;
        }
    }
}

fn live() -> StreamFilters {
    StreamFilters {
        signals: Some(true),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_stale_reply_is_refused_with_what_is_newer() {
    let server = TestServer::start().await;
    let (_, lan) = person(&server, "Lan").await;
    let id = server
        .admin
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap()
        .id;
    let seen = server
        .admin
        .conversations()
        .create_message(
            id,
            &CreateMessage {
                message_type: Some(MessageType::Incoming),
                content: "hi".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let newer = server
        .admin
        .conversations()
        .create_message(
            id,
            &CreateMessage {
                message_type: Some(MessageType::Incoming),
                content: "still there?".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let path = format!("/v1/conversations/{id}/messages");
    let send = |force: bool| {
        server
            .raw(reqwest::Method::POST, &path)
            .json(&json!({"content": "hello", "after_message_id": seen.id, "force": force}))
    };
    let (status, body) = answer(send(false).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "conversation_moved_on");
    assert_eq!(body["newer_message_ids"], json!([newer.id]));
    let (status, _) = answer(send(true).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED);
    // The draft Lan kept goes when Lan replies.
    lan.conversations()
        .save_draft(
            id,
            &SaveDraft {
                content: "Dear customer".into(),
                message_type: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        lan.conversations().draft(id).await.unwrap().content,
        "Dear customer"
    );
    lan.conversations()
        .create_message(
            id,
            &CreateMessage {
                content: "Dear customer, done".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let gone = lan.conversations().draft(id).await.unwrap_err();
    assert_eq!(gone.status(), Some(404));
    expect_problems([
        (
            server
                .raw(
                    reqwest::Method::PUT,
                    &format!("/v1/conversations/{id}/draft"),
                )
                .json(&json!({"content": 5})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(reqwest::Method::POST, &path)
                .json(&json!({"content": "x", "after_message_id": "nope"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ])
    .await;
}

#[tokio::test]
async fn canned_responses_views_and_bulk_over_http() {
    let server = TestServer::start().await;
    let canned = server
        .admin
        .canned_responses()
        .create(&CreateCannedResponse {
            short_code: "/thanks".into(),
            title: "Thanks".into(),
            content: "Thank you, {{contact.name}}! — {{agent.name}}".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let found = server
        .admin
        .canned_responses()
        .search("/tha", &Default::default())
        .await
        .unwrap();
    assert_eq!(found.data.len(), 1);
    let id = server
        .admin
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap()
        .id;
    let rendered = server
        .admin
        .canned_responses()
        .render(canned.id, id)
        .await
        .unwrap();
    assert!(rendered
        .content
        .starts_with("Thank you, {{contact.name}}! — "));
    assert_eq!(rendered.unresolved, vec!["contact.name"]);
    let taken = server
        .raw(reqwest::Method::POST, "/v1/canned-responses")
        .json(&json!({"short_code": "THANKS", "title": "x", "content": "y"}));
    expect_problems([(taken, StatusCode::CONFLICT, "already_exists")]).await;

    let mut ids = Vec::new();
    for _ in 0..100 {
        let c = server
            .admin
            .conversations()
            .create(&CreateConversation::default())
            .await
            .unwrap();
        ids.push(c.id);
    }
    let view = server
        .admin
        .views()
        .create(&CreateSavedView {
            name: "Open".into(),
            filters: json!({"status": "open"}).as_object().cloned().unwrap(),
            shared: true,
        })
        .await
        .unwrap();
    let counted = |server: &TestServer| {
        let admin = server.admin.clone();
        let view = view.id;
        async move {
            admin
                .conversations()
                .get_views_count_with(&Default::default(), &[view])
                .await
                .unwrap()
        }
    };
    assert_eq!(counted(&server).await.views[&view.id.to_string()], 101);
    let results = server
        .admin
        .conversations()
        .bulk_update(&BulkUpdate {
            ids: ids.clone(),
            set: BulkChange {
                status: Some(Status::Resolved),
                ..Default::default()
            },
        })
        .await
        .unwrap();
    assert_eq!(results.results.len(), 100);
    assert!(results.results.iter().all(|r| r.status == 200));
    let after = counted(&server).await;
    assert_eq!(after.views[&view.id.to_string()], 1);
    assert_eq!(after.by_status["resolved"], 100);
    let listed = server
        .raw(
            reqwest::Method::GET,
            &format!("/v1/conversations?view_id={}", view.id),
        )
        .send()
        .await
        .unwrap();
    let (status, body) = answer(listed).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"].as_array().unwrap().len(), 1);

    // An unknown id is its own 404; an invalid change refuses the whole request.
    let missing = server
        .raw(reqwest::Method::POST, "/v1/conversations/bulk")
        .json(&json!({"ids": [ids[0], uuid::Uuid::now_v7()], "set": {"priority": "high"}}))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(missing).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["results"][0]["status"], 200);
    assert_eq!(body["results"][1]["status"], 404);
    assert_eq!(body["results"][1]["error"]["code"], "not_found");
    expect_problems([
        (
            server
                .raw(reqwest::Method::POST, "/v1/conversations/bulk")
                .json(&json!({"ids": [], "set": {"priority": "high"}})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(reqwest::Method::POST, "/v1/views")
                .json(&json!({"name": "x", "filters": {"emial": "a"}})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server.raw(
                reqwest::Method::GET,
                &format!("/v1/conversations?view_id={}", uuid::Uuid::now_v7()),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ])
    .await;
}

/// Two people, each on their own node of one database: typing and viewing, presence and
/// notifications reach the other within a second or two.
async fn two_people_see_each_other(first: &TestServer, second: &TestServer) {
    let (lan_user, lan) = person(first, "Lan").await;
    let (minh_user, minh) = person(second, "Minh").await;
    let id = first
        .admin
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap()
        .id;

    // Each open stream makes its person present, seen on the other node too.
    let mut lan_stream = lan.events().stream(&live(), None).await.unwrap();
    let mut minh_stream = minh.events().stream(&live(), None).await.unwrap();
    signal_of(&mut lan_stream, "user.presence_changed", &minh_user).await;
    let mut online = Vec::new();
    for _ in 0..100 {
        online = minh
            .users()
            .with_presence(Presence::Online, &Default::default())
            .await
            .unwrap()
            .data;
        if online.iter().any(|u| u.id == lan_user.id) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let ids: Vec<_> = online.iter().map(|u| u.id).collect();
    assert!(
        ids.contains(&lan_user.id) && ids.contains(&minh_user.id),
        "{ids:?}"
    );

    lan.conversations()
        .report_activity(id, Activity::Typing)
        .await
        .unwrap();
    let typing = signal_of(&mut minh_stream, "conversation.activity", &lan_user).await;
    assert_eq!(typing.conversation_id, Some(id));
    assert_eq!(typing.data["activity"], "typing");
    let seen = minh.conversations().get(id).await.unwrap();
    assert_eq!(
        seen.typing.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![lan_user.id]
    );
    assert!(seen.viewers.iter().any(|u| u.id == lan_user.id));
    minh.conversations()
        .report_activity(id, Activity::Viewing)
        .await
        .unwrap();
    signal_of(&mut lan_stream, "conversation.activity", &minh_user).await;

    // A mention reaches Minh's stream and unread count, not Lan's.
    lan.conversations()
        .create_message(
            id,
            &CreateMessage {
                message_type: Some(MessageType::Note),
                content: format!("@[Minh](user:{}) please check", minh_user.id),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let created = loop {
        let signal = next_signal(&mut minh_stream).await;
        if signal.signal_type == "notification.created" {
            break signal;
        }
    };
    assert_eq!(created.data["type"], "mention");
    assert_eq!(minh.me().get().await.unwrap().notifications_unread, 1);
    assert_eq!(lan.me().get().await.unwrap().notifications_unread, 0);
    let listed = minh
        .me()
        .notifications(
            &NotificationQuery { unread: Some(true) },
            &Default::default(),
        )
        .await
        .unwrap();
    let read = minh
        .me()
        .read_notifications(&ReadNotifications {
            ids: Some(vec![listed.data[0].id]),
            all: false,
        })
        .await
        .unwrap();
    assert_eq!((read.read, read.unread), (1, 0));

    // Saying busy holds while connected; others see it.
    minh.me().set_presence(Presence::Busy).await.unwrap();
    let busy = signal_of(&mut lan_stream, "user.presence_changed", &minh_user).await;
    assert_eq!(busy.data["presence"], "busy");
}

#[tokio::test]
async fn two_people_see_each_other_typing_present_and_mentioned() {
    let server = TestServer::start().await;
    two_people_see_each_other(&server, &server).await;
    if let Some(first) = TestServer::start_on_postgres().await {
        let second = first.another_node().await;
        two_people_see_each_other(&first, &second).await;
        second.stop().await;
        first.stop().await;
    }
}
