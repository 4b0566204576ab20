use super::prelude::*;

async fn messages_move_their_conversation(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Messages").await;
    let jane = t
        .add_contact(CreateContact {
            name: Some("Jane".into()),
            ..Default::default()
        })
        .await;
    let c = t
        .conversation(CreateConversation {
            contact_id: Some(jane.id),
            status: Some(Status::Resolved),
            ..Default::default()
        })
        .await;
    let first = messages::create(store, &t.admin, c.id, incoming(&"Xin chào ".repeat(30)))
        .await
        .unwrap();
    assert!(first.created);
    assert_eq!(
        first.message.sender,
        Sender {
            sender_type: SenderType::Contact,
            id: Some(jane.id.to_string())
        },
        "an incoming message comes from the contact"
    );
    let after = conversations::get(store, &t.admin, c.id)
        .await
        .unwrap()
        .conversation;
    assert_eq!(
        after.status,
        Status::Open,
        "an incoming message reopens a done conversation"
    );
    assert_eq!(after.counts.messages, 1);
    assert_eq!(after.timestamp, first.message.created_at);
    let last = after.last_message.clone().unwrap();
    assert_eq!(
        (last.id, last.preview.chars().count()),
        (first.message.id, 140)
    );
    let reply = messages::create(store, &t.admin, c.id, text("We are on it"))
        .await
        .unwrap();
    assert_eq!(reply.message.message_type, MessageType::Outgoing);
    assert_eq!(reply.message.sender.id, Some(t.admin.user_id.to_string()));
    let listed = messages::list(store, &t.admin, c.id, Default::default(), page(10))
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![first.message.id, reply.message.id],
        "oldest first"
    );
    let recent = messages::list(
        store,
        &t.admin,
        c.id,
        convo_types::MessageFilters {
            order: Some(SortOrder::Recent),
            ..Default::default()
        },
        page(1),
    )
    .await
    .unwrap();
    assert_eq!(recent.data[0].id, reply.message.id);
    let next = messages::list(
        store,
        &t.admin,
        c.id,
        convo_types::MessageFilters {
            order: Some(SortOrder::Recent),
            ..Default::default()
        },
        PagingParams {
            cursor: recent.next_cursor.clone(),
            ..page(1)
        },
    )
    .await
    .unwrap();
    assert_eq!(next.data[0].id, first.message.id);
    let edited = messages::update(
        store,
        &t.admin,
        reply.message.id,
        UpdateMessage {
            content: Some("Refund sent".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(edited.content, "Refund sent");
    let now = conversations::get(store, &t.admin, c.id)
        .await
        .unwrap()
        .conversation;
    assert_eq!(now.last_message.unwrap().preview, "Refund sent");
    messages::delete(store, &t.admin, reply.message.id)
        .await
        .unwrap();
    messages::delete(store, &t.admin, first.message.id)
        .await
        .unwrap();
    let emptied = conversations::get(store, &t.admin, c.id)
        .await
        .unwrap()
        .conversation;
    assert_eq!(
        (emptied.counts.messages, emptied.last_message.is_none()),
        (0, true)
    );
    assert_eq!(
        emptied.timestamp, emptied.created_at,
        "no message: the time of creation"
    );
    let log = events::list(store, &t.admin, Some(c.id), None, None)
        .await
        .unwrap();
    let types: Vec<_> = log.data.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [
            EventType::ConversationCreated,
            EventType::MessageCreated,
            EventType::ConversationStatusChanged,
            EventType::MessageCreated,
            EventType::MessageUpdated,
            EventType::MessageDeleted,
            EventType::MessageDeleted,
        ]
    );
    assert_eq!(log.data[1].data["object_name"], json!("message"));
    // Counts follow the reopen too.
    assert_counts_match_lists(store, &t.admin, ConversationFilters::default()).await;
}

/// A `user` or `ai_agent` sender given without an id is the key's acting user.
async fn senders_without_id_are_the_acting_user(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Senders by default").await;
    let c = t.conversation(CreateConversation::default()).await;
    for sender_type in [SenderType::User, SenderType::AiAgent] {
        let sent = messages::create(
            store,
            &t.admin,
            c.id,
            CreateMessage {
                sender: Some(Sender {
                    sender_type,
                    id: None,
                }),
                ..text("from the key's user")
            },
        )
        .await
        .unwrap();
        assert_eq!(
            (sent.message.sender.sender_type, sent.message.sender.id),
            (sender_type, Some(t.admin.user_id.to_string()))
        );
        assert_eq!(sent.message.message_type, MessageType::Outgoing);
    }
}

async fn messages_are_validated(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Message rules").await;
    let c = t.conversation(CreateConversation::default()).await;
    let other = Fixture::new(store, "Message rules 2").await;
    let cases = vec![
        CreateMessage::default(),
        text(&"x".repeat(convo_types::limits::MAX_CONTENT_CHARS + 1)),
        CreateMessage {
            sender: Some(Sender {
                sender_type: SenderType::User,
                id: Some(other.admin.user_id.to_string()),
            }),
            ..text("hi")
        },
        CreateMessage {
            sender: Some(Sender {
                sender_type: SenderType::System,
                id: Some("x".into()),
            }),
            ..text("hi")
        },
        CreateMessage {
            sender: Some(Sender {
                sender_type: SenderType::Contact,
                id: Some("not-a-uuid".into()),
            }),
            ..text("hi")
        },
        CreateMessage {
            attachments: Some(vec![NewAttachment::hosted("ftp://x")]),
            ..text("hi")
        },
        CreateMessage {
            attachments: Some(vec![NewAttachment {
                mime_type: Some("png".into()),
                size: Some(1),
                ..NewAttachment::hosted("https://x/a.png")
            }]),
            ..text("hi")
        },
    ];
    for req in cases {
        let err = messages::create(store, &t.admin, c.id, req.clone())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{req:?}: {err:?}");
    }
    let with_file = CreateMessage {
        attachments: Some(vec![NewAttachment {
            name: Some("a.png".into()),
            mime_type: Some("image/png".into()),
            size: Some(1024),
            ..NewAttachment::hosted("https://cdn.example.com/a.png")
        }]),
        ..CreateMessage::default()
    };
    let ok = messages::create(store, &t.admin, c.id, with_file)
        .await
        .unwrap();
    assert_eq!(ok.message.attachments.len(), 1);
    assert!(matches!(
        messages::create(store, &other.admin, c.id, text("hi")).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        messages::get(store, &other.admin, ok.message.id).await,
        Err(Error::NotFound(_))
    ));
    let reader = t.key_with(vec![Scope::MessagesRead], None).await;
    assert!(matches!(
        messages::create(store, &reader, c.id, text("hi")).await,
        Err(Error::Forbidden { .. })
    ));
    // Hard-deleting the conversation deletes its messages.
    conversations::delete(store, &t.admin, c.id, None, true)
        .await
        .unwrap();
    assert!(matches!(
        messages::get(store, &t.admin, ok.message.id).await,
        Err(Error::NotFound(_))
    ));
}

async fn external_ids_dedupe_even_concurrently(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Dedupe").await;
    let c = t.conversation(CreateConversation::default()).await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (store, admin) = (shared.clone(), t.admin.clone());
        tasks.push(tokio::spawn(async move {
            let req = CreateMessage {
                external_id: Some("wamid.42".into()),
                ..incoming("once")
            };
            messages::create(store.as_ref(), &admin, c.id, req)
                .await
                .unwrap()
        }));
    }
    let mut ids = HashSet::new();
    let mut created = 0;
    for task in tasks {
        let written = task.await.unwrap();
        ids.insert(written.message.id);
        created += usize::from(written.created);
    }
    assert_eq!((ids.len(), created), (1, 1), "one message, created once");
    let now = conversations::get(store, &t.admin, c.id)
        .await
        .unwrap()
        .conversation;
    assert_eq!(now.counts.messages, 1);
    // The same external id in another conversation is another message.
    let other = t.conversation(CreateConversation::default()).await;
    let elsewhere = messages::create(
        store,
        &t.admin,
        other.id,
        CreateMessage {
            external_id: Some("wamid.42".into()),
            ..incoming("once")
        },
    )
    .await
    .unwrap();
    assert!(elsewhere.created);
}

