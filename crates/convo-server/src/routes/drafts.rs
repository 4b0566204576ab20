//! `/v1/conversations/{id}/draft`: the acting user's draft in a conversation.

use convo_core::usecases::drafts;
use convo_types::{ConversationId, Draft, SaveDraft};

use super::directory::prelude::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get, save, delete))
}

/// Gets the acting user's draft in the conversation; `404` when there is none.
#[utoipa::path(get, path = "/v1/conversations/{id}/draft", operation_id = "getDraft", tag = "messages", params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Draft),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<axum::Json<Draft>> {
    Ok(axum::Json(
        drafts::get(state.store.as_ref(), &caller, id).await?,
    ))
}

/// Saves the acting user's draft (a reply or a note), replacing their earlier one there.
/// Sending a message of that type clears it.
#[utoipa::path(put, path = "/v1/conversations/{id}/draft", operation_id = "saveDraft", tag = "messages", params(("id" = ConversationId, Path)), request_body = SaveDraft, responses(
    (status = 200, body = Draft),
    (status = 404, body = convo_types::Problem),
    (status = 422, body = convo_types::Problem),
))]
pub async fn save(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<SaveDraft>,
) -> ApiResult<axum::Json<Draft>> {
    Ok(axum::Json(
        drafts::save(state.store.as_ref(), &caller, id, req).await?,
    ))
}

/// Discards the acting user's draft; `404` when there is none.
#[utoipa::path(delete, path = "/v1/conversations/{id}/draft", operation_id = "deleteDraft", tag = "messages", params(("id" = ConversationId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<StatusCode> {
    drafts::delete(state.store.as_ref(), &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
