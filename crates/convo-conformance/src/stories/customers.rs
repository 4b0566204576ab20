//! A conversation moving between business units, and one customer per person: contacts found
//! by their words and merged when the same person arrives twice.

use super::prelude::*;
use convo_core::usecases::contacts;
use convo_types::{ContactQuery, CustomerRef, GetOrCreateConversation, MergeContacts};

async fn all_in(store: &dyn Store, who: &Principal, unit: convo_types::BusinessUnitId) -> i64 {
    team::views_count(
        store,
        who,
        ConversationFilters {
            business_unit_id: Some(unit),
            ..Default::default()
        },
    )
    .await
    .expect("views count")
    .all
}

async fn a_transfer_moves_the_conversation_and_its_counts(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Transfers").await;
    let sales = t.unit("Sales").await;
    let support = t.unit("Support").await;
    let billing = t.unit("Billing").await;
    let sms = t
        .channel_in(sales.id, ChannelType::Sms, "+8490000001")
        .await;
    let id = t
        .conversation(CreateConversation {
            channel_id: Some(sms.id),
            ..Default::default()
        })
        .await
        .id;
    assert_eq!(
        (
            all_in(store, &t.admin, sales.id).await,
            all_in(store, &t.admin, support.id).await
        ),
        (1, 0)
    );
    let moved = conversations::update(
        store,
        &t.admin,
        id,
        None,
        UpdateConversation {
            business_unit_id: Some(support.id),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .conversation;
    assert_eq!(moved.business_unit_id, support.id);
    assert_eq!(moved.channel_id, Some(sms.id), "the channel stays");
    assert_eq!(
        (
            all_in(store, &t.admin, sales.id).await,
            all_in(store, &t.admin, support.id).await
        ),
        (0, 1)
    );
    assert_counts_match_lists(store, &t.admin, ConversationFilters::default()).await;
    let log = events::list(store, &t.admin, Some(id), None, Some(100))
        .await
        .unwrap();
    let transfer = log.data.last().expect("an event");
    assert_eq!(transfer.event_type, EventType::ConversationTransferred);
    assert_eq!(
        transfer.changes,
        Some(json!({ "business_unit_id": { "from": sales.id, "to": support.id } }))
    );

    // A key limited to units moves only between its own.
    let limited = t
        .key_with(
            vec![Scope::ConversationsRead, Scope::ConversationsWrite],
            Some(vec![support.id, sales.id]),
        )
        .await;
    let to = |unit| UpdateConversation {
        business_unit_id: Some(unit),
        ..Default::default()
    };
    let refused = conversations::update(store, &limited, id, None, to(billing.id))
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden { .. }), "{refused:?}");
    conversations::update(store, &limited, id, None, to(sales.id))
        .await
        .expect("between its own units");
    let unknown = conversations::update(
        store,
        &t.admin,
        id,
        None,
        to(convo_types::BusinessUnitId::new()),
    )
    .await
    .unwrap_err();
    assert!(matches!(unknown, Error::Validation(_)), "{unknown:?}");
    assert_eq!(all_in(store, &t.admin, sales.id).await, 1);
}

