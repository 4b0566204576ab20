//! Rate limits, with governor's GCRA limiters: requests per API key, requests without a key
//! per client address, and a small budget of failed authentications per address (so guessing
//! keys is slow). Each node keeps its own counts (see docs/API-NOTES.md).

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Extensions, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use convo_types::ErrorCode;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use prometheus_client::metrics::counter::Counter;

use crate::config::Settings;
use crate::error::ApiError;
use crate::AppState;

/// The limiters of one node; `None` where the operator turned a limit off (`0`).
pub struct RateLimits {
    /// Per API key or session, by its id.
    per_key: Option<Limiter<uuid::Uuid>>,
    /// Sign-in attempts per account (its folded email) and per client address.
    sign_in_account: Option<Limiter<String>>,
    sign_in_address: Option<Limiter<IpAddr>>,
    anonymous: Option<Limiter<IpAddr>>,
    auth_failures: Option<Limiter<IpAddr>>,
    /// Requests refused with `429` (a `/metrics` counter).
    refused: Counter,
}

struct Limiter<K: std::hash::Hash + Eq + Clone> {
    limiter: DefaultKeyedRateLimiter<K>,
    burst: u32,
    what: &'static str,
}

impl<K: std::hash::Hash + Eq + Clone> Limiter<K> {
    fn new(quota: Option<Quota>, what: &'static str) -> Option<Self> {
        quota.map(|quota| Limiter {
            burst: quota.burst_size().get(),
            limiter: DefaultKeyedRateLimiter::keyed(quota),
            what,
        })
    }

    fn forget_idle(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }

    /// `Err` with how long to wait when `key` is over its budget.
    fn check(&self, key: &K) -> Result<(), Duration> {
        self.limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
    }
}

fn per_second(rate: u32, burst: u32) -> Option<Quota> {
    let rate = NonZeroU32::new(rate)?;
    Some(Quota::per_second(rate).allow_burst(NonZeroU32::new(burst).unwrap_or(rate)))
}

/// Sign-in attempts: `--sign-in-limit` (10) at once per account, then one every 30 s (120 an
/// hour); three times as many at once per address, then one every 2 s.
const SIGN_IN_ACCOUNT_EVERY: Duration = Duration::from_secs(30);
const SIGN_IN_ADDRESS_EVERY: Duration = Duration::from_secs(2);

fn sign_in_quota(every: Duration, burst: u32) -> Option<Quota> {
    Some(Quota::with_period(every)?.allow_burst(NonZeroU32::new(burst)?))
}

impl RateLimits {
    pub fn new(settings: &Settings, refused: Counter) -> Self {
        let failures = NonZeroU32::new(settings.auth_failure_limit).map(Quota::per_minute);
        RateLimits {
            per_key: Limiter::new(
                per_second(settings.rate_limit, settings.rate_limit_burst),
                "API key",
            ),
            anonymous: Limiter::new(
                per_second(
                    settings.anonymous_rate_limit,
                    settings.anonymous_rate_limit * 2,
                ),
                "client address (requests without an API key)",
            ),
            auth_failures: Limiter::new(failures, "client address (failed authentications)"),
            sign_in_account: Limiter::new(
                sign_in_quota(SIGN_IN_ACCOUNT_EVERY, settings.sign_in_limit),
                "account (sign-in attempts)",
            ),
            sign_in_address: Limiter::new(
                sign_in_quota(
                    SIGN_IN_ADDRESS_EVERY,
                    settings.sign_in_limit.saturating_mul(3),
                ),
                "client address (sign-in attempts)",
            ),
            refused,
        }
    }

    /// A request authenticated with an API key or a session, by its id.
    pub fn check_key(&self, key: uuid::Uuid) -> Result<(), ApiError> {
        self.check(self.per_key.as_ref(), &key)
    }

