//! `Authorization: Bearer <key>` → the calling [`Principal`].

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use convo_core::auth::{hash_secret, Principal};
use convo_types::Timestamp;

use crate::error::ApiError;
use crate::AppState;

/// `last_used_at` is written at most this often per key, so reads stay reads.
const TOUCH_EVERY_MILLIS: i64 = 60_000;

/// The authenticated caller of a request.
pub struct Caller(pub Principal);

pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = bearer(parts).ok_or_else(|| {
            ApiError::unauthorized("send an API key as `Authorization: Bearer <key>`")
        })?;
        let key = state
            .store
            .find_api_key_by_hash(&hash_secret(secret))
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized("this API key is not valid (unknown or revoked)")
            })?;
        let now = Timestamp::now();
        let stale = key
            .last_used_at
            .is_none_or(|at| now.as_millis() - at.as_millis() > TOUCH_EVERY_MILLIS);
        if stale {
            let store = state.store.clone();
            let (org, id) = (key.organization_id, key.id);
            tokio::spawn(async move {
                if let Err(error) = store.touch_api_key(org, id, now).await {
                    tracing::warn!(%error, "could not record the API key's last use");
                }
            });
        }
        tracing::Span::current().record(
            "organization_id",
            tracing::field::display(key.organization_id),
        );
        Ok(Caller(Principal::from(&key)))
    }
}
