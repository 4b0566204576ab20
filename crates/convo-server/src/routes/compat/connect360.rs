//! Connect360's conversation procedures, called through a tRPC client
//! (`plato.v1.connect.getOrCreateConversation.mutate({...})`), with its camelCase inputs and
//! outputs. Each procedure is one use case of convo-core; [`super::trpc`] speaks the protocol.

use axum::extract::{Request, State};
use axum::response::Response;
use convo_core::auth::Principal;
use convo_core::paging::PagingParams;
use convo_core::usecases::{conversations, threads};
use convo_types::{
    ChannelId, ContactId, Conversation, ConversationId, ConversationType, CustomerRef,
    GetOrCreateConversation, JsonObject, MessageId, MessageType, SimpleUser, Status, Timestamp,
    UpdateConversation, UserId, UserKind,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::trpc::{self, input, BatchQuery, InputQuery, TrpcFailure, TrpcSuccess};
use crate::error::ApiError;
use crate::AppState;

/// The input schema of each query procedure, by operation: its `input` parameter is that
/// schema as JSON (`contract` writes it so).
pub const QUERY_INPUTS: &[(&str, &str)] = &[
    ("trpcListSubConversations", "Connect360ListInput"),
    ("trpcGetConversation", "Connect360IdInput"),
];

/// Whether a procedure reads (`GET`) or changes (`POST`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Query,
    Mutation,
}

const PROCEDURES: &[(&str, Kind)] = &[
    ("v1.connect.getOrCreateConversation", Kind::Mutation),
    ("v1.connect.createSubConversation", Kind::Mutation),
    ("v1.connect.updateConversation", Kind::Mutation),
    ("v1.connect.deleteConversation", Kind::Mutation),
    ("v1.connect.listSubConversations", Kind::Query),
    ("v1.connect.getConversation", Kind::Query),
];

pub fn kind(path: &str) -> Option<Kind> {
    PROCEDURES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|&(_, kind)| kind)
}

/// Runs procedure `path` (one of [`PROCEDURES`]) with its input.
pub async fn call(
    state: &AppState,
    caller: &Principal,
    path: &str,
    raw: Value,
) -> Result<Value, ApiError> {
    let store = state.store.as_ref();
    let data = match path {
        "v1.connect.getOrCreateConversation" => {
            let req: Connect360ConversationInput = input(raw)?;
            let (record, _) = threads::get_or_create(store, caller, req.into()).await?;
            to_value(Connect360Conversation::from(record.conversation))
        }
        "v1.connect.createSubConversation" => {
            let req: Connect360SubConversationInput = input(raw)?;
            let record = threads::create_sub_conversation(
                store,
                caller,
                req.parent_id,
                req.conversation.into(),
            )
            .await?;
            to_value(Connect360Conversation::from(record.conversation))
        }
        "v1.connect.updateConversation" => {
            let req: Connect360UpdateInput = input(raw)?;
            let change = UpdateConversation {
                name: req.name,
                metadata: req.metadata,
                parent_id: req.parent_id,
                ..Default::default()
            };
            let record = conversations::update(store, caller, req.id, None, change).await?;
            to_value(Connect360Conversation::from(record.conversation))
        }
        "v1.connect.deleteConversation" => {
            let req: Connect360IdInput = input(raw)?;
            let gone = conversations::delete(store, caller, req.id, None, false).await?;
            to_value(Connect360Deleted {
                id: gone.id,
                deleted: true,
            })
        }
        "v1.connect.listSubConversations" => {
            let req: Connect360ListInput = input(raw)?;
            let skip = req.cursor.unwrap_or(0);
            let paging = PagingParams {
                limit: req.limit,
                skip: Some(skip),
                ..Default::default()
            };
            let page =
                threads::list_sub_conversations(store, caller, req.parent_id, None, paging).await?;
            let shown = page.data.len() as i64;
            to_value(Connect360Page {
                next_cursor: page.has_more.then_some(skip + shown),
                items: page.data.into_iter().map(Into::into).collect(),
            })
        }
        "v1.connect.getConversation" => {
            let req: Connect360IdInput = input(raw)?;
            let record = conversations::get(store, caller, req.id).await?;
            to_value(Connect360Conversation::from(record.conversation))
        }
        _ => return Err(ApiError::not_found(format!("no procedure `{path}`"))),
    };
    Ok(data)
}

