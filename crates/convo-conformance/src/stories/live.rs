//! What is live between people: signals reach every node, presence follows open streams,
//! and notifications reach their person once, counted from themselves.

use super::prelude::*;
use convo_core::live::{Audience, Broadcast};
use convo_core::usecases::{notifications, presence};
use convo_types::{
    Activity, NotificationQuery, NotificationType, Presence, ReadNotifications, ReportActivity,
    SetPresence, Timestamp, UpdateNotificationSettings, UserId,
};

fn note(content: &str, mentions: Vec<UserId>) -> CreateMessage {
    CreateMessage {
        message_type: Some(MessageType::Note),
        mentions: Some(mentions),
        ..text(content)
    }
}

async fn notified(store: &dyn Store, who: &Principal) -> Vec<NotificationType> {
    notifications::list(store, who, NotificationQuery::default(), page(100))
        .await
        .unwrap()
        .data
        .into_iter()
        .map(|n| n.notification_type)
        .collect()
}

/// The unread count equals the unread notifications listed: recounted from the list.
async fn assert_unread_recounts(store: &dyn Store, who: &Principal) -> i64 {
    let counted = notifications::unread(store, who).await.unwrap();
    let unread = notifications::list(
        store,
        who,
        NotificationQuery { unread: Some(true) },
        page(100),
    )
    .await
    .unwrap();
    assert_eq!(counted, unread.data.len() as i64, "the count is the list's");
    assert!(unread.data.iter().all(|n| n.read_at.is_none()));
    counted
}

