use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use convo_core::auth::Principal;
use convo_core::usecases::{conversations, reads};
use convo_core::ConversationRecord;
use convo_types::{
    Conversation, ConversationFilters, ConversationId, CreateConversation, List,
    UpdateConversation, UpdateStatus,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{etag, IfMatch, Json, Path, Query};
use crate::routes::PageQuery;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_by_public_id))
        .routes(routes!(get, update, delete))
        .routes(routes!(update_status))
}

/// A conversation with its `ETag` (for `If-Match` on the next change) and the caller's
/// unread count.
pub(crate) async fn answer(
    state: &AppState,
    caller: &Principal,
    status: StatusCode,
    mut record: ConversationRecord,
) -> ApiResult<Response> {
    reads::show_unread(state.store.as_ref(), caller, [&mut record.conversation]).await?;
    let tag = HeaderValue::from_str(&etag(record.version)).ok();
    let mut response = (status, axum::Json(record.conversation)).into_response();
    if let Some(tag) = tag {
        response.headers_mut().insert(header::ETAG, tag);
    }
    Ok(response)
}

/// Lists conversations (seed `list`), newest activity first by default.
#[utoipa::path(get, path = "/v1/conversations", operation_id = "listConversations", tag = "conversations", params(ConversationFilters, PageQuery), responses(
    (status = 200, body = List<Conversation>),
    (status = 400, description = "an unknown status, view, channel type or order", body = convo_types::Problem),
))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(filters): Query<ConversationFilters>,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<Conversation>>> {
    Ok(axum::Json(
        conversations::list(state.store.as_ref(), &caller, filters, page.into()).await?,
    ))
}

/// Creates a conversation (seed `create`). Every field is optional.
#[utoipa::path(post, path = "/v1/conversations", operation_id = "createConversation", tag = "conversations", request_body = CreateConversation, params(
    ("Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key and body answer the first response."),
), responses(
    (status = 201, body = Conversation, headers(("ETag" = String))),
    (status = 422, body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<CreateConversation>,
) -> ApiResult<Response> {
    let record = conversations::create(state.store.as_ref(), &caller, req).await?;
    answer(&state, &caller, StatusCode::CREATED, record).await
}

/// Gets a conversation by id (seed `get`).
#[utoipa::path(get, path = "/v1/conversations/{id}", operation_id = "getConversation", tag = "conversations", params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<Response> {
    let mut record = conversations::get(state.store.as_ref(), &caller, id).await?;
    let (viewers, typing) = state.live.board.now_on(id, convo_types::Timestamp::now());
    record.conversation.viewers = viewers;
    record.conversation.typing = typing;
    answer(&state, &caller, StatusCode::OK, record).await
}

/// Gets a conversation by its public id (seed `getByConversationId`).
#[utoipa::path(get, path = "/v1/conversations/by-public-id/{public_id}", operation_id = "getByConversationId", tag = "conversations", params(("public_id" = String, Path)), responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get_by_public_id(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(public_id): Path<String>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        conversations::get_by_public_id(state.store.as_ref(), &caller, &public_id).await?,
    )
    .await
}

/// Changes a conversation (seed `update`, `updateName`, `updateConversation`): metadata is
/// merged (a key set to `null` is removed); `parent_id` may not make a cycle.
#[utoipa::path(patch, path = "/v1/conversations/{id}", operation_id = "updateConversation", tag = "conversations", request_body = UpdateConversation, params(
    ("id" = ConversationId, Path),
    ("If-Match" = Option<String>, Header, description = "The ETag last read; a stale one fails with 412."),
), responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 404, body = convo_types::Problem),
    (status = 412, body = convo_types::Problem),
    (status = 422, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    IfMatch(version): IfMatch,
    Json(req): Json<UpdateConversation>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        conversations::update(state.store.as_ref(), &caller, id, version, req).await?,
    )
    .await
}

/// Changes a conversation's status (seed `updateStatus`).
#[utoipa::path(patch, path = "/v1/conversations/{id}/status", operation_id = "updateStatus", tag = "conversations", request_body = UpdateStatus, params(
    ("id" = ConversationId, Path),
    ("If-Match" = Option<String>, Header, description = "The ETag last read; a stale one fails with 412."),
), responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 404, body = convo_types::Problem),
    (status = 412, body = convo_types::Problem),
    (status = 422, body = convo_types::Problem),
))]
pub async fn update_status(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    IfMatch(version): IfMatch,
    Json(req): Json<UpdateStatus>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        conversations::update_status(state.store.as_ref(), &caller, id, version, req).await?,
    )
    .await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Remove the conversation and its messages for good instead of marking it deleted.
    #[serde(default)]
    pub hard: bool,
}

/// Deletes a conversation (seed `deleteConversation`). Needs `conversations:delete`, and the
/// key must have created it (it owns the lifecycle) or be `admin`.
#[utoipa::path(delete, path = "/v1/conversations/{id}", operation_id = "deleteConversation", tag = "conversations", params(
    ("id" = ConversationId, Path),
    DeleteQuery,
    ("If-Match" = Option<String>, Header, description = "The ETag last read; a stale one fails with 412."),
), responses(
    (status = 204),
    (status = 403, description = "`missing_scope` or `lifecycle_not_owned`", body = convo_types::Problem),
    (status = 404, body = convo_types::Problem),
    (status = 412, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    IfMatch(version): IfMatch,
    Query(query): Query<DeleteQuery>,
) -> ApiResult<StatusCode> {
    conversations::delete(state.store.as_ref(), &caller, id, version, query.hard).await?;
    Ok(StatusCode::NO_CONTENT)
}