/// Many senders at once (the store groups them into shared commits): every message lands once,
/// in its own conversation, with exact counts and one event each; a message to a conversation
/// deleted meanwhile fails alone.
async fn concurrent_messages_share_commits_and_fail_alone(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Group commit").await;
    let mut conversations = Vec::new();
    for _ in 0..4 {
        conversations.push(t.conversation(CreateConversation::default()).await);
    }
    let gone = t.conversation(CreateConversation::default()).await;
    let mut tasks = Vec::new();
    for i in 0..48 {
        let (store, admin) = (shared.clone(), t.admin.clone());
        let target = conversations[i % 4].id;
        tasks.push(tokio::spawn(async move {
            messages::create(
                store.as_ref(),
                &admin,
                target,
                incoming(&format!("burst {i}")),
            )
            .await
            .map(|w| w.message.id)
        }));
    }
    // Racing the burst: a hard delete, then messages to the deleted conversation.
    conversations::delete(store, &t.admin, gone.id, None, true)
        .await
        .unwrap();
    let late = messages::create(store, &t.admin, gone.id, incoming("too late")).await;
    assert!(matches!(late, Err(Error::NotFound(_))), "{late:?}");
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap().expect("every burst message is written"));
    }
    assert_eq!(ids.len(), 48);
    for c in &conversations {
        let now = conversations::get(store, &t.admin, c.id)
            .await
            .unwrap()
            .conversation;
        assert_eq!(now.counts.messages, 12);
        let listed = messages::list(store, &t.admin, c.id, Default::default(), page(100))
            .await
            .unwrap();
        assert_eq!(listed.data.len(), 12);
    }
    let after = events::list(store, &t.admin, None, None, Some(100))
        .await
        .unwrap()
        .data;
    let created = after
        .iter()
        .filter(|e| e.event_type == EventType::MessageCreated)
        .count();
    assert_eq!(created, 48, "one message.created per message");
    let ids: Vec<i64> = after.iter().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "event ids increase");
}

