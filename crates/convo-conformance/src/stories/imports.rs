use super::prelude::*;

/// Concurrent imports that reopen the same conversations in different orders: no deadlock
/// (counter rows are taken in one order) and exact counts.
async fn concurrent_imports_reopen_without_deadlock(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Imports").await;
    let mut resolved = Vec::new();
    for _ in 0..6 {
        let req = CreateConversation {
            status: Some(Status::Resolved),
            ..Default::default()
        };
        resolved.push(t.conversation(req).await.id);
    }
    for task in spawn_imports(shared, &t.admin, &resolved, 4, 1) {
        task.await.unwrap().expect("every import commits");
    }
    assert_reopened(store, &t.admin, &resolved, 4).await;
    assert_counts_match_lists(store, &t.admin, ConversationFilters::default()).await;
}

/// Each of `ids` is open again with `messages` messages; answers them.
async fn assert_reopened(
    store: &dyn Store,
    who: &Principal,
    ids: &[ConversationId],
    messages: i64,
) -> Vec<Conversation> {
    let mut reopened = Vec::new();
    for id in ids {
        let c = conversations::get(store, who, *id)
            .await
            .unwrap()
            .conversation;
        assert_eq!(
            (c.status, c.counts.messages),
            (Status::Open, messages),
            "{id}"
        );
        reopened.push(c);
    }
    reopened
}

/// `count` concurrent imports of one incoming message to each of `ids`, each in its own order
/// (rotated by `step` per import, every other one reversed).
fn spawn_imports(
    shared: &Arc<dyn Store>,
    admin: &Principal,
    ids: &[ConversationId],
    count: usize,
    step: usize,
) -> Vec<tokio::task::JoinHandle<convo_core::Result<Vec<MessageWrite>>>> {
    (0..count)
        .map(|task| {
            let (store, admin) = (shared.clone(), admin.clone());
            let mut order = ids.to_vec();
            order.rotate_left(task * step % ids.len().max(1));
            if task % 2 == 1 {
                order.reverse();
            }
            tokio::spawn(async move {
                let items = order
                    .iter()
                    .map(|id| (*id, incoming(&format!("import {task}"))))
                    .collect();
                messages::create_many(store.as_ref(), &admin, items).await
            })
        })
        .collect()
}

/// Deleting a team member while imports reopen the conversations it is in: both commit (no
/// deadlock on the conversations or the counter rows), and the counts match the lists.
async fn deleting_a_member_during_imports_keeps_counts_exact(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Departure").await;
    let agent = t.user("Leaving").await;
    let mut resolved = Vec::new();
    for _ in 0..8 {
        let req = CreateConversation {
            status: Some(Status::Resolved),
            member_ids: Some(vec![agent.id]),
            ..Default::default()
        };
        resolved.push(t.conversation(req).await.id);
    }
    let imports = spawn_imports(shared, &t.admin, &resolved, 3, 3);
    let (store_for_delete, admin) = (shared.clone(), t.admin.clone());
    let departure = tokio::spawn(async move {
        directory::delete_user(store_for_delete.as_ref(), &admin, agent.id).await
    });
    for import in imports {
        import.await.unwrap().expect("every import commits");
    }
    departure.await.unwrap().expect("the user is deleted");
    for c in assert_reopened(store, &t.admin, &resolved, 3).await {
        assert!(c.users.is_empty(), "the deleted user left {}", c.id);
    }
    assert_counts_match_lists(store, &t.admin, ConversationFilters::default()).await;
}

stories![
    concurrent_imports_reopen_without_deadlock,
    deleting_a_member_during_imports_keeps_counts_exact
];
