//! Seed 002: get-or-create and sub-conversations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use convo_core::usecases::threads;
use convo_types::{Conversation, ConversationId, GetOrCreateConversation, List};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::routes::conversations::answer;
use crate::routes::PageQuery;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_or_create))
        .routes(routes!(list_sub_conversations, create_sub_conversation))
}

/// Seed `getOrCreateConversation`: the customer's live top-level conversation (`200`) or a new
/// one (`201`); the key's acting user is in it. Concurrent identical calls make one.
#[utoipa::path(post, path = "/v1/conversations/get-or-create", operation_id = "getOrCreateConversation", tag = "conversations", request_body = GetOrCreateConversation, params(
    ("Idempotency-Key" = Option<String>, Header, description = "Retry safely: the same key and body answer the first response."),
), responses(
    (status = 201, description = "made", body = Conversation),
    (status = 200, description = "found", body = Conversation),
    (status = 422, body = convo_types::Problem),
))]
pub async fn get_or_create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<GetOrCreateConversation>,
) -> ApiResult<Response> {
    let (record, created) = threads::get_or_create(state.store.as_ref(), &caller, req).await?;
    answer(
        &state,
        &caller,
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        record,
    )
    .await
}

/// Seed `createSubConversation`: inherits the parent's channels and business unit unless
/// `channel_ids` or `channel_identifier` are given.
#[utoipa::path(post, path = "/v1/conversations/{id}/sub-conversations", operation_id = "createSubConversation", tag = "conversations", request_body = GetOrCreateConversation, params(("id" = ConversationId, Path)), responses(
    (status = 201, body = Conversation),
    (status = 404, body = convo_types::Problem),
    (status = 422, body = convo_types::Problem),
))]
pub async fn create_sub_conversation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<GetOrCreateConversation>,
) -> ApiResult<Response> {
    let record = threads::create_sub_conversation(state.store.as_ref(), &caller, id, req).await?;
    answer(&state, &caller, StatusCode::CREATED, record).await
}

#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubConversationOrder {
    /// `oldest` (the default) or `recent`.
    pub order: Option<convo_types::SortOrder>,
}

/// Seed `listSubConversations`: oldest first, each with `counts` and `users`.
#[utoipa::path(get, path = "/v1/conversations/{id}/sub-conversations", operation_id = "listSubConversations", tag = "conversations", params(("id" = ConversationId, Path), SubConversationOrder, PageQuery), responses(
    (status = 200, body = List<Conversation>),
    (status = 404, body = convo_types::Problem),
))]
pub async fn list_sub_conversations(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(order): Query<SubConversationOrder>,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<Conversation>>> {
    Ok(axum::Json(
        threads::list_sub_conversations(
            state.store.as_ref(),
            &caller,
            id,
            order.order,
            page.into(),
        )
        .await?,
    ))
}
