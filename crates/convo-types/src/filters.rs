//! The filters of the conversation list and of the views count, as the query string carries
//! them: typed once here, for the server, the SDK, the CLI and the rules.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{
    BusinessUnitId, ChannelId, ChannelType, ContactId, ControlType, ConversationId,
    ConversationOrder, Priority, Status, View,
};

/// Seed 000's `type` filter: a status (`open`, ...) or a view (`mine`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusOrView {
    Status(Status),
    View(View),
}

impl StatusOrView {
    pub const fn as_str(self) -> &'static str {
        match self {
            StatusOrView::Status(s) => s.as_str(),
            StatusOrView::View(v) => v.as_str(),
        }
    }

    fn all() -> impl Iterator<Item = &'static str> {
        Status::ALL
            .iter()
            .map(|s| s.as_str())
            .chain(View::ALL.iter().map(|v| v.as_str()))
    }
}

impl std::str::FromStr for StatusOrView {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        View::parse(text)
            .map(StatusOrView::View)
            .or_else(|| Status::parse(text).map(StatusOrView::Status))
            .ok_or_else(|| {
                let all: Vec<&str> = StatusOrView::all().collect();
                format!(
                    "`{text}` is not a status or view; one of: {}",
                    all.join(", ")
                )
            })
    }
}

impl std::fmt::Display for StatusOrView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for StatusOrView {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StatusOrView {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for StatusOrView {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(StatusOrView::all()))
            .description(Some(
                "A status (`open`, ...) or an inbox view (`mine`, ...).",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for StatusOrView {}

/// Filters of `GET /v1/conversations` and `GET /v1/conversations/views/count`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ConversationFilters {
    /// Seed 000's filter: a status (`open`, ...) or a view name (`mine`, ...).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_or_view: Option<StatusOrView>,
    /// One status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Several statuses: repeated (`statuses=open&statuses=pending`) or comma-separated.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "comma_joined",
        deserialize_with = "deserialize_statuses"
    )]
    pub statuses: Vec<Status>,
    /// `mine` (the key's acting user is in it), `unassigned`, `assigned` or `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<View>,
    /// Alias: `tenant_unit_id`.
    #[serde(
        default,
        alias = "tenant_unit_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub business_unit_id: Option<BusinessUnitId>,
    /// The conversation's first channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<ChannelType>,
    /// Alias: `customer_id`.
    #[serde(
        default,
        alias = "customer_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_id: Option<ContactId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    /// Only the sub-conversations of this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<ConversationId>,
    /// Only conversations without a parent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_level: Option<bool>,
    /// Priorities, repeated or comma-separated (`priority=high,urgent`).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "comma_joined",
        deserialize_with = "deserialize_listed"
    )]
    pub priority: Vec<Priority>,
    /// Who is in control: `ai_agent`, `human` or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_type: Option<ControlType>,
    /// Only conversations with (`true`) or without (`false`) a handoff waiting to be accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff_pending: Option<bool>,
    /// Only conversations waiting for a reply (`true`: an incoming message is unanswered) or
    /// not (`false`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting: Option<bool>,
    /// Only conversations with incoming messages the key's acting user has not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unread: Option<bool>,
    /// Label names the conversation carries all of, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<String>,
    /// Label names the conversation carries at least one of, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels_any: Option<String>,
    /// Text that the name, detail, or the contact's name, email, phone or external id contains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// `recent` (latest activity first, the default), `oldest`, `priority` or
    /// `waiting_since` (only conversations waiting for a reply, longest wait first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<ConversationOrder>,
    /// A saved view (`/v1/views`): its filters apply, under any named here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_id: Option<crate::SavedViewId>,
}

impl ConversationFilters {
    /// Only conversations in one of `statuses`.
    pub fn statuses(statuses: &[Status]) -> Self {
        ConversationFilters {
            statuses: statuses.to_vec(),
            ..Default::default()
        }
    }
}

/// Sent comma-separated, so every query-string encoder can write it.
fn comma_joined<T: std::fmt::Display, S: Serializer>(
    values: &[T],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
    serializer.serialize_str(&joined.join(","))
}

/// Repeated keys, comma-separated values, or both: `statuses` of the lists.
pub fn deserialize_statuses<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<Status>, D::Error> {
    deserialize_listed(deserializer)
}

/// Repeated keys, comma-separated values, or both, each one of an enum's wire names.
pub fn deserialize_listed<'de, T, D>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    T: std::str::FromStr<Err = String>,
    D: Deserializer<'de>,
{
    let values = Vec::<String>::deserialize(deserializer)?;
    let mut listed = Vec::new();
    for text in values.iter().flat_map(|v| v.split(',')).map(str::trim) {
        listed.push(text.parse().map_err(serde::de::Error::custom)?);
    }
    Ok(listed)
}

/// Filters of `GET /v1/conversations/{id}/messages`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct MessageFilters {
    /// `oldest` (the default) or `recent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<crate::SortOrder>,
    /// Only messages with this delivery status (`status=failed&message_type=outgoing`: what
    /// did not reach the customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<crate::MessageStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_type: Option<crate::MessageType>,
}