async fn mentions_assignments_and_handoffs_notify_their_person_once(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Notifications").await;
    let scopes = vec![
        Scope::ConversationsRead,
        Scope::ConversationsWrite,
        Scope::MessagesRead,
        Scope::MessagesWrite,
    ];
    let lan = t.user("Lan").await;
    let minh = t.user("Minh").await;
    let lan_key = t.key_for(lan.id, scopes.clone()).await;
    let minh_key = t.key_for(minh.id, scopes).await;
    let id = t.conversation(CreateConversation::default()).await.id;

    // A mention, by list and by the content's markup, reaches Minh once; never the writer.
    let mention = messages::create(
        store,
        &lan_key,
        id,
        note(
            &format!(
                "@[Minh](user:{}) can you look? cc @[Lan](user:{})",
                minh.id, lan.id
            ),
            vec![minh.id],
        ),
    )
    .await
    .unwrap();
    assert_eq!(
        notified(store, &minh_key).await,
        vec![NotificationType::Mention]
    );
    assert!(notified(store, &lan_key).await.is_empty(), "not the writer");
    let listed = notifications::list(store, &minh_key, NotificationQuery::default(), page(10))
        .await
        .unwrap();
    assert_eq!(listed.data[0].message_id, Some(mention.message.id));
    assert_eq!(listed.data[0].conversation_id, id);
    assert_eq!(assert_unread_recounts(store, &minh_key).await, 1);

    // Only a note mentions, and only someone who sees the conversation.
    let unit = t.unit("Elsewhere").await;
    let outsider = t
        .add_user(CreateUser {
            name: "Outsider".into(),
            business_unit_ids: Some(vec![unit.id]),
            ..Default::default()
        })
        .await;
    for (req, field) in [
        (note("hi", vec![outsider.id]), "mentions[0]"),
        (
            note(&format!("@[X](user:{})", UserId::new()), vec![]),
            "content",
        ),
        (
            CreateMessage {
                mentions: Some(vec![minh.id]),
                ..text("a reply")
            },
            "mentions",
        ),
    ] {
        let refused = messages::create(store, &lan_key, id, req)
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, Error::Validation(e) if e[0].field == field),
            "{field}: {refused:?}"
        );
    }

    // Assigned by someone else: notified; joining oneself is not news.
    team::assign(store, &lan_key, id, minh.id).await.unwrap();
    team::assign(store, &lan_key, id, minh.id).await.unwrap();
    team::join(store, &lan_key, id).await.unwrap();
    assert_eq!(
        notified(store, &minh_key).await,
        vec![NotificationType::Assigned, NotificationType::Mention],
        "newest first, each once"
    );
    assert!(notified(store, &lan_key).await.is_empty());

    // A handoff to the team reaches its humans (not the one handing off).
    control::handoff(
        store,
        &lan_key,
        id,
        None,
        HandoffRequest {
            to: ControlParty {
                control_type: ControlType::Human,
                id: None,
            },
            reason: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        notified(store, &minh_key).await[0],
        NotificationType::HandoffRequested
    );
    assert!(notified(store, &lan_key).await.is_empty());

    // New customer messages only for those who asked.
    messages::create(store, &t.admin, id, incoming("hello?"))
        .await
        .unwrap();
    assert_eq!(notified(store, &minh_key).await.len(), 3);
    notifications::update_settings(
        store,
        &minh_key,
        UpdateNotificationSettings {
            message_in_assigned: Some(true),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    messages::create(store, &t.admin, id, incoming("anyone?"))
        .await
        .unwrap();
    assert_eq!(
        notified(store, &minh_key).await[0],
        NotificationType::MessageInAssigned
    );
    notifications::update_settings(
        store,
        &lan_key,
        UpdateNotificationSettings {
            mention: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    messages::create(
        store,
        &minh_key,
        id,
        note(&format!("@[Lan](user:{})", lan.id), vec![]),
    )
    .await
    .unwrap();
    assert!(notified(store, &lan_key).await.is_empty(), "turned off");

    // Read singly, then all; the count follows the rows.
    assert_eq!(assert_unread_recounts(store, &minh_key).await, 4);
    let first = notifications::list(store, &minh_key, NotificationQuery::default(), page(10))
        .await
        .unwrap()
        .data[0]
        .id;
    let read = notifications::read(
        store,
        &minh_key,
        ReadNotifications {
            ids: Some(vec![first]),
            all: false,
        },
    )
    .await
    .unwrap();
    assert_eq!((read.read, read.unread), (1, 3));
    // Someone else's ids change nothing.
    let others = notifications::read(
        store,
        &lan_key,
        ReadNotifications {
            ids: Some(vec![first]),
            all: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(others.read, 0);
    let all = notifications::read(
        store,
        &minh_key,
        ReadNotifications {
            ids: None,
            all: true,
        },
    )
    .await
    .unwrap();
    assert_eq!((all.read, all.unread), (3, 0));
    assert_eq!(assert_unread_recounts(store, &minh_key).await, 0);
    assert!(
        notifications::read(store, &minh_key, ReadNotifications::default())
            .await
            .is_err()
    );

    // About a conversation gone from sight: neither listed nor counted.
    let other = t.conversation(CreateConversation::default()).await.id;
    messages::create(
        store,
        &lan_key,
        other,
        note(&format!("@[Minh](user:{})", minh.id), vec![]),
    )
    .await
    .unwrap();
    assert_eq!(assert_unread_recounts(store, &minh_key).await, 1);
    conversations::delete(store, &t.admin, other, None, false)
        .await
        .unwrap();
    assert_eq!(assert_unread_recounts(store, &minh_key).await, 0);
    assert_eq!(
        notified(store, &minh_key).await.len(),
        4,
        "not listed either"
    );
}

async fn signals_reach_every_follower_and_presence_follows_streams(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Signals").await;
    let lan = t.user("Lan").await;
    let lan_key = t.key_for(lan.id, vec![Scope::ConversationsRead]).await;
    let id = t.conversation(CreateConversation::default()).await.id;
    let mut heard = store.signals();
    presence::report(
        store,
        &lan_key,
        id,
        ReportActivity {
            activity: Activity::Typing,
        },
    )
    .await
    .unwrap();
    let signal = tokio::time::timeout(std::time::Duration::from_secs(5), heard.recv())
        .await
        .expect("a signal within 5 s")
        .unwrap();
    assert_eq!(signal.signal.signal_type, "conversation.activity");
    assert_eq!(signal.signal.conversation_id, Some(id));
    assert_eq!(signal.signal.data["user"]["id"], json!(lan.id));
    assert_eq!(signal.signal.data["activity"], json!("typing"));
    assert!(signal.reaches(&lan_key));
    let elsewhere = Fixture::new(store, "Elsewhere").await;
    assert!(
        !signal.reaches(&elsewhere.admin),
        "another organization hears nothing"
    );
    let to_minh = Broadcast::new(
        t.admin.organization_id,
        Audience::User(UserId::new()),
        "notification.created",
        Some(id),
        &json!({}),
        Timestamp::now(),
    );
    assert!(
        !to_minh.reaches(&lan_key),
        "a notification is its person's alone"
    );

    // Presence: offline until a stream is open; what one says holds while connected.
    assert_eq!(lan.presence, Presence::Offline);
    let now = Timestamp::now();
    let online = store
        .heartbeat_presence(&[(t.admin.organization_id, lan.id)], now)
        .await
        .unwrap();
    assert_eq!(online.len(), 1);
    assert_eq!(online[0].presence, Presence::Online);
    assert!(store
        .heartbeat_presence(&[(t.admin.organization_id, lan.id)], now)
        .await
        .unwrap()
        .is_empty());
    let busy = presence::set(
        store,
        &lan_key,
        SetPresence {
            status: Presence::Busy,
        },
    )
    .await
    .unwrap();
    assert_eq!(busy.presence, Presence::Busy);
    let listed = directory::list_users(
        store,
        &t.admin,
        convo_types::UserFilters {
            presence: Some(Presence::Busy),
        },
        page(10),
    )
    .await
    .unwrap();
    assert_eq!(
        listed.data.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![lan.id]
    );
    // Streams closed everywhere: offline once, by whichever node sweeps first.
    let later = Timestamp::from_millis(now.as_millis() + 1);
    // (The sweep spans organizations: people other runs left online on a shared database go
    // with Lan, so only Lan's part is asserted.)
    let gone = store.expire_presence(later, 100).await.unwrap();
    let lan_gone: Vec<_> = gone.iter().filter(|u| u.id == lan.id).collect();
    assert_eq!(lan_gone.len(), 1);
    assert_eq!(lan_gone[0].presence, Presence::Offline);
    let again = store.expire_presence(later, 100).await.unwrap();
    assert!(!again.iter().any(|u| u.id == lan.id), "offline once");
    let back = store
        .heartbeat_presence(&[(t.admin.organization_id, lan.id)], later)
        .await
        .unwrap();
    assert_eq!(
        back[0].presence,
        Presence::Busy,
        "what they said holds when back"
    );
}

stories![
    mentions_assignments_and_handoffs_notify_their_person_once,
    signals_reach_every_follower_and_presence_follows_streams,
];