async fn video_calls_are_recorded(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Video").await;
    let c = t.conversation(CreateConversation::default()).await;
    let started =
        messages::init_video_call(store, &t.admin, c.id, "https://meet.example.com/{room}")
            .await
            .unwrap();
    let call = &started.video_call;
    assert_eq!(
        call.join_url,
        format!("https://meet.example.com/{}", call.room)
    );
    assert!(call.room.len() >= 22);
    assert_eq!(call.started_by, t.admin.user_id);
    let again = messages::init_video_call(store, &t.admin, c.id, "https://meet.example.com/{room}")
        .await
        .unwrap();
    assert_ne!(
        again.video_call.room, call.room,
        "every call gets its own room"
    );
    assert_eq!(started.conversation.counts.messages, 1);
    let activity = messages::list(store, &t.admin, c.id, Default::default(), page(10))
        .await
        .unwrap()
        .data
        .remove(0);
    assert_eq!(activity.message_type, MessageType::Activity);
    assert_eq!(activity.metadata["join_url"], json!(call.join_url));
    let log = events::list(store, &t.admin, Some(c.id), None, None)
        .await
        .unwrap();
    let started_event = log
        .data
        .iter()
        .find(|e| e.event_type == EventType::VideoCallStarted)
        .expect("video_call.started");
    assert_eq!(started_event.data["room"], json!(call.room));
    let other = Fixture::new(store, "Video 2").await;
    assert!(matches!(
        messages::init_video_call(store, &other.admin, c.id, "{room}").await,
        Err(Error::NotFound(_))
    ));
}

stories![
    messages_move_their_conversation,
    messages_are_validated,
    senders_without_id_are_the_acting_user,
    external_ids_dedupe_even_concurrently,
    concurrent_messages_share_commits_and_fail_alone,
    video_calls_are_recorded
];
