//! Working together: the stale-reply guard, drafts, canned responses, saved views and bulk
//! actions keep a team from stepping on each other, on the server.

use super::prelude::*;
use convo_core::usecases::{bulk, canned, drafts, views};
use convo_types::{
    BulkChange, BulkUpdate, CreateCannedResponse, CreateSavedView, MessageId, RenderCannedResponse,
    SaveDraft, SavedViewCounts, UpdateCannedResponse, UpdateSavedView,
};

fn object(value: serde_json::Value) -> convo_types::JsonObject {
    value.as_object().cloned().expect("an object")
}

fn reply_after(content: &str, after: MessageId) -> CreateMessage {
    CreateMessage {
        message_type: Some(MessageType::Outgoing),
        after_message_id: Some(after),
        ..text(content)
    }
}

fn newer_of(error: Error) -> Vec<MessageId> {
    match error {
        Error::MovedOn { newer } => newer,
        other => panic!("expected conversation_moved_on, got {other:?}"),
    }
}

async fn a_reply_written_before_news_arrived_is_stopped(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Stale replies").await;
    let scopes = vec![
        Scope::ConversationsRead,
        Scope::ConversationsWrite,
        Scope::MessagesWrite,
    ];
    let lan = t.user("Lan").await;
    let minh = t.user("Minh").await;
    let lan_key = t.key_for(lan.id, scopes.clone()).await;
    let minh_key = t.key_for(minh.id, scopes).await;
    let id = t.conversation(CreateConversation::default()).await.id;
    let send = |key: &Principal, req: CreateMessage| {
        let key = key.clone();
        async move { messages::create(store, &key, id, req).await }
    };
    let first = send(&t.admin, incoming("my order is late")).await.unwrap();
    let seen = first.message.id;

    // Nothing new: the reply goes; the sender's own message is no news to them.
    let own = send(&lan_key, reply_after("looking into it", seen))
        .await
        .unwrap();
    send(&lan_key, reply_after("found it", seen)).await.unwrap();
    // Activity lines are no news either.
    send(
        &t.admin,
        CreateMessage {
            message_type: Some(MessageType::Activity),
            ..text("Lan joined")
        },
    )
    .await
    .unwrap();
    send(&lan_key, reply_after("it ships today", own.message.id))
        .await
        .unwrap();

    // The customer writes, and another agent notes: both are news to Lan.
    let late = send(&t.admin, incoming("still there?")).await.unwrap();
    let note = send(
        &minh_key,
        CreateMessage {
            message_type: Some(MessageType::Note),
            ..text("I called them")
        },
    )
    .await
    .unwrap();
    let stale = send(&lan_key, reply_after("hello?", seen))
        .await
        .unwrap_err();
    assert_eq!(newer_of(stale), vec![late.message.id, note.message.id]);
    let history = messages::list(
        store,
        &t.admin,
        id,
        Default::default(),
        PagingParams::default(),
    )
    .await
    .unwrap();
    assert!(
        history.data.iter().all(|m| m.content != "hello?"),
        "a refused reply is not stored"
    );
    // Forced, it goes; seen up to the newest, it goes.
    send(
        &lan_key,
        CreateMessage {
            force: true,
            ..reply_after("sorry, forced", seen)
        },
    )
    .await
    .unwrap();
    send(&lan_key, reply_after("caught up", note.message.id))
        .await
        .unwrap();

    // A message of another conversation is no horizon here.
    let other = t.conversation(CreateConversation::default()).await.id;
    let elsewhere = messages::create(store, &t.admin, other, incoming("hi"))
        .await
        .unwrap();
    let wrong = send(&lan_key, reply_after("x", elsewhere.message.id))
        .await
        .unwrap_err();
    assert!(
        matches!(&wrong, Error::Validation(e) if e[0].field == "after_message_id"),
        "{wrong:?}"
    );
}

