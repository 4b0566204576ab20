//! Messages, search hits and video calls.

use serde::{Deserialize, Serialize};

use crate::wire_enum::wire_enum;
use crate::{Conversation, ConversationId, JsonObject, MessageId, Timestamp, UserId, VideoCallId};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

wire_enum!(
    /// `incoming` (from the customer), `outgoing` (to the customer), `note` (internal),
    /// `activity` (something that happened, such as a video call).
    MessageType { Incoming = "incoming", Outgoing = "outgoing", Note = "note", Activity = "activity" }
);

wire_enum!(
    /// How `content` is written.
    ContentType { Text = "text", Markdown = "markdown" }
);

wire_enum!(
    /// Who sent a message.
    SenderType { Contact = "contact", User = "user", AiAgent = "ai_agent", System = "system" }
);

wire_enum!(
    /// Where a message is on its way to the recipient: `pending` (queued), `sent`,
    /// `delivered`, `read`, or `failed` (see `error`). It only moves forward in that order,
    /// except to `failed`, which is final.
    MessageStatus {
        Pending = "pending",
        Sent = "sent",
        Delivered = "delivered",
        Read = "read",
        Failed = "failed",
    }
);

/// Why a message could not be delivered, as the channel reported it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessageError {
    /// The channel's own error code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub code: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::detail))]
    pub message: String,
}

/// The sender of a message. `id` is a contact's or a user's id; none for `system`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Sender {
    #[serde(rename = "type")]
    pub sender_type: SenderType,
    #[serde(default)]
    pub id: Option<String>,
}

/// A file sent with a message: stored as metadata, the file itself lives at `url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Attachment {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::http_url))]
    pub url: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_mime_type))]
    pub mime_type: Option<String>,
    /// Bytes: 0 or more (a signed 64-bit number, as every client runtime can hold it).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub size: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Message {
    pub object_name: String,
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub message_type: MessageType,
    pub sender: Sender,
    pub content: String,
    pub content_type: ContentType,
    pub attachments: Vec<Attachment>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    /// Your system's id for this message; a repeat within the conversation answers the first.
    pub external_id: Option<String>,
    /// Delivery, as the channel integration reports it; `sent` unless given.
    pub status: MessageStatus,
    /// Set with `failed`.
    pub error: Option<MessageError>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// `POST /v1/conversations/{id}/messages`: needs `content` that is not blank, or at least
/// one attachment.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateMessage {
    /// Defaults from the sender: `incoming` from a contact, `outgoing` from a user or AI agent,
    /// `activity` from the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<MessageType>,
    /// Defaults to the conversation's contact for `incoming`, else the key's acting user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<Sender>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::content))]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<ContentType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub attachments: Option<Vec<Attachment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::identifier_when_given))]
    pub external_id: Option<String>,
    /// Default `sent`; an integration that queues the message says `pending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MessageStatus>,
    /// Send an AI agent's outgoing message even while a human controls the conversation
    /// (otherwise `409 not_in_control`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub force: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateMessage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_content))]
    pub content: Option<String>,
    /// Merged into the stored metadata; a key set to `null` is removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    /// A delivery receipt: moves `status` forward (an older receipt arriving late changes
    /// nothing); `failed` needs `error`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MessageStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<MessageError>,
}

/// Where a search matched, with the match marked `<mark>…</mark>` in a snippet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Highlight {
    /// `name`, `detail`, `contact.name`, `contact.email`, `contact.phone`,
    /// `contact.external_id` or `message`.
    pub field: String,
    pub message_id: Option<MessageId>,
    pub snippet: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SearchInfo {
    /// Higher is better.
    pub score: f64,
    pub highlights: Vec<Highlight>,
}

/// A conversation found by search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SearchHit {
    #[serde(flatten)]
    pub conversation: Conversation,
    pub search: SearchInfo,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VideoCall {
    pub object_name: String,
    pub id: VideoCallId,
    pub conversation_id: ConversationId,
    /// Unguessable: the room is the only secret of the call.
    pub room: String,
    pub join_url: String,
    pub started_by: UserId,
    pub started_at: Timestamp,
}

/// Answer of `POST /v1/conversations/{id}/video-call` (seed `initVideoCall`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VideoCallStarted {
    pub video_call: VideoCall,
    pub conversation: Conversation,
}
