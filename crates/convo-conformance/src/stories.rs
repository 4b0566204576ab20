//! The stories. Each asserts what every backend must do, through the use cases.

use std::collections::HashSet;
use std::sync::Arc;

use convo_core::auth::{self, Principal};
use convo_core::paging::PagingParams;
use convo_core::usecases::conversations::{self, ConversationQuery};
use convo_core::usecases::{
    directory, events, idempotency, messages, search, team, threads, webhooks, workforce,
};
use convo_core::{ContactFilter, Error, IdempotencyState, MessageWrite, Store};
use convo_types::{
    Address, Attachment, ChannelType, Conversation, ConversationId, ConversationType, CreateApiKey,
    CreateBusinessUnit, CreateChannel, CreateContact, CreateConversation, CreateMessage,
    CreateUser, ErrorCode, EventType, MessageType, Scope, Sender, SenderType, Status,
    UpdateBusinessUnit, UpdateConversation, UpdateMessage, UpdateStatus,
};
use serde_json::json;

use crate::{tenant, Tenant};

fn object(value: serde_json::Value) -> convo_types::JsonObject {
    value.as_object().cloned().expect("an object")
}

fn page(limit: i64) -> PagingParams {
    PagingParams {
        limit: Some(limit),
        ..Default::default()
    }
}

async fn create(store: &dyn Store, who: &Principal, req: CreateConversation) -> Conversation {
    conversations::create(store, who, req)
        .await
        .expect("create conversation")
        .conversation
}

async fn list_ids(
    store: &dyn Store,
    who: &Principal,
    query: ConversationQuery,
) -> Vec<ConversationId> {
    let list = conversations::list(store, who, query, page(100))
        .await
        .expect("list");
    list.data.iter().map(|c| c.id).collect()
}

async fn key_with(
    store: &dyn Store,
    t: &Tenant,
    scopes: Vec<Scope>,
    units: Option<Vec<convo_types::BusinessUnitId>>,
) -> Principal {
    let key = directory::create_api_key(
        store,
        &t.admin,
        CreateApiKey {
            name: "limited".into(),
            scopes,
            user_id: None,
            business_unit_ids: units,
        },
    )
    .await
    .expect("create key");
    Principal::from(&key)
}

pub async fn directory_round_trips(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Directory").await;
    let unit = directory::create_business_unit(
        store,
        &t.admin,
        CreateBusinessUnit {
            name: "Sales".into(),
            metadata: Some(object(json!({"region": "vn"}))),
        },
    )
    .await
    .unwrap();
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

    let user = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Lan".into(),
            email: Some("lan@example.com".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        directory::get_user(store, &t.admin, user.id).await.unwrap(),
        user
    );
    assert!(user.active);

    let contact = directory::create_contact(
        store,
        &t.admin,
        CreateContact {
            external_id: Some("website_user_123".into()),
            name: Some("Jane Customer".into()),
            email: Some("jane@example.com".into()),
            addresses: Some(vec![Address {
                address_type: "tel".into(),
                target: "+673802".into(),
                ..Default::default()
            }]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let found = directory::list_contacts(
        store,
        &t.admin,
        ContactFilter {
            external_id: Some("website_user_123".into()),
        },
        page(10),
    )
    .await
    .unwrap();
    assert_eq!(found.data, vec![contact.clone()]);
    let none = directory::list_contacts(
        store,
        &t.admin,
        ContactFilter {
            external_id: Some("nobody".into()),
        },
        page(10),
    )
    .await
    .unwrap();
    assert!(none.data.is_empty());

    let channel = directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            business_unit_id: Some(unit.id),
            channel_type: ChannelType::Line,
            identifier: "line-123".into(),
            name: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
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
    directory::delete_contact(store, &t.admin, contact.id)
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

pub async fn unique_identifiers_conflict(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Unique").await;
    let web = |identifier: &str| CreateChannel {
        business_unit_id: None,
        channel_type: ChannelType::Web,
        identifier: identifier.into(),
        name: None,
        metadata: None,
    };
    directory::create_channel(store, &t.admin, web("example.com"))
        .await
        .unwrap();
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
    directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            channel_type: ChannelType::Email,
            ..web("example.com")
        },
    )
    .await
    .unwrap();
    // ... and in another organization too.
    let other = tenant(store, "Unique 2").await;
    directory::create_channel(store, &other.admin, web("example.com"))
        .await
        .unwrap();

    let contact = |id: &str| CreateContact {
        external_id: Some(id.into()),
        ..Default::default()
    };
    directory::create_contact(store, &t.admin, contact("u-1"))
        .await
        .unwrap();
    let again = directory::create_contact(store, &t.admin, contact("u-1"))
        .await
        .unwrap_err();
    assert!(matches!(again, Error::Conflict { .. }), "{again:?}");
    directory::create_contact(store, &other.admin, contact("u-1"))
        .await
        .unwrap();
    // Contacts without an external id never collide.
    directory::create_contact(store, &t.admin, CreateContact::default())
        .await
        .unwrap();
    directory::create_contact(store, &t.admin, CreateContact::default())
        .await
        .unwrap();
}

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
        messages::list(store, who, id, None, page(10))
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

pub async fn organizations_never_see_each_other(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let a = tenant(store, "A").await;
    let b = tenant(store, "B").await;
    let conv = create(
        store,
        &a.admin,
        CreateConversation {
            name: Some("A's".into()),
            ..Default::default()
        },
    )
    .await;
    let contact = directory::create_contact(store, &a.admin, CreateContact::default())
        .await
        .unwrap();
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
    let untouched = messages::list(store, &a.admin, conv.id, None, page(10))
        .await
        .unwrap();
    assert!(untouched.data.is_empty(), "nothing was added for B");
    assert!(matches!(
        directory::get_contact(store, &b.admin, contact.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        directory::get_business_unit(store, &b.admin, a.created.business_unit.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(list_ids(store, &b.admin, ConversationQuery::default())
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

pub async fn api_keys_authenticate_by_hash_only(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Keys").await;
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

pub async fn conversation_fields_round_trip(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Fields").await;
    let contact = directory::create_contact(
        store,
        &t.admin,
        CreateContact {
            name: Some("Jane".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let member = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Lan".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let tel = |target: &str| Address {
        address_type: "tel".into(),
        target: target.into(),
        ..Default::default()
    };
    let req = CreateConversation {
        contact_id: Some(contact.id),
        conversation_type: Some(ConversationType::Group),
        name: Some("conversation".into()),
        detail: Some("conversation detail".into()),
        status: Some(Status::Running),
        agent_id: Some("agent-1".into()),
        assignment_id: Some("assignment-1".into()),
        inputs: Some(object(json!({"question": "hi"}))),
        metadata: Some(object(json!({"source": "website-chat"}))),
        member_ids: Some(vec![member.id]),
        owner_type: Some("agent".into()),
        owner_id: Some("3a4b5c6d".into()),
        dialog_id: Some("+673802".into()),
        self_address: Some(tel("+14703298699")),
        peer: Some(tel("+673802")),
        ..Default::default()
    };
    let created = create(store, &t.admin, req).await;
    let read = conversations::get(store, &t.admin, created.id)
        .await
        .unwrap();
    assert_eq!(read.conversation, created);
    assert_eq!(read.version, 1);
    assert_eq!(read.created_by_key_id, Some(t.admin.api_key_id));
    let by_public = conversations::get_by_public_id(store, &t.admin, &created.public_id)
        .await
        .unwrap();
    assert_eq!(by_public.conversation, created);
    let c = created;
    assert_eq!(c.contact_id, Some(contact.id));
    assert_eq!(c.conversation_type, ConversationType::Group);
    assert_eq!(
        (c.name.as_str(), c.topic.as_str(), c.detail.as_str()),
        ("conversation", "conversation", "conversation detail")
    );
    assert_eq!(c.status, Status::Running);
    assert_eq!(c.users.len(), 1);
    assert_eq!(c.users[0].name, "Lan");
    assert_eq!(c.self_address.as_ref().unwrap().target, "+14703298699");
    assert_eq!(c.peer.as_ref().unwrap().target, "+673802");
    assert_eq!(c.dialog_id.as_deref(), Some("+673802"));
    assert_eq!(c.owner_id.as_deref(), Some("3a4b5c6d"));
    assert_eq!(c.business_unit_id, t.created.business_unit.id);
    assert_eq!(c.timestamp, c.created_at);
    assert_eq!(c.counts.messages, 0);
    assert!(c.deleted_at.is_none());
    assert_eq!(c.public_id.len(), 12);

    // Every field optional: seed 000's `create()` with nothing.
    let bare = create(store, &t.admin, CreateConversation::default()).await;
    assert_eq!(bare.status, Status::Open);
    assert_eq!(bare.conversation_type, ConversationType::Direct);
    assert!(bare.users.is_empty());

    // The tenant must be the key's own.
    let foreign = conversations::create(
        store,
        &t.admin,
        CreateConversation {
            tenant_id: Some(convo_types::OrganizationId::new()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(foreign, Error::NotFound(_)));
}

pub async fn channel_sets_business_unit_and_type(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Channels").await;
    let unit = directory::create_business_unit(
        store,
        &t.admin,
        CreateBusinessUnit {
            name: "Support".into(),
            metadata: None,
        },
    )
    .await
    .unwrap();
    let sms = directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            business_unit_id: Some(unit.id),
            channel_type: ChannelType::Sms,
            identifier: "+14703298699".into(),
            name: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
    let web = directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            business_unit_id: Some(unit.id),
            channel_type: ChannelType::Web,
            identifier: "example.com".into(),
            name: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
    let c = create(
        store,
        &t.admin,
        CreateConversation {
            channel_id: Some(sms.id),
            channel_ids: Some(vec![web.id, sms.id]),
            ..Default::default()
        },
    )
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

pub async fn every_list_filter_narrows(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Filters").await;
    let web = directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            business_unit_id: None,
            channel_type: ChannelType::Web,
            identifier: "example.com".into(),
            name: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
    let jane = directory::create_contact(
        store,
        &t.admin,
        CreateContact {
            name: Some("Jane Billing".into()),
            email: Some("jane@example.com".into()),
            phone: Some("+84 90 123".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let a = create(
        store,
        &t.admin,
        CreateConversation {
            name: Some("Refund request".into()),
            channel_id: Some(web.id),
            agent_id: Some("agent-1".into()),
            ..Default::default()
        },
    )
    .await;
    let b = create(
        store,
        &t.admin,
        CreateConversation {
            name: Some("Shipping".into()),
            contact_id: Some(jane.id),
            status: Some(Status::Pending),
            assignment_id: Some("as-9".into()),
            owner_id: Some("owner-7".into()),
            ..Default::default()
        },
    )
    .await;
    let child = create(
        store,
        &t.admin,
        CreateConversation {
            name: Some("Order #1042".into()),
            parent_id: Some(a.id),
            status: Some(Status::Resolved),
            detail: Some("100% done_".into()),
            ..Default::default()
        },
    )
    .await;
    let q = |f: fn(&mut ConversationQuery)| {
        let mut query = ConversationQuery::default();
        f(&mut query);
        query
    };
    let ids = |v: &[&Conversation]| v.iter().map(|c| c.id).collect::<Vec<_>>();

    assert_eq!(
        list_ids(store, &t.admin, ConversationQuery::default()).await,
        ids(&[&child, &b, &a]),
        "recent first"
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.order = Some("oldest".into()))).await,
        ids(&[&a, &b, &child])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.status = Some("pending".into()))).await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.type_or_view = Some("open".into()))).await,
        ids(&[&a])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            q(|q| q.statuses = vec!["open,resolved".into()])
        )
        .await,
        ids(&[&child, &a])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            q(|q| q.statuses = vec!["open".into(), "pending".into()])
        )
        .await,
        ids(&[&b, &a])
    );
    let mut by_channel = ConversationQuery {
        channel_id: Some(web.id),
        ..Default::default()
    };
    assert_eq!(
        list_ids(store, &t.admin, by_channel.clone()).await,
        ids(&[&a])
    );
    by_channel.channel_id = None;
    by_channel.channel_type = Some("web".into());
    assert_eq!(list_ids(store, &t.admin, by_channel).await, ids(&[&a]));
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            ConversationQuery {
                contact_id: Some(jane.id),
                ..Default::default()
            }
        )
        .await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.agent_id = Some("agent-1".into()))).await,
        ids(&[&a])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            q(|q| q.assignment_id = Some("as-9".into()))
        )
        .await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.owner_id = Some("owner-7".into()))).await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            ConversationQuery {
                parent_id: Some(a.id),
                ..Default::default()
            }
        )
        .await,
        ids(&[&child])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.top_level = Some(true))).await,
        ids(&[&b, &a])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.business_unit_id = None))
            .await
            .len(),
        3
    );
    // Text: name, detail, contact name/email/phone, through the search index.
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.q = Some("REFUND".into()))).await,
        ids(&[&a])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.q = Some("billing".into()))).await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.q = Some("+84 90".into()))).await,
        ids(&[&b])
    );
    assert_eq!(
        list_ids(store, &t.admin, q(|q| q.q = Some("100%".into()))).await,
        ids(&[&child])
    );
    assert!(
        list_ids(store, &t.admin, q(|q| q.q = Some("%".into())))
            .await
            .is_empty(),
        "punctuation is no word"
    );
    // Unknown values are refused with the field named.
    for bad in [
        q(|q| q.status = Some("bogus".into())),
        q(|q| q.view = Some("theirs".into())),
        q(|q| q.order = Some("sideways".into())),
    ] {
        let err = conversations::list(store, &t.admin, bad, page(10))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{err:?}");
    }
}

