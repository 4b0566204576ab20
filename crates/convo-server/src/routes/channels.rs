use axum::extract::State;
use axum::http::StatusCode;
use convo_core::usecases::directory;
use convo_types::{Channel, ChannelId, CreateChannel, List, UpdateChannel};
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
pub struct ChannelQuery {
    /// Only this business unit's channels.
    pub business_unit_id: Option<convo_types::BusinessUnitId>,
    /// Only channels of this type.
    pub r#type: Option<convo_types::ChannelType>,
    /// Only the channel with this identifier.
    pub identifier: Option<String>,
}

/// Lists channels, oldest first.
#[utoipa::path(get, path = "/v1/channels", tag = "channels", params(PageQuery, ChannelQuery), responses((status = 200, body = List<Channel>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
    Query(filter): Query<ChannelQuery>,
) -> ApiResult<axum::Json<List<Channel>>> {
    Ok(axum::Json(
        directory::list_channels(
            state.store.as_ref(),
            &caller,
            convo_core::ChannelFilter {
                business_unit_ids: filter.business_unit_id.map(|id| vec![id]),
                channel_type: filter.r#type,
                identifier: filter.identifier,
            },
            page.into(),
        )
        .await?,
    ))
}

/// Creates a channel.
#[utoipa::path(post, path = "/v1/channels", tag = "channels", request_body = CreateChannel, responses(
    (status = 201, body = Channel),
    (status = 422, description = "invalid fields", body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<CreateChannel>,
) -> ApiResult<(StatusCode, axum::Json<Channel>)> {
    let created = directory::create_channel(state.store.as_ref(), &caller, req).await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Gets a channel by id.
#[utoipa::path(get, path = "/v1/channels/{id}", tag = "channels", params(("id" = ChannelId, Path)), responses(
    (status = 200, body = Channel),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ChannelId>,
) -> ApiResult<axum::Json<Channel>> {
    Ok(axum::Json(
        directory::get_channel(state.store.as_ref(), &caller, id).await?,
    ))
}

/// Changes a channel: absent fields stay as they are.
#[utoipa::path(patch, path = "/v1/channels/{id}", tag = "channels", params(("id" = ChannelId, Path)), request_body = UpdateChannel, responses(
    (status = 200, body = Channel),
    (status = 404, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ChannelId>,
    Json(req): Json<UpdateChannel>,
) -> ApiResult<axum::Json<Channel>> {
    Ok(axum::Json(
        directory::update_channel(state.store.as_ref(), &caller, id, req).await?,
    ))
}

/// Deletes a channel; `409` while something still refers to it.
#[utoipa::path(delete, path = "/v1/channels/{id}", tag = "channels", params(("id" = ChannelId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
    (status = 409, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ChannelId>,
) -> ApiResult<StatusCode> {
    directory::delete_channel(state.store.as_ref(), &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
