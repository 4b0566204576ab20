//! The inbox model: who is in control (handoffs between AI agents and humans), labels and
//! priority, each filtering the list and the views count alike.

use super::prelude::*;
use convo_core::InboxFilter;
use convo_types::UserId;

fn to(control_type: ControlType, id: Option<UserId>) -> HandoffRequest {
    HandoffRequest {
        to: ControlParty { control_type, id },
        reason: Some("the customer asked for a person".into()),
        metadata: None,
    }
}

fn outgoing(content: &str, force: bool) -> CreateMessage {
    CreateMessage {
        message_type: Some(MessageType::Outgoing),
        content: content.into(),
        force,
        ..Default::default()
    }
}

async fn an_ai_agent_hands_over_and_a_human_takes_control(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Handoff").await;
    let bot = t
        .add_user(CreateUser {
            name: "Bot".into(),
            kind: Some(UserKind::AiAgent),
            ..Default::default()
        })
        .await;
    let lan = t.user("Lan").await;
    let all = vec![
        Scope::ConversationsRead,
        Scope::ConversationsWrite,
        Scope::MessagesWrite,
    ];
    let bot_key = t.key_for(bot.id, all.clone()).await;
    let lan_key = t.key_for(lan.id, all.clone()).await;
    let id = t
        .conversation(CreateConversation {
            member_ids: Some(vec![bot.id]),
            ..Default::default()
        })
        .await
        .id;
    let other = t.conversation(CreateConversation::default()).await.id;
    assert_eq!(
        conversations::get(store, &t.admin, other)
            .await
            .unwrap()
            .conversation
            .control
            .control_type,
        ControlType::None,
        "nobody controls a new conversation"
    );
    // Nothing is waiting yet.
    let refused = control::accept(store, &lan_key, id, None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Conflict {
                code: ErrorCode::NoHandoffPending,
                ..
            }
        ),
        "{refused:?}"
    );
    control::handoff(store, &bot_key, id, None, to(ControlType::AiAgent, None))
        .await
        .expect("the bot takes control");
    messages::create(
        store,
        &bot_key,
        id,
        outgoing("Hello, how can I help?", false),
    )
    .await
    .expect("the bot answers while it controls");

    let pending = control::handoff(store, &bot_key, id, None, to(ControlType::Human, None))
        .await
        .unwrap()
        .conversation;
    assert_eq!(pending.control.control_type, ControlType::None);
    let handoff = pending.handoff.expect("a pending handoff");
    assert_eq!(handoff.from.control_type, ControlType::AiAgent);
    assert_eq!(handoff.from.id, Some(bot.id));
    assert_eq!(
        handoff.reason.as_deref(),
        Some("the customer asked for a person")
    );
    let waiting = ConversationFilters {
        handoff_pending: Some(true),
        ..Default::default()
    };
    assert_eq!(list_ids(store, &t.admin, waiting.clone()).await, vec![id]);
    assert_counts_match_lists(store, &t.admin, waiting).await;

    let taken = control::accept(store, &lan_key, id, None)
        .await
        .unwrap()
        .conversation;
    assert_eq!(taken.control.control_type, ControlType::Human);
    assert_eq!(taken.control.id, Some(lan.id));
    assert_eq!(taken.control.from.as_ref().and_then(|f| f.id), Some(bot.id));
    assert!(taken.handoff.is_none());
    assert!(
        taken.users.iter().any(|u| u.id == lan.id),
        "the human joins the team"
    );

    let refused = messages::create(store, &bot_key, id, outgoing("I can help too", false))
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Conflict {
                code: ErrorCode::NotInControl,
                ..
            }
        ),
        "{refused:?}"
    );
    messages::create(
        store,
        &bot_key,
        id,
        CreateMessage {
            message_type: Some(MessageType::Note),
            ..text("internal: the customer is upset")
        },
    )
    .await
    .expect("notes are not answers");
    messages::create(store, &bot_key, id, outgoing("forced", true))
        .await
        .expect("a forced message goes out");
    messages::create(store, &lan_key, id, outgoing("Hi, I'm Lan", false))
        .await
        .expect("the human answers");
    let humans = ConversationFilters {
        control_type: Some(ControlType::Human),
        ..Default::default()
    };
    assert_eq!(list_ids(store, &t.admin, humans.clone()).await, vec![id]);
    assert_counts_match_lists(store, &t.admin, humans).await;
    // Search takes the same filters.
    let controlled_by = |control_type| InboxFilter {
        control_type: Some(control_type),
        ..Default::default()
    };
    for (control, expected) in [
        (ControlType::Human, vec![id]),
        (ControlType::AiAgent, vec![]),
    ] {
        let found = search::search(
            store,
            &t.admin,
            "help",
            None,
            controlled_by(control),
            None,
            None,
        )
        .await
        .unwrap();
        let ids: Vec<ConversationId> = found.data.iter().map(|h| h.conversation.id).collect();
        assert_eq!(ids, expected, "searched under {control}");
    }
    assert_counts_match_lists(store, &lan_key, ConversationFilters::default()).await;

    let back = control::handoff(store, &lan_key, id, None, to(ControlType::AiAgent, None))
        .await
        .unwrap()
        .conversation;
    assert_eq!(back.control.control_type, ControlType::AiAgent);
    assert_eq!(
        back.control.id,
        Some(bot.id),
        "the team's AI agent by default"
    );
    messages::create(store, &bot_key, id, outgoing("Back to me", false))
        .await
        .expect("the bot answers again");

    // A named person takes control at once; a human is no AI agent.
    let direct = control::handoff(
        store,
        &bot_key,
        id,
        None,
        to(ControlType::Human, Some(lan.id)),
    )
    .await
    .unwrap()
    .conversation;
    assert_eq!(direct.control.id, Some(lan.id));
    assert!(direct.handoff.is_none());
    let wrong = control::handoff(
        store,
        &lan_key,
        id,
        None,
        to(ControlType::AiAgent, Some(lan.id)),
    )
    .await
    .unwrap_err();
    assert!(matches!(wrong, Error::Validation(_)), "{wrong:?}");

    let types: Vec<EventType> = events::list(store, &t.admin, Some(id), None, None)
        .await
        .unwrap()
        .data
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert!(types.contains(&EventType::ConversationHandoffRequested));
    assert_eq!(
        types
            .iter()
            .filter(|e| **e == EventType::ConversationControlChanged)
            .count(),
        4,
        "bot, accept, back, named: {types:?}"
    );
}

