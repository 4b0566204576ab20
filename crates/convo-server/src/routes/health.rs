use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use convo_types::Health;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
}

/// The process is up.
///
/// For a liveness probe: answers as long as the process serves HTTP, whatever the database.
#[utoipa::path(get, path = "/healthz", operation_id = "getHealth", tag = "health", responses(
    (status = 200, description = "up", body = Health),
))]
pub async fn healthz() -> Json<Health> {
    Json(Health::new("ok"))
}

/// The database answers.
///
/// For a readiness probe: answers once the database answers a query.
#[utoipa::path(get, path = "/readyz", operation_id = "getReadiness", tag = "health", responses(
    (status = 200, description = "ready", body = Health),
    (status = 500, description = "the database does not answer", body = convo_types::Problem),
))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<(StatusCode, Json<Health>)> {
    state.store.ping().await?;
    Ok((StatusCode::OK, Json(Health::new("ready"))))
}
