//! `Idempotency-Key` on creating `POST`s: the same key and request within 24 hours answers the
//! first (successful) response again and creates nothing; the same key with another request is
//! `422`; a retry while the first is still running is `409`. Secrets in an answer are shown
//! once: a replay answers them `null`, with `Secrets-Withheld: true`.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use convo_core::usecases::idempotency::{self, Replay, MAX_KEY_CHARS};
use convo_core::IdempotencyState;
use convo_types::ErrorCode;

use crate::error::ApiError;
use crate::AppState;

pub const HEADER: &str = "idempotency-key";

pub async fn layer(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // An empty header is no header, as for every optional header here.
    let has_key = request.headers().get(HEADER).is_some_and(|v| !v.is_empty());
    // tRPC's protocol has no such header, and its answers are its own envelope.
    let trpc = request.uri().path().starts_with("/trpc/");
    // An upload streams its body (never held whole to be hashed): it takes no key, and a
    // repeated one only stores the same bytes once more under a second, unused attachment.
    let upload = request.uri().path() == crate::routes::attachments::UPLOAD_PATH;
    // Signing in answers a new session, whose tokens must never be stored to be replayed.
    let signs_in = is_sign_in(request.uri().path());
    if request.method() != Method::POST || !has_key || trpc || upload || signs_in {
        return next.run(request).await;
    }
    match handle(state, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

/// `POST /v1/sessions` and `POST /v1/invitations/{token}/accept`.
fn is_sign_in(path: &str) -> bool {
    path == "/v1/sessions" || (path.starts_with("/v1/invitations/") && path.ends_with("/accept"))
}

async fn handle(state: AppState, request: Request, next: Next) -> Result<Response, Response> {
    let (parts, body) = request.into_parts();
    // Keys are scoped by the credential: the API key, else the person's session (a request
    // with `Authorization` ignores cookies, as authentication does).
    let secret = crate::auth::bearer(&parts)
        .map(str::to_owned)
        .or_else(|| crate::session::cookie(&parts.headers, crate::session::COOKIE));
    let Some(secret) = secret else {
        // Unauthenticated: let the handler answer 401 before anything else.
        return Ok(next.run(Request::from_parts(parts, body)).await);
    };
    let key = parts
        .headers
        .get(HEADER)
        .map(|v| v.as_bytes())
        .filter(|k| idempotency::is_key(k))
        .map(|k| String::from_utf8_lossy(k).into_owned())
        .ok_or_else(|| {
            ApiError::bad_request(
                ErrorCode::BadRequest,
                format!("Idempotency-Key must be 1 to {MAX_KEY_CHARS} ASCII characters"),
            )
            .into_response()
        })?;
    let bytes = to_bytes(body, state.settings.body_limit)
        .await
        .map_err(|error| ApiError::unreadable_body(&error).into_response())?;
    let scope = idempotency::scope_of(&secret);
    let target = parts
        .uri
        .path_and_query()
        .map_or(parts.uri.path(), |target| target.as_str());
    let hash = idempotency::request_hash(parts.method.as_str(), target, &bytes);
    let store = state.store.as_ref();
    match idempotency::begin(store, &scope, &key, &hash)
        .await
        .map_err(|e| ApiError::from(e).into_response())?
    {
        IdempotencyState::Completed { status, body, .. } => {
            let withheld = idempotency::was_withheld(&body);
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            let mut response = (status, body).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
            if withheld {
                headers.insert("secrets-withheld", HeaderValue::from_static("true"));
            }
            Ok(response)
        }
        IdempotencyState::Mismatch => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::IdempotencyKeyReused,
            "this Idempotency-Key was used with another request",
        )
        .into_response()),
        IdempotencyState::InProgress => Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::IdempotencyKeyInProgress,
            "a request with this Idempotency-Key is still running; retry shortly",
        )
        .into_response()),
        IdempotencyState::Started => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            if !response.status().is_success() {
                // Nothing was created: free the key so a corrected request may use it.
                if let Err(error) = store.idempotency_abandon(&scope, &key).await {
                    tracing::warn!(%error, "could not release an idempotency key");
                }
                return Ok(response);
            }
            let (parts, body) = response.into_parts();
            let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
            // A secret is shown once: what is kept for a replay never holds one.
            let kept = match idempotency::replayable(&bytes) {
                Replay::Whole(kept) | Replay::Withheld(kept) => {
                    store
                        .idempotency_complete(&scope, &key, parts.status.as_u16(), &kept)
                        .await
                }
                Replay::NotKept => store.idempotency_abandon(&scope, &key).await,
            };
            if let Err(error) = kept {
                tracing::warn!(%error, "could not store an idempotent response");
            }
            Ok(Response::from_parts(parts, Body::from(bytes)))
        }
    }
}
