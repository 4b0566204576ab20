//! Stored files: `POST /v1/attachments` (streamed), the object, and its bytes.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use convo_core::files::{Signature, Variant};
use convo_core::usecases::attachments::{self, Access, Upload};
use convo_types::{AttachmentId, ErrorCode, StoredAttachment, Timestamp};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{authenticate, Caller};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Path, Query};
use crate::AppState;

/// Where files are uploaded (the idempotency layer leaves its streamed body alone).
pub const UPLOAD_PATH: &str = "/v1/attachments";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // The upload streams its body and counts it against `--attachment-limit` itself.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(upload))
                .layer(DefaultBodyLimit::disable()),
        )
        .routes(routes!(get))
        .routes(routes!(content))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name, for a raw body (a form's `file` part names itself).
    #[param(max_length = 255)]
    pub filename: Option<String>,
}

/// The `multipart/form-data` form of an upload.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file, with its name in the part's `filename`.
    #[schema(content_media_type = "application/octet-stream", value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Keeps the cause of a body that could not be read, so the answer says it as the other
/// routes do (`408` for a body too slow, `400` for one cut off).
type BodyError = Arc<Mutex<Option<axum::Error>>>;

fn body_chunks(
    stream: impl Stream<Item = Result<Bytes, axum::Error>> + Send + 'static,
    failure: BodyError,
) -> impl Stream<Item = convo_core::Result<Bytes>> + Send + Unpin + 'static {
    Box::pin(stream.map(move |chunk| {
        chunk.map_err(|error| {
            let said = convo_core::Error::invalid("body", format!("could not be read: {error}"));
            if let Ok(mut slot) = failure.lock() {
                *slot = Some(error);
            }
            said
        })
    }))
}

fn answer_error(error: convo_core::Error, failure: &BodyError) -> ApiError {
    match failure.lock().ok().and_then(|mut slot| slot.take()) {
        Some(cause) => ApiError::unreadable_body(&cause),
        None => error.into(),
    }
}

/// Uploads a file: the raw body (its `Content-Type`, `?filename=`) or a
/// `multipart/form-data` form with a `file` part. The type is read from the bytes; an image
/// has its size read (one claiming more than 100 million pixels is refused). Unused by any
/// message, it is removed after 24 hours.
#[utoipa::path(post, path = "/v1/attachments", operation_id = "uploadAttachment", tag = "attachments", params(UploadQuery),
    request_body(content(
        ("application/octet-stream"),
        (UploadForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, body = StoredAttachment),
        (status = 413, description = "the file is larger than `--attachment-limit`", body = convo_types::Problem),
        (status = 422, body = convo_types::Problem),
        (status = 507, description = "the file storage is full; nothing was kept", body = convo_types::Problem),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(query): Query<UploadQuery>,
    request: Request,
) -> ApiResult<(StatusCode, axum::Json<StoredAttachment>)> {
    let failure = BodyError::default();
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("multipart/form-data"));
    let limit = state.settings.attachment_limit;
    let store = state.store.as_ref();
    let storage = state.files.as_ref();
    let clock = &convo_core::clock::SystemClock;
    let record = if is_form {
        let mut form = Multipart::from_request(request, &state)
            .await
            .map_err(|rejection| {
                ApiError::bad_request(ErrorCode::BadRequest, rejection.body_text())
            })?;
        let field = loop {
            match form.next_field().await {
                Ok(Some(field)) if field.name() == Some("file") => break field,
                Ok(Some(_)) => continue,
                Ok(None) => {
                    return Err(ApiError::field(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "file",
                        "the form has no `file` part",
                    ))
                }
                // A part the parser cannot read (a header with a control character, a part
                // cut short) is content the server cannot process, whatever the form's other
                // parts: `422` naming the form, as a schema cannot rule such parts out.
                Err(error) => {
                    return Err(ApiError::field(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "file",
                        format!("the form could not be read: {}", error.body_text()),
                    ))
                }
            }
        };
        let upload =
            Upload {
                filename: field.file_name().map(str::to_owned).or(query.filename),
                declared_type: field.content_type().map(str::to_owned),
                body: Box::pin(field.map(|chunk| {
                    chunk.map_err(|e| convo_core::Error::invalid("file", e.body_text()))
                })),
            };
        attachments::upload(store, storage, clock, &caller, limit, upload).await?
    } else {
        let declared_type = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let upload = Upload {
            filename: query.filename,
            declared_type,
            body: body_chunks(request.into_body().into_data_stream(), failure.clone()),
        };
        attachments::upload(store, storage, clock, &caller, limit, upload)
            .await
            .map_err(|e| answer_error(e, &failure))?
    };
    state.metrics.uploads.inc();
    state
        .metrics
        .uploaded_bytes
        .inc_by(u64::try_from(record.size).unwrap_or(0));
    Ok((
        StatusCode::CREATED,
        axum::Json(attachments::object(
            &record,
            &state.signer,
            Timestamp::now(),
        )),
    ))
}

