//! Working together: the stale-reply guard, drafts, canned responses, saved views and bulk
//! actions keep a team from stepping on each other, on the server.

use super::prelude::*;
use convo_types::MessageId;

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

stories![
    a_reply_written_before_news_arrived_is_stopped,
    two_agents_answering_the_same_message_at_once_send_one_reply,
];
