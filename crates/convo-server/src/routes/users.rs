use axum::extract::State;
use axum::http::StatusCode;
use convo_core::usecases::directory;
use convo_types::{CreateUser, List, UpdateUser, User, UserId};
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

/// Lists users, oldest first.
#[utoipa::path(get, path = "/v1/users", tag = "users", params(PageQuery), responses((status = 200, body = List<User>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<User>>> {
    Ok(axum::Json(
        directory::list_users(state.store.as_ref(), &caller, page.into()).await?,
    ))
}

/// Creates a team member or AI agent.
#[utoipa::path(post, path = "/v1/users", tag = "users", request_body = CreateUser, responses(
    (status = 201, body = User),
    (status = 422, description = "invalid fields", body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<CreateUser>,
) -> ApiResult<(StatusCode, axum::Json<User>)> {
    let created = directory::create_user(state.store.as_ref(), &caller, req).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Gets a team member or AI agent by id.
#[utoipa::path(get, path = "/v1/users/{id}", tag = "users", params(("id" = UserId, Path)), responses(
    (status = 200, body = User),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<UserId>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(
        directory::get_user(state.store.as_ref(), &caller, id).await?,
    ))
}

/// Changes a team member or AI agent: absent fields stay as they are.
#[utoipa::path(patch, path = "/v1/users/{id}", tag = "users", params(("id" = UserId, Path)), request_body = UpdateUser, responses(
    (status = 200, body = User),
    (status = 404, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<UserId>,
    Json(req): Json<UpdateUser>,
) -> ApiResult<axum::Json<User>> {
    Ok(axum::Json(
        directory::update_user(state.store.as_ref(), &caller, id, req).await?,
    ))
}

/// Deletes a team member or AI agent; `409` while something still refers to it.
#[utoipa::path(delete, path = "/v1/users/{id}", tag = "users", params(("id" = UserId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
    (status = 409, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<UserId>,
) -> ApiResult<StatusCode> {
    directory::delete_user(state.store.as_ref(), &caller, id).await?;
    // Keys acting as the user change with it.
    state.keys.clear();
    Ok(StatusCode::NO_CONTENT)
}
