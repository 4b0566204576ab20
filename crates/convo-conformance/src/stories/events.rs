use super::prelude::*;

async fn events_are_ordered_per_organization(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Events").await;
    let other = Fixture::new(store, "Events 2").await;
    let mut handles = Vec::new();
    for i in 0..12 {
        let store = shared.clone();
        let admin = if i % 2 == 0 {
            t.admin.clone()
        } else {
            other.admin.clone()
        };
        handles.push(tokio::spawn(async move {
            conversations::create(store.as_ref(), &admin, CreateConversation::default())
                .await
                .unwrap();
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let all = events::list(store, &t.admin, None, None, None)
        .await
        .unwrap();
    let ids: Vec<i64> = all.data.iter().map(|e| e.id).collect();
    assert_eq!(
        ids,
        (1..=6).collect::<Vec<_>>(),
        "ids count up from 1 in each organization"
    );
    let after = events::list(store, &t.admin, None, Some(4), Some(1))
        .await
        .unwrap();
    assert_eq!(after.data[0].id, 5);
    assert!(after.has_more);
    assert_eq!(after.next_cursor.as_deref(), Some("5"));
}

async fn idempotency_keys_remember_and_refuse(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let scope = auth::hash_secret(&auth::generate_secret().secret);
    let hash = idempotency::request_hash("POST", "/v1/conversations", b"{}");
    assert_eq!(
        idempotency::begin(store, &scope, "k1", &hash)
            .await
            .unwrap(),
        IdempotencyState::Started
    );
    assert_eq!(
        idempotency::begin(store, &scope, "k1", &hash)
            .await
            .unwrap(),
        IdempotencyState::InProgress
    );
    store
        .idempotency_complete(&scope, "k1", 201, b"{\"id\":1}")
        .await
        .unwrap();
    assert_eq!(
        idempotency::begin(store, &scope, "k1", &hash)
            .await
            .unwrap(),
        IdempotencyState::Completed {
            request_hash: hash.clone(),
            status: 201,
            body: b"{\"id\":1}".to_vec()
        }
    );
    let other = idempotency::request_hash("POST", "/v1/conversations", b"{\"name\":\"x\"}");
    assert_eq!(
        idempotency::begin(store, &scope, "k1", &other)
            .await
            .unwrap(),
        IdempotencyState::Mismatch
    );
    // Abandoned keys can be used again; keys of another API key are separate.
    assert_eq!(
        idempotency::begin(store, &scope, "k2", &hash)
            .await
            .unwrap(),
        IdempotencyState::Started
    );
    store.idempotency_abandon(&scope, "k2").await.unwrap();
    assert_eq!(
        idempotency::begin(store, &scope, "k2", &other)
            .await
            .unwrap(),
        IdempotencyState::Started
    );
    // A scope of its own, so the story can run again on the same database.
    let another = auth::hash_secret(&auth::generate_secret().secret);
    assert_eq!(
        idempotency::begin(store, &another, "k1", &other)
            .await
            .unwrap(),
        IdempotencyState::Started
    );
}

async fn webhook_deliveries_are_durable_and_ordered(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Webhooks").await;
    let egress = webhooks::Egress {
        allow_private: true,
    };
    let early = t.conversation(CreateConversation::default()).await;
    let hook = webhooks::create(
        store,
        &t.admin,
        egress,
        &convo_core::sealed::SecretBox::default(),
        convo_types::CreateWebhook {
            url: "http://127.0.0.1:9/hook".into(),
            event_types: Some(vec![EventType::MessageCreated]),
            active: None,
        },
    )
    .await
    .unwrap();
    assert!(hook.secret.is_some());
    let a = t.conversation(CreateConversation::default()).await;
    let b = t.conversation(CreateConversation::default()).await;
    for c in [&a, &b, &a, &early] {
        messages::create(store, &t.admin, c.id, text("hi"))
            .await
            .unwrap();
    }
    let queued = store.enqueue_deliveries(100).await.unwrap();
    assert!(queued >= 4, "one delivery per message event ({queued})");
    assert_eq!(
        store.enqueue_deliveries(100).await.unwrap(),
        0,
        "each event is queued once"
    );
    let now = convo_types::Timestamp::now();
    let lease = convo_types::Timestamp::from_millis(now.as_millis() + 60_000);
    // Filtered to this webhook's organization: other stories' webhooks share the database.
    let mine = |due: Vec<convo_core::DueDelivery>| {
        due.into_iter()
            .filter(|d| d.webhook_id == hook.id)
            .collect::<Vec<_>>()
    };
    let first = mine(store.claim_deliveries(now, lease, 100).await.unwrap());
    let conversations: Vec<_> = first.iter().map(|d| d.event.conversation_id).collect();
    assert_eq!(
        first.len(),
        3,
        "one per conversation: a's second waits for its first"
    );
    assert_eq!(
        conversations.iter().filter(|c| **c == Some(a.id)).count(),
        1
    );
    assert!(
        mine(store.claim_deliveries(now, lease, 100).await.unwrap()).is_empty(),
        "claimed deliveries are leased"
    );
    let attempt = |n, status| convo_types::DeliveryAttempt {
        attempt: n,
        at: now,
        status_code: Some(status),
        error: None,
        duration_ms: 5,
        response: None,
    };
    for due in &first {
        let outcome = if due.event.conversation_id == Some(a.id) {
            convo_core::DeliveryOutcome::RetryAt(now)
        } else {
            convo_core::DeliveryOutcome::Delivered
        };
        store
            .finish_attempt(
                due.id,
                &attempt(
                    1,
                    if outcome == convo_core::DeliveryOutcome::Delivered {
                        200
                    } else {
                        500
                    },
                ),
                outcome,
            )
            .await
            .unwrap();
    }
    // a's first delivery is due again (retry) and still holds back a's second.
    let later = convo_types::Timestamp::from_millis(now.as_millis() + 1);
    let again = mine(store.claim_deliveries(later, lease, 100).await.unwrap());
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].event.conversation_id, again[0].attempts),
        (Some(a.id), 1)
    );
    store
        .finish_attempt(
            again[0].id,
            &attempt(2, 200),
            convo_core::DeliveryOutcome::Delivered,
        )
        .await
        .unwrap();
    let last = mine(store.claim_deliveries(later, lease, 100).await.unwrap());
    assert_eq!(last.len(), 1);
    assert!(
        last[0].event.id > again[0].event.id,
        "a's second after a's first"
    );
    store
        .finish_attempt(
            last[0].id,
            &attempt(1, 200),
            convo_core::DeliveryOutcome::GaveUp,
        )
        .await
        .unwrap();
    let listed = webhooks::deliveries(store, &t.admin, hook.id, page(10))
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 4);
    let retried = listed.data.iter().find(|d| d.id == again[0].id).unwrap();
    assert_eq!(
        retried
            .attempts
            .iter()
            .map(|a| a.status_code)
            .collect::<Vec<_>>(),
        [Some(500), Some(200)]
    );
    assert_eq!(retried.status, convo_types::DeliveryStatus::Delivered);
    let failed = listed.data.iter().find(|d| d.id == last[0].id).unwrap();
    assert_eq!(failed.status, convo_types::DeliveryStatus::Failed);
    webhooks::replay(store, &t.admin, hook.id, failed.id)
        .await
        .unwrap();
    let replayed = mine(
        store
            .claim_deliveries(convo_types::Timestamp::now(), lease, 100)
            .await
            .unwrap(),
    );
    assert_eq!(
        replayed.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![failed.id]
    );
    // Rotation: both secrets sign for a while.
    let rotated = webhooks::rotate_secret(
        store,
        &t.admin,
        &convo_core::sealed::SecretBox::default(),
        hook.id,
    )
    .await
    .unwrap();
    let record = store
        .get_webhook(t.admin.organization_id, hook.id)
        .await
        .unwrap();
    assert_eq!(
        (Some(record.secret), record.previous_secret),
        (rotated.secret, hook.secret)
    );
    let other = Fixture::new(store, "Webhooks 2").await;
    assert!(matches!(
        webhooks::get(store, &other.admin, hook.id).await,
        Err(Error::NotFound(_))
    ));
    webhooks::delete(store, &t.admin, hook.id).await.unwrap();
}

stories![
    events_are_ordered_per_organization,
    idempotency_keys_remember_and_refuse,
    webhook_deliveries_are_durable_and_ordered
];
