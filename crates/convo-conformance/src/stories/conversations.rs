use super::prelude::*;

async fn conversation_fields_round_trip(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Fields").await;
    let contact = t
        .add_contact(CreateContact {
            name: Some("Jane".into()),
            ..Default::default()
        })
        .await;
    let member = t.user("Lan").await;
    let tel = |target: &str| Address {
        address_type: "tel".into(),
        target: target.into(),
        ..Default::default()
    };
    let req = CreateConversation {
        contact_id: Some(contact.id),
        conversation_type: Some(ConversationType::Group),
        name: Some("conversation".into()),
        detail: Some("conversation detail".into()),
        status: Some(Status::Running),
        agent_id: Some("agent-1".into()),
        assignment_id: Some("assignment-1".into()),
        inputs: Some(object(json!({"question": "hi"}))),
        metadata: Some(object(json!({"source": "website-chat"}))),
        member_ids: Some(vec![member.id]),
        owner_type: Some("agent".into()),
        owner_id: Some("3a4b5c6d".into()),
        dialog_id: Some("+673802".into()),
        self_address: Some(tel("+14703298699")),
        peer: Some(tel("+673802")),
        ..Default::default()
    };
    let created = t.conversation(req).await;
    let read = conversations::get(store, &t.admin, created.id)
        .await
        .unwrap();
    // A read carries the reader's unread count; a change's answer gets it at the edge.
    assert_eq!(read.conversation.unread_count, Some(0));
    assert_eq!(
        read.conversation,
        Conversation {
            unread_count: Some(0),
            ..created.clone()
        }
    );
    assert_eq!(read.version, 1);
    assert_eq!(read.created_by_key_id, t.admin.api_key_id());
    let by_public = conversations::get_by_public_id(store, &t.admin, &created.public_id)
        .await
        .unwrap();
    assert_eq!(by_public.conversation, read.conversation);
    let c = created;
    assert_eq!(c.contact_id, Some(contact.id));
    assert_eq!(c.conversation_type, ConversationType::Group);
    assert_eq!(
        (c.name.as_str(), c.topic.as_str(), c.detail.as_str()),
        ("conversation", "conversation", "conversation detail")
    );
    assert_eq!(c.status, Status::Running);
    assert_eq!(c.users.len(), 1);
    assert_eq!(c.users[0].name, "Lan");
    assert_eq!(c.self_address.as_ref().unwrap().target, "+14703298699");
    assert_eq!(c.peer.as_ref().unwrap().target, "+673802");
    assert_eq!(c.dialog_id.as_deref(), Some("+673802"));
    assert_eq!(c.owner_id.as_deref(), Some("3a4b5c6d"));
    assert_eq!(c.business_unit_id, t.created.business_unit.id);
    assert_eq!(c.timestamp, c.created_at);
    assert_eq!(c.counts.messages, 0);
    assert!(c.deleted_at.is_none());
    assert_eq!(c.public_id.len(), 12);

    // Every field optional: seed 000's `create()` with nothing.
    let bare = t.conversation(CreateConversation::default()).await;
    assert_eq!(bare.status, Status::Open);
    assert_eq!(bare.conversation_type, ConversationType::Direct);
    assert!(bare.users.is_empty());

    // The tenant must be the key's own.
    let foreign = conversations::create(
        store,
        &t.admin,
        CreateConversation {
            tenant_id: Some(convo_types::OrganizationId::new()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(foreign, Error::NotFound(_)));
}

async fn metadata_merges_and_versions_guard_changes(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Merge").await;
    let c = t
        .conversation(CreateConversation {
            metadata: Some(object(json!({"priority": "low", "source": "web"}))),
            ..Default::default()
        })
        .await;
    let patch = UpdateConversation {
        name: Some("VIP customer support".into()),
        metadata: Some(object(
            json!({"priority": "high", "source": null, "tier": 2}),
        )),
        ..Default::default()
    };
    let updated = conversations::update(store, &t.admin, c.id, Some(1), patch)
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.conversation.name, "VIP customer support");
    assert_eq!(updated.conversation.topic, "VIP customer support");
    assert_eq!(
        updated.conversation.metadata,
        object(json!({"priority": "high", "tier": 2}))
    );
    let stale = conversations::update(
        store,
        &t.admin,
        c.id,
        Some(1),
        UpdateConversation {
            detail: Some("x".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(stale, Error::PreconditionFailed));
    let unchanged = conversations::get(store, &t.admin, c.id).await.unwrap();
    assert_eq!(
        unchanged.conversation.detail, "",
        "a failed precondition changes nothing"
    );
    // Clearing nullable fields with null; an empty patch writes nothing.
    let with_owner = conversations::update(
        store,
        &t.admin,
        c.id,
        None,
        UpdateConversation {
            owner_id: Some(Some("o".into())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let cleared = conversations::update(
        store,
        &t.admin,
        c.id,
        None,
        UpdateConversation {
            owner_id: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(with_owner.conversation.owner_id.as_deref(), Some("o"));
    assert_eq!(cleared.conversation.owner_id, None);
    let same = conversations::update(store, &t.admin, c.id, None, UpdateConversation::default())
        .await
        .unwrap();
    assert_eq!(same.version, cleared.version);
    let too_long = conversations::update(
        store,
        &t.admin,
        c.id,
        None,
        UpdateConversation {
            name: Some("x".repeat(201)),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(too_long, Error::Validation(_)));
}

async fn parent_cycles_are_refused_and_children_counted(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Tree").await;
    let root = t.conversation(CreateConversation::default()).await;
    let child = t
        .conversation(CreateConversation {
            parent_id: Some(root.id),
            ..Default::default()
        })
        .await;
    let grandchild = t
        .conversation(CreateConversation {
            parent_id: Some(child.id),
            ..Default::default()
        })
        .await;
    let admin = &t.admin;
    let count = |id| async move {
        conversations::get(store, admin, id)
            .await
            .unwrap()
            .conversation
            .counts
            .children
    };
    assert_eq!(count(root.id).await, 1);
    assert_eq!(count(child.id).await, 1);
    for (id, parent) in [
        (root.id, grandchild.id),
        (root.id, root.id),
        (child.id, grandchild.id),
    ] {
        let err = conversations::update(
            store,
            &t.admin,
            id,
            None,
            UpdateConversation {
                parent_id: Some(Some(parent)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{err:?}");
    }
    // Moving the grandchild up changes both counts; detaching it too.
    conversations::update(
        store,
        &t.admin,
        grandchild.id,
        None,
        UpdateConversation {
            parent_id: Some(Some(root.id)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((count(root.id).await, count(child.id).await), (2, 0));
    conversations::update(
        store,
        &t.admin,
        grandchild.id,
        None,
        UpdateConversation {
            parent_id: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(count(root.id).await, 1);
    conversations::delete(store, &t.admin, child.id, None, false)
        .await
        .unwrap();
    assert_eq!(count(root.id).await, 0, "a deleted child no longer counts");
    // A parent of another organization is unknown.
    let other = Fixture::new(store, "Tree 2").await;
    let foreign = other.conversation(CreateConversation::default()).await;
    let err = conversations::update(
        store,
        &t.admin,
        root.id,
        None,
        UpdateConversation {
            parent_id: Some(Some(foreign.id)),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Validation(_)));
    // Nesting is bounded.
    let mut parent = root.id;
    let mut refused = None;
    for _ in 0..conversations::MAX_DEPTH + 1 {
        match conversations::create(
            store,
            &t.admin,
            CreateConversation {
                parent_id: Some(parent),
                ..Default::default()
            },
        )
        .await
        {
            Ok(record) => parent = record.conversation.id,
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    assert!(matches!(refused, Some(Error::Validation(_))), "{refused:?}");
}

async fn status_changes_are_validated_and_recorded(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Status").await;
    let c = t.conversation(CreateConversation::default()).await;
    let resolved = conversations::update_status(
        store,
        &t.admin,
        c.id,
        None,
        UpdateStatus {
            status: Status::Resolved,
            snoozed_until: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(resolved.conversation.status, Status::Resolved);
    let again = conversations::update_status(
        store,
        &t.admin,
        c.id,
        None,
        UpdateStatus {
            status: Status::Resolved,
            snoozed_until: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        again.version, resolved.version,
        "the same status writes nothing"
    );
    let bad = conversations::update_status(
        store,
        &t.admin,
        c.id,
        None,
        UpdateStatus {
            status: Status::Open,
            snoozed_until: Some(convo_types::Timestamp::now()),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(bad, Error::Validation(_)));
    // A day ahead: the timer stories move their clocks less than that.
    let later =
        convo_types::Timestamp::from_millis(convo_types::Timestamp::now().as_millis() + 86_400_000);
    let snoozed = conversations::update_status(
        store,
        &t.admin,
        c.id,
        None,
        UpdateStatus {
            status: Status::Snoozed,
            snoozed_until: Some(later),
        },
    )
    .await
    .unwrap();
    assert_eq!(snoozed.conversation.snoozed_until, Some(later));
    let log = events::list(store, &t.admin, Some(c.id), None, None)
        .await
        .unwrap();
    let types: Vec<_> = log.data.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [
            EventType::ConversationCreated,
            EventType::ConversationStatusChanged,
            EventType::ConversationStatusChanged
        ]
    );
    assert_eq!(log.data[1].data["status"], json!("resolved"));
    assert_eq!(log.data[1].actor.id, Some(t.admin.user_id.to_string()));
}

async fn deletes_are_soft_hard_and_owned(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Delete").await;
    let deleter = t
        .key_with(
            vec![
                Scope::ConversationsRead,
                Scope::ConversationsWrite,
                Scope::ConversationsDelete,
            ],
            None,
        )
        .await;
    let writer = t
        .key_with(
            vec![Scope::ConversationsRead, Scope::ConversationsWrite],
            None,
        )
        .await;
    let own = create(store, &deleter, CreateConversation::default()).await;
    let admins = t.conversation(CreateConversation::default()).await;
    let not_owned = conversations::delete(store, &deleter, admins.id, None, false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            not_owned,
            Error::Forbidden {
                code: ErrorCode::LifecycleNotOwned,
                ..
            }
        ),
        "{not_owned:?}"
    );
    let no_scope = conversations::delete(store, &writer, own.id, None, false)
        .await
        .unwrap_err();
    assert!(matches!(
        no_scope,
        Error::Forbidden {
            code: ErrorCode::MissingScope,
            ..
        }
    ));
    let stale = conversations::delete(store, &deleter, own.id, Some(7), false)
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::PreconditionFailed));
    conversations::delete(store, &deleter, own.id, Some(1), false)
        .await
        .unwrap();
    assert!(matches!(
        conversations::get(store, &t.admin, own.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        conversations::get_by_public_id(store, &t.admin, &own.public_id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        list_ids(store, &t.admin, ConversationFilters::default()).await,
        vec![admins.id]
    );
    // The admin key may delete what it did not create; hard delete removes it for good.
    conversations::delete(store, &t.admin, admins.id, None, true)
        .await
        .unwrap();
    assert!(list_ids(store, &t.admin, ConversationFilters::default())
        .await
        .is_empty());
    let log = events::list(store, &t.admin, None, None, None)
        .await
        .unwrap();
    let deleted: Vec<_> = log
        .data
        .iter()
        .filter(|e| e.event_type == EventType::ConversationDeleted)
        .collect();
    assert_eq!(deleted.len(), 2);
    assert!(
        deleted[0].data["deleted_at"].is_string(),
        "a soft delete records when"
    );
}

stories![
    conversation_fields_round_trip,
    metadata_merges_and_versions_guard_changes,
    parent_cycles_are_refused_and_children_counted,
    status_changes_are_validated_and_recorded,
    deletes_are_soft_hard_and_owned
];