fn to_value(data: impl Serialize) -> Value {
    serde_json::to_value(data).unwrap_or(Value::Null)
}

/// `"DIRECT"` or `"GROUP"`, as Connect360 writes a conversation's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Connect360Type {
    #[serde(rename = "DIRECT", alias = "direct")]
    Direct,
    #[serde(rename = "GROUP", alias = "group")]
    Group,
}

impl From<Connect360Type> for ConversationType {
    fn from(t: Connect360Type) -> Self {
        match t {
            Connect360Type::Direct => ConversationType::Direct,
            Connect360Type::Group => ConversationType::Group,
        }
    }
}

impl From<ConversationType> for Connect360Type {
    fn from(t: ConversationType) -> Self {
        match t {
            ConversationType::Direct => Connect360Type::Direct,
            ConversationType::Group => Connect360Type::Group,
        }
    }
}

/// The customer of `getOrCreateConversation`: found by `id`, else by `externalId` (made from
/// these fields when missing).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360CustomerInput {
    #[serde(default)]
    pub id: Option<ContactId>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::identifier_when_given)]
    pub external_id: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_name)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_email)]
    pub email: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_short_text)]
    pub phone: Option<String>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_http_url)]
    pub image: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<JsonObject>,
}

/// `getOrCreateConversation`'s input (and `createSubConversation`'s, with `parentId`). At
/// least one of `customerId`, `customer` or `memberIds` is required by get-or-create.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360ConversationInput {
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_name)]
    pub name: Option<String>,
    #[serde(default, rename = "type")]
    pub conversation_type: Option<Connect360Type>,
    #[serde(default)]
    pub customer_id: Option<ContactId>,
    #[serde(default)]
    pub customer: Option<Connect360CustomerInput>,
    #[serde(default)]
    pub member_ids: Option<Vec<UserId>>,
    #[serde(default)]
    pub channel_ids: Option<Vec<ChannelId>>,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_identifier)]
    pub channel_identifier: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<JsonObject>,
}

impl From<Connect360ConversationInput> for GetOrCreateConversation {
    fn from(c: Connect360ConversationInput) -> Self {
        GetOrCreateConversation {
            conversation_type: c.conversation_type.map(Into::into),
            name: c.name,
            customer_id: c.customer_id,
            customer: c.customer.map(|k| CustomerRef {
                id: k.id,
                external_id: k.external_id,
                name: k.name,
                email: k.email,
                phone: k.phone,
                image: k.image,
                metadata: k.metadata,
            }),
            member_ids: c.member_ids,
            channel_ids: c.channel_ids,
            channel_identifier: c.channel_identifier,
            metadata: c.metadata,
        }
    }
}

/// `createSubConversation`'s input: a conversation under `parentId`, which inherits the
/// parent's channels unless `channelIds` or `channelIdentifier` are given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360SubConversationInput {
    pub parent_id: ConversationId,
    #[serde(flatten)]
    pub conversation: Connect360ConversationInput,
}

/// `updateConversation`'s input: `metadata` is merged into the stored metadata (a key set to
/// `null` is removed); `parentId: null` makes it top-level.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360UpdateInput {
    pub id: ConversationId,
    #[serde(default)]
    #[schema(schema_with = convo_types::schema::optional_name)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub metadata: Option<JsonObject>,
    #[serde(default, deserialize_with = "convo_types::double_option")]
    #[schema(value_type = Option<ConversationId>)]
    pub parent_id: Option<Option<ConversationId>>,
}

/// `getConversation`'s and `deleteConversation`'s input.
#[derive(Debug, Deserialize, ToSchema)]
pub struct Connect360IdInput {
    pub id: ConversationId,
}

