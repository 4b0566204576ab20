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

pub fn request_span(request: &Request<Body>) -> Span {
    let request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %request_id,
        organization_id = tracing::field::Empty,
    )
}

pub fn on_response(response: &Response<Body>, latency: Duration, _: &Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = latency.as_secs_f64() * 1000.0,
        "answered"
    );
}
