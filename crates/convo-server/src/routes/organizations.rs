use axum::extract::State;
use axum::http::StatusCode;
use convo_core::usecases::organizations;
use convo_types::{
    CreateOrganization, List, Organization, OrganizationCreated, UpdateOrganization,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Query};
use crate::routes::PageQuery;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(current, update_current))
}

/// Creates an organization (a tenant) with its default business unit, admin user and admin
/// key, whose secret is answered once. Needs `platform`.
#[utoipa::path(post, path = "/v1/organizations", operation_id = "createOrganization", tag = "organizations", request_body = CreateOrganization, responses(
    (status = 201, body = OrganizationCreated),
    (status = 403, description = "the key lacks `platform`", body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<CreateOrganization>,
) -> ApiResult<(StatusCode, axum::Json<OrganizationCreated>)> {
    let created = organizations::create(state.store.as_ref(), &caller, req).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Lists organizations. Needs `platform`.
#[utoipa::path(get, path = "/v1/organizations", operation_id = "listOrganizations", tag = "organizations", params(PageQuery), responses((status = 200, body = List<Organization>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<Organization>>> {
    Ok(axum::Json(
        organizations::list(state.store.as_ref(), &caller, page.into()).await?,
    ))
}

/// The caller's own organization.
#[utoipa::path(get, path = "/v1/organizations/current", operation_id = "getCurrentOrganization", tag = "organizations", responses((status = 200, body = Organization)))]
pub async fn current(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> ApiResult<axum::Json<Organization>> {
    Ok(axum::Json(
        organizations::current(state.store.as_ref(), &caller).await?,
    ))
}

/// Changes the caller's own organization (admins): its name, and `require_totp` (every person
/// must use two factors; one without them may then only set them up).
#[utoipa::path(patch, path = "/v1/organizations/current", operation_id = "updateCurrentOrganization", tag = "organizations", request_body = UpdateOrganization, responses(
    (status = 200, body = Organization),
    (status = 422, description = "invalid fields", body = convo_types::Problem),
))]
pub async fn update_current(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<UpdateOrganization>,
) -> ApiResult<axum::Json<Organization>> {
    Ok(axum::Json(
        organizations::update_current(state.store.as_ref(), &caller, req).await?,
    ))
}
