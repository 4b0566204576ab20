//! Structured logs with a request id per request. Headers and bodies are never logged, so
//! API keys and customer data stay out of logs.

use std::io::IsTerminal;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, Response};
use tracing::Span;
use tracing_subscriber::EnvFilter;

use crate::LogFormat;

/// Installs the global subscriber: `RUST_LOG` filters (default `info`), text or JSON lines.
pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    // Colours only for a person at a terminal: in a file or a log collector the escape
    // codes are noise.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
}

/// The longest `X-Request-Id` a client may choose.
const MAX_REQUEST_ID: usize = 128;

/// A client's `X-Request-Id` is kept only when it is a plain token (letters, digits, `-`, `_`,
/// `.`, `:`, at most 128): anything else could forge fields in the text log, so the server
/// makes its own id instead, as when none was sent.
pub async fn drop_unsafe_request_id(
    mut request: Request<Body>,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let safe = request.headers().get("x-request-id").map(|value| {
        let bytes = value.as_bytes();
        !bytes.is_empty()
            && bytes.len() <= MAX_REQUEST_ID
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
    });
    if safe == Some(false) {
        request.headers_mut().remove("x-request-id");
    }
    next.run(request).await
}

pub fn request_span(request: &Request<Body>) -> Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %redacted_path(request.uri().path()),
        request_id = %request_id,
        organization_id = tracing::field::Empty,
    )
}

/// Token prefixes that may stand in a path (reset and invitation links): the secret after
/// them never reaches a log line.
const SECRET_PREFIXES: [&str; 4] = ["convo_pwr_", "convo_inv_", "convo_ses_", "convo_sk_"];

/// The path with every secret token cut to its prefix (`/v1/password-resets/convo_pwr_***`).
pub fn redacted_path(path: &str) -> std::borrow::Cow<'_, str> {
    if !SECRET_PREFIXES.iter().any(|prefix| path.contains(prefix)) {
        return std::borrow::Cow::Borrowed(path);
    }
    let segments: Vec<String> = path
        .split('/')
        .map(
            |segment| match SECRET_PREFIXES.iter().find(|p| segment.starts_with(*p)) {
                Some(prefix) => format!("{prefix}***"),
                None => segment.to_owned(),
            },
        )
        .collect();
    std::borrow::Cow::Owned(segments.join("/"))
}

pub fn on_response(response: &Response<Body>, latency: Duration, _: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "answered"
    );
}

#[cfg(test)]
mod tests {
    use super::redacted_path;

    #[test]
    fn tokens_in_paths_are_not_logged() {
        assert_eq!(
            redacted_path("/v1/password-resets/convo_pwr_abcDEF123"),
            "/v1/password-resets/convo_pwr_***"
        );
        assert_eq!(
            redacted_path("/v1/invitations/convo_inv_xyz/accept"),
            "/v1/invitations/convo_inv_***/accept"
        );
        assert_eq!(
            redacted_path("/v1/conversations/abc"),
            "/v1/conversations/abc"
        );
    }
}
