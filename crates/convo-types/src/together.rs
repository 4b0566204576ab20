//! Working together: drafts, canned responses, saved views and bulk actions.

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

use crate::{
    BusinessUnitId, CannedResponseId, Conversation, ConversationId, JsonObject, MessageType,
    Priority, Problem, SavedViewId, Status, Timestamp, UserId,
};

/// What a person has started writing in a conversation: one per person and conversation,
/// cleared when they send a message of its type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Draft {
    pub object_name: String,
    pub conversation_id: ConversationId,
    pub user_id: UserId,
    /// `outgoing` (a reply) or `note`.
    pub message_type: MessageType,
    pub content: String,
    pub updated_at: Timestamp,
}

/// `PUT /v1/conversations/{id}/draft`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SaveDraft {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::content))]
    pub content: String,
    /// `outgoing` (the default) or `note`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<MessageType>,
}

/// A reply kept for reuse, found by its short code (typed after `/`) or its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CannedResponse {
    pub object_name: String,
    pub id: CannedResponseId,
    /// Unique in the organization, ignoring case.
    pub short_code: String,
    pub title: String,
    /// May hold `{{contact.name}}`, `{{contact.email}}`, `{{agent.name}}` and
    /// `{{conversation.id}}`, filled in by `render`.
    pub content: String,
    /// Offered only to people of this unit.
    pub business_unit_id: Option<BusinessUnitId>,
    /// A personal one: offered only to this user.
    pub user_id: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// `POST /v1/canned-responses`: organization-wide, for one business unit, or personal
/// (`user_id`: the acting user's own; only an admin makes shared ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateCannedResponse {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::short_code))]
    pub short_code: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub title: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::content))]
    pub content: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_unit_id: Option<BusinessUnitId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
}

/// `PATCH /v1/canned-responses/{id}`: absent fields stay; the scope stays.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateCannedResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::short_code_when_given))]
    pub short_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_content))]
    pub content: Option<String>,
}

/// `GET /v1/canned-responses`: `q` matches the start of the short code (a leading `/` is
/// ignored) or whole words of the title and content.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CannedResponseQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
}

/// `POST /v1/canned-responses/{id}/render`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RenderCannedResponse {
    pub conversation_id: ConversationId,
}

/// A canned response filled in for one conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RenderedCannedResponse {
    pub object_name: String,
    pub content: String,
    /// Variables the content names that are unknown or have no value here: left in the
    /// content as written, never blanked.
    pub unresolved: Vec<String>,
}

/// A named set of the conversation list's filters, the acting user's own or shared with the
/// organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SavedView {
    pub object_name: String,
    pub id: SavedViewId,
    pub name: String,
    /// The list's query filters (`GET /v1/conversations`) as an object, e.g.
    /// `{"status": "open", "labels": "vip", "priority": "high,urgent"}`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub filters: JsonObject,
    /// Shared with the organization (made by an admin), or only its owner's.
    pub shared: bool,
    pub user_id: UserId,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// `GET /v1/conversations/views/count`: saved views to count too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SavedViewCounts {
    /// Saved view ids, comma-separated (at most 100): each counted under its own filters,
    /// in `views`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_ids: Option<String>,
}

/// `POST /v1/views`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateSavedView {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name: String,
    /// The list's query filters as an object; an unknown one is `422`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub filters: JsonObject,
    /// Only an admin shares a view.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub shared: bool,
}

/// `PATCH /v1/views/{id}`: absent fields stay; `filters` replaces the stored ones.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateSavedView {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub filters: Option<JsonObject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<bool>,
}

/// `POST /v1/conversations/bulk`: one change for up to 100 conversations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkUpdate {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub ids: Vec<ConversationId>,
    pub set: BulkChange,
}

/// What a bulk action changes in each conversation, as the single-conversation calls would.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// With `status: snoozed`: when the conversations wake up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snoozed_until: Option<Timestamp>,
    /// Adds this user to each conversation's team (assigns it to them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee_id: Option<UserId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// Label names to put on (each must exist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub labels_add: Option<Vec<String>>,
    /// Label names to take off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub labels_remove: Option<Vec<String>>,
}

