//! `POST /v1/conversations/bulk`: one change for many conversations.

use convo_core::usecases::{bulk, reads};
use convo_types::{BulkResult, BulkResults, BulkUpdate};

use super::directory::prelude::*;
use crate::error::ApiError;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(update))
}

/// Changes up to 100 conversations at once (status, snooze, assignee, priority, labels),
/// each as the single-conversation calls would, with their events. An invalid change is
/// `422` for the whole request; otherwise every id answers its own outcome, in order.
#[utoipa::path(post, path = "/v1/conversations/bulk", operation_id = "bulkUpdateConversations", tag = "conversations", request_body = BulkUpdate, responses(
    (status = 200, body = BulkResults),
    (status = 422, body = convo_types::Problem),
))]
pub async fn update(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Json(req): Json<BulkUpdate>,
) -> ApiResult<axum::Json<BulkResults>> {
    let outcomes = bulk::update(state.store.as_ref(), &caller, req).await?;
    let mut results = Vec::with_capacity(outcomes.len());
    for (id, outcome) in outcomes {
        results.push(match outcome {
            Ok(mut record) => {
                reads::show_unread(state.store.as_ref(), &caller, [&mut record.conversation])
                    .await?;
                BulkResult {
                    id,
                    status: StatusCode::OK.as_u16(),
                    conversation: Some(Box::new(record.conversation)),
                    error: None,
                }
            }
            Err(error) => {
                let error = ApiError::from(error);
                BulkResult {
                    id,
                    status: error.status().as_u16(),
                    conversation: None,
                    error: Some(error.problem()),
                }
            }
        });
    }
    Ok(axum::Json(BulkResults {
        object_name: "bulk_results".into(),
        results,
    }))
}