async fn contacts_are_found_by_their_words(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Contact search").await;
    let duc = t
        .add_contact(CreateContact {
            name: Some("Nguyễn Văn Đức".into()),
            email: Some("duc@example.com".into()),
            phone: Some("+84 90 123 4567".into()),
            external_id: Some("sms:8490".into()),
            ..Default::default()
        })
        .await;
    let anna = t
        .add_contact(CreateContact {
            name: Some("Anna Duclos".into()),
            email: Some("anna@mail.test".into()),
            ..Default::default()
        })
        .await;
    let admin = &t.admin;
    let found = |q: &str| {
        let q = q.to_owned();
        async move {
            contacts::list_contacts(
                store,
                admin,
                ContactQuery {
                    q: Some(q),
                    ..Default::default()
                },
                page(10),
            )
            .await
            .unwrap()
            .data
            .into_iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(found("duc").await, vec![duc.id, anna.id], "Đức and Duclos");
    assert_eq!(found("NGUYEN đuc").await, vec![duc.id]);
    assert_eq!(found("+84 901").await, vec![duc.id]);
    assert_eq!(found("mail.test").await, vec![anna.id]);
    assert_eq!(found("SMS:8490").await, vec![duc.id]);
    assert!(found("zed").await.is_empty());
    let renamed = contacts::update_contact(
        store,
        &t.admin,
        anna.id,
        convo_types::UpdateContact {
            name: Some(Some("Anna Lee".into())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(renamed.name.as_deref(), Some("Anna Lee"));
    assert_eq!(
        found("duc").await,
        vec![duc.id],
        "the words follow a change"
    );
    let blank = contacts::list_contacts(
        store,
        &t.admin,
        ContactQuery {
            q: Some("--".into()),
            ..Default::default()
        },
        page(10),
    )
    .await
    .unwrap_err();
    assert!(matches!(blank, Error::Validation(_)), "{blank:?}");
}

async fn two_contacts_of_one_person_merge(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Contact merge").await;
    let by_sms = t
        .add_contact(CreateContact {
            external_id: Some("sms:+8490".into()),
            phone: Some("+8490".into()),
            ..Default::default()
        })
        .await;
    let by_email = t
        .add_contact(CreateContact {
            external_id: Some("email:lan@example.com".into()),
            name: Some("Lan".into()),
            email: Some("lan@example.com".into()),
            addresses: Some(vec![Address {
                address_type: "email".into(),
                target: "lan@example.com".into(),
                target_name: String::new(),
                name: "Lan".into(),
                detail: String::new(),
            }]),
            ..Default::default()
        })
        .await;
    let texted = t
        .conversation(CreateConversation {
            contact_id: Some(by_sms.id),
            ..Default::default()
        })
        .await
        .id;
    let mailed = t
        .conversation(CreateConversation {
            contact_id: Some(by_email.id),
            ..Default::default()
        })
        .await
        .id;
    let wrote = messages::create(store, &t.admin, mailed, incoming("it's Lan again"))
        .await
        .unwrap()
        .message;
    assert_eq!(wrote.sender.id, Some(by_email.id.to_string()));

    let merged = contacts::merge_contacts(
        store,
        &t.admin,
        by_sms.id,
        MergeContacts { from: by_email.id },
    )
    .await
    .unwrap();
    assert_eq!(merged.id, by_sms.id);
    assert_eq!(
        merged.external_id.as_deref(),
        Some("sms:+8490"),
        "the survivor keeps its own"
    );
    assert_eq!(
        merged.name.as_deref(),
        Some("Lan"),
        "what it lacked is filled in"
    );
    assert_eq!(merged.email.as_deref(), Some("lan@example.com"));
    assert_eq!(merged.addresses.len(), 1);
    let gone = contacts::get_contact(store, &t.admin, by_email.id)
        .await
        .unwrap_err();
    assert!(matches!(gone, Error::NotFound(_)), "{gone:?}");
    let moved = conversations::get(store, &t.admin, mailed)
        .await
        .unwrap()
        .conversation;
    assert_eq!(moved.contact_id, Some(by_sms.id));
    let history = messages::get(store, &t.admin, wrote.id).await.unwrap();
    assert_eq!(history.sender.id, Some(by_sms.id.to_string()));
    let theirs = list_ids(
        store,
        &t.admin,
        ConversationFilters {
            contact_id: Some(by_sms.id),
            order: Some(ConversationOrder::Oldest),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(theirs, vec![texted, mailed]);

    // The merged external id finds the survivor, by look-up and by get-or-create.
    let looked_up = contacts::list_contacts(
        store,
        &t.admin,
        ContactQuery {
            external_id: Some("email:lan@example.com".into()),
            ..Default::default()
        },
        page(10),
    )
    .await
    .unwrap();
    assert_eq!(
        looked_up.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![by_sms.id]
    );
    let (again, created) = threads::get_or_create(
        store,
        &t.admin,
        GetOrCreateConversation {
            customer: Some(CustomerRef {
                external_id: Some("email:lan@example.com".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(again.conversation.contact_id, Some(by_sms.id));
    assert!(!created, "the person's conversation is found");

    let log = events::list(store, &t.admin, None, None, Some(100))
        .await
        .unwrap();
    let event = log
        .data
        .iter()
        .find(|e| e.event_type == EventType::ContactMerged)
        .expect("contact.merged");
    assert_eq!(event.conversation_id, None);
    assert_eq!(
        event.changes,
        Some(json!({ "contact_id": { "from": by_email.id, "to": by_sms.id } }))
    );
    let itself = contacts::merge_contacts(
        store,
        &t.admin,
        by_sms.id,
        MergeContacts { from: by_sms.id },
    )
    .await
    .unwrap_err();
    assert!(matches!(itself, Error::Validation(_)), "{itself:?}");
    let twice = contacts::merge_contacts(
        store,
        &t.admin,
        by_sms.id,
        MergeContacts { from: by_email.id },
    )
    .await
    .unwrap_err();
    assert!(matches!(twice, Error::Validation(_)), "{twice:?}");
}

/// A merge moves both contacts' conversations: a key limited to some business units may merge
/// only contacts whose conversations are all in them.
async fn a_unit_limited_key_merges_only_contacts_wholly_in_its_units(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Limited merge").await;
    let sales = t.unit("Sales").await;
    let support = t.unit("Support").await;
    let contact = |name: &'static str| {
        t.add_contact(CreateContact {
            name: Some(name.into()),
            ..Default::default()
        })
    };
    let (ours, theirs, also_ours) = (
        contact("Ours").await,
        contact("Theirs").await,
        contact("Also").await,
    );
    for (who, unit) in [
        (ours.id, sales.id),
        (theirs.id, support.id),
        (also_ours.id, sales.id),
    ] {
        t.conversation(CreateConversation {
            contact_id: Some(who),
            business_unit_id: Some(unit),
            ..Default::default()
        })
        .await;
    }
    let limited = t
        .key_with(
            vec![
                Scope::ContactsRead,
                Scope::ContactsWrite,
                Scope::ConversationsRead,
            ],
            Some(vec![sales.id]),
        )
        .await;
    for (into, from) in [(ours.id, theirs.id), (theirs.id, ours.id)] {
        let refused = contacts::merge_contacts(store, &limited, into, MergeContacts { from }).await;
        assert!(matches!(refused, Err(Error::NotFound(_))), "{refused:?}");
    }
    // Nothing moved: Support's conversation is still Theirs'.
    assert_eq!(all_in(store, &t.admin, support.id).await, 1);
    let merged = contacts::merge_contacts(
        store,
        &limited,
        ours.id,
        MergeContacts { from: also_ours.id },
    )
    .await
    .unwrap();
    assert_eq!(merged.id, ours.id);
    // Without a unit limit, the same merge goes through.
    contacts::merge_contacts(store, &t.admin, ours.id, MergeContacts { from: theirs.id })
        .await
        .unwrap();
}

stories![
    a_transfer_moves_the_conversation_and_its_counts,
    contacts_are_found_by_their_words,
    two_contacts_of_one_person_merge,
    a_unit_limited_key_merges_only_contacts_wholly_in_its_units,
];
