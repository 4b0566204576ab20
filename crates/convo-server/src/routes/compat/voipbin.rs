//! VoIPbin's conversation resource under `/v1.0`, as its clients call it: the object with
//! `customer_id`, `account_id` (the channel: the number or LINE account it runs through),
//! `type` (that channel's platform), `self` and `peer` addresses and `tm_*` times written
//! `2022-06-23 05:05:40.950834` (`9999-01-01 00:00:00.000000` for what has not happened),
//! paged with `page_size` and `page_token` into `{"result", "next_page_token"}`.

use axum::extract::State;
use convo_core::paging::PagingParams;
use convo_core::usecases::{conversations, messages};
use convo_types::compat::voipbin::{
    VoipbinConversation, VoipbinCreateInput, VoipbinMessage, VoipbinMessageInput, VoipbinPage,
    VoipbinUpdateInput,
};
use convo_types::{
    ConversationFilters, ConversationId, CreateConversation, CreateMessage, MessageType,
    NewAttachment, UpdateConversation,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(list_messages, create_message))
}

/// `page_size` (1 to 100; default 20) and `page_token` (the `next_page_token` of the previous
/// page).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VoipbinPageQuery {
    #[param(minimum = 1, maximum = 100)]
    pub page_size: Option<i64>,
    pub page_token: Option<String>,
}

impl From<VoipbinPageQuery> for PagingParams {
    fn from(q: VoipbinPageQuery) -> Self {
        PagingParams {
            limit: q.page_size,
            cursor: q.page_token,
            ..Default::default()
        }
    }
}

/// Conversations, newest activity first.
#[utoipa::path(get, path = "/v1.0/conversations", operation_id = "voipbinListConversations", tag = "voipbin", params(VoipbinPageQuery), responses(
    (status = 200, body = VoipbinPage<VoipbinConversation>),
))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<VoipbinPageQuery>,
) -> ApiResult<axum::Json<VoipbinPage<VoipbinConversation>>> {
    let list = conversations::list(
        state.store.as_ref(),
        &caller,
        ConversationFilters::default(),
        page.into(),
    )
    .await?;
    Ok(axum::Json(VoipbinPage::of(list)))
}

/// Creates a conversation (`200`, as VoIPbin answers).
#[utoipa::path(post, path = "/v1.0/conversations", operation_id = "voipbinCreateConversation", tag = "voipbin", request_body = VoipbinCreateInput, responses(
    (status = 200, body = VoipbinConversation),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<VoipbinCreateInput>,
) -> ApiResult<axum::Json<VoipbinConversation>> {
    let req = CreateConversation {
        channel_id: req.account_id,
        contact_id: req.customer_id,
        name: req.name,
        detail: req.detail,
        owner_type: req.owner_type,
        owner_id: req.owner_id,
        dialog_id: req.dialog_id,
        self_address: req.self_address,
        peer: req.peer,
        ..Default::default()
    };
    let record = conversations::create(state.store.as_ref(), &caller, req).await?;
    Ok(axum::Json(record.conversation.into()))
}

/// One conversation; a deleted one answers `404`.
#[utoipa::path(get, path = "/v1.0/conversations/{id}", operation_id = "voipbinGetConversation", tag = "voipbin", params(("id" = ConversationId, Path)), responses(
    (status = 200, body = VoipbinConversation),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<axum::Json<VoipbinConversation>> {
    let record = conversations::get(state.store.as_ref(), &caller, id).await?;
    Ok(axum::Json(record.conversation.into()))
}

/// Changes the given `owner_type`, `owner_id`, `name` and `detail`.
#[utoipa::path(put, path = "/v1.0/conversations/{id}", operation_id = "voipbinUpdateConversation", tag = "voipbin", params(("id" = ConversationId, Path)), request_body = VoipbinUpdateInput, responses(
    (status = 200, body = VoipbinConversation),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<VoipbinUpdateInput>,
) -> ApiResult<axum::Json<VoipbinConversation>> {
    let change = UpdateConversation {
        name: req.name,
        detail: req.detail,
        owner_type: req.owner_type.map(Some),
        owner_id: req.owner_id.map(Some),
        ..Default::default()
    };
    let record = conversations::update(state.store.as_ref(), &caller, id, None, change).await?;
    Ok(axum::Json(record.conversation.into()))
}

/// Soft: the answer carries `tm_delete`; the conversation is gone from lists and reads.
#[utoipa::path(delete, path = "/v1.0/conversations/{id}", operation_id = "voipbinDeleteConversation", tag = "voipbin", params(("id" = ConversationId, Path)), responses(
    (status = 200, body = VoipbinConversation),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<axum::Json<VoipbinConversation>> {
    let gone = conversations::delete(state.store.as_ref(), &caller, id, None, false).await?;
    Ok(axum::Json(gone.into()))
}

/// The conversation's messages, newest first (as VoIPbin pages them).
#[utoipa::path(get, path = "/v1.0/conversations/{id}/messages", operation_id = "voipbinListMessages", tag = "voipbin", params(("id" = ConversationId, Path), VoipbinPageQuery), responses(
    (status = 200, body = VoipbinPage<VoipbinMessage>),
))]
pub async fn list_messages(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(page): Query<VoipbinPageQuery>,
) -> ApiResult<axum::Json<VoipbinPage<VoipbinMessage>>> {
    let list = messages::list(
        state.store.as_ref(),
        &caller,
        id,
        convo_types::MessageFilters {
            order: Some(convo_types::SortOrder::Recent),
            ..Default::default()
        },
        page.into(),
    )
    .await?;
    Ok(axum::Json(VoipbinPage::of(state.signed_list(list))))
}

/// Sends `text` (and `medias`) to the customer: an outgoing message from the key's acting user.
#[utoipa::path(post, path = "/v1.0/conversations/{id}/messages", operation_id = "voipbinCreateMessage", tag = "voipbin", params(("id" = ConversationId, Path)), request_body = VoipbinMessageInput, responses(
    (status = 200, body = VoipbinMessage),
))]
pub async fn create_message(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<VoipbinMessageInput>,
) -> ApiResult<axum::Json<VoipbinMessage>> {
    // A media's `type` is not kept (the file's own type says it), but it is checked as the
    // document says.
    let too_long = req.medias.iter().flatten().position(|m| {
        m.media_type
            .as_ref()
            .is_some_and(|t| t.chars().count() > convo_types::limits::MAX_IDENTIFIER_CHARS)
    });
    if let Some(i) = too_long {
        return Err(crate::error::ApiError::field(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            format!("medias[{i}].type"),
            format!(
                "must be at most {} characters",
                convo_types::limits::MAX_IDENTIFIER_CHARS
            ),
        ));
    }
    let attachments = req.medias.map(|medias| {
        medias
            .into_iter()
            .map(|m| NewAttachment {
                id: m.id,
                name: m.filename.filter(|_| m.url.is_some()),
                url: m.url,
                ..Default::default()
            })
            .collect()
    });
    let req = CreateMessage {
        content: req.text.unwrap_or_default(),
        message_type: Some(MessageType::Outgoing),
        attachments,
        ..Default::default()
    };
    let written = messages::create(state.store.as_ref(), &caller, id, req).await?;
    Ok(axum::Json(state.signed(written.message).into()))
}
