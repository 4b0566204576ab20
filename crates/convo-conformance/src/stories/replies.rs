//! What an inbox shows of each conversation beyond its status: reply times (who has waited
//! longest), each reader's unread count, and delivery receipts that only move forward.

use super::prelude::*;
use convo_types::{MarkRead, MessageError, MessageFilters, MessageStatus};

fn outgoing(content: &str) -> CreateMessage {
    CreateMessage {
        message_type: Some(MessageType::Outgoing),
        content: content.into(),
        ..Default::default()
    }
}

async fn send(
    store: &dyn Store,
    who: &Principal,
    id: ConversationId,
    req: CreateMessage,
) -> convo_types::Message {
    messages::create(store, who, id, req)
        .await
        .expect("message")
        .message
}

async fn reply_times_follow_each_message_and_order_who_waited_longest(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Reply times").await;
    let quiet = t.conversation(CreateConversation::default()).await.id;
    let first = t.conversation(CreateConversation::default()).await.id;
    let answered = t.conversation(CreateConversation::default()).await.id;
    let second = t.conversation(CreateConversation::default()).await.id;
    let asked = send(store, &t.admin, first, incoming("where is my order?")).await;
    send(store, &t.admin, answered, incoming("hello")).await;
    send(store, &t.admin, first, incoming("hello??")).await;
    let reply = send(store, &t.admin, answered, outgoing("hi, how can we help?")).await;
    send(
        store,
        &t.admin,
        answered,
        CreateMessage {
            message_type: Some(MessageType::Note),
            ..text("a note moves no reply time")
        },
    )
    .await;
    send(store, &t.admin, second, incoming("refund please")).await;

    let admin = &t.admin;
    let get = |id| async move {
        conversations::get(store, admin, id)
            .await
            .unwrap()
            .conversation
    };
    let waiting = get(first).await;
    assert_eq!(
        waiting.waiting_since,
        Some(asked.created_at),
        "since the oldest unanswered"
    );
    assert_eq!(waiting.first_reply_at, None);
    assert_eq!(waiting.counts.incoming, 2);
    let done = get(answered).await;
    assert_eq!(done.waiting_since, None, "answered");
    assert_eq!(done.first_reply_at, Some(reply.created_at));
    assert_eq!(done.last_outgoing_at, Some(reply.created_at));
    assert!(done.last_incoming_at.is_some());
    assert_eq!(get(quiet).await.waiting_since, None, "nothing asked");

    let longest = ConversationFilters {
        order: Some(ConversationOrder::WaitingSince),
        ..Default::default()
    };
    assert_eq!(
        list_ids(store, &t.admin, longest.clone()).await,
        vec![first, second]
    );
    let one = conversations::list(store, &t.admin, longest.clone(), page(1))
        .await
        .unwrap();
    assert_eq!(one.data[0].id, first);
    let next = conversations::list(
        store,
        &t.admin,
        longest.clone(),
        PagingParams {
            cursor: one.next_cursor,
            ..page(1)
        },
    )
    .await
    .unwrap();
    assert_eq!(
        next.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![second]
    );
    // Answering takes a conversation out of the queue.
    send(store, &t.admin, first, outgoing("on its way")).await;
    assert_eq!(list_ids(store, &t.admin, longest).await, vec![second]);
    let not_waiting = list_ids(
        store,
        &t.admin,
        ConversationFilters {
            waiting: Some(false),
            order: Some(ConversationOrder::Oldest),
            ..Default::default()
        },
    )
    .await;
    let not_waiting: HashSet<ConversationId> = not_waiting.into_iter().collect();
    assert_eq!(not_waiting, HashSet::from([quiet, first, answered]));
    assert_counts_match_lists(
        store,
        &t.admin,
        ConversationFilters {
            waiting: Some(true),
            ..Default::default()
        },
    )
    .await;
}

