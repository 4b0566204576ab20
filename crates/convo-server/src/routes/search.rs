//! Seed `search` and `initVideoCall`.

use axum::extract::State;
use convo_core::usecases::{conversations, messages, reads, search};
use convo_types::{BusinessUnitId, ConversationId, List, SearchHit, VideoCallStarted};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Path, Query};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search_conversations))
        .routes(routes!(init_video_call))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to find, in any language; all must match. Vietnamese with or without
    /// diacritics, Chinese in simplified or traditional characters, phone numbers with or
    /// without spaces and `+`.
    #[serde(default)]
    pub q: String,
    /// Only this business unit.
    pub business_unit_id: Option<BusinessUnitId>,
    /// 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Priorities, repeated or comma-separated (`priority=high,urgent`).
    #[serde(default, deserialize_with = "convo_types::deserialize_listed")]
    pub priority: Vec<convo_types::Priority>,
    /// Who is in control: `ai_agent`, `human` or `none`.
    pub control_type: Option<convo_types::ControlType>,
    /// Only conversations with (`true`) or without (`false`) a handoff waiting.
    pub handoff_pending: Option<bool>,
    /// Label names the conversation carries all of, comma-separated.
    pub labels: Option<String>,
    /// Label names the conversation carries at least one of, comma-separated.
    pub labels_any: Option<String>,
}

/// Seed `search`: full text over conversation names and details, contacts (name, email, phone,
/// external id) and message content, ranked, with highlights; filtered by the inbox filters
/// of the list (priority, control, pending handoff, labels).
#[utoipa::path(get, path = "/v1/conversations/search", operation_id = "searchConversations", tag = "conversations", params(SearchQuery), responses(
    (status = 200, body = List<SearchHit>),
    (status = 422, body = convo_types::Problem),
))]
pub async fn search_conversations(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<SearchQuery>,
) -> ApiResult<axum::Json<List<SearchHit>>> {
    let inbox = conversations::inbox_filter(
        q.priority,
        q.control_type,
        q.handoff_pending,
        q.labels.as_deref(),
        q.labels_any.as_deref(),
    )?;
    let found = search::search(
        state.store.as_ref(),
        &caller,
        &q.q,
        q.business_unit_id,
        inbox,
        q.limit,
        q.cursor.as_deref(),
    )
    .await?;
    Ok(axum::Json(found))
}

/// Seed `initVideoCall`: starts a call in an unguessable room; the join URL comes from
/// `CONVO_VIDEO_URL_TEMPLATE`, and an activity message records it.
#[utoipa::path(post, path = "/v1/conversations/{id}/video-call", operation_id = "initVideoCall", tag = "conversations", params(("id" = ConversationId, Path)), responses(
    (status = 200, body = VideoCallStarted),
    (status = 404, body = convo_types::Problem),
))]
pub async fn init_video_call(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<axum::Json<VideoCallStarted>> {
    let template = &state.settings.video_url_template;
    let mut started =
        messages::init_video_call(state.store.as_ref(), &caller, id, template).await?;
    reads::show_unread(state.store.as_ref(), &caller, [&mut started.conversation]).await?;
    Ok(axum::Json(started))
}
