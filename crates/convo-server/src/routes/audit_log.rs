//! `GET /v1/audit-log`: the security-relevant actions of the organization, for admins.

use convo_core::usecases::audit;
use convo_core::AuditFilter;
use convo_types::{AuditAction, AuditEntry, UserId};
use serde::Deserialize;
use utoipa::IntoParams;

use super::directory::prelude::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only what this user did.
    pub actor_id: Option<UserId>,
    /// Only this action.
    pub action: Option<AuditAction>,
}

/// Lists sign-ins and their failures, sign-outs, password and two-factor changes, resets,
/// API keys made or revoked and changes of users, newest first (admins only).
#[utoipa::path(get, path = "/v1/audit-log", operation_id = "listAuditLog", tag = "sessions", params(PageQuery, AuditQuery), responses((status = 200, body = List<AuditEntry>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
    Query(query): Query<AuditQuery>,
) -> ApiResult<axum::Json<List<AuditEntry>>> {
    let filter = AuditFilter {
        actor_id: query.actor_id.map(|id| id.to_string()),
        action: query.action,
    };
    Ok(axum::Json(
        audit::list(state.store.as_ref(), &caller, filter, page.into()).await?,
    ))
}
