//! `/auth/oidc/login` and `/auth/oidc/callback`: single sign-on through an OpenID provider.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use convo_core::usecases::sso;
use serde::Deserialize;
use utoipa::IntoParams;

use super::directory::prelude::*;
use crate::error::ApiError;
use crate::oidc::{Flow, Oidc, FLOW_COOKIE, FLOW_SECONDS};
use crate::session::{self, Client, Lifetime};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(callback))
}

fn configured(state: &AppState) -> Result<&Oidc, ApiError> {
    state.oidc.as_deref().ok_or_else(|| {
        ApiError::not_found("single sign-on is not configured on this server (--oidc-issuer)")
    })
}

fn flow_cookie(state: &AppState, value: &str, lifetime: Lifetime) -> HeaderValue {
    session::cookie_header(state, false, FLOW_COOKIE, value, "/auth/oidc", lifetime)
}

/// Signs in with the configured OpenID provider: redirects the browser there (`303`) with a
/// PKCE challenge, `state` and `nonce`, which a short-lived cookie keeps for the callback.
#[utoipa::path(get, path = "/auth/oidc/login", operation_id = "startOidcSignIn", tag = "sessions", responses(
    (status = 303, description = "to the provider's sign-in page", headers(("Location" = String), ("Set-Cookie" = String, description = "`convo_oidc`: the flow, for ten minutes"))),
    (status = 404, description = "single sign-on is not configured", body = convo_types::Problem),
    (status = 502, description = "the provider could not be reached (`sso_failed`)", body = convo_types::Problem),
))]
pub async fn login(State(state): State<AppState>) -> ApiResult<Response> {
    let (url, flow) = configured(&state)?.start().await?;
    let location = HeaderValue::from_str(&url).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            convo_types::ErrorCode::SsoFailed,
            "the provider's sign-in address is not usable",
        )
    })?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (
                header::SET_COOKIE,
                flow_cookie(&state, &flow.encode(), Lifetime::Seconds(FLOW_SECONDS)),
            ),
        ],
    )
        .into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// The authorization code.
    #[param(max_length = 4096)]
    pub code: Option<String>,
    /// The flow's `state`, as sent to the provider.
    #[param(max_length = 512)]
    pub state: Option<String>,
    /// The provider's error, when the person did not sign in.
    #[param(max_length = 256)]
    pub error: Option<String>,
    #[param(max_length = 2048)]
    pub error_description: Option<String>,
    /// The issuer (RFC 9207); the ID token's is what is checked.
    #[param(max_length = 2048)]
    pub iss: Option<String>,
    #[param(max_length = 2048)]
    pub session_state: Option<String>,
}

/// Where the provider sends the browser back: the code is exchanged, the ID token verified,
/// and the person matched by verified email (to a person here, a pending invitation, or, for
/// an allowed domain, a new agent). Signed in, the browser goes to the inbox with the session
/// cookie.
#[utoipa::path(get, path = "/auth/oidc/callback", operation_id = "finishOidcSignIn", tag = "sessions", params(CallbackQuery), responses(
    (status = 303, description = "signed in: to the inbox", headers(("Location" = String), ("Set-Cookie" = String, description = "the session cookie"))),
    (status = 403, description = "not signed in (`sso_failed`): the flow did not start here, the code was refused, the email is not verified, or no one here has it and its domain may not join", body = convo_types::Problem),
    (status = 404, description = "single sign-on is not configured", body = convo_types::Problem),
    (status = 414, description = "the address is longer than the server reads (8 KiB)", body = convo_types::Problem),
    (status = 502, description = "the provider could not be reached (`sso_failed`)", body = convo_types::Problem),
))]
pub async fn callback(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Query(query): Query<CallbackQuery>,
) -> ApiResult<Response> {
    let oidc = configured(&state)?;
    let clear = flow_cookie(&state, "", Lifetime::Removed);
    let answer = async {
        if let Some(error) = &query.error {
            return Err(ApiError::from(sso::refused(format!(
                "the provider did not sign you in: {error}"
            ))));
        }
        let flow = session::cookie(&headers, FLOW_COOKIE)
            .and_then(|value| Flow::decode(&value))
            .ok_or_else(|| {
                ApiError::from(sso::refused(
                    "no sign-in was started from this browser (or it took over ten minutes): \
                     start again",
                ))
            })?;
        let (Some(code), Some(returned_state)) = (&query.code, &query.state) else {
            return Err(ApiError::from(sso::refused(
                "the provider's answer has no code or state",
            )));
        };
        let identity = oidc.finish(&flow, returned_state, code).await?;
        let signed_in = sso::sign_in(
            state.store.as_ref(),
            state.settings.session_policy(),
            identity,
            &oidc.allowed_domains,
            &client,
        )
        .await?;
        let cookie =
            session::set_cookie(&state, session::came_over_https(&headers), &signed_in.token);
        Ok((
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, HeaderValue::from_static("/inbox/")),
                (header::SET_COOKIE, cookie),
            ],
        ))
    }
    .await;
    // The flow cookie goes either way: a flow is tried once.
    let mut response = match answer {
        Ok(done) => done.into_response(),
        Err(error) => error.into_response(),
    };
    response.headers_mut().append(header::SET_COOKIE, clear);
    Ok(response)
}
