//! `/v1/webhooks`: endpoints, secrets, deliveries.

use axum::extract::State;
use axum::http::StatusCode;
use convo_core::usecases::webhooks;
use convo_types::{
    CreateWebhook, DeliveryId, List, UpdateWebhook, Webhook, WebhookDelivery, WebhookId,
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
        .routes(routes!(rotate_secret))
        .routes(routes!(deliveries))
        .routes(routes!(replay))
}

/// Lists webhooks.
#[utoipa::path(get, path = "/v1/webhooks", operation_id = "listWebhooks", tag = "webhooks", params(PageQuery), responses((status = 200, body = List<Webhook>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<Webhook>>> {
    Ok(axum::Json(
        webhooks::list(state.store.as_ref(), &caller, page.into()).await?,
    ))
}

/// Creates a webhook; its signing `secret` is answered once. Events from now on are POSTed
/// to `url`, signed the Standard Webhooks way. Private and loopback targets are refused
/// unless the operator allows them.
#[utoipa::path(post, path = "/v1/webhooks", operation_id = "createWebhook", tag = "webhooks", request_body = CreateWebhook, responses(
    (status = 201, body = Webhook),
    (status = 422, body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<CreateWebhook>,
) -> ApiResult<(StatusCode, axum::Json<Webhook>)> {
    let created = webhooks::create(
        state.store.as_ref(),
        &caller,
        state.settings.egress(),
        &state.secrets,
        req,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Gets a webhook by id (without its secret).
#[utoipa::path(get, path = "/v1/webhooks/{id}", operation_id = "getWebhook", tag = "webhooks", params(("id" = WebhookId, Path)), responses((status = 200, body = Webhook), (status = 404, body = convo_types::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WebhookId>,
) -> ApiResult<axum::Json<Webhook>> {
    Ok(axum::Json(
        webhooks::get(state.store.as_ref(), &caller, id).await?,
    ))
}

/// Changes a webhook's URL, event types or active flag: absent fields stay as they are.
#[utoipa::path(patch, path = "/v1/webhooks/{id}", operation_id = "updateWebhook", tag = "webhooks", request_body = UpdateWebhook, params(("id" = WebhookId, Path)), responses((status = 200, body = Webhook), (status = 404, body = convo_types::Problem), (status = 422, body = convo_types::Problem)))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WebhookId>,
    Json(req): Json<UpdateWebhook>,
) -> ApiResult<axum::Json<Webhook>> {
    Ok(axum::Json(
        webhooks::update(
            state.store.as_ref(),
            &caller,
            state.settings.egress(),
            id,
            req,
        )
        .await?,
    ))
}

/// Deletes a webhook; nothing more is delivered to it.
#[utoipa::path(delete, path = "/v1/webhooks/{id}", operation_id = "deleteWebhook", tag = "webhooks", params(("id" = WebhookId, Path)), responses((status = 204), (status = 404, body = convo_types::Problem)))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WebhookId>,
) -> ApiResult<StatusCode> {
    webhooks::delete(state.store.as_ref(), &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A new signing secret, answered once; the old one keeps signing for 24 hours.
#[utoipa::path(post, path = "/v1/webhooks/{id}/rotate-secret", operation_id = "rotateWebhookSecret", tag = "webhooks", params(("id" = WebhookId, Path)), responses((status = 200, body = Webhook), (status = 404, body = convo_types::Problem)))]
pub async fn rotate_secret(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WebhookId>,
) -> ApiResult<axum::Json<Webhook>> {
    Ok(axum::Json(
        webhooks::rotate_secret(state.store.as_ref(), &caller, &state.secrets, id).await?,
    ))
}

/// Deliveries, newest first, with every attempt and answer.
#[utoipa::path(get, path = "/v1/webhooks/{id}/deliveries", operation_id = "listWebhookDeliveries", tag = "webhooks", params(("id" = WebhookId, Path), PageQuery), responses((status = 200, body = List<WebhookDelivery>), (status = 404, body = convo_types::Problem)))]
pub async fn deliveries(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<WebhookId>,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<WebhookDelivery>>> {
    Ok(axum::Json(
        webhooks::deliveries(state.store.as_ref(), &caller, id, page.into()).await?,
    ))
}

/// Sends a delivery again (a failed one, or one to send twice).
#[utoipa::path(post, path = "/v1/webhooks/{id}/deliveries/{delivery_id}/replay", operation_id = "replayWebhookDelivery", tag = "webhooks", params(("id" = WebhookId, Path), ("delivery_id" = DeliveryId, Path)), responses((status = 202), (status = 404, body = convo_types::Problem)))]
pub async fn replay(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, delivery)): Path<(WebhookId, DeliveryId)>,
) -> ApiResult<StatusCode> {
    webhooks::replay(state.store.as_ref(), &caller, id, delivery).await?;
    Ok(StatusCode::ACCEPTED)
}
