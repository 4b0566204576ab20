use axum::extract::State;
use axum::http::StatusCode;
use convo_core::usecases::directory;
use convo_types::{ApiKey, ApiKeyId, CreateApiKey, List, UpdateApiKey};
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

/// Lists api keys, oldest first.
#[utoipa::path(get, path = "/v1/api-keys", tag = "api keys", params(PageQuery), responses((status = 200, body = List<ApiKey>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<ApiKey>>> {
    Ok(axum::Json(
        directory::list_api_keys(state.store.as_ref(), &caller, page.into()).await?,
    ))
}

/// Creates an API key.
#[utoipa::path(post, path = "/v1/api-keys", tag = "api keys", request_body = CreateApiKey, responses(
    (status = 201, body = ApiKey),
    (status = 422, description = "invalid fields", body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<CreateApiKey>,
) -> ApiResult<(StatusCode, axum::Json<ApiKey>)> {
    let created = directory::create_api_key(state.store.as_ref(), &caller, req).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Gets an API key by id.
#[utoipa::path(get, path = "/v1/api-keys/{id}", tag = "api keys", params(("id" = ApiKeyId, Path)), responses(
    (status = 200, body = ApiKey),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ApiKeyId>,
) -> ApiResult<axum::Json<ApiKey>> {
    Ok(axum::Json(
        directory::get_api_key(state.store.as_ref(), &caller, id).await?,
    ))
}

/// Changes an API key: absent fields stay as they are.
#[utoipa::path(patch, path = "/v1/api-keys/{id}", tag = "api keys", params(("id" = ApiKeyId, Path)), request_body = UpdateApiKey, responses(
    (status = 200, body = ApiKey),
    (status = 404, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ApiKeyId>,
    Json(req): Json<UpdateApiKey>,
) -> ApiResult<axum::Json<ApiKey>> {
    let key = directory::update_api_key(state.store.as_ref(), &caller, id, req).await?;
    state.keys.clear();
    Ok(axum::Json(key))
}

/// Deletes an API key; `409` while something still refers to it.
#[utoipa::path(delete, path = "/v1/api-keys/{id}", tag = "api keys", params(("id" = ApiKeyId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
    (status = 409, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ApiKeyId>,
) -> ApiResult<StatusCode> {
    directory::delete_api_key(state.store.as_ref(), &caller, id).await?;
    state.keys.clear();
    Ok(StatusCode::NO_CONTENT)
}
