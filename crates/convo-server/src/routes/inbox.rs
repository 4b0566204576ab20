//! `/inbox`: the web inbox for people, built from `inbox/` by Vite and compiled into the
//! binary. Its files under `/inbox/assets/` are named by their content's hash, so browsers
//! keep them for good; every other path under `/inbox/` is the app's page (its own router
//! reads the path), never cached, so a new binary's inbox is seen on the next load.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};
use tower_http::compression::CompressionLayer;

use crate::error::ApiError;
use crate::AppState;

static BUILT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assets/inbox");

/// Built files are named by their content's hash: a browser may keep them for good.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// What the page may load: only convo's own files and API (no inline script, no third party),
/// images also from `blob:` (previews of files being uploaded) and `data:`.
const PAGE_POLICY: &str =
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; \
     style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(|| async { Redirect::permanent("/inbox/") }))
        .route("/inbox/", get(page))
        .route("/inbox/{*path}", get(file))
        .layer(CompressionLayer::new())
}

/// The app's page, for `/inbox/` and every path of the app (`/inbox/conversations/...`).
async fn page() -> Response {
    let Some(index) = BUILT.get_file("index.html") else {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "this binary was built without the inbox (run `npm run build` in inbox/)",
        )
            .into_response();
    };
    let headers = [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-cache"),
        (header::CONTENT_SECURITY_POLICY, PAGE_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
    ];
    (headers, index.contents()).into_response()
}

async fn file(Path(path): Path<String>) -> Response {
    if !path.starts_with("assets/") {
        // A path of the app itself, which its router shows.
        return page().await;
    }
    let Some(asset) = BUILT.get_file(&path) else {
        return ApiError::not_found("the inbox has no such file").into_response();
    };
    let content_type = mime_guess::from_path(asset.path()).first_or_octet_stream();
    let headers = [
        (header::CONTENT_TYPE, content_type.essence_str().to_owned()),
        (header::CACHE_CONTROL, IMMUTABLE.to_owned()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
    ];
    (headers, asset.contents()).into_response()
}
