//! Who answers a conversation: handoffs between AI agents and humans.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use convo_core::usecases::control;
use convo_types::{Conversation, ConversationId, HandoffRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{IfMatch, Json, Path};
use crate::routes::conversations::answer;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(handoff))
        .routes(routes!(accept))
}

/// Hands a conversation over: to a named person or AI agent at once, or to the team
/// (`{"to": {"type": "human"}}`), pending until a human accepts it.
#[utoipa::path(post, path = "/v1/conversations/{id}/handoff", operation_id = "handoffConversation", tag = "handoff", request_body = HandoffRequest, params(
    ("id" = ConversationId, Path),
    ("If-Match" = Option<String>, Header, description = "The ETag last read; a stale one fails with 412."),
), responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 404, body = convo_types::Problem),
    (status = 412, body = convo_types::Problem),
    (status = 422, description = "`to.id` names no user of that kind working in the conversation's business unit", body = convo_types::Problem),
))]
pub async fn handoff(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    IfMatch(version): IfMatch,
    Json(req): Json<HandoffRequest>,
) -> ApiResult<Response> {
    let record = control::handoff(state.store.as_ref(), &caller, id, version, req).await?;
    answer(&state, &caller, StatusCode::OK, record).await
}

/// Accepts the pending handoff: the key's acting user (a human) takes control and joins the
/// team.
#[utoipa::path(post, path = "/v1/conversations/{id}/handoff/accept", operation_id = "acceptHandoff", tag = "handoff", params(
    ("id" = ConversationId, Path),
    ("If-Match" = Option<String>, Header, description = "The ETag last read; a stale one fails with 412."),
), responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 403, description = "the acting user is not an active human (`forbidden`), or the key lacks `conversations:write` (`missing_scope`)", body = convo_types::Problem),
    (status = 404, body = convo_types::Problem),
    (status = 409, description = "no handoff is waiting (`no_handoff_pending`)", body = convo_types::Problem),
    (status = 412, body = convo_types::Problem),
))]
pub async fn accept(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    let record = control::accept(state.store.as_ref(), &caller, id, version).await?;
    answer(&state, &caller, StatusCode::OK, record).await
}
