//! The event list, the live stream (across nodes on PostgreSQL) and webhooks.

use convo_client::Page;
use convo_server::Settings;
use convo_types::{CreateConversation, CreateOrganization, EventType, Status};
use reqwest::StatusCode;

use crate::common::*;

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
        let event = convo_client::verify_webhook(body, headers, &secret)
            .expect("a valid Standard Webhooks signature");
        types.push(event.event_type);
    }
    let (headers, body) = &got[0];
    let forged = String::from_utf8_lossy(body).replace("conversation", "c0nversation");
    assert!(matches!(
        convo_client::verify_webhook(forged.as_bytes(), headers, &secret),
        Err(convo_client::Error::Webhook(_))
    ));
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

#[tokio::test]
async fn webhook_secrets_are_sealed_at_rest_and_still_sign() {
    let server = TestServer::start_with(|s| {
        s.webhook_allow_private = true;
        s.secret_key = Some("3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into());
    })
    .await;
    let receiver = Receiver::start(0).await;
    let hook = server
        .admin
        .webhooks()
        .create(&convo_types::CreateWebhook {
            url: receiver.url.clone(),
            event_types: Some(vec![EventType::ConversationCreated]),
            active: None,
        })
        .await
        .unwrap();
    let secret = hook.secret.clone().unwrap();
    let database = server._dir.path().join("convo.db");
    let stored: (String,) = {
        use sqlx::Connection;
        let url = format!("sqlite://{}", database.display());
        let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_as("SELECT secret FROM webhooks")
            .fetch_one(&mut db)
            .await
            .unwrap()
    };
    assert!(stored.0.starts_with("sealed:v1:"), "{}", stored.0);
    assert!(!stored.0.contains(secret.trim_start_matches("whsec_")));
    server
        .admin
        .conversations()
        .create(&CreateConversation::default())
        .await
        .unwrap();
    let got = receiver.wait_for(1).await;
    let (headers, body) = &got[0];
    convo_client::verify_webhook(body, headers, &secret).expect("signed with the secret");
    server.stop().await;
}