pub async fn views_follow_members(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Views").await;
    let other = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Minh".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mine = create(
        store,
        &t.admin,
        CreateConversation {
            member_ids: Some(vec![t.admin.user_id]),
            ..Default::default()
        },
    )
    .await;
    let theirs = create(
        store,
        &t.admin,
        CreateConversation {
            member_ids: Some(vec![other.id, other.id]),
            ..Default::default()
        },
    )
    .await;
    let nobody = create(store, &t.admin, CreateConversation::default()).await;
    assert_eq!(theirs.users.len(), 1, "repeated member ids count once");
    let view = |name: &str| ConversationQuery {
        view: Some(name.into()),
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
            ConversationQuery {
                type_or_view: Some("mine".into()),
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
    let inactive = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Gone".into(),
            active: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
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

pub async fn business_unit_keys_see_only_their_units(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Units").await;
    let support = directory::create_business_unit(
        store,
        &t.admin,
        CreateBusinessUnit {
            name: "Support".into(),
            metadata: None,
        },
    )
    .await
    .unwrap();
    let in_default = create(store, &t.admin, CreateConversation::default()).await;
    let limited = key_with(
        store,
        &t,
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
        list_ids(store, &limited, ConversationQuery::default()).await,
        vec![in_support.id]
    );
    assert!(matches!(
        conversations::get(store, &limited, in_default.id).await,
        Err(Error::NotFound(_))
    ));
    let limited_writer = key_with(
        store,
        &t,
        vec![
            Scope::ConversationsWrite,
            Scope::MessagesRead,
            Scope::MessagesWrite,
        ],
        Some(vec![support.id]),
    )
    .await;
    assert_conversation_hidden(store, &limited_writer, in_default.id).await;
    let elsewhere = ConversationQuery {
        business_unit_id: Some(t.created.business_unit.id),
        ..Default::default()
    };
    assert!(
        list_ids(store, &limited, elsewhere).await.is_empty(),
        "a filter never widens a key's reach"
    );
    assert_eq!(
        list_ids(store, &t.admin, ConversationQuery::default())
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
    let reader = key_with(store, &t, vec![Scope::ConversationsRead], None).await;
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

pub async fn cursor_paging_never_skips_or_repeats_under_inserts(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Paging").await;
    let mut before = HashSet::new();
    for i in 0..45 {
        before.insert(
            create(
                store,
                &t.admin,
                CreateConversation {
                    name: Some(format!("c{i}")),
                    ..Default::default()
                },
            )
            .await
            .id,
        );
    }
    for order in ["recent", "oldest"] {
        let writer = {
            let admin = t.admin.clone();
            let store = shared.clone();
            tokio::spawn(async move {
                for i in 0..20 {
                    conversations::create(
                        store.as_ref(),
                        &admin,
                        CreateConversation {
                            name: Some(format!("late {i}")),
                            ..Default::default()
                        },
                    )
                    .await
                    .unwrap();
                    tokio::task::yield_now().await;
                }
            })
        };
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let query = ConversationQuery {
                order: Some(order.into()),
                ..Default::default()
            };
            let list = conversations::list(
                store,
                &t.admin,
                query,
                PagingParams {
                    limit: Some(7),
                    cursor: cursor.clone(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
            seen.extend(list.data.iter().map(|c| c.id));
            tokio::task::yield_now().await;
            match list.next_cursor {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        writer.await.unwrap();
        let unique: HashSet<_> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "{order}: no conversation twice");
        assert!(
            before.is_subset(&unique),
            "{order}: every conversation that existed before is seen"
        );
    }
}

pub async fn offset_paging_and_totals(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Offsets").await;
    let mut made = Vec::new();
    for i in 0..12 {
        made.push(
            create(
                store,
                &t.admin,
                CreateConversation {
                    name: Some(format!("c{i}")),
                    ..Default::default()
                },
            )
            .await
            .id,
        );
    }
    made.reverse();
    let oldest_first = |ids: &[ConversationId]| ids.to_vec();
    let page3 = conversations::list(
        store,
        &t.admin,
        ConversationQuery::default(),
        PagingParams {
            page_num: Some(3),
            page_size: Some(5),
            include_total: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        page3.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        oldest_first(&made[10..])
    );
    assert_eq!(page3.total, Some(12));
    assert!(!page3.has_more);
    let skipped = conversations::list(
        store,
        &t.admin,
        ConversationQuery::default(),
        PagingParams {
            skip: Some(4),
            limit: Some(3),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        skipped.data.iter().map(|c| c.id).collect::<Vec<_>>(),
        made[4..7].to_vec()
    );
    assert!(skipped.has_more);
    assert_eq!(skipped.total, None, "total only when asked");
    let filtered = conversations::list(
        store,
        &t.admin,
        ConversationQuery {
            status: Some("closed".into()),
            ..Default::default()
        },
        PagingParams {
            include_total: true,
            ..page(5)
        },
    )
    .await
    .unwrap();
    assert_eq!(filtered.total, Some(0));
    let bad = conversations::list(
        store,
        &t.admin,
        ConversationQuery::default(),
        PagingParams {
            cursor: Some("garbage".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(bad, Error::Validation(_)));
}

pub async fn metadata_merges_and_versions_guard_changes(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Merge").await;
    let c = create(
        store,
        &t.admin,
        CreateConversation {
            metadata: Some(object(json!({"priority": "low", "source": "web"}))),
            ..Default::default()
        },
    )
    .await;
    let patch = UpdateConversation {
        name: Some("VIP customer support".into()),
        metadata: Some(object(
            json!({"priority": "high", "source": null, "tier": 2}),
        )),
        ..Default::default()
    };
    let updated = conversations::update(store, &t.admin, c.id, Some(1), patch)
        .await
        .unwrap();
    assert_eq!(updated.version, 2);
    assert_eq!(updated.conversation.name, "VIP customer support");
    assert_eq!(updated.conversation.topic, "VIP customer support");
    assert_eq!(
        updated.conversation.metadata,
        object(json!({"priority": "high", "tier": 2}))
    );
    let stale = conversations::update(
        store,
        &t.admin,
        c.id,
        Some(1),
        UpdateConversation {
            detail: Some("x".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(stale, Error::PreconditionFailed));
    let unchanged = conversations::get(store, &t.admin, c.id).await.unwrap();
    assert_eq!(
        unchanged.conversation.detail, "",
        "a failed precondition changes nothing"
    );
    // Clearing nullable fields with null; an empty patch writes nothing.
    let with_owner = conversations::update(
        store,
        &t.admin,
        c.id,
        None,
        UpdateConversation {
            owner_id: Some(Some("o".into())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let cleared = conversations::update(
        store,
        &t.admin,
        c.id,
        None,
        UpdateConversation {
            owner_id: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(with_owner.conversation.owner_id.as_deref(), Some("o"));
    assert_eq!(cleared.conversation.owner_id, None);
    let same = conversations::update(store, &t.admin, c.id, None, UpdateConversation::default())
        .await
        .unwrap();
    assert_eq!(same.version, cleared.version);
    let too_long = conversations::update(
        store,
        &t.admin,
        c.id,
        None,
        UpdateConversation {
            name: Some("x".repeat(201)),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(too_long, Error::Validation(_)));
}

pub async fn parent_cycles_are_refused_and_children_counted(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Tree").await;
    let root = create(store, &t.admin, CreateConversation::default()).await;
    let child = create(
        store,
        &t.admin,
        CreateConversation {
            parent_id: Some(root.id),
            ..Default::default()
        },
    )
    .await;
    let grandchild = create(
        store,
        &t.admin,
        CreateConversation {
            parent_id: Some(child.id),
            ..Default::default()
        },
    )
    .await;
    let admin = &t.admin;
    let count = |id| async move {
        conversations::get(store, admin, id)
            .await
            .unwrap()
            .conversation
            .counts
            .children
    };
    assert_eq!(count(root.id).await, 1);
    assert_eq!(count(child.id).await, 1);
    for (id, parent) in [
        (root.id, grandchild.id),
        (root.id, root.id),
        (child.id, grandchild.id),
    ] {
        let err = conversations::update(
            store,
            &t.admin,
            id,
            None,
            UpdateConversation {
                parent_id: Some(Some(parent)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{err:?}");
    }
    // Moving the grandchild up changes both counts; detaching it too.
    conversations::update(
        store,
        &t.admin,
        grandchild.id,
        None,
        UpdateConversation {
            parent_id: Some(Some(root.id)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((count(root.id).await, count(child.id).await), (2, 0));
    conversations::update(
        store,
        &t.admin,
        grandchild.id,
        None,
        UpdateConversation {
            parent_id: Some(None),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(count(root.id).await, 1);
    conversations::delete(store, &t.admin, child.id, None, false)
        .await
        .unwrap();
    assert_eq!(count(root.id).await, 0, "a deleted child no longer counts");
    // A parent of another organization is unknown.
    let other = tenant(store, "Tree 2").await;
    let foreign = create(store, &other.admin, CreateConversation::default()).await;
    let err = conversations::update(
        store,
        &t.admin,
        root.id,
        None,
        UpdateConversation {
            parent_id: Some(Some(foreign.id)),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Validation(_)));
    // Nesting is bounded.
    let mut parent = root.id;
    let mut refused = None;
    for _ in 0..conversations::MAX_DEPTH + 1 {
        match conversations::create(
            store,
            &t.admin,
            CreateConversation {
                parent_id: Some(parent),
                ..Default::default()
            },
        )
        .await
        {
            Ok(record) => parent = record.conversation.id,
            Err(e) => {
                refused = Some(e);
                break;
            }
        }
    }
    assert!(matches!(refused, Some(Error::Validation(_))), "{refused:?}");
}

pub async fn status_changes_are_validated_and_recorded(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Status").await;
    let c = create(store, &t.admin, CreateConversation::default()).await;
    let resolved = conversations::update_status(
        store,
        &t.admin,
        c.id,
        None,
        UpdateStatus {
            status: Status::Resolved,
            snoozed_until: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(resolved.conversation.status, Status::Resolved);
    let again = conversations::update_status(
        store,
        &t.admin,
        c.id,
        None,
        UpdateStatus {
            status: Status::Resolved,
            snoozed_until: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(
        again.version, resolved.version,
        "the same status writes nothing"
    );
    let bad = conversations::update_status(
        store,
        &t.admin,
        c.id,
        None,
        UpdateStatus {
            status: Status::Open,
            snoozed_until: Some(convo_types::Timestamp::now()),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(bad, Error::Validation(_)));
    let later =
        convo_types::Timestamp::from_millis(convo_types::Timestamp::now().as_millis() + 3_600_000);
    let snoozed = conversations::update_status(
        store,
        &t.admin,
        c.id,
        None,
        UpdateStatus {
            status: Status::Snoozed,
            snoozed_until: Some(later),
        },
    )
    .await
    .unwrap();
    assert_eq!(snoozed.conversation.snoozed_until, Some(later));
    let log = events::list(store, &t.admin, Some(c.id), None, None)
        .await
        .unwrap();
    let types: Vec<_> = log.data.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [
            EventType::ConversationCreated,
            EventType::ConversationStatusChanged,
            EventType::ConversationStatusChanged
        ]
    );
    assert_eq!(log.data[1].data["status"], json!("resolved"));
    assert_eq!(log.data[1].actor.id, Some(t.admin.user_id.to_string()));
}

pub async fn deletes_are_soft_hard_and_owned(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Delete").await;
    let deleter = key_with(
        store,
        &t,
        vec![
            Scope::ConversationsRead,
            Scope::ConversationsWrite,
            Scope::ConversationsDelete,
        ],
        None,
    )
    .await;
    let writer = key_with(
        store,
        &t,
        vec![Scope::ConversationsRead, Scope::ConversationsWrite],
        None,
    )
    .await;
    let own = create(store, &deleter, CreateConversation::default()).await;
    let admins = create(store, &t.admin, CreateConversation::default()).await;
    let not_owned = conversations::delete(store, &deleter, admins.id, None, false)
        .await
        .unwrap_err();
    assert!(
        matches!(
            not_owned,
            Error::Forbidden {
                code: ErrorCode::LifecycleNotOwned,
                ..
            }
        ),
        "{not_owned:?}"
    );
    let no_scope = conversations::delete(store, &writer, own.id, None, false)
        .await
        .unwrap_err();
    assert!(matches!(
        no_scope,
        Error::Forbidden {
            code: ErrorCode::MissingScope,
            ..
        }
    ));
    let stale = conversations::delete(store, &deleter, own.id, Some(7), false)
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::PreconditionFailed));
    conversations::delete(store, &deleter, own.id, Some(1), false)
        .await
        .unwrap();
    assert!(matches!(
        conversations::get(store, &t.admin, own.id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        conversations::get_by_public_id(store, &t.admin, &own.public_id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        list_ids(store, &t.admin, ConversationQuery::default()).await,
        vec![admins.id]
    );
    // The admin key may delete what it did not create; hard delete removes it for good.
    conversations::delete(store, &t.admin, admins.id, None, true)
        .await
        .unwrap();
    assert!(list_ids(store, &t.admin, ConversationQuery::default())
        .await
        .is_empty());
    let log = events::list(store, &t.admin, None, None, None)
        .await
        .unwrap();
    let deleted: Vec<_> = log
        .data
        .iter()
        .filter(|e| e.event_type == EventType::ConversationDeleted)
        .collect();
    assert_eq!(deleted.len(), 2);
    assert!(
        deleted[0].data["deleted_at"].is_string(),
        "a soft delete records when"
    );
}

pub async fn events_are_ordered_per_organization(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Events").await;
    let other = tenant(store, "Events 2").await;
    let mut handles = Vec::new();
    for i in 0..12 {
        let store = shared.clone();
        let admin = if i % 2 == 0 {
            t.admin.clone()
        } else {
            other.admin.clone()
        };
        handles.push(tokio::spawn(async move {
            conversations::create(store.as_ref(), &admin, CreateConversation::default())
                .await
                .unwrap();
        }));
    }
    for handle in handles {
        handle.await.unwrap();
    }
    let all = events::list(store, &t.admin, None, None, None)
        .await
        .unwrap();
    let ids: Vec<i64> = all.data.iter().map(|e| e.id).collect();
    assert_eq!(
        ids,
        (1..=6).collect::<Vec<_>>(),
        "ids count up from 1 in each organization"
    );
    let after = events::list(store, &t.admin, None, Some(4), Some(1))
        .await
        .unwrap();
    assert_eq!(after.data[0].id, 5);
    assert!(after.has_more);
    assert_eq!(after.next_cursor.as_deref(), Some("5"));
}

pub async fn idempotency_keys_remember_and_refuse(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let scope = auth::hash_secret(&auth::generate_secret().secret);
    let hash = idempotency::request_hash("POST", "/v1/conversations", b"{}");
    assert_eq!(
        idempotency::begin(store, &scope, "k1", &hash)
            .await
            .unwrap(),
        IdempotencyState::Started
    );
    assert_eq!(
        idempotency::begin(store, &scope, "k1", &hash)
            .await
            .unwrap(),
        IdempotencyState::InProgress
    );
    store
        .idempotency_complete(&scope, "k1", 201, b"{\"id\":1}")
        .await
        .unwrap();
    assert_eq!(
        idempotency::begin(store, &scope, "k1", &hash)
            .await
            .unwrap(),
        IdempotencyState::Completed {
            request_hash: hash.clone(),
            status: 201,
            body: b"{\"id\":1}".to_vec()
        }
    );
    let other = idempotency::request_hash("POST", "/v1/conversations", b"{\"name\":\"x\"}");
    assert_eq!(
        idempotency::begin(store, &scope, "k1", &other)
            .await
            .unwrap(),
        IdempotencyState::Mismatch
    );
    // Abandoned keys can be used again; keys of another API key are separate.
    assert_eq!(
        idempotency::begin(store, &scope, "k2", &hash)
            .await
            .unwrap(),
        IdempotencyState::Started
    );
    store.idempotency_abandon(&scope, "k2").await.unwrap();
    assert_eq!(
        idempotency::begin(store, &scope, "k2", &other)
            .await
            .unwrap(),
        IdempotencyState::Started
    );
    assert_eq!(
        idempotency::begin(store, "another-key", "k1", &other)
            .await
            .unwrap(),
        IdempotencyState::Started
    );
}

async fn total(store: &dyn Store, who: &Principal, query: ConversationQuery) -> i64 {
    let list = conversations::list(
        store,
        who,
        query,
        PagingParams {
            include_total: true,
            ..page(1)
        },
    )
    .await
    .expect("list");
    list.total.expect("total") as i64
}

/// Every number of the views count equals the total of the list for the same filters.
async fn assert_counts_match_lists(store: &dyn Store, who: &Principal, base: ConversationQuery) {
    let counts = team::views_count(store, who, base.clone())
        .await
        .expect("views count");
    for (view, counted) in [
        ("mine", counts.mine),
        ("unassigned", counts.unassigned),
        ("assigned", counts.assigned),
        ("all", counts.all),
    ] {
        let listed = total(
            store,
            who,
            ConversationQuery {
                view: Some(view.into()),
                ..base.clone()
            },
        )
        .await;
        assert_eq!(counted, listed, "view {view} under {base:?}");
    }
    for (status, counted) in &counts.by_status {
        let listed = total(
            store,
            who,
            ConversationQuery {
                statuses: vec![status.clone()],
                ..base.clone()
            },
        )
        .await;
        assert_eq!(*counted, listed, "status {status} under {base:?}");
    }
    assert_eq!(counts.all, counts.by_status.values().sum::<i64>());
}

pub async fn membership_is_idempotent_and_recorded(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Team").await;
    let lan = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Lan".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let c = create(store, &t.admin, CreateConversation::default()).await;
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
    let inactive = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Gone".into(),
            active: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(matches!(
        team::assign(store, &t.admin, c.id, inactive.id).await,
        Err(Error::Validation(_))
    ));
    assert!(matches!(
        team::assign(store, &t.admin, c.id, convo_types::UserId::new()).await,
        Err(Error::NotFound(_))
    ));
    let other = tenant(store, "Team 2").await;
    assert!(matches!(
        team::assign(store, &t.admin, c.id, other.admin.user_id).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        team::join(store, &other.admin, c.id).await,
        Err(Error::NotFound(_))
    ));
    let reader = key_with(store, &t, vec![Scope::ConversationsRead], None).await;
    assert!(matches!(
        team::join(store, &reader, c.id).await,
        Err(Error::Forbidden { .. })
    ));
}

pub async fn invitable_users_respect_units_members_and_accents(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Invitable").await;
    let support = directory::create_business_unit(
        store,
        &t.admin,
        CreateBusinessUnit {
            name: "Support".into(),
            metadata: None,
        },
    )
    .await
    .unwrap();
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
    let lan = directory::create_user(
        store,
        &t.admin,
        user("Nguyễn Thị Lan", Some("lan@example.com"), None, true),
    )
    .await
    .unwrap();
    let minh = directory::create_user(
        store,
        &t.admin,
        user("Trần Đức Minh", None, Some(vec![support.id]), true),
    )
    .await
    .unwrap();
    directory::create_user(store, &t.admin, user("Old Timer", None, None, false))
        .await
        .unwrap();
    let member = directory::create_user(store, &t.admin, user("Already In", None, None, true))
        .await
        .unwrap();
    let c = create(
        store,
        &t.admin,
        CreateConversation {
            member_ids: Some(vec![member.id]),
            ..Default::default()
        },
    )
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
    let in_support = create(
        store,
        &t.admin,
        CreateConversation {
            business_unit_id: Some(support.id),
            ..Default::default()
        },
    )
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

pub async fn views_count_matches_the_list(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Counts").await;
    let support = directory::create_business_unit(
        store,
        &t.admin,
        CreateBusinessUnit {
            name: "Support".into(),
            metadata: None,
        },
    )
    .await
    .unwrap();
    let web = directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            business_unit_id: None,
            channel_type: ChannelType::Web,
            identifier: "example.com".into(),
            name: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
    let sms = directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            business_unit_id: Some(support.id),
            channel_type: ChannelType::Sms,
            identifier: "+1555".into(),
            name: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
    let lan = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Lan".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let jane = directory::create_contact(
        store,
        &t.admin,
        CreateContact {
            name: Some("Jane".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let statuses = [
        Status::Open,
        Status::Pending,
        Status::Resolved,
        Status::Running,
    ];
    let mut made = Vec::new();
    for i in 0..24usize {
        let members = match i % 4 {
            0 => vec![],
            1 => vec![t.admin.user_id],
            2 => vec![lan.id],
            _ => vec![t.admin.user_id, lan.id],
        };
        let req = CreateConversation {
            status: Some(statuses[i % statuses.len()]),
            member_ids: Some(members),
            channel_id: match i % 3 {
                0 => Some(web.id),
                1 => Some(sms.id),
                _ => None,
            },
            contact_id: (i % 5 == 0).then_some(jane.id),
            agent_id: (i % 6 == 0).then(|| "agent-1".to_owned()),
            parent_id: if i >= 20 { made.first().copied() } else { None },
            name: Some(format!("conv {i}")),
            ..Default::default()
        };
        made.push(create(store, &t.admin, req).await.id);
    }
    conversations::delete(store, &t.admin, made[5], None, false)
        .await
        .unwrap();
    let queries = vec![
        ConversationQuery::default(),
        ConversationQuery {
            statuses: vec!["open,pending".into()],
            ..Default::default()
        },
        ConversationQuery {
            business_unit_id: Some(support.id),
            ..Default::default()
        },
        ConversationQuery {
            channel_id: Some(web.id),
            ..Default::default()
        },
        ConversationQuery {
            channel_type: Some("sms".into()),
            ..Default::default()
        },
        ConversationQuery {
            top_level: Some(true),
            ..Default::default()
        },
        ConversationQuery {
            contact_id: Some(jane.id),
            ..Default::default()
        },
        ConversationQuery {
            agent_id: Some("agent-1".into()),
            ..Default::default()
        },
        ConversationQuery {
            parent_id: Some(made[0]),
            ..Default::default()
        },
        ConversationQuery {
            q: Some("conv 1".into()),
            ..Default::default()
        },
    ];
    for query in queries {
        assert_counts_match_lists(store, &t.admin, query).await;
    }
    let counts = team::views_count(store, &t.admin, ConversationQuery::default())
        .await
        .unwrap();
    assert_eq!(counts.all, 23);
    assert_eq!(
        counts.by_status.len(),
        Status::ALL.len(),
        "every status is answered"
    );
    let limited = key_with(
        store,
        &t,
        vec![Scope::ConversationsRead],
        Some(vec![support.id]),
    )
    .await;
    let seen = team::views_count(store, &limited, ConversationQuery::default())
        .await
        .unwrap();
    assert_eq!(
        seen.all,
        total(store, &limited, ConversationQuery::default()).await
    );
    assert!(seen.all < counts.all, "a limited key counts only its units");
}

pub async fn concurrent_team_changes_keep_counts_exact(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Concurrency").await;
    let mut users = Vec::new();
    for i in 0..4 {
        users.push(
            directory::create_user(
                store,
                &t.admin,
                CreateUser {
                    name: format!("agent {i}"),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .id,
        );
    }
    let mut ids = Vec::new();
    for _ in 0..12 {
        ids.push(
            create(store, &t.admin, CreateConversation::default())
                .await
                .id,
        );
    }
    let mut tasks = Vec::new();
    for worker in 0..8usize {
        let (store, admin, users, ids) =
            (shared.clone(), t.admin.clone(), users.clone(), ids.clone());
        tasks.push(tokio::spawn(async move {
            let store = store.as_ref();
            for step in 0..24usize {
                let id = ids[(worker * 7 + step * 5) % ids.len()];
                let user = users[(worker + step) % users.len()];
                let status = [
                    Status::Open,
                    Status::Pending,
                    Status::Resolved,
                    Status::Snoozed,
                ][(worker + step) % 4];
                let outcome = match (worker + step) % 5 {
                    0 => team::join(store, &admin, id).await.map(drop),
                    1 => team::assign(store, &admin, id, user).await.map(drop),
                    2 => team::remove(store, &admin, id, user).await.map(drop),
                    3 => team::leave(store, &admin, id).await.map(drop),
                    _ => conversations::update_status(
                        store,
                        &admin,
                        id,
                        None,
                        UpdateStatus {
                            status,
                            snoozed_until: None,
                        },
                    )
                    .await
                    .map(drop),
                };
                outcome.expect("a team change");
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_counts_match_lists(store, &t.admin, ConversationQuery::default()).await;
    for user in &users {
        let key = directory::create_api_key(
            store,
            &t.admin,
            CreateApiKey {
                name: "agent".into(),
                scopes: vec![Scope::ConversationsRead],
                user_id: Some(*user),
                business_unit_ids: None,
            },
        )
        .await
        .unwrap();
        assert_counts_match_lists(store, &Principal::from(&key), ConversationQuery::default())
            .await;
    }
}

fn text(content: &str) -> CreateMessage {
    CreateMessage {
        content: content.into(),
        ..Default::default()
    }
}

fn incoming(content: &str) -> CreateMessage {
    CreateMessage {
        message_type: Some(MessageType::Incoming),
        content: content.into(),
        ..Default::default()
    }
}

pub async fn messages_move_their_conversation(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Messages").await;
    let jane = directory::create_contact(
        store,
        &t.admin,
        CreateContact {
            name: Some("Jane".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let c = create(
        store,
        &t.admin,
        CreateConversation {
            contact_id: Some(jane.id),
            status: Some(Status::Resolved),
            ..Default::default()
        },
    )
    .await;
    let first = messages::create(store, &t.admin, c.id, incoming(&"Xin chào ".repeat(30)))
        .await
        .unwrap();
    assert!(first.created);
    assert_eq!(
        first.message.sender,
        Sender {
            sender_type: SenderType::Contact,
            id: Some(jane.id.to_string())
        },
        "an incoming message comes from the contact"
    );
    let after = conversations::get(store, &t.admin, c.id)
        .await
        .unwrap()
        .conversation;
    assert_eq!(
        after.status,
        Status::Open,
        "an incoming message reopens a done conversation"
    );
    assert_eq!(after.counts.messages, 1);
    assert_eq!(after.timestamp, first.message.created_at);
    let last = after.last_message.clone().unwrap();
    assert_eq!(
        (last.id, last.preview.chars().count()),
        (first.message.id, 140)
    );
    let reply = messages::create(store, &t.admin, c.id, text("We are on it"))
        .await
        .unwrap();
    assert_eq!(reply.message.message_type, MessageType::Outgoing);
    assert_eq!(reply.message.sender.id, Some(t.admin.user_id.to_string()));
    let listed = messages::list(store, &t.admin, c.id, None, page(10))
        .await
        .unwrap();
    assert_eq!(
        listed.data.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![first.message.id, reply.message.id],
        "oldest first"
    );
    let recent = messages::list(store, &t.admin, c.id, Some("recent"), page(1))
        .await
        .unwrap();
    assert_eq!(recent.data[0].id, reply.message.id);
    let next = messages::list(
        store,
        &t.admin,
        c.id,
        Some("recent"),
        PagingParams {
            cursor: recent.next_cursor.clone(),
            ..page(1)
        },
    )
    .await
    .unwrap();
    assert_eq!(next.data[0].id, first.message.id);
    let edited = messages::update(
        store,
        &t.admin,
        reply.message.id,
        UpdateMessage {
            content: Some("Refund sent".into()),
            metadata: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(edited.content, "Refund sent");
    let now = conversations::get(store, &t.admin, c.id)
        .await
        .unwrap()
        .conversation;
    assert_eq!(now.last_message.unwrap().preview, "Refund sent");
    messages::delete(store, &t.admin, reply.message.id)
        .await
        .unwrap();
    messages::delete(store, &t.admin, first.message.id)
        .await
        .unwrap();
    let emptied = conversations::get(store, &t.admin, c.id)
        .await
        .unwrap()
        .conversation;
    assert_eq!(
        (emptied.counts.messages, emptied.last_message.is_none()),
        (0, true)
    );
    assert_eq!(
        emptied.timestamp, emptied.created_at,
        "no message: the time of creation"
    );
    let log = events::list(store, &t.admin, Some(c.id), None, None)
        .await
        .unwrap();
    let types: Vec<_> = log.data.iter().map(|e| e.event_type).collect();
    assert_eq!(
        types,
        [
            EventType::ConversationCreated,
            EventType::MessageCreated,
            EventType::ConversationStatusChanged,
            EventType::MessageCreated,
            EventType::MessageUpdated,
            EventType::MessageDeleted,
            EventType::MessageDeleted,
        ]
    );
    assert_eq!(log.data[1].data["object_name"], json!("message"));
    // Counts follow the reopen too.
    assert_counts_match_lists(store, &t.admin, ConversationQuery::default()).await;
}

pub async fn messages_are_validated(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Message rules").await;
    let c = create(store, &t.admin, CreateConversation::default()).await;
    let other = tenant(store, "Message rules 2").await;
    let cases = vec![
        CreateMessage::default(),
        text(&"x".repeat(messages::MAX_CONTENT_CHARS + 1)),
        CreateMessage {
            sender: Some(Sender {
                sender_type: SenderType::User,
                id: Some(other.admin.user_id.to_string()),
            }),
            ..text("hi")
        },
        CreateMessage {
            sender: Some(Sender {
                sender_type: SenderType::System,
                id: Some("x".into()),
            }),
            ..text("hi")
        },
        CreateMessage {
            sender: Some(Sender {
                sender_type: SenderType::Contact,
                id: Some("not-a-uuid".into()),
            }),
            ..text("hi")
        },
        CreateMessage {
            attachments: Some(vec![Attachment {
                url: "ftp://x".into(),
                name: None,
                mime_type: None,
                size: None,
            }]),
            ..text("hi")
        },
        CreateMessage {
            attachments: Some(vec![Attachment {
                url: "https://x/a.png".into(),
                name: None,
                mime_type: Some("png".into()),
                size: Some(1),
            }]),
            ..text("hi")
        },
    ];
    for req in cases {
        let err = messages::create(store, &t.admin, c.id, req.clone())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{req:?}: {err:?}");
    }
    let with_file = CreateMessage {
        attachments: Some(vec![Attachment {
            url: "https://cdn.example.com/a.png".into(),
            name: Some("a.png".into()),
            mime_type: Some("image/png".into()),
            size: Some(1024),
        }]),
        ..CreateMessage::default()
    };
    let ok = messages::create(store, &t.admin, c.id, with_file)
        .await
        .unwrap();
    assert_eq!(ok.message.attachments.len(), 1);
    assert!(matches!(
        messages::create(store, &other.admin, c.id, text("hi")).await,
        Err(Error::NotFound(_))
    ));
    assert!(matches!(
        messages::get(store, &other.admin, ok.message.id).await,
        Err(Error::NotFound(_))
    ));
    let reader = key_with(store, &t, vec![Scope::MessagesRead], None).await;
    assert!(matches!(
        messages::create(store, &reader, c.id, text("hi")).await,
        Err(Error::Forbidden { .. })
    ));
    // Hard-deleting the conversation deletes its messages.
    conversations::delete(store, &t.admin, c.id, None, true)
        .await
        .unwrap();
    assert!(matches!(
        messages::get(store, &t.admin, ok.message.id).await,
        Err(Error::NotFound(_))
    ));
}

pub async fn external_ids_dedupe_even_concurrently(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Dedupe").await;
    let c = create(store, &t.admin, CreateConversation::default()).await;
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (store, admin) = (shared.clone(), t.admin.clone());
        tasks.push(tokio::spawn(async move {
            let req = CreateMessage {
                external_id: Some("wamid.42".into()),
                ..incoming("once")
            };
            messages::create(store.as_ref(), &admin, c.id, req)
                .await
                .unwrap()
        }));
    }
    let mut ids = HashSet::new();
    let mut created = 0;
    for task in tasks {
        let written = task.await.unwrap();
        ids.insert(written.message.id);
        created += usize::from(written.created);
    }
    assert_eq!((ids.len(), created), (1, 1), "one message, created once");
    let now = conversations::get(store, &t.admin, c.id)
        .await
        .unwrap()
        .conversation;
    assert_eq!(now.counts.messages, 1);
    // The same external id in another conversation is another message.
    let other = create(store, &t.admin, CreateConversation::default()).await;
    let elsewhere = messages::create(
        store,
        &t.admin,
        other.id,
        CreateMessage {
            external_id: Some("wamid.42".into()),
            ..incoming("once")
        },
    )
    .await
    .unwrap();
    assert!(elsewhere.created);
}

/// Many senders at once (the store groups them into shared commits): every message lands once,
/// in its own conversation, with exact counts and one event each; a message to a conversation
/// deleted meanwhile fails alone.
pub async fn concurrent_messages_share_commits_and_fail_alone(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Group commit").await;
    let mut conversations = Vec::new();
    for _ in 0..4 {
        conversations.push(create(store, &t.admin, CreateConversation::default()).await);
    }
    let gone = create(store, &t.admin, CreateConversation::default()).await;
    let mut tasks = Vec::new();
    for i in 0..48 {
        let (store, admin) = (shared.clone(), t.admin.clone());
        let target = conversations[i % 4].id;
        tasks.push(tokio::spawn(async move {
            messages::create(
                store.as_ref(),
                &admin,
                target,
                incoming(&format!("burst {i}")),
            )
            .await
            .map(|w| w.message.id)
        }));
    }
    // Racing the burst: a hard delete, then messages to the deleted conversation.
    conversations::delete(store, &t.admin, gone.id, None, true)
        .await
        .unwrap();
    let late = messages::create(store, &t.admin, gone.id, incoming("too late")).await;
    assert!(matches!(late, Err(Error::NotFound(_))), "{late:?}");
    let mut ids = HashSet::new();
    for task in tasks {
        ids.insert(task.await.unwrap().expect("every burst message is written"));
    }
    assert_eq!(ids.len(), 48);
    for c in &conversations {
        let now = conversations::get(store, &t.admin, c.id)
            .await
            .unwrap()
            .conversation;
        assert_eq!(now.counts.messages, 12);
        let listed = messages::list(store, &t.admin, c.id, None, page(100))
            .await
            .unwrap();
        assert_eq!(listed.data.len(), 12);
    }
    let after = events::list(store, &t.admin, None, None, Some(100))
        .await
        .unwrap()
        .data;
    let created = after
        .iter()
        .filter(|e| e.event_type == EventType::MessageCreated)
        .count();
    assert_eq!(created, 48, "one message.created per message");
    let ids: Vec<i64> = after.iter().map(|e| e.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "event ids increase");
}

/// Concurrent imports that reopen the same conversations in different orders: no deadlock
/// (counter rows are taken in one order) and exact counts.
pub async fn concurrent_imports_reopen_without_deadlock(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Imports").await;
    let mut resolved = Vec::new();
    for _ in 0..6 {
        let req = CreateConversation {
            status: Some(Status::Resolved),
            ..Default::default()
        };
        resolved.push(create(store, &t.admin, req).await.id);
    }
    for task in spawn_imports(shared, &t.admin, &resolved, 4, 1) {
        task.await.unwrap().expect("every import commits");
    }
    assert_reopened(store, &t.admin, &resolved, 4).await;
    assert_counts_match_lists(store, &t.admin, ConversationQuery::default()).await;
}

/// Each of `ids` is open again with `messages` messages; answers them.
async fn assert_reopened(
    store: &dyn Store,
    who: &Principal,
    ids: &[ConversationId],
    messages: i64,
) -> Vec<Conversation> {
    let mut reopened = Vec::new();
    for id in ids {
        let c = conversations::get(store, who, *id)
            .await
            .unwrap()
            .conversation;
        assert_eq!(
            (c.status, c.counts.messages),
            (Status::Open, messages),
            "{id}"
        );
        reopened.push(c);
    }
    reopened
}

/// `count` concurrent imports of one incoming message to each of `ids`, each in its own order
/// (rotated by `step` per import, every other one reversed).
fn spawn_imports(
    shared: &Arc<dyn Store>,
    admin: &Principal,
    ids: &[ConversationId],
    count: usize,
    step: usize,
) -> Vec<tokio::task::JoinHandle<convo_core::Result<Vec<MessageWrite>>>> {
    (0..count)
        .map(|task| {
            let (store, admin) = (shared.clone(), admin.clone());
            let mut order = ids.to_vec();
            order.rotate_left(task * step % ids.len().max(1));
            if task % 2 == 1 {
                order.reverse();
            }
            tokio::spawn(async move {
                let items = order
                    .iter()
                    .map(|id| (*id, incoming(&format!("import {task}"))))
                    .collect();
                messages::create_many(store.as_ref(), &admin, items).await
            })
        })
        .collect()
}

/// Deleting a team member while imports reopen the conversations it is in: both commit (no
/// deadlock on the conversations or the counter rows), and the counts match the lists.
pub async fn deleting_a_member_during_imports_keeps_counts_exact(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Departure").await;
    let agent = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Leaving".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut resolved = Vec::new();
    for _ in 0..8 {
        let req = CreateConversation {
            status: Some(Status::Resolved),
            member_ids: Some(vec![agent.id]),
            ..Default::default()
        };
        resolved.push(create(store, &t.admin, req).await.id);
    }
    let imports = spawn_imports(shared, &t.admin, &resolved, 3, 3);
    let (store_for_delete, admin) = (shared.clone(), t.admin.clone());
    let departure = tokio::spawn(async move {
        directory::delete_user(store_for_delete.as_ref(), &admin, agent.id).await
    });
    for import in imports {
        import.await.unwrap().expect("every import commits");
    }
    departure.await.unwrap().expect("the user is deleted");
    for c in assert_reopened(store, &t.admin, &resolved, 3).await {
        assert!(c.users.is_empty(), "the deleted user left {}", c.id);
    }
    assert_counts_match_lists(store, &t.admin, ConversationQuery::default()).await;
}

/// Another organization's newer matches never crowd an organization's own out of its search.
pub async fn search_is_never_crowded_out_by_another_organization(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let quiet = tenant(store, "Quiet").await;
    let busy = tenant(store, "Busy").await;
    let mine = create(store, &quiet.admin, CreateConversation::default()).await;
    messages::create(store, &quiet.admin, mine.id, incoming("crowded refund"))
        .await
        .unwrap();
    let theirs = create(store, &busy.admin, CreateConversation::default()).await;
    let burst: Vec<_> = (0..1200)
        .map(|i| (theirs.id, incoming(&format!("crowded refund {i}"))))
        .collect();
    messages::create_many(store, &busy.admin, burst)
        .await
        .unwrap();
    let found = search::search(store, &quiet.admin, "crowded", None, Some(20), None)
        .await
        .unwrap();
    let ids: Vec<ConversationId> = found.data.iter().map(|h| h.conversation.id).collect();
    assert_eq!(ids, vec![mine.id]);
    let found = search::search(store, &busy.admin, "crowded", None, Some(20), None)
        .await
        .unwrap();
    assert_eq!(found.data.len(), 1);
    assert_eq!(found.data[0].conversation.id, theirs.id);
}

pub async fn search_finds_every_language(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Search").await;
    let jane = directory::create_contact(
        store,
        &t.admin,
        CreateContact {
            name: Some("Nguyễn Thị Hoa".into()),
            email: Some("hoa@example.vn".into()),
            phone: Some("+84 90 123 4567".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let vi = create(
        store,
        &t.admin,
        CreateConversation {
            name: Some("Yêu cầu hoàn tiền".into()),
            contact_id: Some(jane.id),
            ..Default::default()
        },
    )
    .await;
    let zh = create(store, &t.admin, CreateConversation::default()).await;
    let ar = create(store, &t.admin, CreateConversation::default()).await;
    let en = create(
        store,
        &t.admin,
        CreateConversation {
            name: Some("Billing".into()),
            ..Default::default()
        },
    )
    .await;
    let vi_msg = messages::create(
        store,
        &t.admin,
        vi.id,
        incoming("Tôi chưa nhận được hóa đơn tháng này"),
    )
    .await
    .unwrap()
    .message;
    messages::create(
        store,
        &t.admin,
        zh.id,
        incoming("你好，我想申請退款，訂單號是1042"),
    )
    .await
    .unwrap();
    messages::create(
        store,
        &t.admin,
        ar.id,
        incoming("أريد استرداد المبلغ من فضلك"),
    )
    .await
    .unwrap();
    messages::create(
        store,
        &t.admin,
        en.id,
        incoming("I would like a refund for my last invoice"),
    )
    .await
    .unwrap();
    let admin = &t.admin;
    let found = |q: &'static str| async move {
        let list = search::search(store, admin, q, None, None, None)
            .await
            .unwrap();
        list.data
            .into_iter()
            .map(|h| h.conversation.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        found("hoan tien").await,
        vec![vi.id],
        "Vietnamese without diacritics"
    );
    assert_eq!(found("hoàn tiền").await, vec![vi.id]);
    assert_eq!(found("hoa don").await, vec![vi.id], "đ folds to d");
    assert_eq!(
        found("退款").await,
        vec![zh.id],
        "simplified finds traditional"
    );
    assert_eq!(found("訂單").await, vec![zh.id]);
    assert_eq!(found("استرداد").await, vec![ar.id]);
    assert_eq!(found("REFUNDS").await, vec![en.id], "case and plural");
    assert_eq!(
        found("84901234567").await,
        vec![vi.id],
        "phone without spaces"
    );
    assert_eq!(
        found("+84 90 123 4567").await,
        vec![vi.id],
        "phone with spaces and +"
    );
    assert_eq!(found("hoa@example.vn").await, vec![vi.id], "contact email");
    assert!(found("nothing matches this").await.is_empty());
    let hit = search::search(store, &t.admin, "hoa don", None, None, None)
        .await
        .unwrap()
        .data
        .remove(0);
    assert!(hit.search.score > 0.0 || hit.search.score.is_finite());
    let message_highlight = hit
        .search
        .highlights
        .iter()
        .find(|h| h.field == "message")
        .expect("a message highlight");
    assert_eq!(message_highlight.message_id, Some(vi_msg.id));
    assert!(
        message_highlight
            .snippet
            .contains("<mark>hóa</mark> <mark>đơn</mark>"),
        "{}",
        message_highlight.snippet
    );
    let name_hit = search::search(store, &t.admin, "nguyen", None, None, None)
        .await
        .unwrap()
        .data
        .remove(0);
    assert!(name_hit
        .search
        .highlights
        .iter()
        .any(|h| h.field == "contact.name" && h.snippet.contains("<mark>Nguyễn</mark>")));
    // Renaming the contact re-indexes its conversations.
    directory::update_contact(
        store,
        &t.admin,
        jane.id,
        convo_types::UpdateContact {
            name: Some(Some("Trần Mai".into())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(found("tran mai").await, vec![vi.id]);
    assert!(found("nguyen").await.is_empty());
    // Ranked: a conversation matching in name and message outranks one matching once.
    messages::create(store, &t.admin, zh.id, incoming("billing question"))
        .await
        .unwrap();
    assert_eq!(found("billing").await.len(), 2);
    // The list's `q` uses the same index.
    assert_eq!(
        list_ids(
            store,
            &t.admin,
            ConversationQuery {
                q: Some("退款".into()),
                ..Default::default()
            }
        )
        .await,
        vec![zh.id]
    );
    // Soft-deleted, other organizations and other business units never show.
    conversations::delete(store, &t.admin, ar.id, None, false)
        .await
        .unwrap();
    assert!(found("استرداد").await.is_empty());
    let other = tenant(store, "Search 2").await;
    assert!(
        search::search(store, &other.admin, "refund", None, None, None)
            .await
            .unwrap()
            .data
            .is_empty()
    );
    let unit = directory::create_business_unit(
        store,
        &t.admin,
        CreateBusinessUnit {
            name: "Elsewhere".into(),
            metadata: None,
        },
    )
    .await
    .unwrap();
    let limited = key_with(
        store,
        &t,
        vec![Scope::ConversationsRead],
        Some(vec![unit.id]),
    )
    .await;
    assert!(search::search(store, &limited, "refund", None, None, None)
        .await
        .unwrap()
        .data
        .is_empty());
    assert!(matches!(
        search::search(store, &t.admin, "  ...  ", None, None, None).await,
        Err(Error::Validation(_))
    ));
}

pub async fn search_pages_with_a_cursor(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Search pages").await;
    for i in 0..7 {
        let c = create(store, &t.admin, CreateConversation::default()).await;
        messages::create(
            store,
            &t.admin,
            c.id,
            incoming(&format!("refund number {i}")),
        )
        .await
        .unwrap();
    }
    let mut seen = HashSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = search::search(store, &t.admin, "refund", None, Some(3), cursor.as_deref())
            .await
            .unwrap();
        for hit in &page.data {
            assert!(seen.insert(hit.conversation.id), "no repeats");
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
}

pub async fn video_calls_are_recorded(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Video").await;
    let c = create(store, &t.admin, CreateConversation::default()).await;
    let started =
        messages::init_video_call(store, &t.admin, c.id, "https://meet.example.com/{room}")
            .await
            .unwrap();
    let call = &started.video_call;
    assert_eq!(
        call.join_url,
        format!("https://meet.example.com/{}", call.room)
    );
    assert!(call.room.len() >= 22);
    assert_eq!(call.started_by, t.admin.user_id);
    let again = messages::init_video_call(store, &t.admin, c.id, "https://meet.example.com/{room}")
        .await
        .unwrap();
    assert_ne!(
        again.video_call.room, call.room,
        "every call gets its own room"
    );
    assert_eq!(started.conversation.counts.messages, 1);
    let activity = messages::list(store, &t.admin, c.id, None, page(10))
        .await
        .unwrap()
        .data
        .remove(0);
    assert_eq!(activity.message_type, MessageType::Activity);
    assert_eq!(activity.metadata["join_url"], json!(call.join_url));
    let log = events::list(store, &t.admin, Some(c.id), None, None)
        .await
        .unwrap();
    let started_event = log
        .data
        .iter()
        .find(|e| e.event_type == EventType::VideoCallStarted)
        .expect("video_call.started");
    assert_eq!(started_event.data["room"], json!(call.room));
    let other = tenant(store, "Video 2").await;
    assert!(matches!(
        messages::init_video_call(store, &other.admin, c.id, "{room}").await,
        Err(Error::NotFound(_))
    ));
}

fn by_customer(external_id: &str) -> convo_types::GetOrCreateConversation {
    convo_types::GetOrCreateConversation {
        customer: Some(convo_types::CustomerRef {
            external_id: Some(external_id.into()),
            name: Some("Jane Customer".into()),
            email: Some("jane@example.com".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub async fn get_or_create_reuses_and_never_duplicates(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Get or create").await;
    let web = directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            business_unit_id: None,
            channel_type: ChannelType::Web,
            identifier: "example.com".into(),
            name: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
    let req = convo_types::GetOrCreateConversation {
        channel_identifier: Some("example.com".into()),
        ..by_customer("website_user_123")
    };
    let (made, created) = threads::get_or_create(store, &t.admin, req.clone())
        .await
        .unwrap();
    assert!(created);
    assert_eq!(made.conversation.channel_ids, vec![web.id]);
    assert_eq!(
        made.conversation
            .users
            .iter()
            .map(|u| u.id)
            .collect::<Vec<_>>(),
        vec![t.admin.user_id],
        "the acting user is in it"
    );
    let contact = directory::list_contacts(
        store,
        &t.admin,
        ContactFilter {
            external_id: Some("website_user_123".into()),
        },
        page(5),
    )
    .await
    .unwrap()
    .data
    .remove(0);
    assert_eq!(
        (contact.name.as_deref(), made.conversation.contact_id),
        (Some("Jane Customer"), Some(contact.id)),
        "the customer is made from the given fields"
    );
    let (found, created) = threads::get_or_create(store, &t.admin, req.clone())
        .await
        .unwrap();
    assert!(!created);
    assert_eq!(found.conversation.id, made.conversation.id);
    let (by_id, created) = threads::get_or_create(
        store,
        &t.admin,
        convo_types::GetOrCreateConversation {
            customer_id: Some(contact.id),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        (by_id.conversation.id, created),
        (made.conversation.id, false)
    );
    // Another user's key joins the found conversation.
    let lan = directory::create_user(
        store,
        &t.admin,
        CreateUser {
            name: "Lan".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let lans = Principal::from(
        &directory::create_api_key(
            store,
            &t.admin,
            CreateApiKey {
                name: "lan".into(),
                scopes: vec![Scope::ConversationsRead, Scope::ConversationsWrite],
                user_id: Some(lan.id),
                business_unit_ids: None,
            },
        )
        .await
        .unwrap(),
    );
    let (joined, _) = threads::get_or_create(store, &lans, req.clone())
        .await
        .unwrap();
    assert_eq!(joined.conversation.users.len(), 2);
    // A deleted conversation is not reused.
    conversations::delete(store, &t.admin, made.conversation.id, None, false)
        .await
        .unwrap();
    let (fresh, created) = threads::get_or_create(store, &t.admin, req).await.unwrap();
    assert!(created && fresh.conversation.id != made.conversation.id);
    // Members only: the same set finds the same conversation.
    let members = convo_types::GetOrCreateConversation {
        member_ids: Some(vec![lan.id]),
        conversation_type: Some(ConversationType::Group),
        ..Default::default()
    };
    let (group, created) = threads::get_or_create(store, &t.admin, members.clone())
        .await
        .unwrap();
    assert!(created);
    assert_eq!(
        threads::get_or_create(store, &t.admin, members)
            .await
            .unwrap()
            .0
            .conversation
            .id,
        group.conversation.id
    );
    // Refusals.
    for bad in [
        convo_types::GetOrCreateConversation::default(),
        convo_types::GetOrCreateConversation {
            channel_identifier: Some("nowhere.example".into()),
            ..by_customer("x")
        },
        convo_types::GetOrCreateConversation {
            customer_id: Some(convo_types::ContactId::new()),
            ..Default::default()
        },
        convo_types::GetOrCreateConversation {
            customer: Some(convo_types::CustomerRef {
                name: Some("no ids".into()),
                ..Default::default()
            }),
            ..Default::default()
        },
    ] {
        let err = threads::get_or_create(store, &t.admin, bad.clone())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Validation(_)), "{bad:?}: {err:?}");
    }
}

pub async fn concurrent_get_or_create_makes_one(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Race").await;
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let (store, admin) = (shared.clone(), t.admin.clone());
        tasks.push(tokio::spawn(async move {
            threads::get_or_create(store.as_ref(), &admin, by_customer("racer"))
                .await
                .unwrap()
        }));
    }
    let mut ids = HashSet::new();
    let mut made = 0;
    for task in tasks {
        let (record, created) = task.await.unwrap();
        ids.insert(record.conversation.id);
        made += usize::from(created);
    }
    assert_eq!(
        (ids.len(), made),
        (1, 1),
        "64 identical calls, one conversation"
    );
    let contacts = directory::list_contacts(
        store,
        &t.admin,
        ContactFilter::default(),
        PagingParams {
            include_total: true,
            ..page(5)
        },
    )
    .await
    .unwrap();
    assert_eq!(contacts.total, Some(1), "and one contact");
    assert_eq!(
        total(store, &t.admin, ConversationQuery::default()).await,
        1
    );
}

pub async fn sub_conversations_inherit_count_and_delete_with_parent(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Threads").await;
    let support = directory::create_business_unit(
        store,
        &t.admin,
        CreateBusinessUnit {
            name: "Support".into(),
            metadata: None,
        },
    )
    .await
    .unwrap();
    let line = directory::create_channel(
        store,
        &t.admin,
        CreateChannel {
            business_unit_id: Some(support.id),
            channel_type: ChannelType::Line,
            identifier: "line-1".into(),
            name: None,
            metadata: None,
        },
    )
    .await
    .unwrap();
    let parent = create(
        store,
        &t.admin,
        CreateConversation {
            channel_id: Some(line.id),
            ..Default::default()
        },
    )
    .await;
    let thread = |name: &str| convo_types::GetOrCreateConversation {
        name: Some(name.into()),
        conversation_type: Some(ConversationType::Group),
        ..by_customer("website_user_123")
    };
    let mut children = Vec::new();
    for i in 0..5 {
        children.push(
            threads::create_sub_conversation(
                store,
                &t.admin,
                parent.id,
                thread(&format!("Order #{i}")),
            )
            .await
            .unwrap()
            .conversation,
        );
    }
    let first = &children[0];
    assert_eq!(
        (
            first.parent_id,
            first.channel_ids.clone(),
            first.business_unit_id
        ),
        (Some(parent.id), vec![line.id], support.id),
        "inherits channels and unit"
    );
    assert_eq!(
        conversations::get(store, &t.admin, parent.id)
            .await
            .unwrap()
            .conversation
            .counts
            .children,
        5
    );
    let grandchild = threads::create_sub_conversation(store, &t.admin, first.id, thread("Return"))
        .await
        .unwrap()
        .conversation;
    let mut seen = Vec::new();
    let mut cursor = None;
    loop {
        let listed = threads::list_sub_conversations(
            store,
            &t.admin,
            parent.id,
            None,
            PagingParams {
                limit: Some(2),
                cursor: cursor.clone(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        assert!(listed.data.iter().all(|c| c.users.len() == 1));
        seen.extend(listed.data.iter().map(|c| c.id));
        match listed.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        children.iter().map(|c| c.id).collect::<Vec<_>>(),
        "oldest first, every child once"
    );
    // Soft-deleting a thread takes its sub-threads with it; the parent's count follows.
    conversations::delete(store, &t.admin, first.id, None, false)
        .await
        .unwrap();
    assert!(matches!(
        conversations::get(store, &t.admin, grandchild.id).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        conversations::get(store, &t.admin, parent.id)
            .await
            .unwrap()
            .conversation
            .counts
            .children,
        4
    );
    // Hard-deleting the parent removes every child for good.
    let kept = children[1].id;
    messages::create(store, &t.admin, kept, text("in a thread"))
        .await
        .unwrap();
    conversations::delete(store, &t.admin, parent.id, None, true)
        .await
        .unwrap();
    assert!(matches!(
        conversations::get(store, &t.admin, kept).await,
        Err(Error::NotFound(_))
    ));
    assert_eq!(
        total(store, &t.admin, ConversationQuery::default()).await,
        0
    );
    assert_counts_match_lists(store, &t.admin, ConversationQuery::default()).await;
}

pub async fn workforce_runs_follow_seed_003(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Workforce").await;
    let here = || workforce::Tenancy {
        tenant_id: Some(t.admin.organization_id),
        tenant_unit_id: None,
    };
    let run = workforce::create(
        store,
        &t.admin,
        here(),
        Some("as-1".into()),
        convo_types::WorkforceCreateConversation::default(),
    )
    .await
    .unwrap()
    .conversation;
    assert_eq!(
        (run.topic.as_str(), run.status, run.assignment_id.as_deref()),
        (workforce::DEFAULT_TOPIC, Status::Running, Some("as-1"))
    );
    let agent = uuid::Uuid::now_v7();
    let other = workforce::create(
        store,
        &t.admin,
        here(),
        None,
        convo_types::WorkforceCreateConversation {
            topic: Some("Research".into()),
            agent_id: Some(agent),
            inputs: Some(object(json!({"q": "x"}))),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .conversation;
    let listed = workforce::list(
        store,
        &t.admin,
        here(),
        workforce::ListParams {
            agent_id: Some(agent.to_string()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!((listed.data.len(), listed.total), (1, Some(1)));
    assert_eq!(listed.data[0].id, other.id);
    let page2 = workforce::list(
        store,
        &t.admin,
        here(),
        workforce::ListParams {
            page_num: Some(2),
            page_size: Some(1),
            order: Some("oldest".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(page2.data[0].id, other.id);
    let renamed = workforce::update(
        store,
        &t.admin,
        here(),
        run.id,
        convo_types::WorkforceUpdateConversation {
            topic: Some("Renamed".into()),
        },
    )
    .await
    .unwrap();
    assert_eq!(renamed.conversation.topic, "Renamed");
    let paused = workforce::update_status(
        store,
        &t.admin,
        here(),
        run.id,
        convo_types::WorkforceUpdateStatus {
            status: Some(Status::Paused),
        },
    )
    .await
    .unwrap();
    assert_eq!(paused.conversation.status, Status::Paused);
    let refused = workforce::update_status(
        store,
        &t.admin,
        here(),
        run.id,
        convo_types::WorkforceUpdateStatus {
            status: Some(Status::Resolved),
        },
    )
    .await
    .unwrap_err();
    assert!(matches!(refused, Error::Validation(_)));
    let foreign = workforce::Tenancy {
        tenant_id: Some(convo_types::OrganizationId::new()),
        tenant_unit_id: None,
    };
    assert!(matches!(
        workforce::get(store, &t.admin, foreign, run.id).await,
        Err(Error::NotFound(_))
    ));
    let wrong_unit = workforce::Tenancy {
        tenant_id: None,
        tenant_unit_id: Some(convo_types::BusinessUnitId::new()),
    };
    assert!(matches!(
        workforce::get(store, &t.admin, wrong_unit, run.id).await,
        Err(Error::NotFound(_))
    ));
    messages::create(store, &t.admin, run.id, text("step 1"))
        .await
        .unwrap();
    messages::create(store, &t.admin, run.id, text("step 2"))
        .await
        .unwrap();
    let steps = workforce::list_messages(store, &t.admin, here(), run.id, Some(2), Some(1))
        .await
        .unwrap();
    assert_eq!(steps.data[0].content, "step 2");
    workforce::delete(store, &t.admin, run.id).await.unwrap();
    assert!(matches!(
        workforce::get(store, &t.admin, here(), run.id).await,
        Err(Error::NotFound(_))
    ));
}

pub async fn webhook_deliveries_are_durable_and_ordered(shared: &Arc<dyn Store>) {
    let store: &dyn Store = shared.as_ref();
    let t = tenant(store, "Webhooks").await;
    let egress = webhooks::Egress {
        allow_private: true,
    };
    let early = create(store, &t.admin, CreateConversation::default()).await;
    let hook = webhooks::create(
        store,
        &t.admin,
        egress,
        convo_types::CreateWebhook {
            url: "http://127.0.0.1:9/hook".into(),
            event_types: Some(vec![EventType::MessageCreated]),
            active: None,
        },
    )
    .await
    .unwrap();
    assert!(hook.secret.is_some());
    let a = create(store, &t.admin, CreateConversation::default()).await;
    let b = create(store, &t.admin, CreateConversation::default()).await;
    for c in [&a, &b, &a, &early] {
        messages::create(store, &t.admin, c.id, text("hi"))
            .await
            .unwrap();
    }
    let queued = store.enqueue_deliveries(100).await.unwrap();
    assert!(queued >= 4, "one delivery per message event ({queued})");
    assert_eq!(
        store.enqueue_deliveries(100).await.unwrap(),
        0,
        "each event is queued once"
    );
    let now = convo_types::Timestamp::now();
    let lease = convo_types::Timestamp::from_millis(now.as_millis() + 60_000);
    // Filtered to this webhook's organization: other stories' webhooks share the database.
    let mine = |due: Vec<convo_core::DueDelivery>| {
        due.into_iter()
            .filter(|d| d.webhook_id == hook.id)
            .collect::<Vec<_>>()
    };
    let first = mine(store.claim_deliveries(now, lease, 100).await.unwrap());
    let conversations: Vec<_> = first.iter().map(|d| d.event.conversation_id).collect();
    assert_eq!(
        first.len(),
        3,
        "one per conversation: a's second waits for its first"
    );
    assert_eq!(
        conversations.iter().filter(|c| **c == Some(a.id)).count(),
        1
    );
    assert!(
        mine(store.claim_deliveries(now, lease, 100).await.unwrap()).is_empty(),
        "claimed deliveries are leased"
    );
    let attempt = |n, status| convo_types::DeliveryAttempt {
        attempt: n,
        at: now,
        status_code: Some(status),
        error: None,
        duration_ms: 5,
        response: None,
    };
    for due in &first {
        let outcome = if due.event.conversation_id == Some(a.id) {
            convo_core::DeliveryOutcome::RetryAt(now)
        } else {
            convo_core::DeliveryOutcome::Delivered
        };
        store
            .finish_attempt(
                due.id,
                &attempt(
                    1,
                    if outcome == convo_core::DeliveryOutcome::Delivered {
                        200
                    } else {
                        500
                    },
                ),
                outcome,
            )
            .await
            .unwrap();
    }
    // a's first delivery is due again (retry) and still holds back a's second.
    let later = convo_types::Timestamp::from_millis(now.as_millis() + 1);
    let again = mine(store.claim_deliveries(later, lease, 100).await.unwrap());
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].event.conversation_id, again[0].attempts),
        (Some(a.id), 1)
    );
    store
        .finish_attempt(
            again[0].id,
            &attempt(2, 200),
            convo_core::DeliveryOutcome::Delivered,
        )
        .await
        .unwrap();
    let last = mine(store.claim_deliveries(later, lease, 100).await.unwrap());
    assert_eq!(last.len(), 1);
    assert!(
        last[0].event.id > again[0].event.id,
        "a's second after a's first"
    );
    store
        .finish_attempt(
            last[0].id,
            &attempt(1, 200),
            convo_core::DeliveryOutcome::GaveUp,
        )
        .await
        .unwrap();
    let listed = webhooks::deliveries(store, &t.admin, hook.id, page(10))
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 4);
    let retried = listed.data.iter().find(|d| d.id == again[0].id).unwrap();
    assert_eq!(
        retried
            .attempts
            .iter()
            .map(|a| a.status_code)
            .collect::<Vec<_>>(),
        [Some(500), Some(200)]
    );
    assert_eq!(retried.status, convo_types::DeliveryStatus::Delivered);
    let failed = listed.data.iter().find(|d| d.id == last[0].id).unwrap();
    assert_eq!(failed.status, convo_types::DeliveryStatus::Failed);
    webhooks::replay(store, &t.admin, hook.id, failed.id)
        .await
        .unwrap();
    let replayed = mine(
        store
            .claim_deliveries(convo_types::Timestamp::now(), lease, 100)
            .await
            .unwrap(),
    );
    assert_eq!(
        replayed.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![failed.id]
    );
    // Rotation: both secrets sign for a while.
    let rotated = webhooks::rotate_secret(store, &t.admin, hook.id)
        .await
        .unwrap();
    let record = store
        .get_webhook(t.admin.organization_id, hook.id)
        .await
        .unwrap();
    assert_eq!(
        (Some(record.secret), record.previous_secret),
        (rotated.secret, hook.secret)
    );
    let other = tenant(store, "Webhooks 2").await;
    assert!(matches!(
        webhooks::get(store, &other.admin, hook.id).await,
        Err(Error::NotFound(_))
    ));
    webhooks::delete(store, &t.admin, hook.id).await.unwrap();
}