async fn two_agents_answering_the_same_message_at_once_send_one_reply(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Racing replies").await;
    let scopes = vec![Scope::ConversationsRead, Scope::MessagesWrite];
    let lan = t.user("Lan").await;
    let minh = t.user("Minh").await;
    let lan_key = t.key_for(lan.id, scopes.clone()).await;
    let minh_key = t.key_for(minh.id, scopes).await;
    for round in 0..20 {
        let id = t.conversation(CreateConversation::default()).await.id;
        let seen = messages::create(store, &t.admin, id, incoming("help"))
            .await
            .unwrap()
            .message
            .id;
        let (a, b) = tokio::join!(
            messages::create(store, &lan_key, id, reply_after("from Lan", seen)),
            messages::create(store, &minh_key, id, reply_after("from Minh", seen)),
        );
        let sent = [&a, &b].iter().filter(|r| r.is_ok()).count();
        assert_eq!(
            sent, 1,
            "round {round}: exactly one reply goes ({a:?}, {b:?})"
        );
        let winner = a.as_ref().or(b.as_ref()).unwrap().message.id;
        let loser = a.err().or(b.err()).unwrap();
        assert_eq!(newer_of(loser), vec![winner], "round {round}");
    }
}

async fn a_draft_follows_its_writer_and_goes_when_sent(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Drafts").await;
    let scopes = vec![
        Scope::ConversationsRead,
        Scope::MessagesRead,
        Scope::MessagesWrite,
    ];
    let lan = t.user("Lan").await;
    let minh = t.user("Minh").await;
    let lan_key = t.key_for(lan.id, scopes.clone()).await;
    let minh_key = t.key_for(minh.id, scopes).await;
    let id = t.conversation(CreateConversation::default()).await.id;
    let other = t.conversation(CreateConversation::default()).await.id;
    let save = |key: &Principal, conversation, content: &str, message_type| {
        let key = key.clone();
        let req = SaveDraft {
            content: content.into(),
            message_type,
        };
        async move { drafts::save(store, &key, conversation, req).await }
    };
    let missing = drafts::get(store, &lan_key, id).await.unwrap_err();
    assert!(matches!(missing, Error::NotFound("draft")), "{missing:?}");

    save(&lan_key, id, "Dear cust", None).await.unwrap();
    let kept = save(&lan_key, id, "Dear customer,", None).await.unwrap();
    save(&minh_key, id, "internal: refund?", Some(MessageType::Note))
        .await
        .unwrap();
    save(&lan_key, other, "elsewhere", None).await.unwrap();
    let read = drafts::get(store, &lan_key, id).await.unwrap();
    assert_eq!(
        read, kept,
        "one draft per person and conversation, the latest"
    );
    assert_eq!(read.message_type, MessageType::Outgoing);
    assert_eq!(
        drafts::get(store, &minh_key, id).await.unwrap().content,
        "internal: refund?",
        "each person has their own"
    );
    let refused = save(&lan_key, id, "x", Some(MessageType::Incoming))
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::Validation(e) if e[0].field == "message_type"),
        "{refused:?}"
    );

    // A note does not clear a reply draft; the reply does, and only its sender's.
    messages::create(
        store,
        &lan_key,
        id,
        CreateMessage {
            message_type: Some(MessageType::Note),
            ..text("a note")
        },
    )
    .await
    .unwrap();
    assert!(drafts::get(store, &lan_key, id).await.is_ok());
    messages::create(store, &lan_key, id, text("Dear customer, done."))
        .await
        .unwrap();
    assert!(matches!(
        drafts::get(store, &lan_key, id).await,
        Err(Error::NotFound(_))
    ));
    assert!(drafts::get(store, &minh_key, id).await.is_ok());
    assert!(drafts::get(store, &lan_key, other).await.is_ok());

    drafts::delete(store, &lan_key, other).await.unwrap();
    assert!(matches!(
        drafts::delete(store, &lan_key, other).await,
        Err(Error::NotFound("draft"))
    ));

    // Another unit's conversation is not there at all.
    let unit = t.unit("Elsewhere").await;
    let hidden = t
        .conversation(CreateConversation {
            business_unit_id: Some(unit.id),
            ..Default::default()
        })
        .await
        .id;
    let limited = t
        .key_with(
            vec![Scope::MessagesWrite, Scope::MessagesRead],
            Some(vec![t.created.business_unit.id]),
        )
        .await;
    assert!(matches!(
        save(&limited, hidden, "x", None).await,
        Err(Error::NotFound("conversation"))
    ));
}

