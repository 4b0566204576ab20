use super::prelude::*;

async fn views_follow_members(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Views").await;
    let other = t.user("Minh").await;
    let mine = t
        .conversation(CreateConversation {
            member_ids: Some(vec![t.admin.user_id]),
            ..Default::default()
        })
        .await;
    let theirs = t
        .conversation(CreateConversation {
            member_ids: Some(vec![other.id, other.id]),
            ..Default::default()
        })
        .await;
    let nobody = t.conversation(CreateConversation::default()).await;
    assert_eq!(theirs.users.len(), 1, "repeated member ids count once");
    let view = |name: &str| ConversationFilters {
        view: Some(name.parse().expect("a view")),
        ..Default::default()
    };
    assert_eq!(list_ids(store, &t.admin, view("mine")).await, vec![mine.id]);
    assert_eq!(
        list_ids(store, &t.admin, view("unassigned")).await,
        vec![nobody.id]
    );
    assert_eq!(
        list_ids(store, &t.admin, view("assigned")).await,
        vec![theirs.id, mine.id]
    );
    assert_eq!(list_ids(store, &t.admin, view("all")).await.len(), 3);
    // Seed 000's `type` takes a view name too.
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            ConversationFilters {
                type_or_view: Some(StatusOrView::View(View::Mine)),
                ..Default::default()
            }
        )
        .await,
        vec![mine.id]
    );
    // Deleting a user takes them out of their conversations.
    directory::delete_user(store, &t.admin, other.id)
        .await
        .unwrap();
    assert_eq!(
        list_ids(store, &t.admin, view("unassigned")).await,
        vec![nobody.id, theirs.id]
    );
    let inactive = t.inactive_user("Gone").await;
    let err = conversations::create(
        store,
        &t.admin,
        CreateConversation {
            member_ids: Some(vec![inactive.id]),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Validation(_)));
}

async fn membership_is_idempotent_and_recorded(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Team").await;
    let lan = t.user("Lan").await;
    let c = t.conversation(CreateConversation::default()).await;
    let joined = team::join(store, &t.admin, c.id).await.unwrap();
    let again = team::join(store, &t.admin, c.id).await.unwrap();
    assert_eq!(joined.conversation.users.len(), 1);
    assert_eq!(
        again.version, joined.version,
        "joining twice changes nothing"
    );
    let both = team::assign(store, &t.admin, c.id, lan.id).await.unwrap();
    assert_eq!(
        both.conversation
            .users
            .iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>(),
        ["Admin", "Lan"]
    );
    let removed = team::remove(store, &t.admin, c.id, lan.id).await.unwrap();
    assert_eq!(removed.conversation.users.len(), 1);
    team::leave(store, &t.admin, c.id).await.unwrap();
    let left = team::leave(store, &t.admin, c.id).await.unwrap();
    assert!(left.conversation.users.is_empty());
    let log = events::list(store, &t.admin, Some(c.id), None, None)
        .await
        .unwrap();
    let types: Vec<_> = log.data.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [
            EventType::ConversationCreated,
            EventType::ConversationMemberAdded,
            EventType::ConversationMemberAdded,
            EventType::ConversationMemberRemoved,
            EventType::ConversationMemberRemoved,
        ]
    );
    let inactive = t.inactive_user("Gone").await;
    assert!(matches!(
        team::assign(store, &t.admin, c.id, inactive.id).await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        team::assign(store, &t.admin, c.id, convo_types::UserId::new()).await,
        Err(Error::NotFound(_))
    ));
    let other = Fixture::new(store, "Team 2").await;
    assert!(matches!(
        team::assign(store, &t.admin, c.id, other.admin.user_id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        team::join(store, &other.admin, c.id).await,
        Err(Error::NotFound(_))
    ));
    let reader = t.key_with(vec![Scope::ConversationsRead], None).await;
    assert!(matches!(
        team::join(store, &reader, c.id).await,
        Err(Error::Forbidden { .. })
    ));
}

async fn invitable_users_respect_units_members_and_accents(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Invitable").await;
    let support = t.unit("Support").await;
    let user = |name: &str,
                email: Option<&str>,
                units: Option<Vec<convo_types::BusinessUnitId>>,
                active: bool| CreateUser {
        name: name.into(),
        email: email.map(Into::into),
        business_unit_ids: units,
        active: Some(active),
        ..Default::default()
    };
    let lan = t
        .add_user(user("Nguyễn Thị Lan", Some("lan@example.com"), None, true))
        .await;
    let minh = t
        .add_user(user("Trần Đức Minh", None, Some(vec![support.id]), true))
        .await;
    t.add_user(user("Old Timer", None, None, false)).await;
    let member = t.add_user(user("Already In", None, None, true)).await;
    let c = t
        .conversation(CreateConversation {
            member_ids: Some(vec![member.id]),
            ..Default::default()
        })
        .await;
    let names = |list: convo_types::List<convo_types::User>| {
        list.data.into_iter().map(|u| u.name).collect::<Vec<_>>()
    };
    let all = team::invitable_users(store, &t.admin, c.id, None, page(20))
        .await
        .unwrap();
    assert_eq!(
        names(all),
        ["Admin", "Nguyễn Thị Lan"],
        "not inactive, not members, not other units"
    );
    for q in ["nguyen", "NGUYỄN", "thi lan", "LAN@EXAMPLE"] {
        let found = team::invitable_users(store, &t.admin, c.id, Some(q), page(20))
            .await
            .unwrap();
        assert_eq!(
            found.data.iter().map(|u| u.id).collect::<Vec<_>>(),
            vec![lan.id],
            "{q}"
        );
    }
    let in_support = t
        .conversation(CreateConversation {
            business_unit_id: Some(support.id),
            ..Default::default()
        })
        .await;
    let found = team::invitable_users(store, &t.admin, in_support.id, Some("duc"), page(20))
        .await
        .unwrap();
    assert_eq!(
        found.data.iter().map(|u| u.id).collect::<Vec<_>>(),
        vec![minh.id],
        "đ folds to d"
    );
    let none = team::invitable_users(store, &t.admin, in_support.id, Some("100%"), page(20))
        .await
        .unwrap();
    assert!(none.data.is_empty());
}

stories![
    views_follow_members,
    membership_is_idempotent_and_recorded,
    invitable_users_respect_units_members_and_accents
];
