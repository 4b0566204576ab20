//! The pattern every directory resource (business units, users, API keys, channels,
//! contacts) follows: list, create, get, change, delete, each with its OpenAPI annotation.
//! Only names, paths, wording and list filters differ, so the handlers are written once here
//! and each resource module states its differences.

/// `list` without filters: oldest first, paged.
macro_rules! directory_list {
    (
        path: $path:tt, tag: $tag:tt, item: $item:ty, operation_id: $operation_id:tt,
        use_case: $list:path, doc: $doc:tt $(,)?
    ) => {
        #[doc = $doc]
        #[utoipa::path(get, path = $path, operation_id = $operation_id, tag = $tag, params(PageQuery), responses((status = 200, body = List<$item>)))]
        pub async fn list(
            State(state): State<AppState>,
            Caller(caller): Caller,
            Query(page): Query<PageQuery>,
        ) -> ApiResult<axum::Json<List<$item>>> {
            Ok(axum::Json($list(state.store.as_ref(), &caller, page.into()).await?))
        }
    };
}

/// The router and the create, get, change and delete handlers. `after_write` runs after a
/// change or delete succeeds (resources that API keys depend on clear the key cache).
macro_rules! directory_handlers {
    (
        path: $path:tt, item_path: $item_path:tt, tag: $tag:tt,
        item: $item:ty, id: $id:ty, create: $create:ty, update: $update:ty,
        operation_ids: ($create_id:tt, $get_id:tt, $update_id:tt, $delete_id:tt),
        use_cases: ($create_fn:path, $get_fn:path, $update_fn:path, $delete_fn:path),
        docs: ($create_doc:tt, $get_doc:tt, $update_doc:tt, $delete_doc:tt),
        after_write: $after_write:expr $(,)?
    ) => {
        pub fn router() -> OpenApiRouter<AppState> {
            OpenApiRouter::new()
                .routes(routes!(list, create))
                .routes(routes!(get, update, delete))
        }

        #[doc = $create_doc]
        #[utoipa::path(post, path = $path, operation_id = $create_id, tag = $tag, request_body = $create, responses(
            (status = 201, body = $item),
            (status = 422, description = "invalid fields", body = convo_types::Problem),
        ))]
        pub async fn create(
            State(state): State<AppState>,
            Caller(caller): Caller,
            Json(req): Json<$create>,
        ) -> ApiResult<(StatusCode, axum::Json<$item>)> {
            let created = $create_fn(state.store.as_ref(), &caller, req).await?;
            Ok((StatusCode::CREATED, axum::Json(created)))
        }

        #[doc = $get_doc]
        #[utoipa::path(get, path = $item_path, operation_id = $get_id, tag = $tag, params(("id" = $id, Path)), responses(
            (status = 200, body = $item),
            (status = 404, body = convo_types::Problem),
        ))]
        pub async fn get(
            State(state): State<AppState>,
            Caller(caller): Caller,
            Path(id): Path<$id>,
        ) -> ApiResult<axum::Json<$item>> {
            Ok(axum::Json($get_fn(state.store.as_ref(), &caller, id).await?))
        }

        #[doc = $update_doc]
        #[utoipa::path(patch, path = $item_path, operation_id = $update_id, tag = $tag, params(("id" = $id, Path)), request_body = $update, responses(
            (status = 200, body = $item),
            (status = 404, body = convo_types::Problem),
        ))]
        pub async fn update(
            State(state): State<AppState>,
            Caller(caller): Caller,
            Path(id): Path<$id>,
            Json(req): Json<$update>,
        ) -> ApiResult<axum::Json<$item>> {
            let updated = $update_fn(state.store.as_ref(), &caller, id, req).await?;
            ($after_write)(&state);
            Ok(axum::Json(updated))
        }

        #[doc = $delete_doc]
        #[utoipa::path(delete, path = $item_path, operation_id = $delete_id, tag = $tag, params(("id" = $id, Path)), responses(
            (status = 204),
            (status = 404, body = convo_types::Problem),
            (status = 409, body = convo_types::Problem),
        ))]
        pub async fn delete(
            State(state): State<AppState>,
            Caller(caller): Caller,
            Path(id): Path<$id>,
        ) -> ApiResult<StatusCode> {
            $delete_fn(state.store.as_ref(), &caller, id).await?;
            ($after_write)(&state);
            Ok(StatusCode::NO_CONTENT)
        }
    };
}

/// What every directory resource module uses.
pub mod prelude {
    pub use axum::extract::State;
    pub use axum::http::StatusCode;
    pub use convo_core::usecases::directory;
    pub use convo_types::List;
    pub use utoipa_axum::router::OpenApiRouter;
    pub use utoipa_axum::routes;

    pub use crate::auth::Caller;
    pub use crate::error::ApiResult;
    pub use crate::extract::{Json, Path, Query};
    pub use crate::routes::PageQuery;
    pub use crate::AppState;

    /// `after_write` of resources nothing else caches.
    pub fn nothing_cached(_: &AppState) {}

    /// `after_write` of what API keys are resolved with (keys themselves, and the users
    /// they act as): cached principals must be read again.
    pub fn clear_key_cache(state: &AppState) {
        state.keys.clear();
    }
}
