//! The query strings of lists: paging (the conversation filters are `convo_types`'s).

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
