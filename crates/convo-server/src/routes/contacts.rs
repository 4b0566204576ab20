use axum::extract::State;
use axum::http::StatusCode;
use convo_core::usecases::directory;
use convo_types::{Contact, ContactId, CreateContact, List, UpdateContact};
use serde::Deserialize;
use utoipa::IntoParams;
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

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// Only the contact with this external id.
    pub external_id: Option<String>,
}

/// Lists contacts, oldest first.
#[utoipa::path(get, path = "/v1/contacts", tag = "contacts", params(PageQuery, ContactQuery), responses((status = 200, body = List<Contact>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
    Query(filter): Query<ContactQuery>,
) -> ApiResult<axum::Json<List<Contact>>> {
    Ok(axum::Json(
        directory::list_contacts(
            state.store.as_ref(),
            &caller,
            convo_core::ContactFilter {
                external_id: filter.external_id,
            },
            page.into(),
        )
        .await?,
    ))
}

/// Creates a contact.
#[utoipa::path(post, path = "/v1/contacts", tag = "contacts", request_body = CreateContact, responses(
    (status = 201, body = Contact),
    (status = 422, description = "invalid fields", body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<CreateContact>,
) -> ApiResult<(StatusCode, axum::Json<Contact>)> {
    let created = directory::create_contact(state.store.as_ref(), &caller, req).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Gets a contact by id.
#[utoipa::path(get, path = "/v1/contacts/{id}", tag = "contacts", params(("id" = ContactId, Path)), responses(
    (status = 200, body = Contact),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContactId>,
) -> ApiResult<axum::Json<Contact>> {
    Ok(axum::Json(
        directory::get_contact(state.store.as_ref(), &caller, id).await?,
    ))
}

/// Changes a contact: absent fields stay as they are.
#[utoipa::path(patch, path = "/v1/contacts/{id}", tag = "contacts", params(("id" = ContactId, Path)), request_body = UpdateContact, responses(
    (status = 200, body = Contact),
    (status = 404, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContactId>,
    Json(req): Json<UpdateContact>,
) -> ApiResult<axum::Json<Contact>> {
    Ok(axum::Json(
        directory::update_contact(state.store.as_ref(), &caller, id, req).await?,
    ))
}

/// Deletes a contact; `409` while something still refers to it.
#[utoipa::path(delete, path = "/v1/contacts/{id}", tag = "contacts", params(("id" = ContactId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
    (status = 409, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ContactId>,
) -> ApiResult<StatusCode> {
    directory::delete_contact(state.store.as_ref(), &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
