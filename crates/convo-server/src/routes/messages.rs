//! Messages: `/v1/conversations/{id}/messages` and `/v1/messages/{id}`.

use axum::extract::State;
use axum::http::StatusCode;
use convo_core::usecases::messages;
use convo_types::{
    ConversationId, CreateMessage, List, Message, MessageFilters, MessageId, UpdateMessage,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::routes::PageQuery;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
}

/// A conversation's messages, oldest first by default.
#[utoipa::path(get, path = "/v1/conversations/{id}/messages", operation_id = "listMessages", tag = "messages", params(("id" = ConversationId, Path), MessageFilters, PageQuery), responses(
    (status = 200, body = List<Message>),
    (status = 404, body = convo_types::Problem),
))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(filters): Query<MessageFilters>,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<Message>>> {
    let list = messages::list(state.store.as_ref(), &caller, id, filters, page.into()).await?;
    Ok(axum::Json(state.signed_list(list)))
}

/// Adds a message. An `external_id` seen before in the conversation answers the first message
/// with `200` and adds nothing. With `after_message_id`, a message from the contact or
/// another team member that came after it refuses the send (`409 conversation_moved_on`,
/// with `newer_message_ids`) unless `force`.
#[utoipa::path(post, path = "/v1/conversations/{id}/messages", operation_id = "createMessage", tag = "messages", request_body = CreateMessage, params(("id" = ConversationId, Path)), responses(
    (status = 201, body = Message),
    (status = 200, description = "the message with this external_id, sent before", body = Message),
    (status = 404, body = convo_types::Problem),
    (status = 409, description = "without `force`: an AI agent's outgoing message while a human controls the conversation (`not_in_control`), or messages the sender has not seen came after `after_message_id` (`conversation_moved_on`, naming them in `newer_message_ids`)", body = convo_types::Problem),
    (status = 422, body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<CreateMessage>,
) -> ApiResult<(StatusCode, axum::Json<Message>)> {
    let written = messages::create(state.store.as_ref(), &caller, id, req).await?;
    let status = if written.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(state.signed(written.message))))
}

/// Gets a message.
#[utoipa::path(get, path = "/v1/messages/{id}", operation_id = "getMessage", tag = "messages", params(("id" = MessageId, Path)), responses(
    (status = 200, body = Message),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<MessageId>,
) -> ApiResult<axum::Json<Message>> {
    let message = messages::get(state.store.as_ref(), &caller, id).await?;
    Ok(axum::Json(state.signed(message)))
}

/// Changes a message's content or metadata (merged; `null` removes a key).
#[utoipa::path(patch, path = "/v1/messages/{id}", operation_id = "updateMessage", tag = "messages", request_body = UpdateMessage, params(("id" = MessageId, Path)), responses(
    (status = 200, body = Message),
    (status = 404, body = convo_types::Problem),
    (status = 422, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<MessageId>,
    Json(req): Json<UpdateMessage>,
) -> ApiResult<axum::Json<Message>> {
    let message = messages::update(state.store.as_ref(), &caller, id, req).await?;
    Ok(axum::Json(state.signed(message)))
}

/// Deletes a message.
#[utoipa::path(delete, path = "/v1/messages/{id}", operation_id = "deleteMessage", tag = "messages", params(("id" = MessageId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<MessageId>,
) -> ApiResult<StatusCode> {
    messages::delete(state.store.as_ref(), &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
