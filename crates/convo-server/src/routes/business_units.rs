use axum::extract::State;
use axum::http::StatusCode;
use convo_core::usecases::directory;
use convo_types::{BusinessUnit, BusinessUnitId, CreateBusinessUnit, List, UpdateBusinessUnit};
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

/// Lists business units, oldest first.
#[utoipa::path(get, path = "/v1/business-units", tag = "business units", params(PageQuery), responses((status = 200, body = List<BusinessUnit>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<BusinessUnit>>> {
    Ok(axum::Json(
        directory::list_business_units(state.store.as_ref(), &caller, page.into()).await?,
    ))
}

/// Creates a business unit.
#[utoipa::path(post, path = "/v1/business-units", tag = "business units", request_body = CreateBusinessUnit, responses(
    (status = 201, body = BusinessUnit),
    (status = 422, description = "invalid fields", body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<CreateBusinessUnit>,
) -> ApiResult<(StatusCode, axum::Json<BusinessUnit>)> {
    let created = directory::create_business_unit(state.store.as_ref(), &caller, req).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Gets a business unit by id.
#[utoipa::path(get, path = "/v1/business-units/{id}", tag = "business units", params(("id" = BusinessUnitId, Path)), responses(
    (status = 200, body = BusinessUnit),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BusinessUnitId>,
) -> ApiResult<axum::Json<BusinessUnit>> {
    Ok(axum::Json(
        directory::get_business_unit(state.store.as_ref(), &caller, id).await?,
    ))
}

/// Changes a business unit: absent fields stay as they are.
#[utoipa::path(patch, path = "/v1/business-units/{id}", tag = "business units", params(("id" = BusinessUnitId, Path)), request_body = UpdateBusinessUnit, responses(
    (status = 200, body = BusinessUnit),
    (status = 404, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BusinessUnitId>,
    Json(req): Json<UpdateBusinessUnit>,
) -> ApiResult<axum::Json<BusinessUnit>> {
    Ok(axum::Json(
        directory::update_business_unit(state.store.as_ref(), &caller, id, req).await?,
    ))
}

/// Deletes a business unit; `409` while something still refers to it.
#[utoipa::path(delete, path = "/v1/business-units/{id}", tag = "business units", params(("id" = BusinessUnitId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
    (status = 409, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<BusinessUnitId>,
) -> ApiResult<StatusCode> {
    directory::delete_business_unit(state.store.as_ref(), &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