/// A stored file's object, with fresh signed links.
#[utoipa::path(get, path = "/v1/attachments/{id}", operation_id = "getAttachment", tag = "attachments", params(("id" = AttachmentId, Path)), responses(
    (status = 200, body = StoredAttachment),
    (status = 404, body = convo_types::Problem),
))]
pub async fn get(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(id): Path<AttachmentId>,
) -> ApiResult<axum::Json<StoredAttachment>> {
    let record = attachments::get(state.store.as_ref(), &caller, id).await?;
    Ok(axum::Json(attachments::object(
        &record,
        &state.signer,
        Timestamp::now(),
    )))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContentQuery {
    /// `thumbnail`: an image's thumbnail (at most 320 pixels a side), made once.
    #[param(inline)]
    pub size: Option<ContentSize>,
    /// With `signature`: the link's expiry (milliseconds since 1970), as the signed `url`
    /// of the attachment carries it.
    #[param(minimum = 0)]
    pub expires: Option<i64>,
    /// The link's signature; without it the request needs a key or a session.
    #[param(max_length = 128)]
    pub signature: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ContentSize {
    Original,
    Thumbnail,
}

/// The bytes of a stored file, or an image's thumbnail: with a key or session, or through a
/// signed link (the `url` and `thumbnail_url` answers carry) with no header at all. Served
/// with the stored type, `nosniff` and a sandboxing CSP; only images are shown inline.
/// `ETag`/`If-None-Match` and a single `Range` are honoured.
#[utoipa::path(get, path = "/v1/attachments/{id}/content", operation_id = "getAttachmentContent", tag = "attachments", params(("id" = AttachmentId, Path), ContentQuery), responses(
    (status = 200, description = "the bytes, as the stored type", content(("*/*"))),
    (status = 206, description = "the requested range of the bytes", content(("*/*"))),
    (status = 304, description = "not modified (`If-None-Match`)"),
    (status = 403, description = "the signed link is expired or altered", body = convo_types::Problem),
    (status = 404, body = convo_types::Problem),
    (status = 416, description = "the range is outside the file", body = convo_types::Problem),
))]
pub async fn content(
    State(state): State<AppState>,
    Path(id): Path<AttachmentId>,
    Query(query): Query<ContentQuery>,
    parts: Parts,
) -> ApiResult<Response> {
    let variant = match query.size {
        Some(ContentSize::Thumbnail) => Variant::Thumbnail,
        _ => Variant::Original,
    };
    let signature =
        match (query.expires, query.signature) {
            (Some(expires), Some(signature)) => Some(Signature { expires, signature }),
            (None, None) => None,
            // Half a signed link is a link that is not right.
            _ => return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::Forbidden,
                "a signed link has both `expires` and `signature`; ask for the attachment again \
                 for a whole one",
            )),
        };
    let principal;
    let access = match &signature {
        Some(signature) => Access::Signed(signature),
        None => {
            principal = authenticate(&parts, &state).await?;
            Access::Caller(&principal)
        }
    };
    let content = attachments::content(
        state.store.as_ref(),
        state.files.as_ref(),
        &state.signer,
        Timestamp::now(),
        access,
        id,
        variant,
    )
    .await?;
    serve(&state, &parts.headers, content).await
}

