//! The inbox model over HTTP: handoffs between an AI agent and humans, labels, priority, and
//! the server's own timer loop.

use convo_client::ConversationFilters;
use convo_types::{
    ControlParty, ControlType, ConversationOrder, CreateConversation, CreateLabel, ErrorCode,
    HandoffRequest, Priority, UserKind,
};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::*;

#[tokio::test]
async fn an_ai_agent_hands_over_to_a_human_and_back() {
    let server = TestServer::start().await;
    let (bot, bot_user, bot_key) = acting_as(&server, "Bot", UserKind::AiAgent).await;
    let (lan, lan_user, _) = acting_as(&server, "Lan", UserKind::Human).await;
    let conversation = server
        .admin
        .conversations()
        .create(&CreateConversation {
            member_ids: Some(vec![bot_user.id]),
            ..Default::default()
        })
        .await
        .unwrap();
    let id = conversation.id;
    assert_eq!(conversation.control.control_type, ControlType::None);
    let to_team = HandoffRequest {
        to: ControlParty {
            control_type: ControlType::Human,
            id: None,
        },
        reason: Some("asked for a person".into()),
        metadata: Some(json!({"intent": "refund"}).as_object().unwrap().clone()),
    };
    let pending = bot.conversations().handoff(id, &to_team).await.unwrap();
    assert_eq!(pending.control.control_type, ControlType::None);
    let handoff = pending.handoff.expect("pending");
    assert_eq!(handoff.from.control_type, ControlType::None);
    assert_eq!(handoff.metadata["intent"], "refund");

    let waiting = ConversationFilters {
        handoff_pending: Some(true),
        ..Default::default()
    };
    let counts = server
        .admin
        .conversations()
        .get_views_count(&waiting)
        .await
        .unwrap();
    assert_eq!(counts.all, 1);

    let taken = lan.conversations().accept_handoff(id).await.unwrap();
    assert_eq!(taken.control.control_type, ControlType::Human);
    assert_eq!(taken.control.id, Some(lan_user.id));
    assert_eq!(taken.control.reason.as_deref(), Some("asked for a person"));
    assert!(taken.users.iter().any(|u| u.id == lan_user.id));
    let again = lan.conversations().accept_handoff(id).await.unwrap_err();
    assert_eq!(again.code(), Some(ErrorCode::NoHandoffPending));

    let path = format!("/v1/conversations/{id}/messages");
    let send = |force: bool| {
        server
            .http
            .post(format!("{}{path}", server.url))
            .bearer_auth(&bot_key)
            .json(&json!({"content": "Let me help", "force": force}))
    };
    expect_problems([(send(false), StatusCode::CONFLICT, "not_in_control")]).await;
    let (status, forced) = answer(send(true).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED, "{forced}");

    let humans = ConversationFilters {
        control_type: Some(ControlType::Human),
        ..Default::default()
    };
    let listed = server
        .admin
        .conversations()
        .list(&humans, &Default::default())
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![id]
    );
    let found = server
        .admin
        .conversations()
        .search_filtered("help", &humans, None, None)
        .await
        .unwrap();
    assert_eq!(found.data.len(), 1);
    let bots = ConversationFilters {
        control_type: Some(ControlType::AiAgent),
        ..Default::default()
    };
    let none = server
        .admin
        .conversations()
        .search_filtered("help", &bots, None, None)
        .await
        .unwrap();
    assert!(none.data.is_empty());

    let back = lan
        .conversations()
        .handoff(
            id,
            &HandoffRequest {
                to: ControlParty {
                    control_type: ControlType::AiAgent,
                    id: None,
                },
                reason: None,
                metadata: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(back.control.id, Some(bot_user.id));
    let (status, _) = answer(send(false).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CREATED);

    let events = server.admin.conversations().events(id, None).await.unwrap();
    let types: Vec<&str> = events.data.iter().map(|e| e.event_type.as_str()).collect();
    assert!(
        types.contains(&"conversation.handoff_requested"),
        "{types:?}"
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| **t == "conversation.control_changed")
            .count(),
        2
    );
    // A handoff names people by id, of the kind it hands to.
    let wrong = server
        .raw(Method::POST, &format!("/v1/conversations/{id}/handoff"))
        .json(&json!({"to": {"type": "ai_agent", "id": lan_user.id}}));
    let unknown_type = server
        .raw(Method::POST, &format!("/v1/conversations/{id}/handoff"))
        .json(&json!({"to": {"type": "robot"}}));
    expect_problems([
        (wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"),
        (
            unknown_type,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ])
    .await;
    server.stop().await;
}

#[tokio::test]
async fn labels_and_priority_filter_and_sort() {
    let server = TestServer::start().await;
    let labels = server.admin.labels();
    for name in ["Billing", "Needs reply/ASAP", "Hóa đơn"] {
        labels
            .create(&CreateLabel {
                name: name.into(),
                color: Some("#ff0000".into()),
                description: None,
            })
            .await
            .unwrap();
    }
    expect_problems([
        (
            server
                .raw(Method::POST, "/v1/labels")
                .json(&json!({"name": "billing"})),
            StatusCode::CONFLICT,
            "already_exists",
        ),
        (
            server
                .raw(Method::POST, "/v1/labels")
                .json(&json!({"name": "a,b"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            server
                .raw(Method::POST, "/v1/labels")
                .json(&json!({"name": "x", "color": "red"})),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ])
    .await;
    let conversations = server.admin.conversations();
    let mut ids = Vec::new();
    for (i, priority) in Priority::ALL.iter().cycle().take(12).enumerate() {
        let c = conversations
            .create(&CreateConversation {
                priority: Some(*priority),
                ..Default::default()
            })
            .await
            .unwrap();
        if i % 2 == 0 {
            conversations
                .add_labels(c.id, &["billing", "needs reply/asap"])
                .await
                .unwrap();
        } else if i % 3 == 0 {
            conversations.add_labels(c.id, &["HÓA ĐƠN"]).await.unwrap();
        }
        ids.push(c.id);
    }
    let shown = conversations.get(ids[0]).await.unwrap();
    assert_eq!(shown.labels, vec!["Billing", "Needs reply/ASAP"]);
    let removed = conversations
        .remove_label(ids[0], "Needs reply/ASAP")
        .await
        .unwrap();
    assert_eq!(removed.labels, vec!["Billing"]);

    let listed = |query: &'static str| {
        let request = server.raw(Method::GET, &format!("/v1/conversations?{query}&limit=100"));
        async move {
            let (status, body) = answer(request.send().await.unwrap()).await;
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
            body["data"].as_array().unwrap().len()
        }
    };
    assert_eq!(listed("labels=billing,Needs%20reply%2FASAP").await, 5);
    assert_eq!(
        listed("labels_any=needs%20reply%2Fasap,h%C3%B3a%20%C4%91%C6%A1n").await,
        7
    );
    assert_eq!(listed("priority=high,urgent").await, 4);
    assert_eq!(listed("priority=urgent&labels=billing").await, 1);
    expect_problems([(
        server.raw(Method::GET, "/v1/conversations?priority=soon"),
        StatusCode::BAD_REQUEST,
        "bad_request",
    )])
    .await;

    let by_priority = ConversationFilters {
        order: Some(ConversationOrder::Priority),
        ..Default::default()
    };
    let walked = conversations
        .pages(&by_priority, 5)
        .collect_all()
        .await
        .unwrap();
    let ranks: Vec<i64> = walked.iter().map(|c| c.priority.rank()).collect();
    let mut sorted = ranks.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ranks, sorted);
    assert_eq!(walked.len(), 12);
    server.stop().await;
}

#[tokio::test]
async fn the_server_wakes_a_snoozed_conversation_on_its_own() {
    let server = TestServer::start().await;
    let conversation = server
        .admin
        .conversations()
        .create(&Default::default())
        .await
        .unwrap();
    let until =
        convo_types::Timestamp::from_millis(convo_types::Timestamp::now().as_millis() + 1_000);
    let (status, body) = answer(
        server
            .raw(
                Method::PATCH,
                &format!("/v1/conversations/{}/status", conversation.id),
            )
            .json(&json!({"status": "snoozed", "snoozed_until": until}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("snoozed"))
    );
    // The scheduler runs every second; the stories drive the timers through a clock, this
    // only checks the server runs them. Polls for up to ten seconds.
    let mut woke = None;
    for _ in 0..100 {
        let now = server
            .admin
            .conversations()
            .get(conversation.id)
            .await
            .unwrap();
        if now.status == convo_types::Status::Open {
            woke = Some(now);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let woke = woke.expect("woken within ten seconds");
    assert_eq!(woke.snoozed_until, None);
    expect_problems([(
        server
            .raw(Method::POST, "/v1/business-units")
            .json(&json!({"name": "Hasty", "auto_resolve_after": 5})),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )])
    .await;
    server.stop().await;
}
