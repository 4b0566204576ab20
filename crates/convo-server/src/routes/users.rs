//! `/v1/users`: team members and AI agents.

use convo_types::{CreateUser, UpdateUser, User, UserId};

use super::directory::prelude::*;

directory_list! {
    path: "/v1/users", tag: "users", item: User, operation_id: "listUsers",
    use_case: directory::list_users, doc: "Lists users, oldest first.",
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
