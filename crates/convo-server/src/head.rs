//! Limits on a request's head, answered as problem+json: a target longer than
//! [`MAX_TARGET_BYTES`] is `414`, headers larger than [`MAX_HEADER_BYTES`] are `431`. hyper
//! answers past its own, higher limits (a target over 64 KiB, a head over its read buffer,
//! 64 KiB: see `serve.rs`)
//! with a bodyless status of its own, before any of this code runs.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use convo_types::ErrorCode;

use crate::error::ApiError;

/// The longest path and query string accepted.
pub const MAX_TARGET_BYTES: usize = 8 * 1024;
/// The most bytes of header names and values accepted.
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

pub async fn limit_head(request: Request, next: Next) -> Response {
    let target = request
        .uri()
        .path_and_query()
        .map_or(0, |target| target.as_str().len());
    if target > MAX_TARGET_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            ErrorCode::BadRequest,
            format!("the path and query string must be at most {MAX_TARGET_BYTES} bytes"),
        )
        .into_response();
    }
    let headers: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if headers > MAX_HEADER_BYTES {
        return ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ErrorCode::BadRequest,
            format!("the headers must be at most {MAX_HEADER_BYTES} bytes in all"),
        )
        .into_response();
    }
    next.run(request).await
}