async fn unread_counts_follow_each_reader(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Unread").await;
    let lan = t.user("Lan").await;
    let minh = t.user("Minh").await;
    let scopes = vec![
        Scope::ConversationsRead,
        Scope::ConversationsWrite,
        Scope::MessagesWrite,
    ];
    let lan_key = t.key_for(lan.id, scopes.clone()).await;
    let minh_key = t.key_for(minh.id, scopes).await;
    let id = t
        .conversation(CreateConversation {
            member_ids: Some(vec![lan.id]),
            ..Default::default()
        })
        .await
        .id;
    let other = t.conversation(CreateConversation::default()).await.id;
    let m1 = send(store, &t.admin, id, incoming("one")).await;
    let m2 = send(store, &t.admin, id, incoming("two")).await;
    send(store, &lan_key, id, outgoing("reading")).await;
    send(store, &t.admin, id, incoming("three")).await;
    let foreign = send(store, &t.admin, other, incoming("elsewhere")).await;

    let unread = |who| async move {
        conversations::list(store, who, ConversationFilters::default(), page(10))
            .await
            .unwrap()
            .data
            .into_iter()
            .find(|c| c.id == id)
            .and_then(|c| c.unread_count)
    };
    assert_eq!(unread(&lan_key).await, Some(3), "incoming messages count");
    assert_eq!(
        unread(&minh_key).await,
        Some(3),
        "a reader who is not in it too"
    );
    let counted = team::views_count(store, &lan_key, ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(
        counted.unread, 1,
        "Lan's one conversation with unread messages"
    );

    let read = convo_core::usecases::reads::mark_read(
        store,
        &lan_key,
        id,
        MarkRead {
            message_id: Some(m2.id),
            contact: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        read.conversation.contact_read, None,
        "a user's read is their own"
    );
    assert_eq!(unread(&lan_key).await, Some(1));
    assert_eq!(unread(&minh_key).await, Some(3), "Minh has read nothing");
    // A horizon never moves back.
    convo_core::usecases::reads::mark_read(
        store,
        &lan_key,
        id,
        MarkRead {
            message_id: Some(m1.id),
            contact: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(unread(&lan_key).await, Some(1));
    let unread_filter = ConversationFilters {
        unread: Some(true),
        ..Default::default()
    };
    assert!(list_ids(store, &lan_key, unread_filter.clone())
        .await
        .contains(&id));
    convo_core::usecases::reads::mark_read(store, &lan_key, id, MarkRead::default())
        .await
        .unwrap();
    assert_eq!(unread(&lan_key).await, Some(0), "read up to the latest");
    assert!(!list_ids(store, &lan_key, unread_filter.clone())
        .await
        .contains(&id));
    assert!(list_ids(store, &minh_key, unread_filter.clone())
        .await
        .contains(&id));
    let counted = team::views_count(store, &lan_key, ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(counted.unread, 0);
    assert_counts_match_lists(store, &minh_key, unread_filter).await;
    // A new message is unread again, counted from the tallies and from the rows alike.
    send(store, &t.admin, id, incoming("four")).await;
    assert_eq!(unread(&lan_key).await, Some(1));
    for filters in [
        ConversationFilters::default(),
        ConversationFilters {
            priority: vec![Priority::None],
            ..Default::default()
        },
    ] {
        let counted = team::views_count(store, &lan_key, filters.clone())
            .await
            .unwrap();
        assert_eq!(counted.unread, 1, "{filters:?}");
        assert_counts_match_lists(store, &lan_key, filters).await;
    }
    // Reading it, leaving, and a deleted message move the tallies too.
    convo_core::usecases::reads::mark_read(store, &lan_key, id, MarkRead::default())
        .await
        .unwrap();
    assert_counts_match_lists(store, &lan_key, ConversationFilters::default()).await;
    let five = send(store, &t.admin, id, incoming("five")).await;
    assert_counts_match_lists(store, &lan_key, ConversationFilters::default()).await;
    messages::delete(store, &t.admin, five.id).await.unwrap();
    let counted = team::views_count(store, &lan_key, ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(counted.unread, 0, "the only unread message is gone");
    assert_counts_match_lists(store, &lan_key, ConversationFilters::default()).await;
    send(store, &t.admin, id, incoming("six")).await;
    team::leave(store, &lan_key, id).await.unwrap();
    assert_counts_match_lists(store, &lan_key, ConversationFilters::default()).await;
    team::join(store, &lan_key, id).await.unwrap();
    assert_counts_match_lists(store, &lan_key, ConversationFilters::default()).await;

    let wrong = convo_core::usecases::reads::mark_read(
        store,
        &lan_key,
        id,
        MarkRead {
            message_id: Some(foreign.id),
            contact: false,
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(wrong, Error::Validation(_)), "{wrong:?}");

    // The contact's horizon is the conversation's, with an event.
    let before = conversations::get(store, &t.admin, id)
        .await
        .unwrap()
        .version;
    let seen = convo_core::usecases::reads::mark_read(
        store,
        &t.admin,
        id,
        MarkRead {
            message_id: None,
            contact: true,
        },
    )
    .await
    .unwrap();
    let marker = seen
        .conversation
        .contact_read
        .expect("the contact's horizon");
    assert!(seen.version > before);
    let log = events::list(store, &t.admin, Some(id), None, Some(100))
        .await
        .unwrap();
    let last = log.data.last().expect("an event");
    assert_eq!(last.event_type, EventType::ConversationReadByContact);
    assert_eq!(
        last.data["contact_read"]["message_id"],
        json!(marker.message_id)
    );
    assert_eq!(
        unread(&lan_key).await,
        Some(1),
        "the contact's read is not Lan's"
    );
}

async fn receipts_only_move_forward(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Receipts").await;
    let id = t.conversation(CreateConversation::default()).await.id;
    let sent = send(store, &t.admin, id, outgoing("your code is 1234")).await;
    assert_eq!(sent.status, MessageStatus::Sent);
    let queued = send(
        store,
        &t.admin,
        id,
        CreateMessage {
            status: Some(MessageStatus::Pending),
            ..outgoing("queued")
        },
    )
    .await;
    assert_eq!(queued.status, MessageStatus::Pending);
    let receipt = |status, error| UpdateMessage {
        status: Some(status),
        error,
        ..Default::default()
    };
    let moved = messages::update(
        store,
        &t.admin,
        sent.id,
        receipt(MessageStatus::Delivered, None),
    )
    .await
    .unwrap();
    assert_eq!(moved.status, MessageStatus::Delivered);
    let late = messages::update(store, &t.admin, sent.id, receipt(MessageStatus::Sent, None))
        .await
        .unwrap();
    assert_eq!(
        late.status,
        MessageStatus::Delivered,
        "a late receipt changes nothing"
    );
    let read = messages::update(store, &t.admin, sent.id, receipt(MessageStatus::Read, None))
        .await
        .unwrap();
    assert_eq!(read.status, MessageStatus::Read);

    let no_reason = messages::update(
        store,
        &t.admin,
        queued.id,
        receipt(MessageStatus::Failed, None),
    )
    .await
    .unwrap_err();
    assert!(matches!(no_reason, Error::Validation(_)), "{no_reason:?}");
    let error = MessageError {
        code: Some("30007".into()),
        message: "carrier rejected the message".into(),
    };
    let failed = messages::update(
        store,
        &t.admin,
        queued.id,
        receipt(MessageStatus::Failed, Some(error.clone())),
    )
    .await
    .unwrap();
    assert_eq!(
        (failed.status, failed.error.as_ref()),
        (MessageStatus::Failed, Some(&error))
    );
    let after = messages::update(
        store,
        &t.admin,
        queued.id,
        receipt(MessageStatus::Delivered, None),
    )
    .await
    .unwrap();
    assert_eq!(after.status, MessageStatus::Failed, "failed is final");

    let undelivered = messages::list(
        store,
        &t.admin,
        id,
        MessageFilters {
            status: Some(MessageStatus::Failed),
            message_type: Some(MessageType::Outgoing),
            ..Default::default()
        },
        page(10),
    )
    .await
    .unwrap();
    assert_eq!(
        undelivered.data.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![queued.id]
    );
    let log = events::list(store, &t.admin, Some(id), None, Some(100))
        .await
        .unwrap();
    let changes = log
        .data
        .iter()
        .filter(|e| e.event_type == EventType::MessageStatusChanged)
        .count();
    assert_eq!(
        changes, 3,
        "delivered, read, failed: no event for what changed nothing"
    );
    let born_failed = messages::create(
        store,
        &t.admin,
        id,
        CreateMessage {
            status: Some(MessageStatus::Failed),
            ..outgoing("no")
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(born_failed, Error::Validation(_)),
        "{born_failed:?}"
    );
}

stories![
    reply_times_follow_each_message_and_order_who_waited_longest,
    unread_counts_follow_each_reader,
    receipts_only_move_forward,
];
