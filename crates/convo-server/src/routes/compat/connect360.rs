//! Connect360's conversation procedures, called through a tRPC client
//! (`plato.v1.connect.getOrCreateConversation.mutate({...})`), with its camelCase inputs and
//! outputs. Each procedure is one use case of convo-core; [`super::trpc`] speaks the protocol.

use axum::extract::{Request, State};
use axum::response::Response;
use convo_core::auth::Principal;
use convo_core::paging::PagingParams;
use convo_core::usecases::{conversations, threads};
use convo_types::compat::connect360::{
    Connect360Conversation, Connect360ConversationInput, Connect360Deleted, Connect360IdInput,
    Connect360ListInput, Connect360Page, Connect360SubConversationInput, Connect360UpdateInput,
};
use convo_types::UpdateConversation;
use serde::Serialize;
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

/// What a call to one procedure answers with `200`: its result, or with `?batch=1` an array
/// of results and errors.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum TrpcAnswer<T> {
    One(TrpcSuccess<T>),
    Batch(Vec<TrpcOutcome<T>>),
}

/// One call of a batch.
// Only the document's schema: never built, so its size costs nothing.
#[allow(clippy::large_enum_variant)]
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
