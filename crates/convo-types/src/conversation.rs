//! Conversations and the requests that make and change them.

use serde::{Deserialize, Serialize};

use crate::wire_enum::wire_enum;
use crate::{
    double_option, Address, BusinessUnitId, ChannelId, ChannelType, ContactId, Control,
    ConversationId, Handoff, JsonObject, OrganizationId, Priority, SimpleUser, Timestamp, UserId,
};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

wire_enum!(
    /// `direct` (one customer) or `group` (seed 002; `DIRECT`/`GROUP` accepted).
    ConversationType { Direct = "direct" | "DIRECT", Group = "group" | "GROUP" }
);

wire_enum!(
    /// The support lifecycle (open ... closed) and the AI-agent run lifecycle (running ...
    /// cancelled, seed 003) share one field.
    Status {
        Open = "open",
        Pending = "pending",
        Snoozed = "snoozed",
        Resolved = "resolved",
        Closed = "closed",
        Running = "running",
        Paused = "paused",
        Completed = "completed",
        Failed = "failed",
        Cancelled = "cancelled",
    }
);

wire_enum!(
    /// The inbox views: `mine` (the acting user is in it), `unassigned` (no team member),
    /// `assigned` (at least one), `all`.
    View { Mine = "mine", Unassigned = "unassigned", Assigned = "assigned", All = "all" }
);

wire_enum!(
    /// List order: `recent` (latest activity first) or `oldest`.
    SortOrder { Recent = "recent", Oldest = "oldest" }
);

wire_enum!(
    /// Conversation list order: `recent` (latest activity first), `oldest`, `priority`
    /// (most urgent first, then latest activity), or `waiting_since` (the conversations
    /// waiting for a reply, who has waited longest first).
    ConversationOrder {
        Recent = "recent",
        Oldest = "oldest",
        Priority = "priority",
        WaitingSince = "waiting_since",
    }
);

impl From<SortOrder> for ConversationOrder {
    fn from(order: SortOrder) -> Self {
        match order {
            SortOrder::Recent => ConversationOrder::Recent,
            SortOrder::Oldest => ConversationOrder::Oldest,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConversationCounts {
    pub messages: i64,
    pub children: i64,
    /// Messages from the contact.
    #[serde(default)]
    pub incoming: i64,
}

/// Where a reader has read up to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadMarker {
    /// The last message read.
    pub message_id: crate::MessageId,
    pub read_at: Timestamp,
}

/// Who did something: a contact, a user, an AI agent or the system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Participant {
    #[serde(rename = "type")]
    pub participant_type: String,
    pub id: Option<String>,
}

/// The latest message of a conversation, as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LastMessage {
    pub id: crate::MessageId,
    pub message_type: crate::MessageType,
    pub sender: crate::Sender,
    /// The first 140 characters of the message.
    pub preview: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Conversation {
    pub object_name: String,
    pub id: ConversationId,
    /// Short, URL-safe and unguessable: the seeds' "public conversation ID".
    pub public_id: String,
    pub organization_id: OrganizationId,
    pub business_unit_id: BusinessUnitId,
    pub channel_id: Option<ChannelId>,
    pub channel_type: Option<ChannelType>,
    pub channel_ids: Vec<ChannelId>,
    pub contact_id: Option<ContactId>,
    #[serde(rename = "type")]
    pub conversation_type: ConversationType,
    pub status: Status,
    pub name: String,
    /// The same as `name`, for clients of seed 003.
    pub topic: String,
    pub detail: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub inputs: JsonObject,
    pub agent_id: Option<String>,
    pub assignment_id: Option<String>,
    pub owner_type: Option<String>,
    pub owner_id: Option<String>,
    pub dialog_id: Option<String>,
    #[serde(rename = "self")]
    pub self_address: Option<Address>,
    pub peer: Option<Address>,
    pub parent_id: Option<ConversationId>,
    pub snoozed_until: Option<Timestamp>,
    pub priority: Priority,
    /// Who answers it now.
    pub control: Control,
    /// A handoff to the team waiting to be accepted.
    pub handoff: Option<Handoff>,
    /// Its labels' names, sorted.
    pub labels: Vec<String>,
    pub users: Vec<SimpleUser>,
    /// Who has it open now (typing included); answered by `GET /v1/conversations/{id}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub viewers: Vec<SimpleUser>,
    /// Who is typing in it now; answered by `GET /v1/conversations/{id}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub typing: Vec<SimpleUser>,
    pub counts: ConversationCounts,
    pub last_message: Option<LastMessage>,
    /// When the team first answered (the first outgoing message).
    pub first_reply_at: Option<Timestamp>,
    /// Since the oldest incoming message not yet answered by an outgoing one; `null` when
    /// answered.
    pub waiting_since: Option<Timestamp>,
    /// When the contact last wrote (the latest incoming message).
    pub last_incoming_at: Option<Timestamp>,
    /// When the team last wrote to the contact (the latest outgoing message).
    pub last_outgoing_at: Option<Timestamp>,
    /// Incoming messages the key's acting user has not read; `null` in events and webhooks,
    /// which are not read as any one user.
    pub unread_count: Option<i64>,
    /// How far the contact has read (the "seen" receipts of a channel).
    pub contact_read: Option<ReadMarker>,
    /// Time of the latest message, or of creation when there is none.
    pub timestamp: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub deleted_at: Option<Timestamp>,
}

/// `POST /v1/conversations`: every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateConversation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_ids: Option<Vec<ChannelId>>,
    /// Alias: `customer_id`.
    #[serde(
        default,
        alias = "customer_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_id: Option<ContactId>,
    /// Alias: `tenant_unit_id`. Defaults to the channel's, else the organization's first.
    #[serde(
        default,
        alias = "tenant_unit_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub business_unit_id: Option<BusinessUnitId>,
    /// Must be the key's own organization when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<OrganizationId>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub conversation_type: Option<ConversationType>,
    /// Alias: `topic`.
    #[serde(default, alias = "topic", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_detail))]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Default `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub assignment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub inputs: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    /// Team members in the conversation from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub member_ids: Option<Vec<UserId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<ConversationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_short_text))]
    pub owner_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub dialog_id: Option<String>,
    #[serde(default, rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer: Option<Address>,
}

