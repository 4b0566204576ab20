//! The session cookie: set at sign-in, read on every request without `Authorization`, and the
//! CSRF rule for writes made with it.

use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method};
use convo_core::people;
use convo_core::usecases::audit::ClientInfo;
use convo_types::ErrorCode;
use cookie::{Cookie, SameSite};

use crate::error::ApiError;
use crate::{ratelimit, AppState};

pub const COOKIE: &str = "convo_session";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The session token the request's cookie carries.
pub fn token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, COOKIE)
}

/// The value of the request's cookie `name`, when it has a non-empty one.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == name && !c.value().is_empty())
        .map(|c| c.value().to_owned())
}

/// `201` with the new session and the cookie that carries it (signing in, accepting an
/// invitation).
pub fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    signed_in: convo_core::usecases::sessions::SignedIn,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let cookie = set_cookie(state, came_over_https(headers), &signed_in.token);
    (
        axum::http::StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        axum::Json(signed_in.session),
    )
        .into_response()
}

/// How long a cookie lives: for the browser's session, a number of seconds, or removed now.
pub enum Lifetime {
    Browser,
    Seconds(i64),
    Removed,
}

/// `Set-Cookie` for one of ours: HttpOnly, SameSite=Lax, on `path`; `Secure` when people reach
/// the server over https (its `--public-url`, or this request through a proxy).
pub fn cookie_header(
    state: &AppState,
    request_over_https: bool,
    name: &'static str,
    value: &str,
    path: &'static str,
    lifetime: Lifetime,
) -> HeaderValue {
    let mut cookie = Cookie::build((name, value.to_owned()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path(path)
        .secure(request_over_https || is_https(state))
        .build();
    match lifetime {
        Lifetime::Browser => {}
        Lifetime::Seconds(seconds) => cookie.set_max_age(cookie::time::Duration::seconds(seconds)),
        Lifetime::Removed => cookie.make_removal(),
    }
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` for a new session, for the whole site.
pub fn set_cookie(state: &AppState, request_over_https: bool, token: &str) -> HeaderValue {
    cookie_header(
        state,
        request_over_https,
        COOKIE,
        token,
        "/",
        Lifetime::Browser,
    )
}

/// `Set-Cookie` that clears the session cookie.
pub fn clear_cookie(state: &AppState) -> HeaderValue {
    cookie_header(state, false, COOKIE, "", "/", Lifetime::Removed)
}

fn is_https(state: &AppState) -> bool {
    state.settings.public_url().starts_with("https://")
}

/// Whether the request came over https as a proxy in front says (`X-Forwarded-Proto`).
pub fn came_over_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// A write with the cookie must be this site's own: `X-CSRF-Token` equal to the session's,
/// and no browser signal of another origin (`Sec-Fetch-Site: cross-site`, an `Origin` whose
/// host is not this one).
pub fn check_csrf(parts: &Parts, token: &str, public_url: &str) -> Result<(), ApiError> {
    if matches!(
        parts.method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return Ok(());
    }
    let failed = |detail: &str| {
        Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            ErrorCode::CsrfFailed,
            detail.to_owned(),
        ))
    };
    let headers = &parts.headers;
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"cross-site"));
    if cross_site || !same_origin(headers, public_url) {
        return failed("a write from another site's page is refused");
    }
    let sent = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    match sent {
        Some(sent) if people::same_secret(sent, &people::csrf_token(token)) => Ok(()),
        _ => failed(
            "writes made with the session cookie need `X-CSRF-Token`: the `csrf_token` of the \
             session (answered at sign-in and by `GET /v1/sessions/current`)",
        ),
    }
}

/// No `Origin` (not a browser, or a same-origin navigation), or one that is this server's:
/// its `--public-url`, or the host the request was sent to (`Host`, or `X-Forwarded-Host`
/// from a proxy in front).
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Ok(origin) = url::Url::parse(origin) else {
        return false;
    };
    if url::Url::parse(public_url).is_ok_and(|public| public.origin() == origin.origin()) {
        return true;
    }
    let origin_host = match (origin.host_str(), origin.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => return false,
    };
    [header::HOST.as_str(), "x-forwarded-host"]
        .iter()
        .filter_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()))
        .any(|host| origin_host.eq_ignore_ascii_case(host.trim()))
}

/// The client as the audit log records it.
pub fn client(parts: &Parts) -> ClientInfo {
    ClientInfo::new(
        ratelimit::peer(parts).map(|ip| ip.to_string()),
        parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok()),
    )
}

/// Where the request came from, for the audit log.
pub struct Client(pub ClientInfo);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(client(parts)))
    }
}

/// Middleware: the request's client, for the audit entries of use cases not told it.
pub async fn with_client(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let (parts, body) = request.into_parts();
    let info = client(&parts);
    let request = axum::extract::Request::from_parts(parts, body);
    convo_core::usecases::audit::REQUEST_CLIENT
        .scope(info, next.run(request))
        .await
}
