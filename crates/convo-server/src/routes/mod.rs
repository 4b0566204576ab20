//! The route table: one module per resource, one handler per endpoint. Handlers parse,
//! call one use case and answer; the OpenAPI document comes from the same annotations.

use serde::Deserialize;
use utoipa::IntoParams;

#[macro_use]
mod directory;

pub mod api_keys;
pub mod attachments;
pub mod audit_log;
pub mod bulk;
pub mod business_units;
pub mod canned_responses;
pub mod channels;
pub mod compat;
pub mod contacts;
pub mod conversations;
pub mod docs;
pub mod drafts;
pub mod events;
pub mod handoff;
pub mod health;
pub mod inbox;
pub mod invitations;
pub mod labels;
pub mod live;
pub mod messages;
pub mod oidc;
pub mod organizations;
pub mod password_resets;
pub mod reads;
pub mod search;
pub mod sessions;
pub mod stream;
pub mod team;
pub mod threads;
pub mod users;
pub mod views;
pub mod webhooks;

/// Paging of every list: `limit` with `cursor` (keyset, stable under inserts), or `skip`,
/// or `page_num`/`page` with `page_size` (offsets: deep pages cost more).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page. One paging style at a time: `cursor`, `skip` or
    /// `page_num`.
    pub cursor: Option<String>,
    /// Rows to skip (offset paging).
    #[param(minimum = 0)]
    pub skip: Option<i64>,
    /// 1-based page number (seed 003); with `page_size`.
    #[param(minimum = 1, maximum = 92233720368547758_i64)]
    pub page_num: Option<i64>,
    /// Alias of `page_num`.
    #[param(minimum = 1, maximum = 92233720368547758_i64)]
    pub page: Option<i64>,
    /// Rows per page with `page_num`/`page`: 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
    /// Add `total` (the count of every matching row) to the answer.
    #[serde(default)]
    pub include_total: bool,
}

impl From<PageQuery> for convo_core::paging::PagingParams {
    fn from(q: PageQuery) -> Self {
        convo_core::paging::PagingParams {
            limit: q.limit,
            cursor: q.cursor,
            skip: q.skip,
            page_num: q.page_num.or(q.page),
            page_size: q.page_size,
            include_total: q.include_total,
        }
    }
}
