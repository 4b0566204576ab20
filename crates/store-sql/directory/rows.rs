//! The rows of organizations, business units, users, API keys, channels and contacts.

use crate::sql::prelude::*;

#[derive(FromRow)]
pub(crate) struct OrganizationRow {
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) require_totp: bool,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl From<OrganizationRow> for Organization {
    fn from(r: OrganizationRow) -> Self {
        Organization {
            object_name: "organization".into(),
            id: r.id.into(),
            name: r.name,
            require_totp: r.require_totp,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}

#[derive(FromRow)]
pub(crate) struct BusinessUnitRow {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) metadata: Json<JsonObject>,
    pub(crate) auto_resolve_after: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

pub(crate) const BUSINESS_UNIT_COLUMNS: &str =
    "organization_id, id, name, metadata, auto_resolve_after, created_at, updated_at";

impl From<BusinessUnitRow> for BusinessUnit {
    fn from(r: BusinessUnitRow) -> Self {
        BusinessUnit {
            object_name: "business_unit".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            name: r.name,
            metadata: r.metadata.0,
            auto_resolve_after: r.auto_resolve_after,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}

pub(crate) const USER_COLUMNS: &str = "organization_id, id, name, email, kind, role, avatar_url, \
                                       business_unit_ids, active, created_at, updated_at, presence";

#[derive(FromRow)]
pub(crate) struct UserRow {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) email: Option<String>,
    pub(crate) kind: String,
    pub(crate) role: String,
    pub(crate) avatar_url: Option<String>,
    pub(crate) business_unit_ids: Json<Vec<BusinessUnitId>>,
    pub(crate) active: bool,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) presence: String,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;
    fn try_from(r: UserRow) -> StoreResult<Self> {
        Ok(User {
            object_name: "user".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            name: r.name,
            email: r.email,
            kind: parse_text(&r.kind, UserKind::parse)?,
            role: parse_text(&r.role, UserRole::parse)?,
            avatar_url: r.avatar_url,
            business_unit_ids: r.business_unit_ids.0,
            active: r.active,
            presence: parse_text(&r.presence, convo_types::Presence::parse)?,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        })
    }
}

pub(crate) const API_KEY_COLUMNS: &str = "organization_id, id, name, prefix, scopes, user_id, \
                                          business_unit_ids, last_used_at, created_at, updated_at";

#[derive(FromRow)]
pub(crate) struct ApiKeyRow {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) name: String,
    pub(crate) prefix: String,
    pub(crate) scopes: Json<Vec<Scope>>,
    pub(crate) user_id: Uuid,
    pub(crate) business_unit_ids: Json<Vec<BusinessUnitId>>,
    pub(crate) last_used_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(r: ApiKeyRow) -> Self {
        ApiKey {
            object_name: "api_key".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            name: r.name,
            scopes: r.scopes.0,
            user_id: r.user_id.into(),
            business_unit_ids: r.business_unit_ids.0,
            prefix: r.prefix,
            last_used_at: r.last_used_at.map(Timestamp::from_millis),
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
            secret: None,
        }
    }
}

pub(crate) const CHANNEL_COLUMNS: &str = "organization_id, id, business_unit_id, type, \
                                          identifier, name, metadata, created_at, updated_at";

#[derive(FromRow)]
pub(crate) struct ChannelRow {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) business_unit_id: Uuid,
    #[sqlx(rename = "type")]
    pub(crate) channel_type: String,
    pub(crate) identifier: String,
    pub(crate) name: String,
    pub(crate) metadata: Json<JsonObject>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl TryFrom<ChannelRow> for Channel {
    type Error = StoreError;
    fn try_from(r: ChannelRow) -> StoreResult<Self> {
        Ok(Channel {
            object_name: "channel".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            business_unit_id: r.business_unit_id.into(),
            channel_type: parse_text(&r.channel_type, ChannelType::parse)?,
            identifier: r.identifier,
            name: r.name,
            metadata: r.metadata.0,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        })
    }
}

pub(crate) const CONTACT_COLUMNS: &str = "organization_id, id, external_id, name, email, phone, \
                                          image, metadata, addresses, created_at, updated_at";

#[derive(FromRow)]
pub(crate) struct ContactRow {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) external_id: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) image: Option<String>,
    pub(crate) metadata: Json<JsonObject>,
    pub(crate) addresses: Json<Vec<Address>>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Self {
        Contact {
            object_name: "contact".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            external_id: r.external_id,
            name: r.name,
            email: r.email,
            phone: r.phone,
            image: r.image,
            metadata: r.metadata.0,
            addresses: r.addresses.0,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}
