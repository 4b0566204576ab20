//! Timers that fire, driven by a clock the story moves: snoozes wake on time (and on a reply),
//! quiet conversations resolve after their unit's timer.

use std::time::Duration;

use convo_core::clock::ManualClock;
use convo_types::Timestamp;

use super::prelude::*;

const MINUTE: Duration = Duration::from_secs(60);

fn minutes_from(at: Timestamp, minutes: i64) -> Timestamp {
    Timestamp::from_millis(at.as_millis() + minutes * 60_000)
}

async fn status_of(store: &dyn Store, t: &Fixture<'_>, id: ConversationId) -> Conversation {
    conversations::get(store, &t.admin, id)
        .await
        .expect("the conversation")
        .conversation
}

/// One story, so its clocks move in order: each part's clock would fire the other's timers
/// in the database the backends' stories share.
async fn timers_fire_on_time(shared: &Arc<dyn Store>) {
    snoozes_wake_on_time_and_on_a_reply(shared.as_ref()).await;
    quiet_conversations_resolve_after_their_units_timer(shared.as_ref()).await;
}

async fn snoozes_wake_on_time_and_on_a_reply(store: &dyn Store) {
    let t = Fixture::new(store, "Snoozes").await;
    let contact = t.add_contact(CreateContact::default()).await;
    let now = Timestamp::now();
    let snooze = |minutes| UpdateStatus {
        status: Status::Snoozed,
        snoozed_until: Some(minutes_from(now, minutes)),
    };
    // Other stories sharing the database snooze for a day: these clocks stay well short of
    // that, so they never wake another story's conversation.
    let mut ids = Vec::new();
    for minutes in [5, 20, 5] {
        let id = t
            .conversation(CreateConversation {
                contact_id: Some(contact.id),
                ..Default::default()
            })
            .await
            .id;
        conversations::update_status(store, &t.admin, id, None, snooze(minutes))
            .await
            .unwrap();
        ids.push(id);
    }
    let (early, late, replied) = (ids[0], ids[1], ids[2]);
    messages::create(store, &t.admin, replied, incoming("any news?"))
        .await
        .unwrap();
    let woke_by_reply = status_of(store, &t, replied).await;
    assert_eq!(
        woke_by_reply.status,
        Status::Open,
        "a reply ends the snooze"
    );
    assert_eq!(woke_by_reply.snoozed_until, None);
    assert!(woke_by_reply.last_incoming_at.is_some());

    let clock = ManualClock::at(minutes_from(now, 2));
    timers::fire_due(store, &clock).await.unwrap();
    assert_eq!(status_of(store, &t, early).await.status, Status::Snoozed);
    clock.advance(4 * MINUTE);
    let fired = timers::fire_due(store, &clock).await.unwrap();
    assert!(fired.woken >= 1, "{fired:?}");
    let woken = status_of(store, &t, early).await;
    assert_eq!(woken.status, Status::Open);
    assert_eq!(woken.snoozed_until, None);
    assert_eq!(status_of(store, &t, late).await.status, Status::Snoozed);
    let last = events::list(store, &t.admin, Some(early), None, None)
        .await
        .unwrap()
        .data
        .pop()
        .expect("events");
    assert_eq!(last.event_type, EventType::ConversationStatusChanged);
    assert_eq!(last.actor.participant_type, "system");
    // A second node finding the same timer finds nothing left to do.
    let versions = status_of(store, &t, early).await.updated_at;
    timers::fire_due(store, &clock).await.unwrap();
    assert_eq!(status_of(store, &t, early).await.updated_at, versions);

    // An incoming message reopens a pending conversation too.
    let pending = t
        .conversation(CreateConversation {
            contact_id: Some(contact.id),
            status: Some(Status::Pending),
            ..Default::default()
        })
        .await
        .id;
    messages::create(store, &t.admin, pending, incoming("hello?"))
        .await
        .unwrap();
    assert_eq!(status_of(store, &t, pending).await.status, Status::Open);
}

async fn quiet_conversations_resolve_after_their_units_timer(store: &dyn Store) {
    let t = Fixture::new(store, "Quiet").await;
    let timed = t
        .add_unit(CreateBusinessUnit {
            name: "Timed".into(),
            metadata: None,
            auto_resolve_after: Some(3_600),
        })
        .await;
    let untimed = t.unit("Untimed").await;
    let too_short = directory::create_business_unit(
        store,
        &t.admin,
        CreateBusinessUnit {
            name: "Hasty".into(),
            metadata: None,
            auto_resolve_after: Some(30),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(too_short, Error::Validation(_)), "{too_short:?}");
    let contact = t.add_contact(CreateContact::default()).await;
    let in_unit = |unit| CreateConversation {
        business_unit_id: Some(unit),
        contact_id: Some(contact.id),
        ..Default::default()
    };
    let quiet = t.conversation(in_unit(timed.id)).await;
    let talking = t.conversation(in_unit(timed.id)).await;
    let elsewhere = t.conversation(in_unit(untimed.id)).await;
    let start = quiet.created_at;

    let clock = ManualClock::at(minutes_from(start, 30));
    timers::fire_due(store, &clock).await.unwrap();
    assert_eq!(status_of(store, &t, quiet.id).await.status, Status::Open);
    // The contact writes in a later millisecond than `quiet` was made in, so that the hour
    // after `start` ends before the hour after its message.
    while Timestamp::now() <= start {
        tokio::task::yield_now().await;
    }
    messages::create(store, &t.admin, talking.id, incoming("still there?"))
        .await
        .unwrap();
    let wrote_at = status_of(store, &t, talking.id)
        .await
        .last_incoming_at
        .expect("the contact wrote");
    assert!(wrote_at > start);

    let clock = ManualClock::at(minutes_from(start, 60));
    let fired = timers::fire_due(store, &clock).await.unwrap();
    assert!(fired.resolved >= 1, "{fired:?}");
    let resolved = status_of(store, &t, quiet.id).await;
    assert_eq!(resolved.status, Status::Resolved);
    let note = resolved.last_message.expect("an activity message");
    assert_eq!(note.message_type, MessageType::Activity);
    assert_eq!(
        note.preview,
        "Resolved after 1 hour without a message from the contact."
    );
    assert_eq!(
        status_of(store, &t, talking.id).await.status,
        Status::Open,
        "the contact wrote within the hour"
    );
    assert_eq!(
        status_of(store, &t, elsewhere.id).await.status,
        Status::Open
    );
    let again = timers::fire_due(store, &clock).await.unwrap();
    assert_eq!(
        status_of(store, &t, quiet.id).await.counts.messages,
        1,
        "resolved once: {again:?}"
    );
    // The timer can be turned off.
    let off = directory::update_business_unit(
        store,
        &t.admin,
        timed.id,
        UpdateBusinessUnit {
            name: None,
            metadata: None,
            auto_resolve_after: Some(None),
        },
    )
    .await
    .unwrap();
    assert_eq!(off.auto_resolve_after, None);
    timers::fire_due(store, &ManualClock::at(minutes_from(wrote_at, 600)))
        .await
        .unwrap();
    assert_eq!(status_of(store, &t, talking.id).await.status, Status::Open);
}

stories![timers_fire_on_time];
