//! `/v1/channels`.

use convo_types::{Channel, ChannelId, CreateChannel, UpdateChannel};
use serde::Deserialize;
use utoipa::IntoParams;

use super::directory::prelude::*;

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
#[utoipa::path(get, path = "/v1/channels", operation_id = "listChannels", tag = "channels", params(PageQuery, ChannelQuery), responses((status = 200, body = List<Channel>)))]
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

directory_handlers! {
    path: "/v1/channels", item_path: "/v1/channels/{id}", tag: "channels",
    item: Channel, id: ChannelId, create: CreateChannel, update: UpdateChannel,
    operation_ids: ("createChannel", "getChannel", "updateChannel", "deleteChannel"),
    use_cases: (
        directory::create_channel,
        directory::get_channel,
        directory::update_channel,
        directory::delete_channel
    ),
    docs: (
        "Creates a channel.",
        "Gets a channel by id.",
        "Changes a channel: absent fields stay as they are.",
        "Deletes a channel; `409` while something still refers to it."
    ),
    after_write: nothing_cached,
}
