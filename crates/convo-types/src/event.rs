use serde::{Deserialize, Serialize};

use crate::{ConversationId, Participant, Timestamp};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

crate::wire_enum::wire_enum!(
    /// What happened.
    EventType {
        ConversationCreated = "conversation.created",
        ConversationUpdated = "conversation.updated",
        ConversationStatusChanged = "conversation.status_changed",
        ConversationMemberAdded = "conversation.member_added",
        ConversationMemberRemoved = "conversation.member_removed",
        ConversationDeleted = "conversation.deleted",
        ConversationLabelsChanged = "conversation.labels_changed",
        ConversationHandoffRequested = "conversation.handoff_requested",
        ConversationControlChanged = "conversation.control_changed",
        ConversationTransferred = "conversation.transferred",
        ConversationReadByContact = "conversation.read_by_contact",
        MessageCreated = "message.created",
        MessageUpdated = "message.updated",
        MessageStatusChanged = "message.status_changed",
        MessageDeleted = "message.deleted",
        VideoCallStarted = "video_call.started",
        ContactMerged = "contact.merged",
    }
);

/// A recorded change. `id` increases within the organization, in commit order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Event {
    pub object_name: String,
    pub id: i64,
    #[serde(rename = "type")]
    pub event_type: EventType,
    pub actor: Participant,
    pub conversation_id: Option<ConversationId>,
    /// The object after the change.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    /// What the change moved, `{"field": {"from", "to"}}`: `business_unit_id` for
    /// `conversation.transferred`, `contact_id` for `contact.merged`; else `null`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub changes: Option<serde_json::Value>,
    pub created_at: Timestamp,
}
