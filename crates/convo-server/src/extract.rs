//! Extractors whose every rejection is a problem+json answer with a stable code.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OptionalFromRequest, Request};
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
            // axum reports its own body limit by status; other failures by their cause.
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::payload_too_large()
            } else {
                ApiError::unreadable_body(&rejection)
            }
        })?;
        parse_json(&bytes).map(Json)
    }
}

/// An optional JSON body: none when the request sends no body at all (no `Content-Type` and
/// nothing to read); otherwise exactly as [`Json`].
impl<S: Send + Sync, T: DeserializeOwned> OptionalFromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Option<Self>, Self::Rejection> {
        let empty = !req.headers().contains_key(header::CONTENT_TYPE)
            && req
                .headers()
                .get(header::CONTENT_LENGTH)
                .is_none_or(|length| length == "0");
        if empty {
            return Ok(None);
        }
        <Json<T> as FromRequest<S>>::from_request(req, state)
            .await
            .map(Some)
    }
}

/// Parses a JSON body: a JSON object, at most [`MAX_JSON_DEPTH`] deep, with no NUL in its
/// text (PostgreSQL cannot store one, so neither backend accepts it); type errors name the
/// field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let shape = BodyShape::of(bytes);
    if shape.depth > MAX_JSON_DEPTH {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidJson,
            format!("the JSON is nested deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if !shape.is_object {
            ApiError::bad_request(ErrorCode::InvalidJson, NOT_AN_OBJECT)
        } else if inner.is_data() {
            let field = field_of(&path, &inner.to_string());
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
    // Only a valid body gets here, so these name what is wrong with valid JSON.
    if !shape.is_object {
        return Err(ApiError::bad_request(ErrorCode::InvalidJson, NOT_AN_OBJECT));
    }
    if shape.has_nul {
        return Err(ApiError::field(
            StatusCode::UNPROCESSABLE_ENTITY,
            "body".to_owned(),
            "text may not contain the NUL character (\\u0000)".to_owned(),
        ));
    }
    Ok(value)
}

/// The field an error is about: where the parser stopped, or for a missing field that field
/// itself inside it (serde names it only in its message: "missing field `name`").
fn field_of(path: &str, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    match (path, missing) {
        (".", Some(name)) => name.to_owned(),
        (".", None) => "body".to_owned(),
        (_, Some(name)) => format!("{path}.{name}"),
        (_, None) => path.to_owned(),
    }
}

const NOT_AN_OBJECT: &str = "the body must be a JSON object (`{...}`)";

/// What one pass over the raw bytes tells before parsing.
#[derive(Debug, PartialEq)]
struct BodyShape {
    /// How deep arrays and objects nest, ignoring brackets inside strings.
    depth: usize,
    /// Whether the first thing in the body is `{`.
    is_object: bool,
    /// Whether a string holds `\u0000` (JSON cannot carry a raw NUL byte).
    has_nul: bool,
}

impl BodyShape {
    fn of(bytes: &[u8]) -> Self {
        let is_object = bytes
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|&b| b == b'{');
        let (mut depth, mut deepest, mut in_string, mut has_nul) = (0usize, 0usize, false, false);
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            i += 1;
            if in_string {
                match b {
                    b'\\' => {
                        has_nul |= bytes[i..].starts_with(b"u0000");
                        i += 1;
                    }
                    b'"' => in_string = false,
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
        BodyShape {
            depth: deepest,
            is_object,
            has_nul,
        }
    }
}

/// Query parameters; repeated keys fill lists (`statuses=open&statuses=pending`).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        check_query(query)?;
        let deserializer = serde_html_form::Deserializer::from_bytes(query.as_bytes());
        serde_path_to_error::deserialize(deserializer)
            .map(Query)
            .map_err(|e| {
                let field = e.path().to_string();
                let message = e.into_inner().to_string();
                ApiError::bad_request(
                    ErrorCode::BadRequest,
                    format!("invalid query parameter `{field}`: {message}"),
                )
                .with_field(field, message)
            })
    }
}

/// Parameters whose empty value means "no filter": free text, as a cleared search box sends,
/// and the opaque ids other systems assign (an unset one is often sent empty).
pub const MAY_BE_EMPTY: &[&str] = &["q", "agent_id", "assignment_id", "owner_id"];

