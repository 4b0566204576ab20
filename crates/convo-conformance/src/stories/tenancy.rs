use super::prelude::*;

/// Every operation on a conversation's messages, calls and team answers `NotFound` to a
/// caller that does not see it (another organization, or units the key lacks).
async fn assert_conversation_hidden(store: &dyn Store, who: &Principal, id: ConversationId) {
    let hello = || CreateMessage {
        content: "hello".into(),
        ..Default::default()
    };
    let hidden = |what: &str, result: Result<(), Error>| {
        assert!(
            matches!(result, Err(Error::NotFound(_))),
            "{what} on an unseen conversation: {result:?}"
        );
    };
    hidden(
        "create a message",
        messages::create(store, who, id, hello()).await.map(drop),
    );
    hidden(
        "import messages",
        messages::create_many(store, who, vec![(id, hello())])
            .await
            .map(drop),
    );
    hidden(
        "list messages",
        messages::list(store, who, id, Default::default(), page(10))
            .await
            .map(drop),
    );
    hidden(
        "start a video call",
        messages::init_video_call(store, who, id, "https://meet.example.com/{room}")
            .await
            .map(drop),
    );
    hidden("join", team::join(store, who, id).await.map(drop));
}

async fn organizations_never_see_each_other(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let a = Fixture::new(store, "A").await;
    let b = Fixture::new(store, "B").await;
    let conv = a
        .conversation(CreateConversation {
            name: Some("A's".into()),
            ..Default::default()
        })
        .await;
    let contact = a.add_contact(CreateContact::default()).await;
    assert!(matches!(
        conversations::get(store, &b.admin, conv.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        conversations::get_by_public_id(store, &b.admin, &conv.public_id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        conversations::update(
            store,
            &b.admin,
            conv.id,
            None,
            UpdateConversation {
                name: Some("x".into()),
                ..Default::default()
            }
        )
        .await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        conversations::delete(store, &b.admin, conv.id, None, true).await,
        Err(Error::NotFound(_))
    ));
    assert_conversation_hidden(store, &b.admin, conv.id).await;
    let untouched = messages::list(store, &a.admin, conv.id, Default::default(), page(10))
        .await
        .unwrap();
    assert!(untouched.data.is_empty(), "nothing was added for B");
    assert!(matches!(
        convo_core::usecases::contacts::get_contact(store, &b.admin, contact.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        directory::get_business_unit(store, &b.admin, a.created.business_unit.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(list_ids(store, &b.admin, ConversationFilters::default())
        .await
        .is_empty());
    let events = events::list(store, &b.admin, None, None, None)
        .await
        .unwrap();
    assert!(events.data.is_empty());
    // Another organization's ids in a body are unknown references.
    let borrowed = conversations::create(
        store,
        &b.admin,
        CreateConversation {
            contact_id: Some(contact.id),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(borrowed, Error::Validation(_)), "{borrowed:?}");
    let parent = conversations::create(
        store,
        &b.admin,
        CreateConversation {
            parent_id: Some(conv.id),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(parent, Error::Validation(_)), "{parent:?}");
}

async fn business_unit_keys_see_only_their_units(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Units").await;
    let support = t.unit("Support").await;
    let in_default = t.conversation(CreateConversation::default()).await;
    let limited = t
        .key_with(
            vec![Scope::ConversationsRead, Scope::ConversationsWrite],
            Some(vec![support.id]),
        )
        .await;
    let in_support = create(store, &limited, CreateConversation::default()).await;
    assert_eq!(
        in_support.business_unit_id, support.id,
        "a limited key creates in its own unit"
    );
    assert_eq!(
        list_ids(store, &limited, ConversationFilters::default()).await,
        vec![in_support.id]
    );
    assert!(matches!(
        conversations::get(store, &limited, in_default.id).await,
        Err(Error::NotFound(_))
    ));
    let limited_writer = t
        .key_with(
            vec![
                Scope::ConversationsWrite,
                Scope::MessagesRead,
                Scope::MessagesWrite,
            ],
            Some(vec![support.id]),
        )
        .await;
    assert_conversation_hidden(store, &limited_writer, in_default.id).await;
    let elsewhere = ConversationFilters {
        business_unit_id: Some(t.created.business_unit.id),
        ..Default::default()
    };
    assert!(
        list_ids(store, &limited, elsewhere).await.is_empty(),
        "a filter never widens a key's reach"
    );
    assert_eq!(
        list_ids(store, &t.admin, ConversationFilters::default())
            .await
            .len(),
        2
    );
    let units = directory::list_business_units(store, &limited, page(10))
        .await
        .unwrap();
    assert_eq!(
        units.data.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![support.id]
    );
    let events = events::list(store, &limited, None, None, None)
        .await
        .unwrap();
    assert!(events
        .data
        .iter()
        .all(|e| e.conversation_id == Some(in_support.id)));
    let denied = conversations::create(
        store,
        &limited,
        CreateConversation {
            business_unit_id: Some(t.created.business_unit.id),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(denied, Error::Validation(_)));
    let reader = t.key_with(vec![Scope::ConversationsRead], None).await;
    let refused = conversations::create(store, &reader, CreateConversation::default())
        .await
        .unwrap_err();
    assert!(matches!(
        refused,
        Error::Forbidden {
            code: ErrorCode::MissingScope,
            ..
        }
    ));
}

stories![
    organizations_never_see_each_other,
    business_unit_keys_see_only_their_units
];
