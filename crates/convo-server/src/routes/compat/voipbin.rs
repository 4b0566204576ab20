//! VoIPbin's conversation resource under `/v1.0`, as its clients call it: the object with
//! `customer_id`, `account_id` (the channel: the number or LINE account it runs through),
//! `type` (that channel's platform), `self` and `peer` addresses and `tm_*` times written
//! `2022-06-23 05:05:40.950834` (`9999-01-01 00:00:00.000000` for what has not happened),
//! paged with `page_size` and `page_token` into `{"result", "next_page_token"}`.

use axum::extract::State;
use convo_core::paging::PagingParams;
use convo_core::usecases::{conversations, messages};
use convo_types::{
    Address, Attachment, ChannelId, ContactId, Conversation, ConversationFilters, ConversationId,
    CreateConversation, CreateMessage, Message, MessageId, MessageType, Timestamp,
    UpdateConversation,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
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

/// VoIPbin's "has not happened" time.
const NEVER: &str = "9999-01-01 00:00:00.000000";
/// VoIPbin's empty id.
const NIL: &str = "00000000-0000-0000-0000-000000000000";

/// A time as VoIPbin writes it: UTC, microseconds.
fn tm(at: Option<Timestamp>) -> String {
    at.map_or_else(
        || NEVER.to_owned(),
        |at| {
            // Timestamp's RFC 3339 form (`2026-11-21T09:14:03.512Z`), rewritten.
            let text = at.to_string();
            let (date, time) = text.split_once('T').unwrap_or((&text, ""));
            format!("{date} {}000", time.trim_end_matches('Z'))
        },
    )
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

/// A page: `next_page_token` is empty on the last one.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoipbinPage<T> {
    pub result: Vec<T>,
    pub next_page_token: String,
}

impl<T> VoipbinPage<T> {
    fn of<U: Into<T>>(list: convo_types::List<U>) -> Self {
        VoipbinPage {
            result: list.data.into_iter().map(Into::into).collect(),
            next_page_token: list.next_cursor.unwrap_or_default(),
        }
    }
}

/// An address of a party; every field is a string, empty when unknown.
fn address(a: Option<Address>) -> Address {
    a.unwrap_or_else(|| Address {
        address_type: String::new(),
        target: String::new(),
        target_name: String::new(),
        name: String::new(),
        detail: String::new(),
    })
}

/// The conversation as VoIPbin answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoipbinConversation {
    pub id: ConversationId,
    /// The customer (a contact); the nil id when there is none.
    pub customer_id: String,
    pub owner_type: String,
    /// The nil id when there is no owner.
    pub owner_id: String,
    /// The channel: the messaging account (a number, a LINE account) it runs through; the nil
    /// id when there is none.
    pub account_id: String,
    pub name: String,
    pub detail: String,
    /// The channel's platform (`message`, `line`, ...); empty without a channel.
    #[serde(rename = "type")]
    pub conversation_type: String,
    pub dialog_id: String,
    #[serde(rename = "self")]
    pub self_address: Address,
    pub peer: Address,
    #[schema(example = "2022-06-23 05:05:40.950834")]
    pub tm_create: String,
    pub tm_update: String,
    /// `9999-01-01 00:00:00.000000` while it is not deleted.
    pub tm_delete: String,
}

impl From<Conversation> for VoipbinConversation {
    fn from(c: Conversation) -> Self {
        let id_or_nil = |id: Option<String>| id.unwrap_or_else(|| NIL.to_owned());
        VoipbinConversation {
            id: c.id,
            customer_id: id_or_nil(c.contact_id.map(|id| id.to_string())),
            owner_type: c.owner_type.unwrap_or_default(),
            owner_id: id_or_nil(c.owner_id),
            account_id: id_or_nil(c.channel_id.map(|id| id.to_string())),
            name: c.name,
            detail: c.detail,
            conversation_type: c.channel_type.map(|t| t.to_string()).unwrap_or_default(),
            dialog_id: c.dialog_id.unwrap_or_default(),
            self_address: address(c.self_address),
            peer: address(c.peer),
            tm_create: tm(Some(c.created_at)),
            tm_update: tm(Some(c.updated_at)),
            tm_delete: tm(c.deleted_at),
        }
    }
}

/// `POST /v1.0/conversations`: every field is optional; `account_id` names the channel (its
/// platform becomes `type`), `customer_id` the contact.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VoipbinCreateInput {
    #[serde(default)]
    pub account_id: Option<ChannelId>,
    #[serde(default)]
    pub customer_id: Option<ContactId>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_name)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_detail)]
    pub detail: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_short_text)]
    pub owner_type: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_identifier)]
    pub owner_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_identifier)]
    pub dialog_id: Option<String>,
    #[serde(default, rename = "self")]
    pub self_address: Option<Address>,
    #[serde(default)]
    pub peer: Option<Address>,
}

/// `PUT /v1.0/conversations/{id}`: the fields given change, the others stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VoipbinUpdateInput {
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_short_text)]
    pub owner_type: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_identifier)]
    pub owner_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_name)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_detail)]
    pub detail: Option<String>,
}

/// A message as VoIPbin's conversation messages read.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoipbinMessage {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    /// `incoming` (from the customer) or `outgoing`; notes and activity read as `outgoing`.
    pub direction: String,
    pub text: String,
    pub medias: Vec<VoipbinMedia>,
    pub tm_create: String,
    pub tm_update: String,
    pub tm_delete: String,
}

/// A file sent with a message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VoipbinMedia {
    /// `file`, or the MIME type's kind (`image`, `audio`, `video`).
    #[serde(rename = "type", default)]
    pub media_type: String,
    #[schema(schema_with = convo_types::schema::http_url)]
    pub url: String,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_identifier)]
    pub filename: Option<String>,
}

impl From<Message> for VoipbinMessage {
    fn from(m: Message) -> Self {
        VoipbinMessage {
            id: m.id,
            conversation_id: m.conversation_id,
            direction: match m.message_type {
                MessageType::Incoming => "incoming",
                _ => "outgoing",
            }
            .to_owned(),
            text: m.content,
            medias: m
                .attachments
                .into_iter()
                .map(|a| VoipbinMedia {
                    media_type: a
                        .mime_type
                        .as_deref()
                        .and_then(|t| t.split('/').next())
                        .filter(|kind| matches!(*kind, "image" | "audio" | "video"))
                        .unwrap_or("file")
                        .to_owned(),
                    url: a.url,
                    filename: a.name,
                })
                .collect(),
            tm_create: tm(Some(m.created_at)),
            tm_update: tm(Some(m.updated_at)),
            tm_delete: tm(None),
        }
    }
}

/// `POST /v1.0/conversations/{id}/messages`: a message sent to the customer.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VoipbinMessageInput {
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_content)]
    pub text: Option<String>,
    #[serde(default)]
    pub medias: Option<Vec<VoipbinMedia>>,
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
        Some(convo_types::SortOrder::Recent),
        page.into(),
    )
    .await?;
    Ok(axum::Json(VoipbinPage::of(list)))
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
    let attachments = req.medias.map(|medias| {
        medias
            .into_iter()
            .map(|m| Attachment {
                url: m.url,
                name: m.filename,
                mime_type: None,
                size: None,
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
    Ok(axum::Json(written.message.into()))
}
