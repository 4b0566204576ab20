//! `/docs`: the OpenAPI document rendered for people by Swagger UI (swagger-ui-dist 5.35.0,
//! compiled into the binary so the page needs no internet), and `/`, which sends a browser to
//! the inbox and shows other clients links.

use axum::http::header;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;

use crate::AppState;

const SWAGGER_UI_JS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
const SWAGGER_UI_CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");

/// The viewer's files change only with the binary, so browsers may keep them a day.
const CACHE_A_DAY: &str = "public, max-age=86400";

const DOCS_PAGE: &str = r##"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>convo API</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="api"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#api",
      deepLinking: true,
      displayOperationId: true,
      persistAuthorization: true,
    });
  </script>
</body>
</html>
"##;

const HOME_PAGE: &str = r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>convo</title></head>
<body>
  <h1>convo</h1>
  <p>A self-hostable backend for customer conversations.</p>
  <ul>
    <li><a href="/inbox/">The inbox</a></li>
    <li><a href="/docs">API documentation</a></li>
    <li><a href="/openapi.json">OpenAPI 3.1 document</a></li>
    <li><a href="/healthz">/healthz</a> and <a href="/readyz">/readyz</a></li>
  </ul>
</body>
</html>
"#;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/docs", get(|| async { Html(DOCS_PAGE) }))
        .route(
            "/docs/swagger-ui-bundle.js",
            get(|| async { asset("text/javascript; charset=utf-8", SWAGGER_UI_JS) }),
        )
        .route(
            "/docs/swagger-ui.css",
            get(|| async { asset("text/css; charset=utf-8", SWAGGER_UI_CSS) }),
        )
}

/// A browser (it asks for HTML) goes to the inbox; other clients get the page of links.
async fn home(headers: axum::http::HeaderMap) -> axum::response::Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html {
        axum::response::Redirect::to("/inbox/").into_response()
    } else {
        Html(HOME_PAGE).into_response()
    }
}

fn asset(content_type: &'static str, bytes: &'static [u8]) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, CACHE_A_DAY),
        ],
        bytes,
    )
}
