//! `Authorization: Bearer <key>` → the calling [`Principal`].

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use convo_core::auth::{hash_secret, Principal};
use convo_types::{ApiKey, Timestamp};

use crate::error::ApiError;
use crate::{ratelimit, AppState};

/// `last_used_at` is written at most this often per key, so reads stay reads.
const TOUCH_EVERY_MILLIS: i64 = 60_000;

/// How long a verified key is trusted without reading it again. A change or revocation made
/// through this node clears the cache at once; one made through another node takes effect
/// here within this time.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(5);
/// Most keys remembered; past it, expired entries go (and, if that is not enough, all do).
const KEY_CACHE_MAX: usize = 10_000;

/// Recently verified API keys by secret hash, so authenticating a request costs no database
/// read (it would be a third of the work of a small `GET`).
#[derive(Default)]
pub struct KeyCache {
    keys: Mutex<HashMap<String, (ApiKey, Instant)>>,
}

impl KeyCache {
    fn get(&self, hash: &str) -> Option<ApiKey> {
        let keys = self
            .keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        keys.get(hash)
            .filter(|(_, at)| at.elapsed() < KEY_CACHE_TTL)
            .map(|(key, _)| key.clone())
    }

    fn put(&self, hash: String, key: ApiKey) {
        let mut keys = self
            .keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if keys.len() >= KEY_CACHE_MAX {
            keys.retain(|_, (_, at)| at.elapsed() < KEY_CACHE_TTL);
            if keys.len() >= KEY_CACHE_MAX {
                keys.clear();
            }
        }
        keys.insert(hash, (key, Instant::now()));
    }

    /// Forgets every key: after a key, its user or its scopes change.
    pub fn clear(&self) {
        self.keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}

/// Session tokens (by hash) that authenticated lately: a request carrying one is counted per
/// session, not against its address's anonymous budget. Only that decision reads it, never
/// authorization, so a revoked session here costs nothing but a little budget.
#[derive(Default)]
pub struct RecentSessions {
    seen: Mutex<HashMap<String, Instant>>,
}

/// How long a session counts as recently seen.
const RECENT_SESSION: Duration = Duration::from_secs(60);

impl RecentSessions {
    pub fn saw(&self, token: &str) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if seen.len() >= KEY_CACHE_MAX {
            seen.retain(|_, at| at.elapsed() < RECENT_SESSION);
            if seen.len() >= KEY_CACHE_MAX {
                seen.clear();
            }
        }
        seen.insert(hash_secret(token), Instant::now());
    }

    pub fn knows(&self, token: &str) -> bool {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.get(&hash_secret(token))
            .is_some_and(|at| at.elapsed() < RECENT_SESSION)
    }
}

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
        let (principal, session) = authenticate_request(parts, state).await?;
        if let Some(session) = session {
            parts.extensions.insert(session);
        }
        Ok(Caller(principal))
    }
}

/// The session a cookie authenticated, kept in the request for the handler that answers the
/// session itself (`GET /v1/sessions/current`), so it is not read twice.
#[derive(Clone)]
pub struct SessionInRequest {
    pub record: convo_core::SessionRecord,
    pub user: convo_types::User,
    pub token: String,
}

/// The principal of the request's `Authorization: Bearer <key>`: for surfaces that answer
/// their own error format instead of the extractor's problem+json.
/// Each failure spends the client address's small budget of failed authentications; past
/// it the answer is `429`, and each request, valid or not, spends its key's budget.
pub async fn authenticate(parts: &Parts, state: &AppState) -> Result<Principal, ApiError> {
    authenticate_request(parts, state)
        .await
        .map(|(principal, _)| principal)
}

/// The principal, and the session when a cookie authenticated the request.
async fn authenticate_request(
    parts: &Parts,
    state: &AppState,
) -> Result<(Principal, Option<SessionInRequest>), ApiError> {
    let refused = |detail: &str| match state.limits.check_auth_failure(ratelimit::peer(parts)) {
        Err(too_many) => too_many,
        Ok(()) => ApiError::unauthorized(detail),
    };
    let Some(secret) = bearer(parts) else {
        // A request with `Authorization` never reads cookies.
        if let Some(token) = crate::session::token(&parts.headers) {
            let (principal, session) = authenticate_session(parts, state, token, refused).await?;
            return Ok((principal, Some(session)));
        }
        return Err(refused(
            "send an API key as `Authorization: Bearer <key>`, or sign in (`POST /v1/sessions`)",
        ));
    };
    let hash = hash_secret(secret);
    let key = match state.keys.get(&hash) {
        Some(key) => key,
        None => state
            .store
            .find_api_key_by_hash(&hash)
            .await?
            .ok_or_else(|| refused("this API key is not valid (unknown or revoked)"))?,
    };
    state.limits.check_key(key.id.as_uuid())?;
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
    state.keys.put(
        hash,
        ApiKey {
            last_used_at: if stale { Some(now) } else { key.last_used_at },
            ..key.clone()
        },
    );
    tracing::Span::current().record(
        "organization_id",
        tracing::field::display(key.organization_id),
    );
    Ok((Principal::from(&key), None))
}

/// A person's session cookie: the session must be live and its user active; a write must
/// pass the CSRF check. Each request spends the session's budget, as a key's.
async fn authenticate_session(
    parts: &Parts,
    state: &AppState,
    token: String,
    refused: impl Fn(&str) -> ApiError,
) -> Result<(Principal, SessionInRequest), ApiError> {
    let found = convo_core::usecases::sessions::authenticate(
        state.store.as_ref(),
        state.settings.session_policy(),
        &token,
    )
    .await?;
    let Some((record, user, principal)) = found else {
        return Err(refused(
            "this session has ended (signed out, expired or revoked): sign in again",
        ));
    };
    state.limits.check_key(record.id.as_uuid())?;
    crate::session::check_csrf(parts, &token, &state.settings.public_url())?;
    state.sessions.saw(&token);
    tracing::Span::current().record(
        "organization_id",
        tracing::field::display(principal.organization_id),
    );
    Ok((
        principal,
        SessionInRequest {
            record,
            user,
            token,
        },
    ))
}
