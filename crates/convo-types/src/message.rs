//! Messages, search hits and video calls.

use serde::{Deserialize, Serialize};

use crate::wire_enum::wire_enum;
use crate::{
    AttachmentId, Conversation, ConversationId, JsonObject, MessageId, Timestamp, UserId,
    VideoCallId,
};

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

/// A file sent with a message: a stored attachment (`id`, uploaded with
/// `POST /v1/attachments`) or a file hosted elsewhere (only `url`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Attachment {
    /// The stored attachment; absent for a file hosted elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<AttachmentId>,
    /// Where the file is. For a stored attachment, a signed link that expires (within an
    /// hour by default) and needs no key, so a browser's `<img src>` can use it.
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
    /// A stored image's thumbnail (at most 320 pixels a side), signed like `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub thumbnail_url: Option<String>,
}

/// A file to send with a new message: `id` (a stored attachment of the organization), or
/// `url` with what is known of a file hosted elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewAttachment {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<AttachmentId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub url: Option<String>,
    /// With `url` only: a stored attachment has its own name, type and size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_identifier))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_mime_type))]
    pub mime_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub size: Option<i64>,
}

impl NewAttachment {
    /// A stored attachment, by id.
    pub fn stored(id: AttachmentId) -> Self {
        NewAttachment {
            id: Some(id),
            ..Default::default()
        }
    }

    /// A file hosted elsewhere.
    pub fn hosted(url: impl Into<String>) -> Self {
        NewAttachment {
            url: Some(url.into()),
            ..Default::default()
        }
    }
}

/// A stored file (`POST /v1/attachments`). Its type is read from its bytes; images have
/// `width` and `height`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StoredAttachment {
    pub object_name: String,
    pub id: AttachmentId,
    pub filename: String,
    pub content_type: String,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub width: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1))]
    pub height: Option<i64>,
    /// The bytes, signed like a message attachment's `url`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::http_url))]
    pub url: String,
    /// An image's thumbnail, signed likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub thumbnail_url: Option<String>,
    /// Used by no message yet: removed 24 hours after upload unless a message takes it.
    pub unused: bool,
    pub created_at: Timestamp,
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
    pub attachments: Option<Vec<NewAttachment>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::identifier_when_given))]
    pub external_id: Option<String>,
    /// Default `sent`; an integration that queues the message says `pending`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<MessageStatus>,
    /// People a note mentions (besides those written `@[Name](user:<id>)` in its content):
    /// each is notified; someone who cannot see the conversation is `422`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub mentions: Option<Vec<UserId>>,
    /// The stale-reply guard: the newest message the sender has seen. When a message from
    /// the contact or another team member came after it, the send is refused with
    /// `409 conversation_moved_on` naming the newer messages (unless `force`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after_message_id: Option<MessageId>,
    /// Send anyway: an AI agent's outgoing message while a human controls the conversation
    /// (otherwise `409 not_in_control`), or a message past `after_message_id`.
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