/// The answer of a bulk action: one result per id, in the order sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkResults {
    pub object_name: String,
    pub results: Vec<BulkResult>,
}

/// One conversation's outcome: `200` with the conversation as it is now, or the error the
/// single-conversation call would have answered (`404`, `409`, `422`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BulkResult {
    pub id: ConversationId,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation: Option<Box<Conversation>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Problem>,
}

crate::wire_enum::wire_enum!(
    /// What a person is doing in a conversation: `idle` ends what they said before.
    Activity { Typing = "typing", Viewing = "viewing", Idle = "idle" }
);

crate::wire_enum::wire_enum!(
    /// Whether a person is there to answer.
    Presence { Online = "online", Away = "away", Busy = "busy", Offline = "offline" }
);

/// `POST /v1/conversations/{id}/activity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportActivity {
    pub activity: Activity,
}

/// `conversation.activity` on the stream: who is typing in or viewing a conversation, until
/// `expires_at` unless said again. Never in the event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ActivityReport {
    pub conversation_id: ConversationId,
    pub user: crate::SimpleUser,
    pub activity: Activity,
    pub expires_at: Timestamp,
}

/// `PUT /v1/me/presence`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetPresence {
    /// `online` lets an open stream decide again; `away`, `busy` and `offline` hold while the
    /// person is connected.
    pub status: Presence,
}

/// A live signal on `GET /v1/events/stream`: `conversation.activity`,
/// `user.presence_changed` or `notification.created`. Signals have no id and are not in
/// the event log: a client that missed one reads the state again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Signal {
    pub object_name: String,
    #[serde(rename = "type")]
    pub signal_type: String,
    pub conversation_id: Option<ConversationId>,
    /// An `ActivityReport`, a `User` or a `Notification`.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    pub created_at: Timestamp,
}

crate::wire_enum::wire_enum!(
    /// Why a person is notified.
    NotificationType {
        Mention = "mention",
        Assigned = "assigned",
        HandoffRequested = "handoff_requested",
        MessageInAssigned = "message_in_assigned",
    }
);

/// Something a person should look at, shown to them alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Notification {
    pub object_name: String,
    pub id: crate::NotificationId,
    #[serde(rename = "type")]
    pub notification_type: NotificationType,
    pub conversation_id: ConversationId,
    pub message_id: Option<crate::MessageId>,
    /// Who caused it.
    pub actor: crate::Participant,
    pub read_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

/// `GET /v1/me/notifications`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct NotificationQuery {
    /// Only those not read yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<bool>,
}

/// `POST /v1/me/notifications/read`: some (`ids`) or every one (`all`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReadNotifications {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub ids: Option<Vec<crate::NotificationId>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
}

/// What marking notifications read left.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationsRead {
    pub object_name: String,
    /// How many were marked read now.
    pub read: i64,
    /// How many are still unread.
    pub unread: i64,
}

/// Which notifications a person gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NotificationSettings {
    pub object_name: String,
    pub mention: bool,
    pub assigned: bool,
    pub handoff_requested: bool,
    /// New customer messages in conversations they are in; off unless turned on.
    pub message_in_assigned: bool,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            object_name: "notification_settings".into(),
            mention: true,
            assigned: true,
            handoff_requested: true,
            message_in_assigned: false,
        }
    }
}

impl NotificationSettings {
    pub fn wants(&self, notification_type: NotificationType) -> bool {
        match notification_type {
            NotificationType::Mention => self.mention,
            NotificationType::Assigned => self.assigned,
            NotificationType::HandoffRequested => self.handoff_requested,
            NotificationType::MessageInAssigned => self.message_in_assigned,
        }
    }
}

/// `PATCH /v1/me/notification-settings`: absent types stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateNotificationSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mention: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff_requested: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_in_assigned: Option<bool>,
}

/// `GET /v1/users` filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct UserFilters {
    /// Only people showing this presence (`online` to see who is there to answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence: Option<Presence>,
}
