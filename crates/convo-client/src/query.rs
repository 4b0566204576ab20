//! The query strings of lists: paging and conversation filters.

use convo_types::{BusinessUnitId, ChannelId, ContactId, ConversationId, Status};
use serde::Serialize;

/// Paging of every list: `limit` with `cursor`, or `skip`, or `page_num` + `page_size`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Page {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_num: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_size: Option<u32>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub include_total: bool,
}

/// Filters of `conversations().list()`. Seed 000's `type` is `type_or_view`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConversationFilters {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_or_view: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
    /// Sent comma-separated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statuses: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub view: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_unit_id: Option<BusinessUnitId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_id: Option<ChannelId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<ContactId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<ConversationId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_level: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

impl ConversationFilters {
    pub fn statuses(list: &[Status]) -> Self {
        let joined = list
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(",");
        ConversationFilters {
            statuses: Some(joined),
            ..Default::default()
        }
    }
}

/// A query of no parameters.
pub(crate) const NO_QUERY: [(&str, &str); 0] = [];

/// `after`/`limit` of event lists.
#[derive(Serialize)]
pub(crate) struct EventQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) after: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) limit: Option<u32>,
}
