use super::prelude::*;

fn by_customer(external_id: &str) -> convo_types::GetOrCreateConversation {
    convo_types::GetOrCreateConversation {
        customer: Some(convo_types::CustomerRef {
            external_id: Some(external_id.into()),
            name: Some("Jane Customer".into()),
            email: Some("jane@example.com".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

async fn get_or_create_reuses_and_never_duplicates(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Get or create").await;
    let web = t.channel(ChannelType::Web, "example.com").await;
    let req = convo_types::GetOrCreateConversation {
        channel_identifier: Some("example.com".into()),
        ..by_customer("website_user_123")
    };
    let (made, created) = threads::get_or_create(store, &t.admin, req.clone())
        .await
        .unwrap();
    assert!(created);
    assert_eq!(made.conversation.channel_ids, vec![web.id]);
    assert_eq!(
        made.conversation
            .users
            .iter()
            .map(|u| u.id)
            .collect::<Vec<_>>(),
        vec![t.admin.user_id],
        "the acting user is in it"
    );
    let contact = convo_core::usecases::contacts::list_contacts(
        store,
        &t.admin,
        convo_types::ContactQuery {
            external_id: Some("website_user_123".into()),
            ..Default::default()
        },
        page(5),
    )
    .await
    .unwrap()
    .data
    .remove(0);
    assert_eq!(
        (contact.name.as_deref(), made.conversation.contact_id),
        (Some("Jane Customer"), Some(contact.id)),
        "the customer is made from the given fields"
    );
    let (found, created) = threads::get_or_create(store, &t.admin, req.clone())
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(found.conversation.id, made.conversation.id);
    let (by_id, created) = threads::get_or_create(
        store,
        &t.admin,
        convo_types::GetOrCreateConversation {
            customer_id: Some(contact.id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (by_id.conversation.id, created),
        (made.conversation.id, false)
    );
    // Another user's key joins the found conversation.
    let lan = t.user("Lan").await;
    let lans = t
        .key_for(
            lan.id,
            vec![Scope::ConversationsRead, Scope::ConversationsWrite],
        )
        .await;
    let (joined, _) = threads::get_or_create(store, &lans, req.clone())
        .await
        .unwrap();
    assert_eq!(joined.conversation.users.len(), 2);
    // A deleted conversation is not reused.
    conversations::delete(store, &t.admin, made.conversation.id, None, false)
        .await
        .unwrap();
    let (fresh, created) = threads::get_or_create(store, &t.admin, req).await.unwrap();
    assert!(created && fresh.conversation.id != made.conversation.id);
    // Members only: the same set finds the same conversation.
    let members = convo_types::GetOrCreateConversation {
        member_ids: Some(vec![lan.id]),
        conversation_type: Some(ConversationType::Group),
        ..Default::default()
    };
    let (group, created) = threads::get_or_create(store, &t.admin, members.clone())
        .await
        .unwrap();
    assert!(created);
    assert_eq!(
        threads::get_or_create(store, &t.admin, members)
            .await
            .unwrap()
            .0
            .conversation
            .id,
        group.conversation.id
    );
    // Refusals.
    for bad in [
        convo_types::GetOrCreateConversation::default(),
        convo_types::GetOrCreateConversation {
            channel_identifier: Some("nowhere.example".into()),
            ..by_customer("x")
        },
        convo_types::GetOrCreateConversation {
            customer_id: Some(convo_types::ContactId::new()),
            ..Default::default()
        },
        convo_types::GetOrCreateConversation {
            customer: Some(convo_types::CustomerRef {
                name: Some("no ids".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    ] {
        let err = threads::get_or_create(store, &t.admin, bad.clone())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{bad:?}: {err:?}");
    }
}

/// A get-or-create or sub-conversation refused for its input stores nothing, not even the
/// customer it would have made.
async fn refused_requests_leave_no_customer(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "All or nothing").await;
    let parent = t.conversation(CreateConversation::default()).await;
    let customers = |external_id: &'static str| {
        convo_core::usecases::contacts::list_contacts(
            store,
            &t.admin,
            convo_types::ContactQuery {
                external_id: Some(external_id.into()),
                ..Default::default()
            },
            page(5),
        )
    };
    let unknown_channel = convo_types::GetOrCreateConversation {
        channel_identifier: Some("nowhere.example".into()),
        ..by_customer("refused_1")
    };
    let long_name = convo_types::GetOrCreateConversation {
        name: Some("x".repeat(convo_types::limits::MAX_NAME_CHARS + 1)),
        ..by_customer("refused_2")
    };
    for (req, external_id) in [(unknown_channel, "refused_1"), (long_name, "refused_2")] {
        let refused = threads::get_or_create(store, &t.admin, req.clone()).await;
        assert!(matches!(refused, Err(Error::Validation(_))), "{refused:?}");
        let refused = threads::create_sub_conversation(store, &t.admin, parent.id, req).await;
        assert!(matches!(refused, Err(Error::Validation(_))), "{refused:?}");
        assert!(customers(external_id).await.unwrap().data.is_empty());
    }
    let (made, _) = threads::get_or_create(store, &t.admin, by_customer("accepted"))
        .await
        .unwrap();
    let stored = customers("accepted").await.unwrap().data;
    assert_eq!(
        stored.iter().map(|c| Some(c.id)).collect::<Vec<_>>(),
        vec![made.conversation.contact_id]
    );
}

/// A key limited to business units never learns of the customer's conversations in other
/// units: it finds or makes the customer's conversation of its own unit.
async fn limited_keys_get_or_create_in_their_units(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Get or create by unit").await;
    let unit = t.unit("Second unit").await;
    t.channel_in(unit.id, ChannelType::Web, "second.example")
        .await;
    let (everywhere, _) = threads::get_or_create(store, &t.admin, by_customer("unit_customer"))
        .await
        .unwrap();
    assert_ne!(everywhere.conversation.business_unit_id, unit.id);
    let limited = t
        .key_with(vec![Scope::ConversationsWrite], Some(vec![unit.id]))
        .await;
    let req = convo_types::GetOrCreateConversation {
        channel_identifier: Some("second.example".into()),
        ..by_customer("unit_customer")
    };
    let (theirs, created) = threads::get_or_create(store, &limited, req.clone())
        .await
        .unwrap();
    assert!(created, "as if the other unit's conversation did not exist");
    assert_eq!(
        (
            theirs.conversation.business_unit_id,
            theirs.conversation.contact_id
        ),
        (unit.id, everywhere.conversation.contact_id)
    );
    let (again, created) = threads::get_or_create(store, &limited, req).await.unwrap();
    assert_eq!(
        (again.conversation.id, created),
        (theirs.conversation.id, false)
    );
}

async fn concurrent_get_or_create_makes_one(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Race").await;
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (store, admin) = (shared.clone(), t.admin.clone());
        tasks.push(tokio::spawn(async move {
            threads::get_or_create(store.as_ref(), &admin, by_customer("racer"))
                .await
                .unwrap()
        }));
    }
    let mut ids = HashSet::new();
    let mut made = 0;
    for task in tasks {
        let (record, created) = task.await.unwrap();
        ids.insert(record.conversation.id);
        made += usize::from(created);
    }
    assert_eq!(
        (ids.len(), made),
        (1, 1),
        "64 identical calls, one conversation"
    );
    let contacts = convo_core::usecases::contacts::list_contacts(
        store,
        &t.admin,
        convo_types::ContactQuery::default(),
        PagingParams {
            include_total: true,
            ..page(5)
        },
    )
    .await
    .unwrap();
    assert_eq!(contacts.total, Some(1), "and one contact");
    assert_eq!(
        total(store, &t.admin, ConversationFilters::default()).await,
        1
    );
}

async fn sub_conversations_inherit_count_and_delete_with_parent(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Threads").await;
    let support = t.unit("Support").await;
    let line = t.channel_in(support.id, ChannelType::Line, "line-1").await;
    let parent = t
        .conversation(CreateConversation {
            channel_id: Some(line.id),
            ..Default::default()
        })
        .await;
    let thread = |name: &str| convo_types::GetOrCreateConversation {
        name: Some(name.into()),
        conversation_type: Some(ConversationType::Group),
        ..by_customer("website_user_123")
    };
    let mut children = Vec::new();
    for i in 0..5 {
        children.push(
            threads::create_sub_conversation(
                store,
                &t.admin,
                parent.id,
                thread(&format!("Order #{i}")),
            )
            .await
            .unwrap()
            .conversation,
        );
    }
    let first = &children[0];
    assert_eq!(
        (
            first.parent_id,
            first.channel_ids.clone(),
            first.business_unit_id
        ),
        (Some(parent.id), vec![line.id], support.id),
        "inherits channels and unit"
    );
    assert_eq!(
        conversations::get(store, &t.admin, parent.id)
            .await
            .unwrap()
            .conversation
            .counts
            .children,
        5
    );
    let grandchild = threads::create_sub_conversation(store, &t.admin, first.id, thread("Return"))
        .await
        .unwrap()
        .conversation;
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let listed = threads::list_sub_conversations(
            store,
            &t.admin,
            parent.id,
            None,
            PagingParams {
                limit: Some(2),
                cursor: cursor.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(listed.data.iter().all(|c| c.users.len() == 1));
        seen.extend(listed.data.iter().map(|c| c.id));
        match listed.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        children.iter().map(|c| c.id).collect::<Vec<_>>(),
        "oldest first, every child once"
    );
    // Soft-deleting a thread takes its sub-threads with it; the parent's count follows.
    conversations::delete(store, &t.admin, first.id, None, false)
        .await
        .unwrap();
    assert!(matches!(
        conversations::get(store, &t.admin, grandchild.id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        conversations::get(store, &t.admin, parent.id)
            .await
            .unwrap()
            .conversation
            .counts
            .children,
        4
    );
    // Hard-deleting the parent removes every child for good.
    let kept = children[1].id;
    messages::create(store, &t.admin, kept, text("in a thread"))
        .await
        .unwrap();
    conversations::delete(store, &t.admin, parent.id, None, true)
        .await
        .unwrap();
    assert!(matches!(
        conversations::get(store, &t.admin, kept).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        total(store, &t.admin, ConversationFilters::default()).await,
        0
    );
    assert_counts_match_lists(store, &t.admin, ConversationFilters::default()).await;
}

async fn workforce_runs_follow_seed_003(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Workforce").await;
    let here = || workforce::Tenancy {
        tenant_id: Some(t.admin.organization_id),
        tenant_unit_id: None,
    };
    let run = workforce::create(
        store,
        &t.admin,
        here(),
        Some("as-1".into()),
        convo_types::WorkforceCreateConversation::default(),
    )
    .await
    .unwrap()
    .conversation;
    assert_eq!(
        (run.topic.as_str(), run.status, run.assignment_id.as_deref()),
        (workforce::DEFAULT_TOPIC, Status::Running, Some("as-1"))
    );
    let agent = uuid::Uuid::now_v7();
    let other = workforce::create(
        store,
        &t.admin,
        here(),
        None,
        convo_types::WorkforceCreateConversation {
            topic: Some("Research".into()),
            agent_id: Some(agent),
            inputs: Some(object(json!({"q": "x"}))),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .conversation;
    let listed = workforce::list(
        store,
        &t.admin,
        here(),
        workforce::ListParams {
            agent_id: Some(agent.to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((listed.data.len(), listed.total), (1, Some(1)));
    assert_eq!(listed.data[0].id, other.id);
    let page2 = workforce::list(
        store,
        &t.admin,
        here(),
        workforce::ListParams {
            page_num: Some(2),
            page_size: Some(1),
            order: Some(SortOrder::Oldest),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page2.data[0].id, other.id);
    let renamed = workforce::update(
        store,
        &t.admin,
        here(),
        run.id,
        convo_types::WorkforceUpdateConversation {
            topic: Some("Renamed".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(renamed.conversation.topic, "Renamed");
    let paused = workforce::update_status(
        store,
        &t.admin,
        here(),
        run.id,
        convo_types::WorkforceUpdateStatus {
            status: Some(Status::Paused),
        },
    )
    .await
    .unwrap();
    assert_eq!(paused.conversation.status, Status::Paused);
    let refused = workforce::update_status(
        store,
        &t.admin,
        here(),
        run.id,
        convo_types::WorkforceUpdateStatus {
            status: Some(Status::Resolved),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, Error::Validation(_)));
    let foreign = workforce::Tenancy {
        tenant_id: Some(convo_types::OrganizationId::new()),
        tenant_unit_id: None,
    };
    assert!(matches!(
        workforce::get(store, &t.admin, foreign, run.id).await,
        Err(Error::NotFound(_))
    ));
    let wrong_unit = workforce::Tenancy {
        tenant_id: None,
        tenant_unit_id: Some(convo_types::BusinessUnitId::new()),
    };
    assert!(matches!(
        workforce::get(store, &t.admin, wrong_unit, run.id).await,
        Err(Error::NotFound(_))
    ));
    messages::create(store, &t.admin, run.id, text("step 1"))
        .await
        .unwrap();
    messages::create(store, &t.admin, run.id, text("step 2"))
        .await
        .unwrap();
    let steps = workforce::list_messages(store, &t.admin, here(), run.id, Some(2), Some(1))
        .await
        .unwrap();
    assert_eq!(steps.data[0].content, "step 2");
    workforce::delete(store, &t.admin, run.id).await.unwrap();
    assert!(matches!(
        workforce::get(store, &t.admin, here(), run.id).await,
        Err(Error::NotFound(_))
    ));
}

stories![
    get_or_create_reuses_and_never_duplicates,
    refused_requests_leave_no_customer,
    limited_keys_get_or_create_in_their_units,
    concurrent_get_or_create_makes_one,
    sub_conversations_inherit_count_and_delete_with_parent,
    workforce_runs_follow_seed_003
];