/// An empty value for a typed parameter (`?business_unit_id=`) is a mistake, not "no filter";
/// a NUL cannot be stored, so it cannot match anything either.
fn check_query(query: &str) -> Result<(), ApiError> {
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let problem = if value.is_empty() && !MAY_BE_EMPTY.contains(&name.as_ref()) {
            "is empty: leave the parameter out instead"
        } else if value.contains('\0') || name.contains('\0') {
            "contains the NUL character"
        } else {
            continue;
        };
        return Err(ApiError::bad_request(
            ErrorCode::BadRequest,
            format!("invalid query parameter `{name}`: the value {problem}"),
        ));
    }
    Ok(())
}

/// Path parameters. An id that cannot be parsed names nothing, so it is a `404`.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        // No id holds a NUL, and PostgreSQL could not even compare one.
        if parts.uri.path().contains("%00") {
            return Err(ApiError::not_found("no such object: ids never contain NUL"));
        }
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

/// `If-Match: "v3"` (or `W/"v3"`): the version a change expects; `*`, no header and an empty
/// one expect nothing. A value that is not such a tag is `400`; a stale one fails the change with `412`.
pub struct IfMatch(pub Option<i64>);

/// What [`IfMatch`] reads, for the document.
pub const IF_MATCH_PATTERN: &str = r#"^(\*|(W/)?"v[0-9]{1,18}")?$"#;

fn parse_if_match(text: &str) -> Option<Option<i64>> {
    if text == "*" {
        return Some(None);
    }
    let digits = text
        .strip_prefix("W/")
        .unwrap_or(text)
        .strip_prefix("\"v")?
        .strip_suffix('"')?;
    let well_formed =
        (1..=18).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
    if !well_formed {
        return None;
    }
    digits.parse().ok().map(Some)
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        // An empty header is no header, as for every optional header here.
        let value = parts
            .headers
            .get(header::IF_MATCH)
            .filter(|v| !v.is_empty());
        let Some(value) = value else {
            return Ok(IfMatch(None));
        };
        let text = value.to_str().unwrap_or_default().trim();
        parse_if_match(text).map(IfMatch).ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::BadRequest,
                r#"If-Match must be an ETag this API gave out (`"v3"`) or `*`"#,
            )
            .with_field("If-Match", "is not an ETag")
        })
    }
}

pub fn etag(version: i64) -> String {
    format!("\"v{version}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_match_reads_only_our_tags() {
        assert_eq!(parse_if_match("*"), Some(None));
        assert_eq!(parse_if_match("\"v3\""), Some(Some(3)));
        assert_eq!(parse_if_match("W/\"v12\""), Some(Some(12)));
        for bad in [
            "",
            "v3",
            "\"3\"",
            "\"v\"",
            "\"v3",
            "null",
            "\"v1234567890123456789\"",
        ] {
            assert_eq!(parse_if_match(bad), None, "{bad}");
        }
    }

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(BodyShape::of(br#"{"a": "[[[[{{{{"}"#).depth, 1);
        assert_eq!(BodyShape::of(br#"[[["\"]"]]]"#).depth, 3);
        assert_eq!(BodyShape::of(&b"[".repeat(10_000)).depth, 10_000);
    }

    #[test]
    fn shape_tells_objects_and_nul_escapes() {
        assert!(BodyShape::of(b" \n{}").is_object);
        assert!(!BodyShape::of(br#"["a"]"#).is_object);
        assert!(!BodyShape::of(b"\"text\"").is_object);
        assert!(BodyShape::of(br#"{"a": "x\u0000"}"#).has_nul);
        // An escaped backslash followed by `u0000` is the text `\u0000`, not a NUL.
        assert!(!BodyShape::of(br#"{"a": "x\\u0000"}"#).has_nul);
        assert!(BodyShape::of(br#"{"\u0000": 1}"#).has_nul);
    }
}

/// What `cargo fuzz` would do for the JSON body reader, on the stable toolchain: arbitrary
/// bytes, and arbitrary JSON-like text, are parsed or refused with a 4xx, never a panic.
#[cfg(test)]
mod fuzz {
    use proptest::prelude::*;

    use super::parse_json;

    fn refused_or_read(bytes: &[u8]) {
        if let Err(error) = parse_json::<convo_types::CreateConversation>(bytes) {
            assert!(error.status().is_client_error(), "{bytes:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            refused_or_read(&bytes);
        }

        #[test]
        fn json_like_text(text in r#"[\[\]{}",:0-9a-z\\ .eE+\-\x00-\x1f\u{80}-\u{10ffff}]{0,256}"#) {
            refused_or_read(text.as_bytes());
        }

        #[test]
        fn conversation_fields(name in any::<String>(), metadata_key in any::<String>(), n in any::<f64>()) {
            let body = serde_json::json!({ "name": name, "metadata": { metadata_key: n } });
            refused_or_read(body.to_string().as_bytes());
        }
    }
}
