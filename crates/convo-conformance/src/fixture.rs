//! What stories start from: an organization with its admin, and one-line builders for the
//! objects they need (business units, channels, users, contacts, conversations, keys).

use std::ops::Deref;

use convo_core::auth::Principal;
use convo_core::usecases::{conversations, directory, organizations};
use convo_core::Store;
use convo_types::{
    BusinessUnit, BusinessUnitId, Channel, ChannelType, Contact, Conversation, CreateApiKey,
    CreateBusinessUnit, CreateChannel, CreateContact, CreateConversation, CreateOrganization,
    CreateUser, OrganizationCreated, Scope, User, UserId,
};

/// A fresh organization and a principal holding its admin key.
pub struct Tenant {
    pub created: OrganizationCreated,
    pub admin: Principal,
}

/// A tenant on a store, acting as its admin. Derefs to the [`Tenant`].
pub struct Fixture<'a> {
    pub store: &'a dyn Store,
    tenant: Tenant,
}

impl Deref for Fixture<'_> {
    type Target = Tenant;

    fn deref(&self) -> &Tenant {
        &self.tenant
    }
}

impl<'a> Fixture<'a> {
    /// Makes an organization the way `POST /v1/organizations` does.
    pub async fn new(store: &'a dyn Store, name: &str) -> Self {
        let platform = Principal::platform_operator();
        let created =
            organizations::create(store, &platform, CreateOrganization { name: name.into() })
                .await
                .expect("create organization");
        let admin = Principal::from(&created.admin_key);
        Fixture {
            store,
            tenant: Tenant { created, admin },
        }
    }

    /// A business unit named `name`.
    pub async fn unit(&self, name: &str) -> BusinessUnit {
        self.add_unit(CreateBusinessUnit {
            name: name.into(),
            metadata: None,
            auto_resolve_after: None,
        })
        .await
    }

    pub async fn add_unit(&self, req: CreateBusinessUnit) -> BusinessUnit {
        directory::create_business_unit(self.store, &self.admin, req)
            .await
            .expect("create business unit")
    }

    /// A channel in the organization's default business unit.
    pub async fn channel(&self, channel_type: ChannelType, identifier: &str) -> Channel {
        self.add_channel(channel(None, channel_type, identifier))
            .await
    }

    /// A channel in `unit`.
    pub async fn channel_in(
        &self,
        unit: BusinessUnitId,
        channel_type: ChannelType,
        identifier: &str,
    ) -> Channel {
        self.add_channel(channel(Some(unit), channel_type, identifier))
            .await
    }

    pub async fn add_channel(&self, req: CreateChannel) -> Channel {
        directory::create_channel(self.store, &self.admin, req)
            .await
            .expect("create channel")
    }

    /// An active human user named `name`, in every business unit.
    pub async fn user(&self, name: &str) -> User {
        self.add_user(CreateUser {
            name: name.into(),
            ..Default::default()
        })
        .await
    }

    /// A user who may not take part in conversations.
    pub async fn inactive_user(&self, name: &str) -> User {
        self.add_user(CreateUser {
            name: name.into(),
            active: Some(false),
            ..Default::default()
        })
        .await
    }

    pub async fn add_user(&self, req: CreateUser) -> User {
        directory::create_user(self.store, &self.admin, req)
            .await
            .expect("create user")
    }

    pub async fn add_contact(&self, req: CreateContact) -> Contact {
        convo_core::usecases::contacts::create_contact(self.store, &self.admin, req)
            .await
            .expect("create contact")
    }

    /// A conversation made by the admin.
    pub async fn conversation(&self, req: CreateConversation) -> Conversation {
        conversations::create(self.store, &self.admin, req)
            .await
            .expect("create conversation")
            .conversation
    }

    /// A principal holding a new key with only `scopes`, limited to `units` when given.
    pub async fn key_with(
        &self,
        scopes: Vec<Scope>,
        units: Option<Vec<BusinessUnitId>>,
    ) -> Principal {
        self.add_key(CreateApiKey {
            name: "limited".into(),
            scopes,
            user_id: None,
            business_unit_ids: units,
        })
        .await
    }

    /// A principal acting as `user`, with only `scopes`.
    pub async fn key_for(&self, user: UserId, scopes: Vec<Scope>) -> Principal {
        self.add_key(CreateApiKey {
            name: "agent".into(),
            scopes,
            user_id: Some(user),
            business_unit_ids: None,
        })
        .await
    }

    pub async fn add_key(&self, req: CreateApiKey) -> Principal {
        let key = directory::create_api_key(self.store, &self.admin, req)
            .await
            .expect("create key");
        Principal::from(&key)
    }
}

/// A channel request with no name or metadata.
fn channel(
    business_unit_id: Option<BusinessUnitId>,
    channel_type: ChannelType,
    identifier: &str,
) -> CreateChannel {
    CreateChannel {
        business_unit_id,
        channel_type,
        identifier: identifier.into(),
        name: None,
        metadata: None,
    }
}
