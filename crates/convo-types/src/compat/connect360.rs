//! Connect360's conversation procedures' inputs and answers, with their camelCase names
//! (`customerId`, `parentId`, `nextCursor`, `_count`), as its tRPC clients send and read them.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{
    ChannelId, ContactId, Conversation, ConversationId, ConversationType, CustomerRef,
    GetOrCreateConversation, JsonObject, MessageId, MessageType, SimpleUser, Status, Timestamp,
    UserId, UserKind,
};

/// `"DIRECT"` or `"GROUP"`, as Connect360 writes a conversation's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum Connect360Type {
    #[serde(rename = "DIRECT", alias = "direct")]
    Direct,
    #[serde(rename = "GROUP", alias = "group")]
    Group,
}

impl From<Connect360Type> for ConversationType {
    fn from(t: Connect360Type) -> Self {
        match t {
            Connect360Type::Direct => ConversationType::Direct,
            Connect360Type::Group => ConversationType::Group,
        }
    }
}

impl From<ConversationType> for Connect360Type {
    fn from(t: ConversationType) -> Self {
        match t {
            ConversationType::Direct => Connect360Type::Direct,
            ConversationType::Group => Connect360Type::Group,
        }
    }
}

/// The customer of `getOrCreateConversation`: found by `id`, else by `externalId` (made from
/// these fields when missing).
#[derive(Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360CustomerInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<ContactId>,
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
}

/// `getOrCreateConversation`'s input (and `createSubConversation`'s, with `parentId`). At
/// least one of `customerId`, `customer` or `memberIds` is required by get-or-create.
#[derive(Debug, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360ConversationInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub conversation_type: Option<Connect360Type>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<ContactId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<Connect360CustomerInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_ids: Option<Vec<UserId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_ids: Option<Vec<ChannelId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub channel_identifier: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
}

impl From<Connect360ConversationInput> for GetOrCreateConversation {
    fn from(c: Connect360ConversationInput) -> Self {
        GetOrCreateConversation {
            conversation_type: c.conversation_type.map(Into::into),
            name: c.name,
            customer_id: c.customer_id,
            customer: c.customer.map(|k| CustomerRef {
                id: k.id,
                external_id: k.external_id,
                name: k.name,
                email: k.email,
                phone: k.phone,
                image: k.image,
                metadata: k.metadata,
            }),
            member_ids: c.member_ids,
            channel_ids: c.channel_ids,
            channel_identifier: c.channel_identifier,
            metadata: c.metadata,
        }
    }
}

/// `createSubConversation`'s input: a conversation under `parentId`, which inherits the
/// parent's channels unless `channelIds` or `channelIdentifier` are given.
#[derive(Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360SubConversationInput {
    pub parent_id: ConversationId,
    #[serde(flatten)]
    pub conversation: Connect360ConversationInput,
}

/// `updateConversation`'s input: `metadata` is merged into the stored metadata (a key set to
/// `null` is removed); `parentId: null` makes it top-level.
#[derive(Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360UpdateInput {
    pub id: ConversationId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_name))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    #[serde(
        default,
        deserialize_with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<ConversationId>))]
    pub parent_id: Option<Option<ConversationId>>,
}

/// `getConversation`'s and `deleteConversation`'s input.
#[derive(Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Connect360IdInput {
    pub id: ConversationId,
}

/// `listSubConversations`'s input: `cursor` is the `nextCursor` of the previous page.
#[derive(Debug, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360ListInput {
    pub parent_id: ConversationId,
    /// 1 to 100; default 20.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub limit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub cursor: Option<i64>,
}

/// A conversation as Connect360 answers it.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360Conversation {
    pub id: ConversationId,
    pub name: String,
    #[serde(rename = "type")]
    pub conversation_type: Connect360Type,
    pub status: Status,
    pub parent_id: Option<ConversationId>,
    pub customer_id: Option<ContactId>,
    pub channel_ids: Vec<ChannelId>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    /// The latest message, when there is one (lists never carry whole histories).
    pub messages: Vec<Connect360Message>,
    /// The team members in it: people and AI agents (the key's acting user among them).
    pub participants: Vec<Connect360Participant>,
    #[serde(rename = "_count")]
    pub count: Connect360Count,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360Message {
    pub id: MessageId,
    pub message_type: MessageType,
    /// The first 140 characters.
    pub preview: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360Participant {
    pub id: UserId,
    pub name: String,
    pub kind: UserKind,
    pub avatar_url: Option<String>,
}

impl From<SimpleUser> for Connect360Participant {
    fn from(u: SimpleUser) -> Self {
        Connect360Participant {
            id: u.id,
            name: u.name,
            kind: u.kind,
            avatar_url: u.avatar_url,
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Connect360Count {
    pub children: i64,
    pub messages: i64,
}

impl From<Conversation> for Connect360Conversation {
    fn from(c: Conversation) -> Self {
        Connect360Conversation {
            id: c.id,
            name: c.name,
            conversation_type: c.conversation_type.into(),
            status: c.status,
            parent_id: c.parent_id,
            customer_id: c.contact_id,
            channel_ids: c.channel_ids,
            metadata: c.metadata,
            messages: c
                .last_message
                .into_iter()
                .map(|m| Connect360Message {
                    id: m.id,
                    message_type: m.message_type,
                    preview: m.preview,
                    created_at: m.created_at,
                })
                .collect(),
            participants: c.users.into_iter().map(Into::into).collect(),
            count: Connect360Count {
                children: c.counts.children,
                messages: c.counts.messages,
            },
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// `listSubConversations`: oldest first; `nextCursor` is `null` on the last page.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Connect360Page {
    pub items: Vec<Connect360Conversation>,
    pub next_cursor: Option<i64>,
}

/// `deleteConversation`: soft, as the REST API's default.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Connect360Deleted {
    pub id: ConversationId,
    pub deleted: bool,
}
