//! `/v1/views`: saved views of the conversation list.

use convo_core::usecases::views;
use convo_types::{CreateSavedView, SavedView, SavedViewId, UpdateSavedView};

use super::directory::prelude::*;

directory_list! {
    path: "/v1/views", tag: "views", item: SavedView, operation_id: "listViews",
    use_case: views::list,
    doc: "Lists the shared views and the acting user's own, oldest first.",
}

mod crud {
    use super::*;

    directory_handlers! {
        path: "/v1/views", item_path: "/v1/views/{id}", tag: "views",
        item: SavedView, id: SavedViewId, create: CreateSavedView, update: UpdateSavedView,
        operation_ids: ("createView", "getView", "updateView", "deleteView"),
        use_cases: (views::create, views::get, views::update, views::delete),
        docs: (
            "Saves a view: a name and the list's filters as an object (an unknown filter is \
             `422`). Personal, or `shared` with the organization (needs `admin`).",
            "Gets a shared view or one of the acting user's own.",
            "Changes a view: absent fields stay; `filters` replaces the stored ones. Shared \
             views need `admin`.",
            "Deletes a view. Shared views need `admin`."
        ),
        after_write: nothing_cached,
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    crud::router()
}
