//! Read markers: `POST /v1/conversations/{id}/read`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use convo_core::usecases::reads;
use convo_types::{Conversation, ConversationId, MarkRead};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Path};
use crate::routes::conversations::answer;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(mark_read))
}

/// Marks a conversation read up to a message (default the latest): the acting user's read
/// horizon, which their `unread_count` follows, or with `"contact": true` the contact's ("seen"
/// receipts of a channel; records `conversation.read_by_contact`). A horizon only moves
/// forward; the body may be left out.
#[utoipa::path(post, path = "/v1/conversations/{id}/read", operation_id = "markConversationRead", tag = "conversations", request_body(content = Option<MarkRead>, description = "Optional: without it, the acting user has read every message."), params(
    ("id" = ConversationId, Path),
), responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 404, body = convo_types::Problem),
    (status = 422, description = "`message_id` is not a message of this conversation", body = convo_types::Problem),
))]
pub async fn mark_read(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    req: Option<Json<MarkRead>>,
) -> ApiResult<Response> {
    let req = req.map(|Json(req)| req).unwrap_or_default();
    let record = reads::mark_read(state.store.as_ref(), &caller, id, req).await?;
    answer(&state, &caller, StatusCode::OK, record).await
}