/// The answer for `content`: `304` when the client has it, the range asked for, or all.
async fn serve(
    state: &AppState,
    request: &HeaderMap,
    content: attachments::Content,
) -> ApiResult<Response> {
    let mut headers = HeaderMap::new();
    let value = |text: &str| HeaderValue::from_str(text).map_err(convo_core::Error::internal);
    headers.insert(header::ETAG, value(&content.etag)?);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
        ),
    );
    let seen = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| {
            tags.split(',')
                .any(|tag| tag.trim() == "*" || tag.trim().trim_start_matches("W/") == content.etag)
        });
    if seen {
        return Ok((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(header::CONTENT_TYPE, value(&content.content_type)?);
    headers.insert(
        header::CONTENT_DISPOSITION,
        value(&disposition(content.inline, &content.filename))?,
    );
    let range = match request.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => None,
        Some(asked) => match byte_range(asked, content.size) {
            Ok(range) => range,
            Err(()) => {
                return Err(ApiError::new(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    ErrorCode::RangeNotSatisfiable,
                    format!("the file has {} bytes", content.size),
                )
                .with_header(
                    header::CONTENT_RANGE,
                    value(&format!("bytes */{}", content.size))?,
                ))
            }
        },
    };
    let (status, length) = match &range {
        Some(r) => {
            headers.insert(
                header::CONTENT_RANGE,
                value(&format!("bytes {}-{}/{}", r.start, r.end - 1, content.size))?,
            );
            (StatusCode::PARTIAL_CONTENT, r.end - r.start)
        }
        None => (StatusCode::OK, content.size),
    };
    headers.insert(header::CONTENT_LENGTH, value(&length.to_string())?);
    let stream = state.files.read(&content.storage_key, range).await?;
    Ok((status, headers, Body::from_stream(stream)).into_response())
}

/// `inline` for an image, else `attachment`; the name as RFC 6266 and RFC 8187 say (an
/// ASCII fallback and the UTF-8 name).
fn disposition(inline: bool, filename: &str) -> String {
    let kind = if inline { "inline" } else { "attachment" };
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = url::form_urlencoded::byte_serialize(filename.as_bytes())
        .collect::<String>()
        .replace('+', "%20");
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// One byte range of a `Range` header, within `size`; `Ok(None)` serves the whole file (a
/// header of several ranges, or one not in bytes); `Err` is `416`.
fn byte_range(header: &str, size: u64) -> Result<Option<std::ops::Range<u64>>, ()> {
    let Ok(parsed) = http_range_header::parse_range_header(header) else {
        // Not a byte range convo understands: the whole file, as RFC 9110 allows.
        return Ok(None);
    };
    let ranges = parsed.validate(size).map_err(|_| ())?;
    match ranges.as_slice() {
        [one] => Ok(Some(*one.start()..*one.end() + 1)),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(byte_range("bytes=0-9", 100), Ok(Some(0..10)));
        assert_eq!(byte_range("bytes=90-", 100), Ok(Some(90..100)));
        assert_eq!(byte_range("bytes=-10", 100), Ok(Some(90..100)));
        assert_eq!(byte_range("bytes=200-300", 100), Err(()));
        assert_eq!(byte_range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(byte_range("lines=1-2", 100), Ok(None));
    }

    #[test]
    fn names_are_quoted_safely() {
        assert_eq!(
            disposition(false, "hóa đơn \"1\".pdf"),
            "attachment; filename=\"h_a __n _1_.pdf\"; filename*=UTF-8''h%C3%B3a%20%C4%91%C6%A1n%20%221%22.pdf"
        );
        assert_eq!(
            disposition(true, "a.png"),
            "inline; filename=\"a.png\"; filename*=UTF-8''a.png"
        );
    }
}
