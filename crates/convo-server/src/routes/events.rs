use axum::extract::State;
use convo_core::usecases::events;
use convo_types::{ConversationId, Event, List};
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
        .routes(routes!(list))
        .routes(routes!(list_for_conversation))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// Only events with a larger id.
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// The `next_cursor` of the previous page: the same as `after`, as the text lists carry.
    #[param(pattern = "^[0-9]{1,18}$")]
    pub cursor: Option<String>,
    /// 1 to 100; default 100.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
}

impl EventQuery {
    fn start(&self) -> convo_core::Result<Option<i64>> {
        events::start_after(self.after, self.cursor.as_deref())
    }
}

/// Every event of the organization (within the key's business units), oldest first.
#[utoipa::path(get, path = "/v1/events", operation_id = "listEvents", tag = "events", params(EventQuery), responses((status = 200, body = List<Event>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<EventQuery>,
) -> ApiResult<axum::Json<List<Event>>> {
    let list = events::list(state.store.as_ref(), &caller, None, q.start()?, q.limit).await?;
    Ok(axum::Json(state.signed_events(list)))
}

/// A conversation's activity log, oldest first.
#[utoipa::path(get, path = "/v1/conversations/{id}/events", operation_id = "listConversationEvents", tag = "events", params(("id" = ConversationId, Path), EventQuery), responses(
    (status = 200, body = List<Event>),
    (status = 404, body = convo_types::Problem),
))]
pub async fn list_for_conversation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(q): Query<EventQuery>,
) -> ApiResult<axum::Json<List<Event>>> {
    let list = events::list(state.store.as_ref(), &caller, Some(id), q.start()?, q.limit).await?;
    Ok(axum::Json(state.signed_events(list)))
}
