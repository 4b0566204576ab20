use super::prelude::*;

async fn directory_round_trips(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Directory").await;
    let unit = t
        .add_unit(CreateBusinessUnit {
            name: "Sales".into(),
            metadata: Some(object(json!({"region": "vn"}))),
            auto_resolve_after: None,
        })
        .await;
    assert_eq!(
        directory::get_business_unit(store, &t.admin, unit.id)
            .await
            .unwrap(),
        unit
    );
    let renamed = directory::update_business_unit(
        store,
        &t.admin,
        unit.id,
        UpdateBusinessUnit {
            name: Some("Sales VN".into()),
            metadata: Some(object(json!({"region": null, "tier": 1}))),
            auto_resolve_after: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(renamed.name, "Sales VN");
    assert_eq!(renamed.metadata, object(json!({"tier": 1})));
    let units = directory::list_business_units(
        store,
        &t.admin,
        PagingParams {
            include_total: true,
            ..page(10)
        },
    )
    .await
    .unwrap();
    assert_eq!(units.total, Some(2), "the default unit and Sales");

    let user = t
        .add_user(CreateUser {
            name: "Lan".into(),
            email: Some("lan@example.com".into()),
            ..Default::default()
        })
        .await;
    assert_eq!(
        directory::get_user(store, &t.admin, user.id).await.unwrap(),
        user
    );
    assert!(user.active);

    let contact = t
        .add_contact(CreateContact {
            external_id: Some("website_user_123".into()),
            name: Some("Jane Customer".into()),
            email: Some("jane@example.com".into()),
            addresses: Some(vec![Address {
                address_type: "tel".into(),
                target: "+673802".into(),
                ..Default::default()
            }]),
            ..Default::default()
        })
        .await;
    let found = convo_core::usecases::contacts::list_contacts(
        store,
        &t.admin,
        convo_types::ContactQuery {
            external_id: Some("website_user_123".into()),
            ..Default::default()
        },
        page(10),
    )
    .await
    .unwrap();
    assert_eq!(found.data, vec![contact.clone()]);
    let none = convo_core::usecases::contacts::list_contacts(
        store,
        &t.admin,
        convo_types::ContactQuery {
            external_id: Some("nobody".into()),
            ..Default::default()
        },
        page(10),
    )
    .await
    .unwrap();
    assert!(none.data.is_empty());

    let channel = t.channel_in(unit.id, ChannelType::Line, "line-123").await;
    assert_eq!(channel.name, "line-123");
    // A unit still used by a channel stays.
    let in_use = directory::delete_business_unit(store, &t.admin, unit.id)
        .await
        .unwrap_err();
    assert!(matches!(in_use, Error::Conflict { .. }), "{in_use:?}");
    directory::delete_channel(store, &t.admin, channel.id)
        .await
        .unwrap();
    directory::delete_business_unit(store, &t.admin, unit.id)
        .await
        .unwrap();
    assert!(matches!(
        directory::get_business_unit(store, &t.admin, unit.id).await,
        Err(Error::NotFound(_))
    ));
    convo_core::usecases::contacts::delete_contact(store, &t.admin, contact.id)
        .await
        .unwrap();
    directory::delete_user(store, &t.admin, user.id)
        .await
        .unwrap();
    assert!(matches!(
        directory::get_user(store, &t.admin, user.id).await,
        Err(Error::NotFound(_))
    ));
}

async fn unique_identifiers_conflict(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Unique").await;
    let web = |identifier: &str| CreateChannel {
        business_unit_id: None,
        channel_type: ChannelType::Web,
        identifier: identifier.into(),
        name: None,
        metadata: None,
    };
    t.add_channel(web("example.com")).await;
    let again = directory::create_channel(store, &t.admin, web("example.com"))
        .await
        .unwrap_err();
    assert!(
        matches!(
            again,
            Error::Conflict {
                code: ErrorCode::AlreadyExists,
                ..
            }
        ),
        "{again:?}"
    );
    // The same identifier on another platform is another channel.
    t.add_channel(CreateChannel {
        channel_type: ChannelType::Email,
        ..web("example.com")
    })
    .await;
    // ... and in another organization too.
    let other = Fixture::new(store, "Unique 2").await;
    other.add_channel(web("example.com")).await;

    let contact = |id: &str| CreateContact {
        external_id: Some(id.into()),
        ..Default::default()
    };
    t.add_contact(contact("u-1")).await;
    let again = convo_core::usecases::contacts::create_contact(store, &t.admin, contact("u-1"))
        .await
        .unwrap_err();
    assert!(matches!(again, Error::Conflict { .. }), "{again:?}");
    other.add_contact(contact("u-1")).await;
    // Contacts without an external id never collide.
    t.add_contact(CreateContact::default()).await;
    t.add_contact(CreateContact::default()).await;
}

async fn api_keys_authenticate_by_hash_only(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Keys").await;
    let secret = t
        .created
        .admin_key
        .secret
        .clone()
        .expect("the secret, once");
    let found = store
        .find_api_key_by_hash(&auth::hash_secret(&secret))
        .await
        .unwrap()
        .expect("the key");
    assert_eq!(found.id, t.created.admin_key.id);
    assert_eq!(found.secret, None, "the secret is never read back");
    assert!(store
        .find_api_key_by_hash(&auth::hash_secret("convo_sk_wrong"))
        .await
        .unwrap()
        .is_none());
    let key = directory::create_api_key(
        store,
        &t.admin,
        CreateApiKey {
            name: "bot".into(),
            scopes: vec![Scope::ConversationsRead],
            user_id: None,
            business_unit_ids: None,
        },
    )
    .await
    .unwrap();
    let listed = directory::list_api_keys(store, &t.admin, page(10))
        .await
        .unwrap();
    assert!(listed.data.iter().all(|k| k.secret.is_none()));
    assert_eq!(listed.data.len(), 2);
    directory::delete_api_key(store, &t.admin, key.id)
        .await
        .unwrap();
    let revoked = store
        .find_api_key_by_hash(&auth::hash_secret(key.secret.as_deref().unwrap()))
        .await
        .unwrap();
    assert!(revoked.is_none(), "a revoked key stops working");
}

async fn channel_sets_business_unit_and_type(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Channels").await;
    let unit = t.unit("Support").await;
    let sms = t
        .channel_in(unit.id, ChannelType::Sms, "+14703298699")
        .await;
    let web = t.channel_in(unit.id, ChannelType::Web, "example.com").await;
    let c = t
        .conversation(CreateConversation {
            channel_id: Some(sms.id),
            channel_ids: Some(vec![web.id, sms.id]),
            ..Default::default()
        })
        .await;
    assert_eq!(c.business_unit_id, unit.id);
    assert_eq!(c.channel_type, Some(ChannelType::Sms));
    assert_eq!(c.channel_id, Some(sms.id));
    assert_eq!(c.channel_ids, vec![sms.id, web.id]);
    let clash = conversations::create(
        store,
        &t.admin,
        CreateConversation {
            channel_id: Some(sms.id),
            business_unit_id: Some(t.created.business_unit.id),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(clash, Error::Validation(_)));
    let unknown = conversations::create(
        store,
        &t.admin,
        CreateConversation {
            channel_id: Some(convo_types::ChannelId::new()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(unknown, Error::Validation(_)));
}

/// Numbers at the edges of what JSON clients send (the largest and smallest doubles, integers
/// past 64 bits) read back as they were written, alone and in lists, on every backend.
async fn extreme_numbers_read_back(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = Fixture::new(store, "Numbers").await;
    let metadata = object(json!({
        "max": f64::MAX,
        "min": -f64::MAX,
        "tiny": 5e-324,
        "big_integer": 1e30,
        "nested": [[-1.7976931348623157e308, 123456789012345678901234567890.0]],
    }));
    let unit = t
        .add_unit(CreateBusinessUnit {
            name: "Edges".into(),
            metadata: Some(metadata.clone()),
            auto_resolve_after: None,
        })
        .await;
    let read = directory::get_business_unit(store, &t.admin, unit.id)
        .await
        .unwrap();
    assert_eq!(read.metadata, metadata);
    let listed = directory::list_business_units(store, &t.admin, page(100))
        .await
        .unwrap();
    assert!(listed
        .data
        .iter()
        .any(|u| u.id == unit.id && u.metadata == metadata));
}

stories![
    directory_round_trips,
    extreme_numbers_read_back,
    unique_identifiers_conflict,
    api_keys_authenticate_by_hash_only,
    channel_sets_business_unit_and_type
];
