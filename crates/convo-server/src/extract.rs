//! Extractors whose every rejection is a problem+json answer with a stable code.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use convo_types::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Deepest JSON nesting a body may have. Real requests need a handful of levels; the limit
/// keeps a hostile body from costing stack or time.
pub const MAX_JSON_DEPTH: usize = 32;

/// A JSON body: `Content-Type: application/json`, within the size limit, at most
/// [`MAX_JSON_DEPTH`] deep. Type errors name the field.
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| {
                let mime = mime.trim();
                mime == "application/json" || mime.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::PayloadTooLarge,
                    "the body is larger than this server accepts",
                )
            } else {
                ApiError::bad_request(ErrorCode::BadRequest, rejection.body_text())
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// Parses a JSON body with the depth limit and field-naming errors.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if nesting_depth(bytes) > MAX_JSON_DEPTH {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidJson,
            format!("the JSON is nested deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            let field = if path == "." { "body".to_owned() } else { path };
            ApiError::field(StatusCode::UNPROCESSABLE_ENTITY, field, inner.to_string())
        } else {
            ApiError::bad_request(
                ErrorCode::InvalidJson,
                format!("the body is not valid JSON: {inner}"),
            )
        }
    })?;
    deserializer.end().map_err(|e| {
        ApiError::bad_request(
            ErrorCode::InvalidJson,
            format!("the body is not valid JSON: {e}"),
        )
    })?;
    Ok(value)
}

/// How deep arrays and objects nest, ignoring brackets inside strings.
fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Query parameters; repeated keys fill lists (`statuses=open&statuses=pending`).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_html_form::from_str(query).map(Query).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::BadRequest,
                format!("invalid query parameter: {e}"),
            )
        })
    }
}

/// Path parameters. An id that cannot be parsed names nothing, so it is a `404`.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|_| {
                ApiError::not_found(
                    "no such object: the id in the path is not one this API gives out",
                )
            })
    }
}

/// `If-Match: "v3"`: the version a change expects. A tag that cannot match any version fails
/// the precondition; `*` and no header expect nothing.
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or_default().trim();
        if text == "*" {
            return Ok(IfMatch(None));
        }
        let tag = text.trim_start_matches("W/").trim_matches('"');
        tag.strip_prefix('v')
            .and_then(|v| v.parse().ok())
            .map(|v| IfMatch(Some(v)))
            .ok_or_else(|| convo_core::Error::PreconditionFailed.into())
    }
}

pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(nesting_depth(br#"{"a": "[[[[{{{{"}"#), 1);
        assert_eq!(nesting_depth(br#"[[["\"]"]]]"#), 3);
        assert_eq!(nesting_depth(&b"[".repeat(10_000)), 10_000);
    }
}
