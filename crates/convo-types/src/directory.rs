//! Organizations, business units, users, API keys, channels and contacts.

use serde::{Deserialize, Serialize};

use crate::wire_enum::wire_enum;
use crate::{
    double_option, ApiKeyId, BusinessUnitId, ChannelId, ContactId, JsonObject, OrganizationId,
    Timestamp, UserId,
};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

wire_enum!(
    /// Whether a user is a person or an AI agent.
    UserKind { Human = "human", AiAgent = "ai_agent" }
);

wire_enum!(
    /// What a user may do in the organization's inbox.
    UserRole { Admin = "admin", Agent = "agent" }
);

wire_enum!(
    /// What an API key may do. `admin` implies every scope but `platform` within its
    /// organization; `platform` manages organizations.
    Scope {
        ConversationsRead = "conversations:read",
        ConversationsWrite = "conversations:write",
        ConversationsDelete = "conversations:delete" | "connect360:conversation:delete",
        MessagesRead = "messages:read",
        MessagesWrite = "messages:write",
        ContactsRead = "contacts:read",
        ContactsWrite = "contacts:write",
        Admin = "admin",
        Platform = "platform",
    }
);

wire_enum!(
    /// The platform a channel runs on.
    ChannelType {
        Web = "web",
        Email = "email",
        Sms = "sms",
        Message = "message",
        Line = "line",
        Zalo = "zalo",
        Facebook = "facebook",
        Whatsapp = "whatsapp",
        Telegram = "telegram",
        Voice = "voice",
        Api = "api",
    }
);

/// An organization: a tenant. Nothing of one organization is visible from another.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Organization {
    pub object_name: String,
    pub id: OrganizationId,
    pub name: String,
    /// Every person must use two factors: one without them may only set them up.
    #[serde(default)]
    pub require_totp: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// `PATCH /v1/organizations/current` (admins): the organization's settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateOrganization {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_totp: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateOrganization {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name: String,
}

/// Answer to `POST /v1/organizations`: the tenant and everything made with it. The admin key's
/// `secret` is shown here once and never again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrganizationCreated {
    pub organization: Organization,
    pub business_unit: BusinessUnit,
    pub admin_user: User,
    pub admin_key: ApiKey,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BusinessUnit {
    pub object_name: String,
    pub id: BusinessUnitId,
    pub organization_id: OrganizationId,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    /// Seconds without a message from the contact after which an open or pending
    /// conversation of this unit is resolved (with an activity message); none: never.
    pub auto_resolve_after: Option<i64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateBusinessUnit {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    /// Seconds, 60 to 31,536,000 (a year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 60, maximum = 31_536_000))]
    pub auto_resolve_after: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateBusinessUnit {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub name: Option<String>,
    /// Merged into the stored metadata; a key set to `null` is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    /// Seconds, 60 to 31,536,000; `null` turns the timer off.
    #[serde(
        default,
        deserialize_with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = Option<i64>, minimum = 60, maximum = 31_536_000)
    )]
    pub auto_resolve_after: Option<Option<i64>>,
}

/// A team member (a person) or an AI agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct User {
    pub object_name: String,
    pub id: UserId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub email: Option<String>,
    pub kind: UserKind,
    pub role: UserRole,
    pub avatar_url: Option<String>,
    /// The business units this user works in; empty means all of them.
    pub business_unit_ids: Vec<BusinessUnitId>,
    pub active: bool,
    /// Online while they have a stream open (unless they said `away`, `busy` or `offline`);
    /// offline within a minute after their last stream closes.
    pub presence: crate::Presence,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateUser {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_email))]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<UserKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<UserRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub avatar_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateUser {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_email))]
    pub email: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<UserKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<UserRole>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub avatar_url: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// An API key. The `secret` is present only in the answer that creates the key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApiKey {
    pub object_name: String,
    pub id: ApiKeyId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// The acting user: join, leave and the `mine` view refer to this user.
    pub user_id: UserId,
    /// The business units this key is limited to; empty means all of them.
    pub business_unit_ids: Vec<BusinessUnitId>,
    /// The first characters of the secret, to tell keys apart.
    pub prefix: String,
    pub last_used_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateApiKey {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(min_items = 1))]
    pub scopes: Vec<Scope>,
    /// Defaults to the acting user of the key that creates it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateApiKey {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub name: Option<String>,
}

/// Where conversations come from: a web site, a phone number, a LINE account, ...
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Channel {
    pub object_name: String,
    pub id: ChannelId,
    pub organization_id: OrganizationId,
    pub business_unit_id: BusinessUnitId,
    #[serde(rename = "type")]
    pub channel_type: ChannelType,
    /// Unique per organization and type: `example.com`, `+14703298699`, a LINE id.
    pub identifier: String,
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateChannel {
    /// Defaults to the organization's first business unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit_id: Option<BusinessUnitId>,
    #[serde(rename = "type")]
    pub channel_type: ChannelType,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::identifier))]
    pub identifier: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateChannel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit_id: Option<BusinessUnitId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
}

/// An address of a party: `{type: "tel", target: "+14703298699", ...}` (seed 004).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Address {
    #[serde(rename = "type", default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::address_type))]
    pub address_type: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::address_target))]
    pub target: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::address_name))]
    pub target_name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::address_name))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::address_detail))]
    pub detail: String,
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Contact {
    pub object_name: String,
    pub id: ContactId,
    pub organization_id: OrganizationId,
    /// Your system's id for this customer; unique per organization.
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub image: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    pub addresses: Vec<Address>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// Filters of `GET /v1/contacts`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ContactQuery {
    /// Only the contact with this external id (a merged contact's finds the one it was merged
    /// into).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// Words that begin words of the name, email or external id (accents and case ignored),
    /// or the start of a phone number (spaces, `+`, `-` ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// `POST /v1/contacts/{id}/merge`: the other record of the same person, merged into this one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MergeContacts {
    pub from: ContactId,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::identifier_when_given))]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_email))]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_short_text))]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub addresses: Option<Vec<Address>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateContact {
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::identifier_when_given))]
    pub external_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_email))]
    pub email: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_short_text))]
    pub phone: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub image: Option<Option<String>>,
    /// Merged into the stored metadata; a key set to `null` is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub addresses: Option<Vec<Address>>,
}

/// A team member as shown inside a conversation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SimpleUser {
    pub id: UserId,
    pub name: String,
    pub kind: UserKind,
    pub avatar_url: Option<String>,
}