/// `PATCH /v1/conversations/{id}`: absent fields stay; `null` clears a nullable field.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateConversation {
    /// Alias: `topic`.
    #[serde(default, alias = "topic", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_detail))]
    pub detail: Option<String>,
    /// Merged into the stored metadata; a key set to `null` is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    /// Replaces the stored inputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub inputs: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Moves the conversation to another business unit of the organization (its channel
    /// stays): a transfer.
    #[serde(
        default,
        alias = "tenant_unit_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub business_unit_id: Option<BusinessUnitId>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ConversationId>))]
    pub parent_id: Option<Option<ConversationId>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub agent_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub assignment_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_short_text))]
    pub owner_type: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub owner_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub dialog_id: Option<Option<String>>,
    #[serde(
        default,
        rename = "self",
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Address>))]
    pub self_address: Option<Option<Address>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Address>))]
    pub peer: Option<Option<Address>>,
}

/// `PATCH /v1/conversations/{id}/status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateStatus {
    pub status: Status,
    /// Only with `snoozed`: when the conversation wakes up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<Timestamp>,
}

/// `GET /v1/conversations/views/count`: how many conversations each inbox view holds under
/// the list's filters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ViewsCount {
    pub object_name: String,
    pub mine: i64,
    pub unassigned: i64,
    pub assigned: i64,
    pub all: i64,
    /// Every status (the filtered ones, when filtered) with its count.
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// The acting user's conversations (those they are in) with incoming messages they have
    /// not read.
    pub unread: i64,
    /// With `view_ids`: each saved view's count (of its inbox view: `mine`, `unassigned`,
    /// `assigned` or all), by id.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub views: std::collections::BTreeMap<String, i64>,
}

/// `POST /v1/conversations/{id}/read`: moves a read horizon forward.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarkRead {
    /// The last message read; default the latest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<crate::MessageId>,
    /// The contact read it (a channel's "seen" receipt), not the acting user.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub contact: bool,
}

/// `POST /v1/conversations/{id}/members` (seed `assignTeamMember`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssignTeamMember {
    pub user_id: UserId,
}

/// The customer of a get-or-create call: found by `id`, else by `external_id` (made from these
/// fields when missing).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ContactId>,
    #[serde(default, alias = "externalId", skip_serializing_if = "Option::is_none")]
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
}

/// `POST /v1/conversations/get-or-create` (seed 002 `getOrCreateConversation`) and the body
/// of `POST /v1/conversations/{id}/sub-conversations`. At least one of `customer_id`,
/// `customer` or `member_ids` is required by get-or-create.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct GetOrCreateConversation {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub conversation_type: Option<ConversationType>,
    #[serde(default, alias = "topic", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, alias = "customerId", skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<ContactId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerRef>,
    #[serde(default, alias = "memberIds", skip_serializing_if = "Option::is_none")]
    pub member_ids: Option<Vec<UserId>>,
    #[serde(default, alias = "channelIds", skip_serializing_if = "Option::is_none")]
    pub channel_ids: Option<Vec<ChannelId>>,
    #[serde(
        default,
        alias = "channelIdentifier",
        skip_serializing_if = "Option::is_none"
    )]
    pub channel_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
}

/// Seed 003 (`POST /admin/api/v2/conversations`): an AI-agent run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WorkforceCreateConversation {
    /// Default "New Conversation".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub topic: Option<String>,
    /// Default `running`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<uuid::Uuid>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub inputs: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub assignment_id: Option<String>,
}

/// Seed 003 `PATCH /admin/api/v2/conversations/{id}` ("UpdateData": the topic).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WorkforceUpdateConversation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub topic: Option<String>,
}

/// Seed 003 `PATCH /admin/api/v2/conversations/{id}/status`: a run status, or `null` for no
/// change.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WorkforceUpdateStatus {
    #[serde(default)]
    pub status: Option<Status>,
}
