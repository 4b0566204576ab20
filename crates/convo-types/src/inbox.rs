//! How an inbox sorts and hands over conversations: priority, who is in control (an AI agent
//! or a human) with the handoffs between them, and labels.

use serde::{Deserialize, Serialize};

use crate::wire_enum::wire_enum;
use crate::{JsonObject, LabelId, Timestamp, UserId};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

wire_enum!(
    /// How urgent a conversation is, from `none` (the default) to `urgent`.
    Priority { None = "none", Low = "low", Medium = "medium", High = "high", Urgent = "urgent" }
);

// `wire_enum!` declares the enum, so `#[derive(Default)]` cannot be put on it.
#[allow(clippy::derivable_impls)]
impl Default for Priority {
    fn default() -> Self {
        Priority::None
    }
}

impl Priority {
    /// Its place in `order=priority` (higher first), as stored.
    pub const fn rank(self) -> i64 {
        match self {
            Priority::None => 0,
            Priority::Low => 1,
            Priority::Medium => 2,
            Priority::High => 3,
            Priority::Urgent => 4,
        }
    }

    pub fn from_rank(rank: i64) -> Option<Self> {
        Priority::ALL.iter().copied().find(|p| p.rank() == rank)
    }
}

wire_enum!(
    /// Who answers the conversation now: an AI agent, a human, or nobody (a handoff to the
    /// team waiting to be accepted, or never taken).
    ControlType { AiAgent = "ai_agent", Human = "human", None = "none" }
);

#[allow(clippy::derivable_impls)]
impl Default for ControlType {
    fn default() -> Self {
        ControlType::None
    }
}

/// One side of a handoff: a kind of answerer and, for a named one, the user (a team member or
/// an AI agent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ControlParty {
    #[serde(rename = "type")]
    pub control_type: ControlType,
    #[serde(default)]
    pub id: Option<UserId>,
}

/// Who is in control of a conversation, since when, and how it got there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Control {
    #[serde(rename = "type")]
    pub control_type: ControlType,
    /// The user in control (a team member or an AI agent); none when `type` is `none`.
    pub id: Option<UserId>,
    /// When control last changed; none when it never did.
    pub since: Option<Timestamp>,
    /// Who had control before.
    pub from: Option<ControlParty>,
    /// Why control last changed, as the handoff said.
    pub reason: Option<String>,
}

/// A handoff to the team, waiting until a human accepts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Handoff {
    pub to: ControlParty,
    pub from: ControlParty,
    pub reason: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metadata: JsonObject,
    pub requested_at: Timestamp,
}

/// `POST /v1/conversations/{id}/handoff`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HandoffRequest {
    /// `{"type": "human"}` hands to the team (pending until accepted); with an `id`, to that
    /// person at once. `{"type": "ai_agent"}` hands to that AI agent (default: the
    /// conversation's AI-agent member). `{"type": "none"}` releases control.
    pub to: ControlParty,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_detail))]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub metadata: Option<JsonObject>,
}

/// An organization-wide label that conversations carry by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Label {
    pub object_name: String,
    pub id: LabelId,
    /// Unique in the organization, ignoring case.
    pub name: String,
    /// `#rrggbb`.
    pub color: String,
    pub description: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// `POST /v1/labels`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateLabel {
    /// 1 to 64 characters, no commas (filters list labels comma-separated).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::label_name))]
    pub name: String,
    /// `#rrggbb`; default `#808080`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_color))]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_detail))]
    pub description: Option<String>,
}

/// `PATCH /v1/labels/{id}`: renaming keeps the label on its conversations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateLabel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::label_name_when_given))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_color))]
    pub color: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_detail))]
    pub description: Option<String>,
}

/// `POST /v1/conversations/{id}/labels`: label names, each an existing label.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AddLabels {
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub labels: Vec<String>,
}
