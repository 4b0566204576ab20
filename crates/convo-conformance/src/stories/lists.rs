use super::prelude::*;

async fn every_list_filter_narrows(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Filters").await;
    let web = t.channel(ChannelType::Web, "example.com").await;
    let jane = t
        .add_contact(CreateContact {
            name: Some("Jane Billing".into()),
            email: Some("jane@example.com".into()),
            phone: Some("+84 90 123".into()),
            ..Default::default()
        })
        .await;
    let a = t
        .conversation(CreateConversation {
            name: Some("Refund request".into()),
            channel_id: Some(web.id),
            agent_id: Some("agent-1".into()),
            ..Default::default()
        })
        .await;
    let b = t
        .conversation(CreateConversation {
            name: Some("Shipping".into()),
            contact_id: Some(jane.id),
            status: Some(Status::Pending),
            assignment_id: Some("as-9".into()),
            owner_id: Some("owner-7".into()),
            ..Default::default()
        })
        .await;
    let child = t
        .conversation(CreateConversation {
            name: Some("Order #1042".into()),
            parent_id: Some(a.id),
            status: Some(Status::Resolved),
            detail: Some("100% done_".into()),
            ..Default::default()
        })
        .await;
    let q = |f: fn(&mut ConversationFilters)| {
        let mut query = ConversationFilters::default();
        f(&mut query);
        query
    };
    let ids = |v: &[&Conversation]| v.iter().map(|c| c.id).collect::<Vec<_>>();

    assert_eq!(
        list_ids(store, &t.admin, ConversationFilters::default()).await,
        ids(&[&child, &b, &a]),
        "recent first"
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            q(|q| q.order = Some(ConversationOrder::Oldest))
        )
        .await,
        ids(&[&a, &b, &child])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.status = Some(Status::Pending))).await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            q(|q| q.type_or_view = Some(StatusOrView::Status(Status::Open)))
        )
        .await,
        ids(&[&a])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            q(|q| q.statuses = vec![Status::Open, Status::Resolved])
        )
        .await,
        ids(&[&child, &a])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            q(|q| q.statuses = vec![Status::Open, Status::Pending])
        )
        .await,
        ids(&[&b, &a])
    );
    let mut by_channel = ConversationFilters {
        channel_id: Some(web.id),
        ..Default::default()
    };
    assert_eq!(
        list_ids(store, &t.admin, by_channel.clone()).await,
        ids(&[&a])
    );
    by_channel.channel_id = None;
    by_channel.channel_type = Some(ChannelType::Web);
    assert_eq!(list_ids(store, &t.admin, by_channel).await, ids(&[&a]));
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            ConversationFilters {
                contact_id: Some(jane.id),
                ..Default::default()
            }
        )
        .await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.agent_id = Some("agent-1".into()))).await,
        ids(&[&a])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            q(|q| q.assignment_id = Some("as-9".into()))
        )
        .await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.owner_id = Some("owner-7".into()))).await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            ConversationFilters {
                parent_id: Some(a.id),
                ..Default::default()
            }
        )
        .await,
        ids(&[&child])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.top_level = Some(true))).await,
        ids(&[&b, &a])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.business_unit_id = None))
            .await
            .len(),
        3
    );
    // Text: name, detail, contact name/email/phone, through the search index.
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.q = Some("REFUND".into()))).await,
        ids(&[&a])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.q = Some("billing".into()))).await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.q = Some("+84 90".into()))).await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.q = Some("100%".into()))).await,
        ids(&[&child])
    );
    assert!(
        list_ids(store, &t.admin, q(|q| q.q = Some("%".into())))
            .await
            .is_empty(),
        "punctuation is no word"
    );
}

async fn cursor_paging_never_skips_or_repeats_under_inserts(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Paging").await;
    let mut before = HashSet::new();
    for i in 0..45 {
        before.insert(
            t.conversation(CreateConversation {
                name: Some(format!("c{i}")),
                ..Default::default()
            })
            .await
            .id,
        );
    }
    for order in [SortOrder::Recent, SortOrder::Oldest] {
        let writer = {
            let admin = t.admin.clone();
            let store = shared.clone();
            tokio::spawn(async move {
                for i in 0..20 {
                    conversations::create(
                        store.as_ref(),
                        &admin,
                        CreateConversation {
                            name: Some(format!("late {i}")),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                    tokio::task::yield_now().await;
                }
            })
        };
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let query = ConversationFilters {
                order: Some(order.into()),
                ..Default::default()
            };
            let list = conversations::list(
                store,
                &t.admin,
                query,
                PagingParams {
                    limit: Some(7),
                    cursor: cursor.clone(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            seen.extend(list.data.iter().map(|c| c.id));
            tokio::task::yield_now().await;
            match list.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        writer.await.unwrap();
        let unique: HashSet<_> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{order}: no conversation twice");
        assert!(
            before.is_subset(&unique),
            "{order}: every conversation that existed before is seen"
        );
    }
}

async fn offset_paging_and_totals(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Offsets").await;
    let mut made = Vec::new();
    for i in 0..12 {
        made.push(
            t.conversation(CreateConversation {
                name: Some(format!("c{i}")),
                ..Default::default()
            })
            .await
            .id,
        );
    }
    made.reverse();
    let oldest_first = |ids: &[ConversationId]| ids.to_vec();
    let page3 = conversations::list(
        store,
        &t.admin,
        ConversationFilters::default(),
        PagingParams {
            page_num: Some(3),
            page_size: Some(5),
            include_total: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        page3.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        oldest_first(&made[10..])
    );
    assert_eq!(page3.total, Some(12));
    assert!(!page3.has_more);
    let skipped = conversations::list(
        store,
        &t.admin,
        ConversationFilters::default(),
        PagingParams {
            skip: Some(4),
            limit: Some(3),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        skipped.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        made[4..7].to_vec()
    );
    assert!(skipped.has_more);
    assert_eq!(skipped.total, None, "total only when asked");
    let filtered = conversations::list(
        store,
        &t.admin,
        ConversationFilters {
            status: Some(Status::Closed),
            ..Default::default()
        },
        PagingParams {
            include_total: true,
            ..page(5)
        },
    )
    .await
    .unwrap();
    assert_eq!(filtered.total, Some(0));
    let bad = conversations::list(
        store,
        &t.admin,
        ConversationFilters::default(),
        PagingParams {
            cursor: Some("garbage".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(bad, Error::Validation(_)));
}

stories![
    every_list_filter_narrows,
    cursor_paging_never_skips_or_repeats_under_inserts,
    offset_paging_and_totals
];
