use super::prelude::*;

pub(crate) fn object(value: serde_json::Value) -> convo_types::JsonObject {
    value.as_object().cloned().expect("an object")
}

pub(crate) fn page(limit: i64) -> PagingParams {
    PagingParams {
        limit: Some(limit),
        ..Default::default()
    }
}

pub(crate) async fn create(
    store: &dyn Store,
    who: &Principal,
    req: CreateConversation,
) -> Conversation {
    conversations::create(store, who, req)
        .await
        .expect("create conversation")
        .conversation
}

pub(crate) async fn list_ids(
    store: &dyn Store,
    who: &Principal,
    query: ConversationFilters,
) -> Vec<ConversationId> {
    let list = conversations::list(store, who, query, page(100))
        .await
        .expect("list");
    list.data.iter().map(|c| c.id).collect()
}

pub(crate) fn text(content: &str) -> CreateMessage {
    CreateMessage {
        content: content.into(),
        ..Default::default()
    }
}

pub(crate) fn incoming(content: &str) -> CreateMessage {
    CreateMessage {
        message_type: Some(MessageType::Incoming),
        content: content.into(),
        ..Default::default()
    }
}

pub(crate) async fn total(store: &dyn Store, who: &Principal, query: ConversationFilters) -> i64 {
    let list = conversations::list(
        store,
        who,
        query,
        PagingParams {
            include_total: true,
            ..page(1)
        },
    )
    .await
    .expect("list");
    list.total.expect("total") as i64
}

/// Every number of the views count equals the total of the list for the same filters.
pub(crate) async fn assert_counts_match_lists(
    store: &dyn Store,
    who: &Principal,
    base: ConversationFilters,
) {
    let counts = team::views_count(store, who, base.clone())
        .await
        .expect("views count");
    for (view, counted) in [
        (View::Mine, counts.mine),
        (View::Unassigned, counts.unassigned),
        (View::Assigned, counts.assigned),
        (View::All, counts.all),
    ] {
        let listed = total(
            store,
            who,
            ConversationFilters {
                view: Some(view),
                ..base.clone()
            },
        )
        .await;
        assert_eq!(counted, listed, "view {view} under {base:?}");
    }
    for (status, counted) in &counts.by_status {
        let listed = total(
            store,
            who,
            ConversationFilters {
                statuses: vec![Status::parse(status).expect("a status")],
                ..base.clone()
            },
        )
        .await;
        assert_eq!(*counted, listed, "status {status} under {base:?}");
    }
    assert_eq!(counts.all, counts.by_status.values().sum::<i64>());
    if base.unread != Some(false) {
        let unread = total(
            store,
            who,
            ConversationFilters {
                view: Some(View::Mine),
                unread: Some(true),
                ..base.clone()
            },
        )
        .await;
        assert_eq!(counts.unread, unread, "unread under {base:?}");
    }
}
