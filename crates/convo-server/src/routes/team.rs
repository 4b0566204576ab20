//! Seed 000's team methods: join, leave, assign and remove team members, invitable users,
//! and the views count.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use convo_core::usecases::team;
use convo_types::{AssignTeamMember, Conversation, ConversationId, List, User, UserId, ViewsCount};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::routes::conversations::answer;
use crate::routes::PageQuery;
use crate::AppState;
use convo_types::ConversationFilters;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(views_count))
        .routes(routes!(join))
        .routes(routes!(leave))
        .routes(routes!(assign_team_member))
        .routes(routes!(remove_team_member))
        .routes(routes!(invitable_users))
}

/// Seed `join`: the key's acting user joins the conversation. Idempotent.
#[utoipa::path(post, path = "/v1/conversations/{id}/join", operation_id = "joinConversation", tag = "team", params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 404, body = convo_types::Problem),
))]
pub async fn join(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        team::join(state.store.as_ref(), &caller, id).await?,
    )
    .await
}

/// Seed `leave`: the key's acting user leaves the conversation. Idempotent.
#[utoipa::path(post, path = "/v1/conversations/{id}/leave", operation_id = "leaveConversation", tag = "team", params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 404, body = convo_types::Problem),
))]
pub async fn leave(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        team::leave(state.store.as_ref(), &caller, id).await?,
    )
    .await
}

/// Seed `assignTeamMember`: an unknown user is `404`, an inactive one `422`.
#[utoipa::path(post, path = "/v1/conversations/{id}/members", operation_id = "assignTeamMember", tag = "team", request_body = AssignTeamMember, params(("id" = ConversationId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 404, body = convo_types::Problem),
    (status = 422, body = convo_types::Problem),
))]
pub async fn assign_team_member(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<AssignTeamMember>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        team::assign(state.store.as_ref(), &caller, id, req.user_id).await?,
    )
    .await
}

/// Seed `removeTeamMember`.
#[utoipa::path(delete, path = "/v1/conversations/{id}/members/{user_id}", operation_id = "removeTeamMember", tag = "team", params(("id" = ConversationId, Path), ("user_id" = UserId, Path)), responses(
    (status = 200, body = Conversation),
    (status = 404, body = convo_types::Problem),
))]
pub async fn remove_team_member(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, user_id)): Path<(ConversationId, UserId)>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        team::remove(state.store.as_ref(), &caller, id, user_id).await?,
    )
    .await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitableQuery {
    /// Text in the user's name or email, ignoring case and accents.
    pub q: Option<String>,
}

/// Seed `getInvitableUsers`: active users with access to the conversation's business unit who
/// are not in it.
#[utoipa::path(get, path = "/v1/conversations/{id}/invitable-users", operation_id = "getInvitableUsers", tag = "team", params(("id" = ConversationId, Path), InvitableQuery, PageQuery), responses(
    (status = 200, body = List<User>),
    (status = 404, body = convo_types::Problem),
))]
pub async fn invitable_users(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(q): Query<InvitableQuery>,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<User>>> {
    Ok(axum::Json(
        team::invitable_users(
            state.store.as_ref(),
            &caller,
            id,
            q.q.as_deref(),
            page.into(),
        )
        .await?,
    ))
}

/// Seed `getViewsCount`: how many conversations each view holds, under the list's filters,
/// and with `view_ids` each saved view under its own. Read from counters kept in the same
/// transaction as every change, so it stays cheap as the organization grows.
#[utoipa::path(get, path = "/v1/conversations/views/count", operation_id = "getViewsCount", tag = "team", params(ConversationFilters, convo_types::SavedViewCounts), responses(
    (status = 200, body = ViewsCount),
    (status = 422, body = convo_types::Problem),
))]
pub async fn views_count(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(filters): Query<ConversationFilters>,
    Query(saved): Query<convo_types::SavedViewCounts>,
) -> ApiResult<axum::Json<ViewsCount>> {
    Ok(axum::Json(
        team::views_count_with(state.store.as_ref(), &caller, filters, saved).await?,
    ))
}
