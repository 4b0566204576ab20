//! `/v1/labels`, and the labels of a conversation.

use axum::response::Response;
use convo_core::usecases::labels;
use convo_types::{
    AddLabels, Conversation, ConversationId, CreateLabel, Label, LabelId, UpdateLabel,
};

use super::directory::prelude::*;
use crate::routes::conversations::answer;

directory_list! {
    path: "/v1/labels", tag: "labels", item: Label, operation_id: "listLabels",
    use_case: labels::list, doc: "Lists the organization's labels, oldest first.",
}

mod crud {
    use super::*;

    directory_handlers! {
        path: "/v1/labels", item_path: "/v1/labels/{id}", tag: "labels",
        item: Label, id: LabelId, create: CreateLabel, update: UpdateLabel,
        operation_ids: ("createLabel", "getLabel", "updateLabel", "deleteLabel"),
        use_cases: (labels::create, labels::get, labels::update, labels::delete),
        docs: (
            "Creates a label; `409` when one of that name exists (names ignore case).",
            "Gets a label by id.",
            "Changes a label: absent fields stay. Renamed, it stays on its conversations.",
            "Deletes a label and takes it off every conversation."
        ),
        after_write: nothing_cached,
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    crud::router()
        .routes(routes!(add_to_conversation))
        .routes(routes!(remove_from_conversation))
}

/// Puts labels on a conversation (each must exist); the ones it has stay.
#[utoipa::path(post, path = "/v1/conversations/{id}/labels", operation_id = "addConversationLabels", tag = "labels", params(("id" = ConversationId, Path)), request_body = AddLabels, responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 404, body = convo_types::Problem),
    (status = 422, description = "a name that is no label (`validation_failed`)", body = convo_types::Problem),
))]
pub async fn add_to_conversation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<ConversationId>,
    Json(req): Json<AddLabels>,
) -> ApiResult<Response> {
    let record = labels::add_to_conversation(state.store.as_ref(), &caller, id, req).await?;
    answer(&state, &caller, StatusCode::OK, record).await
}

/// Takes a label off a conversation, by name (ignoring case); `404` when no label has it.
#[utoipa::path(delete, path = "/v1/conversations/{id}/labels/{name}", operation_id = "removeConversationLabel", tag = "labels", params(("id" = ConversationId, Path), ("name" = String, Path)), responses(
    (status = 200, body = Conversation, headers(("ETag" = String))),
    (status = 404, body = convo_types::Problem),
))]
pub async fn remove_from_conversation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((id, name)): Path<(ConversationId, String)>,
) -> ApiResult<Response> {
    let record = labels::remove_from_conversation(state.store.as_ref(), &caller, id, &name).await?;
    answer(&state, &caller, StatusCode::OK, record).await
}