async fn labels_filter_and_survive_renames(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Labels").await;
    let label = |name: &str| CreateLabel {
        name: name.into(),
        ..Default::default()
    };
    let billing = labels::create(store, &t.admin, label("Billing"))
        .await
        .unwrap();
    labels::create(store, &t.admin, label("VIP")).await.unwrap();
    labels::create(store, &t.admin, label("bug")).await.unwrap();
    assert_eq!(billing.color, "#808080");
    let taken = labels::create(store, &t.admin, label("billing"))
        .await
        .unwrap_err();
    assert!(matches!(taken, Error::Conflict { .. }), "{taken:?}");
    let comma = labels::create(store, &t.admin, label("a,b"))
        .await
        .unwrap_err();
    assert!(matches!(comma, Error::Validation(_)), "{comma:?}");

    let mut ids = Vec::new();
    for i in 0..6 {
        ids.push(t.conversation(CreateConversation::default()).await.id);
        let names: &[&str] = match i % 3 {
            0 => &["billing"],
            1 => &["Billing", "vip"],
            _ => &[],
        };
        if !names.is_empty() {
            let labeled = labels::add_to_conversation(
                store,
                &t.admin,
                ids[i],
                AddLabels {
                    labels: names.iter().map(|n| n.to_string()).collect(),
                },
            )
            .await
            .unwrap()
            .conversation;
            assert_eq!(labeled.labels.len(), names.len());
        }
    }
    let unknown = labels::add_to_conversation(
        store,
        &t.admin,
        ids[2],
        AddLabels {
            labels: vec!["nope".into()],
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(unknown, Error::Validation(_)), "{unknown:?}");
    let both = ConversationFilters {
        labels: Some("billing,VIP".into()),
        ..Default::default()
    };
    let mut expected = vec![ids[1], ids[4]];
    expected.reverse();
    assert_eq!(list_ids(store, &t.admin, both.clone()).await, expected);
    let any = ConversationFilters {
        labels_any: Some("vip, bug ,billing".into()),
        ..Default::default()
    };
    assert_eq!(list_ids(store, &t.admin, any.clone()).await.len(), 4);
    let missing = ConversationFilters {
        labels: Some("billing,ghost".into()),
        ..Default::default()
    };
    assert!(list_ids(store, &t.admin, missing).await.is_empty());
    for query in [both, any] {
        assert_counts_match_lists(store, &t.admin, query).await;
    }

    labels::update(
        store,
        &t.admin,
        billing.id,
        UpdateLabel {
            name: Some("Invoices".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let renamed = conversations::get(store, &t.admin, ids[0])
        .await
        .unwrap()
        .conversation;
    assert_eq!(renamed.labels, vec!["Invoices".to_owned()]);
    let by_new_name = ConversationFilters {
        labels: Some("invoices".into()),
        ..Default::default()
    };
    assert_eq!(list_ids(store, &t.admin, by_new_name).await.len(), 4);

    let removed = labels::remove_from_conversation(store, &t.admin, ids[1], "VIP")
        .await
        .unwrap()
        .conversation;
    assert_eq!(removed.labels, vec!["Invoices".to_owned()]);
    labels::delete(store, &t.admin, billing.id).await.unwrap();
    let gone = conversations::get(store, &t.admin, ids[1])
        .await
        .unwrap()
        .conversation;
    assert!(
        gone.labels.is_empty(),
        "a deleted label leaves its conversations"
    );
    let types: Vec<EventType> = events::list(store, &t.admin, Some(ids[1]), None, None)
        .await
        .unwrap()
        .data
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(
        types
            .iter()
            .filter(|e| **e == EventType::ConversationLabelsChanged)
            .count(),
        2
    );
    let agent = t.key_with(vec![Scope::ConversationsRead], None).await;
    let refused = labels::create(store, &agent, label("x")).await.unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
}

async fn priority_orders_and_pages(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Priority").await;
    let mut made = Vec::new();
    for i in 0..23usize {
        let priority = Priority::ALL[i % Priority::ALL.len()];
        let c = t
            .conversation(CreateConversation {
                priority: Some(priority),
                ..Default::default()
            })
            .await;
        made.push((priority.rank(), c.timestamp, c.id));
    }
    // Most urgent first, then the latest activity.
    made.sort_by(|a, b| b.cmp(a));
    let expected: Vec<ConversationId> = made.iter().map(|m| m.2).collect();
    let query = ConversationFilters {
        order: Some(ConversationOrder::Priority),
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let page = conversations::list(
            store,
            &t.admin,
            query.clone(),
            PagingParams {
                cursor: cursor.take(),
                ..page(5)
            },
        )
        .await
        .unwrap();
        seen.extend(page.data.iter().map(|c| c.id));
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, expected, "keyset pages walk the whole order once");
    let urgent = ConversationFilters {
        priority: vec![Priority::High, Priority::Urgent],
        ..Default::default()
    };
    assert_eq!(list_ids(store, &t.admin, urgent.clone()).await.len(), 8);
    assert_counts_match_lists(store, &t.admin, urgent).await;

    let first = made.last().unwrap().2;
    let raised = conversations::update(
        store,
        &t.admin,
        first,
        None,
        UpdateConversation {
            priority: Some(Priority::Urgent),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .conversation;
    assert_eq!(raised.priority, Priority::Urgent);
    // A cursor of the recent order does not page the priority order.
    let recent = conversations::list(store, &t.admin, ConversationFilters::default(), page(2))
        .await
        .unwrap();
    let mixed = conversations::list(
        store,
        &t.admin,
        query,
        PagingParams {
            cursor: recent.next_cursor,
            ..page(2)
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(mixed, Error::Validation(_)), "{mixed:?}");
}

stories![
    an_ai_agent_hands_over_and_a_human_takes_control,
    labels_filter_and_survive_renames,
    priority_orders_and_pages,
];