async fn canned_responses_are_found_by_code_or_words_and_filled_in(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Canned").await;
    let lan = t.user("Lan").await;
    let minh = t.user("Minh").await;
    let scopes = vec![Scope::ConversationsRead];
    let lan_key = t.key_for(lan.id, scopes.clone()).await;
    let minh_key = t.key_for(minh.id, scopes).await;
    let create = |key: &Principal, code: &str, title: &str, content: &str, personal: bool| {
        let key = key.clone();
        let req = CreateCannedResponse {
            short_code: code.into(),
            title: title.into(),
            content: content.into(),
            user_id: personal.then_some(key.user_id),
            business_unit_id: None,
        };
        async move { canned::create(store, &key, req).await }
    };
    let greeting = create(
        &t.admin,
        "/hello",
        "Greeting",
        "Xin chào {{contact.name}}, I am {{agent.name}}. {{contact.nickname}}",
        false,
    )
    .await
    .unwrap();
    assert_eq!(
        greeting.short_code, "hello",
        "the leading slash is not part of it"
    );
    create(
        &t.admin,
        "refund",
        "Refund policy",
        "Refunds take 5 days.",
        false,
    )
    .await
    .unwrap();
    let mine = create(&lan_key, "sig", "My signature", "— Lan, support", true)
        .await
        .unwrap();
    let taken = create(&t.admin, "HELLO", "x", "y", false)
        .await
        .unwrap_err();
    assert!(matches!(taken, Error::Conflict { .. }), "{taken:?}");
    let spaced = create(&t.admin, "two words", "x", "y", false)
        .await
        .unwrap_err();
    assert!(matches!(&spaced, Error::Validation(e) if e[0].field == "short_code"));
    let shared_by_agent = create(&lan_key, "mine", "x", "y", false).await.unwrap_err();
    assert!(matches!(shared_by_agent, Error::Forbidden { .. }));

    let find = |key: &Principal, q: &str| {
        let key = key.clone();
        let q = (!q.is_empty()).then(|| q.to_owned());
        async move {
            let list = canned::list(
                store,
                &key,
                convo_types::CannedResponseQuery { q },
                PagingParams::default(),
            )
            .await
            .unwrap();
            list.data
                .into_iter()
                .map(|c| c.short_code)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find(&lan_key, "").await, vec!["hello", "refund", "sig"]);
    assert_eq!(
        find(&minh_key, "").await,
        vec!["hello", "refund"],
        "personal ones are their owner's"
    );
    assert_eq!(
        find(&lan_key, "/He").await,
        vec!["hello"],
        "by the start of the code"
    );
    assert_eq!(find(&lan_key, "refu").await, vec!["refund"]);
    assert_eq!(
        find(&lan_key, "days").await,
        vec!["refund"],
        "by a word of the content"
    );
    assert_eq!(
        find(&lan_key, "xin chao").await,
        vec!["hello"],
        "accents folded"
    );
    assert!(
        find(&lan_key, "efund").await.is_empty(),
        "words match from their start"
    );
    assert!(matches!(
        canned::get(store, &minh_key, mine.id).await,
        Err(Error::NotFound(_))
    ));

    let contact = t
        .add_contact(CreateContact {
            name: Some("Hoa".into()),
            ..Default::default()
        })
        .await;
    let id = t
        .conversation(CreateConversation {
            contact_id: Some(contact.id),
            ..Default::default()
        })
        .await
        .id;
    let rendered = canned::render(
        store,
        &lan_key,
        greeting.id,
        RenderCannedResponse {
            conversation_id: id,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        rendered.content,
        "Xin chào Hoa, I am Lan. {{contact.nickname}}"
    );
    assert_eq!(rendered.unresolved, vec!["contact.nickname"]);

    let edited = canned::update(
        store,
        &lan_key,
        mine.id,
        UpdateCannedResponse {
            content: Some("— Lan".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(edited.content, "— Lan");
    let not_admin = canned::update(store, &lan_key, greeting.id, Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(not_admin, Error::Forbidden { .. }),
        "{not_admin:?}"
    );
    canned::delete(store, &lan_key, mine.id).await.unwrap();
    assert_eq!(find(&lan_key, "").await, vec!["hello", "refund"]);
}

async fn a_saved_view_lists_and_counts_like_its_filters(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Saved views").await;
    let lan = t.user("Lan").await;
    let lan_key = t.key_for(lan.id, vec![Scope::ConversationsRead]).await;
    let mut urgent_open = Vec::new();
    for i in 0..6 {
        let id = t
            .conversation(CreateConversation {
                priority: Some(if i % 2 == 0 {
                    Priority::Urgent
                } else {
                    Priority::Low
                }),
                member_ids: (i < 2).then(|| vec![lan.id]),
                ..Default::default()
            })
            .await
            .id;
        if i % 2 == 0 {
            urgent_open.push(id);
        }
    }
    urgent_open.reverse();
    let urgent = views::create(
        store,
        &t.admin,
        CreateSavedView {
            name: "Urgent".into(),
            filters: object(json!({"priority": ["urgent", "high"], "status": "open"})),
            shared: true,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        urgent.filters,
        object(json!({"priority": "urgent,high", "status": "open"}))
    );
    let mine = views::create(
        store,
        &lan_key,
        CreateSavedView {
            name: "My urgent".into(),
            filters: object(json!({"view": "mine", "priority": "urgent"})),
            shared: false,
        },
    )
    .await
    .unwrap();
    for (filters, field) in [
        (json!({"emial": "x"}), "filters.emial"),
        (json!({"status": "everything"}), "filters"),
        (json!({"view_id": urgent.id}), "filters.view_id"),
        (json!({"labels": {"a": 1}}), "filters.labels"),
    ] {
        let refused = views::create(
            store,
            &lan_key,
            CreateSavedView {
                name: "bad".into(),
                filters: object(filters),
                shared: false,
            },
        )
        .await
        .unwrap_err();
        assert!(
            matches!(&refused, Error::Validation(e) if e[0].field == field),
            "{field}: {refused:?}"
        );
    }
    let sharing = views::create(
        store,
        &lan_key,
        CreateSavedView {
            name: "x".into(),
            shared: true,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(sharing, Error::Forbidden { .. }));

    let with = |view| ConversationFilters {
        view_id: Some(view),
        ..Default::default()
    };
    assert_eq!(
        list_ids(store, &lan_key, with(urgent.id)).await,
        urgent_open
    );
    assert_eq!(
        list_ids(store, &lan_key, with(mine.id)).await,
        vec![urgent_open[urgent_open.len() - 1]],
        "`mine` is the reader's"
    );
    // What the query names itself wins over the view's.
    let low = ConversationFilters {
        priority: vec![Priority::Low],
        ..with(urgent.id)
    };
    assert_eq!(list_ids(store, &lan_key, low).await.len(), 3);

    let counted = team::views_count_with(
        store,
        &lan_key,
        ConversationFilters::default(),
        SavedViewCounts {
            view_ids: Some(format!("{},{}", urgent.id, mine.id)),
        },
    )
    .await
    .unwrap();
    assert_eq!(counted.views[&urgent.id.to_string()], 3);
    assert_eq!(counted.views[&mine.id.to_string()], 1);
    assert_counts_match_lists(store, &lan_key, with(urgent.id)).await;

    // Personal views are their owner's alone; shared ones change only by an admin.
    let minh = t.user("Minh").await;
    let minh_key = t.key_for(minh.id, vec![Scope::ConversationsRead]).await;
    let listed = views::list(store, &minh_key, PagingParams::default())
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|v| v.id).collect::<Vec<_>>(),
        vec![urgent.id]
    );
    assert!(matches!(
        views::get(store, &minh_key, mine.id).await,
        Err(Error::NotFound(_))
    ));
    let elsewhere = team::views_count_with(
        store,
        &minh_key,
        ConversationFilters::default(),
        SavedViewCounts {
            view_ids: Some(mine.id.to_string()),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(&elsewhere, Error::Validation(e) if e[0].field == "view_ids"));
    assert!(matches!(
        views::update(store, &lan_key, urgent.id, UpdateSavedView::default()).await,
        Err(Error::Forbidden { .. })
    ));
    let renamed = views::update(
        store,
        &lan_key,
        mine.id,
        UpdateSavedView {
            name: Some("Mine, urgent".into()),
            filters: Some(object(json!({"view": "mine"}))),
            shared: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(renamed.name, "Mine, urgent");
    assert_eq!(list_ids(store, &lan_key, with(mine.id)).await.len(), 2);
    views::delete(store, &lan_key, mine.id).await.unwrap();
    assert!(matches!(
        conversations::list(store, &lan_key, with(mine.id), page(10)).await,
        Err(Error::Validation(_))
    ));
}

async fn a_bulk_change_answers_per_id_and_keeps_the_counts(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Bulk").await;
    let lan = t.user("Lan").await;
    labels::create(
        store,
        &t.admin,
        CreateLabel {
            name: "vip".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for _ in 0..30 {
        ids.push(t.conversation(CreateConversation::default()).await.id);
    }
    let unit = t.unit("Hidden").await;
    let hidden = t
        .conversation(CreateConversation {
            business_unit_id: Some(unit.id),
            ..Default::default()
        })
        .await
        .id;
    let limited = t
        .key_with(
            vec![Scope::ConversationsRead, Scope::ConversationsWrite],
            Some(vec![t.created.business_unit.id]),
        )
        .await;
    let mut asked = ids.clone();
    asked.insert(3, hidden);
    asked.push(ConversationId::new());
    let before = team::views_count(store, &limited, ConversationFilters::default())
        .await
        .unwrap();
    let results = bulk::update(
        store,
        &limited,
        BulkUpdate {
            ids: asked.clone(),
            set: BulkChange {
                status: Some(Status::Resolved),
                assignee_id: Some(lan.id),
                priority: Some(Priority::High),
                labels_add: Some(vec!["VIP".into()]),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap();
    assert_eq!(
        results.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        asked,
        "one result per id, in order"
    );
    for (id, result) in &results {
        if ids.contains(id) {
            let record = result.as_ref().expect("changed");
            let c = &record.conversation;
            assert_eq!((c.status, c.priority), (Status::Resolved, Priority::High));
            assert!(c.users.iter().any(|u| u.id == lan.id));
            assert_eq!(c.labels.len(), 1);
        } else {
            assert!(
                matches!(result, Err(Error::NotFound(_))),
                "another unit's or an unknown id is not found: {result:?}"
            );
        }
    }
    let after = team::views_count(store, &limited, ConversationFilters::default())
        .await
        .unwrap();
    assert_eq!(after.all, before.all);
    assert_eq!(after.by_status["resolved"], 30);
    assert_counts_match_lists(store, &limited, ConversationFilters::default()).await;
    assert_counts_match_lists(
        store,
        &t.admin,
        ConversationFilters::statuses(&[Status::Resolved]),
    )
    .await;
    let hidden_now = conversations::get(store, &t.admin, hidden).await.unwrap();
    assert_eq!(hidden_now.conversation.status, Status::Open, "untouched");

    for (req, field) in [
        (BulkUpdate::default(), "ids"),
        (
            BulkUpdate {
                ids: vec![ids[0], ids[0]],
                set: BulkChange {
                    priority: Some(Priority::Low),
                    ..Default::default()
                },
            },
            "ids",
        ),
        (
            BulkUpdate {
                ids: vec![ids[0]],
                set: BulkChange::default(),
            },
            "set",
        ),
        (
            BulkUpdate {
                ids: vec![ids[0]],
                set: BulkChange {
                    labels_remove: Some(vec!["nope".into()]),
                    ..Default::default()
                },
            },
            "set.labels_remove",
        ),
        (
            BulkUpdate {
                ids: (0..101).map(|_| ConversationId::new()).collect(),
                set: BulkChange {
                    priority: Some(Priority::Low),
                    ..Default::default()
                },
            },
            "ids",
        ),
    ] {
        let refused = bulk::update(store, &limited, req).await.unwrap_err();
        assert!(
            matches!(&refused, Error::Validation(e) if e[0].field == field),
            "{field}: {refused:?}"
        );
    }
    // A change a conversation refuses is that id's error, the others go on.
    let snooze = bulk::update(
        store,
        &limited,
        BulkUpdate {
            ids: ids[..2].to_vec(),
            set: BulkChange {
                status: Some(Status::Open),
                snoozed_until: Some(convo_types::Timestamp::now()),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap();
    assert!(snooze
        .iter()
        .all(|(_, r)| matches!(r, Err(Error::Validation(_)))));
}

stories![
    a_reply_written_before_news_arrived_is_stopped,
    two_agents_answering_the_same_message_at_once_send_one_reply,
    a_draft_follows_its_writer_and_goes_when_sent,
    canned_responses_are_found_by_code_or_words_and_filled_in,
    a_saved_view_lists_and_counts_like_its_filters,
    a_bulk_change_answers_per_id_and_keeps_the_counts,
];