    /// `more` requests at once for the same key or session: the procedures of a tRPC batch
    /// after its first (which authenticating counted), so a batch costs what its calls would.
    pub fn check_more(&self, key: uuid::Uuid, more: u32) -> Result<(), ApiError> {
        let (Some(limiter), Some(more)) = (self.per_key.as_ref(), NonZeroU32::new(more)) else {
            return Ok(());
        };
        let refused = match limiter.limiter.check_key_n(&key, more) {
            Ok(Ok(())) => return Ok(()),
            Ok(Err(not_until)) => not_until.wait_time_from(DefaultClock::default().now()),
            // More than the whole burst: it can never pass at once.
            Err(_) => Duration::from_secs(1),
        };
        self.refused.inc();
        Err(too_many(limiter, refused))
    }

    /// A sign-in attempt, counted before the password is checked (so a guesser past the
    /// budget learns nothing): per account and per address. The budget refills; no one can
    /// lock a person out for longer than they keep trying.
    pub fn check_sign_in(&self, account: &str, peer: Option<IpAddr>) -> Result<(), ApiError> {
        if let Some(ip) = peer {
            self.check(self.sign_in_address.as_ref(), &ip)?;
        }
        self.check(self.sign_in_account.as_ref(), &account.to_owned())
    }

    /// A request whose key was missing or not valid: `Err` (`429`) once the address has
    /// failed too often, so the caller answers that instead of `401`.
    pub fn check_auth_failure(&self, peer: Option<IpAddr>) -> Result<(), ApiError> {
        match peer {
            Some(ip) => self.check(self.auth_failures.as_ref(), &ip),
            None => Ok(()),
        }
    }

    fn check<K: std::hash::Hash + Eq + Clone>(
        &self,
        limiter: Option<&Limiter<K>>,
        key: &K,
    ) -> Result<(), ApiError> {
        let Some(limiter) = limiter else {
            return Ok(());
        };
        limiter.check(key).map_err(|wait| {
            self.refused.inc();
            too_many(limiter, wait)
        })
    }

    /// Forgets the addresses and keys that have not been seen lately (their budgets are full
    /// again anyway), so memory stays bounded.
    pub fn forget_idle(&self) {
        if let Some(l) = &self.per_key {
            l.forget_idle();
        }
        for l in [&self.anonymous, &self.auth_failures, &self.sign_in_address]
            .into_iter()
            .flatten()
        {
            l.forget_idle();
        }
        if let Some(l) = &self.sign_in_account {
            l.forget_idle();
        }
    }
}

/// `429` problem+json with `Retry-After` and the `RateLimit-*` fields.
fn too_many<K: std::hash::Hash + Eq + Clone>(limiter: &Limiter<K>, wait: Duration) -> ApiError {
    // Whole seconds, rounded up, at least 1 (a wait that has just run out is still a refusal).
    let seconds = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
    ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::RateLimited,
        format!(
            "too many requests for this {}: retry in {seconds} s",
            limiter.what
        ),
    )
    .with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
    .with_header(
        header::HeaderName::from_static("ratelimit-limit"),
        HeaderValue::from(limiter.burst),
    )
    .with_header(
        header::HeaderName::from_static("ratelimit-remaining"),
        HeaderValue::from_static("0"),
    )
    .with_header(
        header::HeaderName::from_static("ratelimit-reset"),
        HeaderValue::from(seconds),
    )
}

/// The client's address, as the connection gives it.
pub fn peer(parts: &Parts) -> Option<IpAddr> {
    peer_of(&parts.extensions)
}

fn peer_of(extensions: &Extensions) -> Option<IpAddr> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| address.ip())
}

/// Middleware: a request without `Authorization` spends its address's budget.
pub async fn limit_anonymous(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let limits = &state.limits;
    // A live session's requests are counted per session; an unknown cookie (made up, or a
    // session not seen in the last minute) spends the address's budget like no cookie.
    let has_session =
        crate::session::token(request.headers()).is_some_and(|token| state.sessions.knows(&token));
    if let (Some(limiter), None, false) = (
        limits.anonymous.as_ref(),
        request.headers().get(header::AUTHORIZATION),
        has_session,
    ) {
        if let Some(ip) = peer_of(request.extensions()) {
            if let Err(error) = limits.check(Some(limiter), &ip) {
                return error.into_response();
            }
        }
    }
    next.run(request).await
}
