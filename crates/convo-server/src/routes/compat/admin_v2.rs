//! The AI-agent platform's Admin API v2, served as written: `/admin/api/v2/conversations`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use convo_core::usecases::workforce::{self, ListParams, Tenancy};
use convo_types::{
    BusinessUnitId, Conversation, ConversationId, List, Message, OrganizationId,
    WorkforceCreateConversation, WorkforceUpdateConversation, WorkforceUpdateStatus,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::extract::{Json, Path, Query};
use crate::routes::conversations::answer;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get, update, delete))
        .routes(routes!(update_status))
        .routes(routes!(list_messages))
}

/// `tenant_id` (must be the key's own organization) and `tenant_unit_id` (a business unit).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TenantQuery {
    pub tenant_id: Option<OrganizationId>,
    pub tenant_unit_id: Option<BusinessUnitId>,
}

impl From<TenantQuery> for Tenancy {
    fn from(q: TenantQuery) -> Self {
        Tenancy {
            tenant_id: q.tenant_id,
            tenant_unit_id: q.tenant_unit_id,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Current page number; default 1.
    pub page_num: Option<i64>,
    /// Items per page; default 20.
    pub page_size: Option<i64>,
    /// `recent` (default) or `oldest`.
    pub order: Option<convo_types::SortOrder>,
    pub status: Option<convo_types::Status>,
    /// Repeated (`statuses=running&statuses=paused`) or comma-separated.
    #[serde(default, deserialize_with = "convo_types::deserialize_statuses")]
    pub statuses: Vec<convo_types::Status>,
    pub agent_id: Option<String>,
    pub assignment_id: Option<String>,
}

/// List Conversations.
#[utoipa::path(get, path = "/admin/api/v2/conversations", operation_id = "adminListConversations", tag = "admin v2", params(ListQuery, TenantQuery), responses(
    (status = 200, body = List<Conversation>),
    (status = 404, description = "a tenant_id of another organization", body = convo_types::Problem),
))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(q): Query<ListQuery>,
    Query(tenant): Query<TenantQuery>,
) -> ApiResult<axum::Json<List<Conversation>>> {
    let params = ListParams {
        page_num: q.page_num,
        page_size: q.page_size,
        order: q.order,
        status: q.status,
        statuses: q.statuses,
        agent_id: q.agent_id,
        assignment_id: q.assignment_id,
    };
    Ok(axum::Json(
        workforce::list(state.store.as_ref(), &caller, tenant.into(), params).await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentQuery {
    pub assignment_id: Option<String>,
}

/// Create Conversation: topic "New Conversation" and status `running` by default.
#[utoipa::path(post, path = "/admin/api/v2/conversations", operation_id = "adminCreateConversation", tag = "admin v2", request_body = WorkforceCreateConversation, params(AssignmentQuery, TenantQuery), responses(
    (status = 201, body = Conversation),
    (status = 422, body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(a): Query<AssignmentQuery>,
    Query(tenant): Query<TenantQuery>,
    Json(req): Json<WorkforceCreateConversation>,
) -> ApiResult<Response> {
    let record = workforce::create(
        state.store.as_ref(),
        &caller,
        tenant.into(),
        a.assignment_id,
        req,
    )
    .await?;
    answer(&state, &caller, StatusCode::CREATED, record).await
}

/// Get Conversation.
#[utoipa::path(get, path = "/admin/api/v2/conversations/{conversation_id}", operation_id = "adminGetConversation", tag = "admin v2", params(("conversation_id" = ConversationId, Path), TenantQuery), responses(
    (status = 200, body = Conversation),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(tenant): Query<TenantQuery>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        workforce::get(state.store.as_ref(), &caller, tenant.into(), id).await?,
    )
    .await
}

/// Update Conversation (the topic).
#[utoipa::path(patch, path = "/admin/api/v2/conversations/{conversation_id}", operation_id = "adminUpdateConversation", tag = "admin v2", request_body = WorkforceUpdateConversation, params(("conversation_id" = ConversationId, Path), TenantQuery), responses(
    (status = 200, body = Conversation),
    (status = 404, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(tenant): Query<TenantQuery>,
    Json(req): Json<WorkforceUpdateConversation>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        workforce::update(state.store.as_ref(), &caller, tenant.into(), id, req).await?,
    )
    .await
}

/// Delete Conversation, with its messages.
#[utoipa::path(delete, path = "/admin/api/v2/conversations/{conversation_id}", operation_id = "adminDeleteConversation", tag = "admin v2", params(("conversation_id" = ConversationId, Path)), responses(
    (status = 204),
    (status = 403, body = convo_types::Problem),
    (status = 404, body = convo_types::Problem),
))]
pub async fn delete(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
) -> ApiResult<StatusCode> {
    workforce::delete(state.store.as_ref(), &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Update Conversation Status (a run status).
#[utoipa::path(patch, path = "/admin/api/v2/conversations/{conversation_id}/status", operation_id = "adminUpdateConversationStatus", tag = "admin v2", request_body = WorkforceUpdateStatus, params(("conversation_id" = ConversationId, Path), TenantQuery), responses(
    (status = 200, body = Conversation),
    (status = 404, body = convo_types::Problem),
    (status = 422, body = convo_types::Problem),
))]
pub async fn update_status(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(tenant): Query<TenantQuery>,
    Json(req): Json<WorkforceUpdateStatus>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        StatusCode::OK,
        workforce::update_status(state.store.as_ref(), &caller, tenant.into(), id, req).await?,
    )
    .await
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MessagePageQuery {
    /// Page number; default 1.
    pub page: Option<i64>,
    /// Page size; default 20.
    pub page_size: Option<i64>,
}

/// List Messages By Conversation.
#[utoipa::path(get, path = "/admin/api/v2/conversations/{conversation_id}/messages", operation_id = "adminListMessagesByConversation", tag = "admin v2", params(("conversation_id" = ConversationId, Path), MessagePageQuery, TenantQuery), responses(
    (status = 200, body = List<Message>),
    (status = 404, body = convo_types::Problem),
))]
pub async fn list_messages(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Query(p): Query<MessagePageQuery>,
    Query(tenant): Query<TenantQuery>,
) -> ApiResult<axum::Json<List<Message>>> {
    let list = workforce::list_messages(
        state.store.as_ref(),
        &caller,
        tenant.into(),
        id,
        p.page,
        p.page_size,
    )
    .await?;
    Ok(axum::Json(state.signed_list(list)))
}
