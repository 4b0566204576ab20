//! `/v1/canned-responses`: replies kept for reuse, and filled in for a conversation.

use convo_core::usecases::canned;
use convo_types::{
    CannedResponse, CannedResponseId, CannedResponseQuery, CreateCannedResponse,
    RenderCannedResponse, RenderedCannedResponse, UpdateCannedResponse,
};

use super::directory::prelude::*;

/// Lists the canned responses offered to the acting user (their own, their units', the
/// organization's), oldest first; `q` finds by the start of the short code or of words of
/// the title and content.
#[utoipa::path(get, path = "/v1/canned-responses", operation_id = "listCannedResponses", tag = "canned responses", params(CannedResponseQuery, PageQuery), responses(
    (status = 200, body = List<CannedResponse>),
    (status = 422, body = convo_types::Problem),
))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(query): Query<CannedResponseQuery>,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<CannedResponse>>> {
    Ok(axum::Json(
        canned::list(state.store.as_ref(), &caller, query, page.into()).await?,
    ))
}

mod crud {
    use super::*;

    directory_handlers! {
        path: "/v1/canned-responses", item_path: "/v1/canned-responses/{id}",
        tag: "canned responses", item: CannedResponse, id: CannedResponseId,
        create: CreateCannedResponse, update: UpdateCannedResponse,
        operation_ids: (
            "createCannedResponse", "getCannedResponse", "updateCannedResponse",
            "deleteCannedResponse"
        ),
        use_cases: (canned::create, canned::get, canned::update, canned::delete),
        docs: (
            "Creates a canned response: personal (`user_id`: the acting user), for a business \
             unit, or for the organization (those two need `admin`); `409` when the short code \
             is taken (short codes ignore case).",
            "Gets a canned response the acting user is offered.",
            "Changes a canned response: absent fields stay. Shared ones need `admin`.",
            "Deletes a canned response. Shared ones need `admin`."
        ),
        after_write: nothing_cached,
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    crud::router().routes(routes!(render))
}

/// Fills in a canned response for a conversation: `{{contact.name}}`, `{{contact.email}}`,
/// `{{contact.phone}}`, `{{agent.name}}`, `{{conversation.id}}`. A variable that is unknown
/// or has no value stays as written and is listed in `unresolved`.
#[utoipa::path(post, path = "/v1/canned-responses/{id}/render", operation_id = "renderCannedResponse", tag = "canned responses", params(("id" = CannedResponseId, Path)), request_body = RenderCannedResponse, responses(
    (status = 200, body = RenderedCannedResponse),
    (status = 404, description = "no such canned response, or a conversation the caller does not see", body = convo_types::Problem),
))]
pub async fn render(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<CannedResponseId>,
    Json(req): Json<RenderCannedResponse>,
) -> ApiResult<axum::Json<RenderedCannedResponse>> {
    Ok(axum::Json(
        canned::render(state.store.as_ref(), &caller, id, req).await?,
    ))
}
