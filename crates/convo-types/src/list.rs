use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// One page of a list. `next_cursor` fetches the next page; `total` is present only when
/// `include_total=true` was asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct List<T> {
    pub object_name: String,
    pub data: Vec<T>,
    pub has_more: bool,
    pub next_cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<u64>,
}

impl<T> List<T> {
    pub fn new(
        data: Vec<T>,
        has_more: bool,
        next_cursor: Option<String>,
        total: Option<u64>,
    ) -> Self {
        Self {
            object_name: "list".to_owned(),
            data,
            has_more,
            next_cursor,
            total,
        }
    }
}
