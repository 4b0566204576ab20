//! `/v1/users`: team members and AI agents.

use convo_types::{CreateUser, UpdateUser, User, UserFilters, UserId};

use super::directory::prelude::*;

/// Lists users, oldest first; `presence=online` lists who is there to answer.
#[utoipa::path(get, path = "/v1/users", operation_id = "listUsers", tag = "users", params(UserFilters, PageQuery), responses((status = 200, body = List<User>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(filters): Query<UserFilters>,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<User>>> {
    Ok(axum::Json(
        directory::list_users(state.store.as_ref(), &caller, filters, page.into()).await?,
    ))
}

directory_handlers! {
    path: "/v1/users", item_path: "/v1/users/{id}", tag: "users",
    item: User, id: UserId, create: CreateUser, update: UpdateUser,
    operation_ids: ("createUser", "getUser", "updateUser", "deleteUser"),
    use_cases: (
        directory::create_user,
        directory::get_user,
        directory::update_user,
        directory::delete_user
    ),
    docs: (
        "Creates a team member or AI agent.",
        "Gets a team member or AI agent by id.",
        "Changes a team member or AI agent: absent fields stay as they are.",
        "Deletes a team member or AI agent; `409` while something still refers to it."
    ),
    // Keys acting as the user change with it.
    after_write: clear_key_cache,
}
