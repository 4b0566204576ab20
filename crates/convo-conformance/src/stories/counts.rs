use super::prelude::*;

async fn views_count_matches_the_list(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Counts").await;
    let support = t.unit("Support").await;
    let web = t.channel(ChannelType::Web, "example.com").await;
    let sms = t.channel_in(support.id, ChannelType::Sms, "+1555").await;
    let lan = t.user("Lan").await;
    let jane = t
        .add_contact(CreateContact {
            name: Some("Jane".into()),
            ..Default::default()
        })
        .await;
    let statuses = [
        Status::Open,
        Status::Pending,
        Status::Resolved,
        Status::Running,
    ];
    let mut made = Vec::new();
    for i in 0..24usize {
        let members = match i % 4 {
            0 => vec![],
            1 => vec![t.admin.user_id],
            2 => vec![lan.id],
            _ => vec![t.admin.user_id, lan.id],
        };
        let req = CreateConversation {
            status: Some(statuses[i % statuses.len()]),
            member_ids: Some(members),
            channel_id: match i % 3 {
                0 => Some(web.id),
                1 => Some(sms.id),
                _ => None,
            },
            contact_id: (i % 5 == 0).then_some(jane.id),
            agent_id: (i % 6 == 0).then(|| "agent-1".to_owned()),
            parent_id: if i >= 20 { made.first().copied() } else { None },
            name: Some(format!("conv {i}")),
            ..Default::default()
        };
        made.push(t.conversation(req).await.id);
    }
    conversations::delete(store, &t.admin, made[5], None, false)
        .await
        .unwrap();
    let queries = vec![
        ConversationFilters::default(),
        ConversationFilters {
            statuses: vec![Status::Open, Status::Pending],
            ..Default::default()
        },
        ConversationFilters {
            business_unit_id: Some(support.id),
            ..Default::default()
        },
        ConversationFilters {
            channel_id: Some(web.id),
            ..Default::default()
        },
        ConversationFilters {
            channel_type: Some(ChannelType::Sms),
            ..Default::default()
        },
        ConversationFilters {
            top_level: Some(true),
            ..Default::default()
        },
        ConversationFilters {
            contact_id: Some(jane.id),
            ..Default::default()
        },
        ConversationFilters {
            agent_id: Some("agent-1".into()),
            ..Default::default()
        },
        ConversationFilters {
            parent_id: Some(made[0]),
            ..Default::default()
        },
        ConversationFilters {
            q: Some("conv 1".into()),
            ..Default::default()
        },
    ];
    for query in queries {
        assert_counts_match_lists(store, &t.admin, query).await;
    }
    let counts = team::views_count(store, &t.admin, ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(counts.all, 23);
    assert_eq!(
        counts.by_status.len(),
        Status::ALL.len(),
        "every status is answered"
    );
    let limited = t
        .key_with(vec![Scope::ConversationsRead], Some(vec![support.id]))
        .await;
    let seen = team::views_count(store, &limited, ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(
        seen.all,
        total(store, &limited, ConversationFilters::default()).await
    );
    assert!(seen.all < counts.all, "a limited key counts only its units");
}

async fn concurrent_team_changes_keep_counts_exact(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Concurrency").await;
    let mut users = Vec::new();
    for i in 0..4 {
        users.push(
            t.add_user(CreateUser {
                name: format!("agent {i}"),
                ..Default::default()
            })
            .await
            .id,
        );
    }
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(t.conversation(CreateConversation::default()).await.id);
    }
    let mut tasks = Vec::new();
    for worker in 0..8usize {
        let (store, admin, users, ids) =
            (shared.clone(), t.admin.clone(), users.clone(), ids.clone());
        tasks.push(tokio::spawn(async move {
            let store = store.as_ref();
            for step in 0..24usize {
                let id = ids[(worker * 7 + step * 5) % ids.len()];
                let user = users[(worker + step) % users.len()];
                let status = [
                    Status::Open,
                    Status::Pending,
                    Status::Resolved,
                    Status::Snoozed,
                ][(worker + step) % 4];
                let outcome = match (worker + step) % 5 {
                    0 => team::join(store, &admin, id).await.map(drop),
                    1 => team::assign(store, &admin, id, user).await.map(drop),
                    2 => team::remove(store, &admin, id, user).await.map(drop),
                    3 => team::leave(store, &admin, id).await.map(drop),
                    _ => conversations::update_status(
                        store,
                        &admin,
                        id,
                        None,
                        UpdateStatus {
                            status,
                            snoozed_until: None,
                        },
                    )
                    .await
                    .map(drop),
                };
                outcome.expect("a team change");
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_counts_match_lists(store, &t.admin, ConversationFilters::default()).await;
    for user in &users {
        let agent = t.key_for(*user, vec![Scope::ConversationsRead]).await;
        assert_counts_match_lists(store, &agent, ConversationFilters::default()).await;
    }
}

stories![
    views_count_matches_the_list,
    concurrent_team_changes_keep_counts_exact
];