/// `listSubConversations`'s input: `cursor` is the `nextCursor` of the previous page.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360ListInput {
    pub parent_id: ConversationId,
    /// 1 to 100; default 20.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100)]
    pub limit: Option<i64>,
    #[serde(default)]
    #[schema(minimum = 0)]
    pub cursor: Option<i64>,
}

/// A conversation as Connect360 answers it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360Conversation {
    pub id: ConversationId,
    pub name: String,
    #[serde(rename = "type")]
    pub conversation_type: Connect360Type,
    pub status: Status,
    pub parent_id: Option<ConversationId>,
    pub customer_id: Option<ContactId>,
    pub channel_ids: Vec<ChannelId>,
    #[schema(value_type = Object)]
    pub metadata: JsonObject,
    /// The latest message, when there is one (lists never carry whole histories).
    pub messages: Vec<Connect360Message>,
    /// The team members in it: people and AI agents (the key's acting user among them).
    pub participants: Vec<Connect360Participant>,
    #[serde(rename = "_count")]
    pub count: Connect360Count,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360Message {
    pub id: MessageId,
    pub message_type: MessageType,
    /// The first 140 characters.
    pub preview: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360Participant {
    pub id: UserId,
    pub name: String,
    pub kind: UserKind,
    pub avatar_url: Option<String>,
}

impl From<SimpleUser> for Connect360Participant {
    fn from(u: SimpleUser) -> Self {
        Connect360Participant {
            id: u.id,
            name: u.name,
            kind: u.kind,
            avatar_url: u.avatar_url,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Connect360Count {
    pub children: i64,
    pub messages: i64,
}

impl From<Conversation> for Connect360Conversation {
    fn from(c: Conversation) -> Self {
        Connect360Conversation {
            id: c.id,
            name: c.name,
            conversation_type: c.conversation_type.into(),
            status: c.status,
            parent_id: c.parent_id,
            customer_id: c.contact_id,
            channel_ids: c.channel_ids,
            metadata: c.metadata,
            messages: c
                .last_message
                .into_iter()
                .map(|m| Connect360Message {
                    id: m.id,
                    message_type: m.message_type,
                    preview: m.preview,
                    created_at: m.created_at,
                })
                .collect(),
            participants: c.users.into_iter().map(Into::into).collect(),
            count: Connect360Count {
                children: c.counts.children,
                messages: c.counts.messages,
            },
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

/// `listSubConversations`: oldest first; `nextCursor` is `null` on the last page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Connect360Page {
    pub items: Vec<Connect360Conversation>,
    pub next_cursor: Option<i64>,
}

/// `deleteConversation`: soft, as the REST API's default.
#[derive(Debug, Serialize, ToSchema)]
pub struct Connect360Deleted {
    pub id: ConversationId,
    pub deleted: bool,
}

/// What a call to one procedure answers with `200`: its result, or with `?batch=1` an array
/// of results and errors.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TrpcAnswer<T> {
    One(TrpcSuccess<T>),
    Batch(Vec<TrpcOutcome<T>>),
}

/// One call of a batch.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TrpcOutcome<T> {
    Done(TrpcSuccess<T>),
    Failed(TrpcFailure),
}

/// One call of a batch of any procedures: its result (every procedure answers an object), or
/// its error.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TrpcAnyOutcome {
    Done(TrpcAnySuccess),
    Failed(TrpcFailure),
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrpcAnySuccess {
    pub result: TrpcAnyData,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrpcAnyData {
    #[schema(value_type = Object)]
    pub data: Value,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_or_create_conversation))
        .routes(routes!(create_sub_conversation))
        .routes(routes!(update_conversation))
        .routes(routes!(delete_conversation))
        .routes(routes!(list_sub_conversations))
        .routes(routes!(get_conversation))
        .routes(routes!(batch_query, batch_mutation))
}

/// `getOrCreateConversation`: the customer's live top-level conversation, or a new one; the
/// key's acting user is in it.
#[utoipa::path(post, path = "/trpc/v1.connect.getOrCreateConversation", operation_id = "trpcGetOrCreateConversation", tag = "connect360 (tRPC)", request_body = Connect360ConversationInput, responses(
    (status = 200, body = TrpcAnswer<Connect360Conversation>),
))]
pub async fn get_or_create_conversation(state: State<AppState>, request: Request) -> Response {
    trpc::serve(state, request).await
}

/// `createSubConversation`: a conversation under `parentId`.
#[utoipa::path(post, path = "/trpc/v1.connect.createSubConversation", operation_id = "trpcCreateSubConversation", tag = "connect360 (tRPC)", request_body = Connect360SubConversationInput, responses(
    (status = 200, body = TrpcAnswer<Connect360Conversation>),
))]
pub async fn create_sub_conversation(state: State<AppState>, request: Request) -> Response {
    trpc::serve(state, request).await
}

/// `updateConversation`: `name`, `metadata` (merged) and `parentId`.
#[utoipa::path(post, path = "/trpc/v1.connect.updateConversation", operation_id = "trpcUpdateConversation", tag = "connect360 (tRPC)", request_body = Connect360UpdateInput, responses(
    (status = 200, body = TrpcAnswer<Connect360Conversation>),
))]
pub async fn update_conversation(state: State<AppState>, request: Request) -> Response {
    trpc::serve(state, request).await
}

/// `deleteConversation`: needs `conversations:delete` (alias `connect360:conversation:delete`),
/// and only the key that created the conversation, or an admin key, may.
#[utoipa::path(post, path = "/trpc/v1.connect.deleteConversation", operation_id = "trpcDeleteConversation", tag = "connect360 (tRPC)", request_body = Connect360IdInput, responses(
    (status = 200, body = TrpcAnswer<Connect360Deleted>),
))]
pub async fn delete_conversation(state: State<AppState>, request: Request) -> Response {
    trpc::serve(state, request).await
}

/// `listSubConversations`: `input` is `{"parentId", "limit", "cursor"}` as JSON.
#[utoipa::path(get, path = "/trpc/v1.connect.listSubConversations", operation_id = "trpcListSubConversations", tag = "connect360 (tRPC)", params(InputQuery), responses(
    (status = 200, body = TrpcAnswer<Connect360Page>),
))]
pub async fn list_sub_conversations(state: State<AppState>, request: Request) -> Response {
    trpc::serve(state, request).await
}

/// `getConversation`: `input` is `{"id"}` as JSON.
#[utoipa::path(get, path = "/trpc/v1.connect.getConversation", operation_id = "trpcGetConversation", tag = "connect360 (tRPC)", params(InputQuery), responses(
    (status = 200, body = TrpcAnswer<Connect360Conversation>),
))]
pub async fn get_conversation(state: State<AppState>, request: Request) -> Response {
    trpc::serve(state, request).await
}

/// Queries in a batch (`?batch=1`, paths joined by commas), or a procedure by any path.
#[utoipa::path(get, path = "/trpc/{procedures}", operation_id = "trpcBatchQuery", tag = "connect360 (tRPC)", params(
    ("procedures" = String, Path, description = "Procedure paths joined by commas."),
    BatchQuery,
), responses(
    (status = 200, body = Vec<TrpcAnyOutcome>),
    (status = 207, body = Vec<TrpcAnyOutcome>),
))]
pub async fn batch_query(state: State<AppState>, request: Request) -> Response {
    trpc::serve(state, request).await
}

/// Mutations in a batch (`?batch=1`, paths joined by commas, inputs keyed `"0"`, `"1"`, ...).
#[utoipa::path(post, path = "/trpc/{procedures}", operation_id = "trpcBatchMutation", tag = "connect360 (tRPC)", params(
    ("procedures" = String, Path, description = "Procedure paths joined by commas."),
    BatchQuery,
), request_body = Object, responses(
    (status = 200, body = Vec<TrpcAnyOutcome>),
    (status = 207, body = Vec<TrpcAnyOutcome>),
))]
pub async fn batch_mutation(state: State<AppState>, request: Request) -> Response {
    trpc::serve(state, request).await
}
