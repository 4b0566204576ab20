//! People sign in: `/v1/sessions` (sign in, sign out, a person's devices) and `/v1/me` (their
//! own profile, password and two factors).

use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use convo_core::people;
use convo_core::usecases::{sessions, totp};
use convo_types::{
    CreateSession, DisableTotp, Me, RecoveryCodes, Session, SessionId, TotpCode, TotpSetup,
    UpdateMe,
};

use super::directory::prelude::*;
use crate::auth::SessionInRequest;
use crate::session::{self, Client};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_in, list))
        .routes(routes!(current, sign_out))
        .routes(routes!(end))
        .routes(routes!(me, update_me))
        .routes(routes!(start_totp, disable_totp))
        .routes(routes!(confirm_totp))
}

/// Signs a person in: answers the session and sets the `convo_session` cookie (HttpOnly,
/// SameSite=Lax). A wrong email and a wrong password answer alike (`invalid_credentials`);
/// with two factors on, a right password without a code is `401 totp_required`. Attempts are
/// counted per account and per address (`429` past the budget, which refills).
#[utoipa::path(post, path = "/v1/sessions", operation_id = "createSession", tag = "sessions", request_body = CreateSession, responses(
    (status = 201, body = Session, headers(("Set-Cookie" = String, description = "`convo_session=<token>; HttpOnly; SameSite=Lax; Path=/` (`Secure` over https)"))),
    (status = 401, description = "`invalid_credentials`, `totp_required` (the password was right: send `totp` or `recovery_code`) or `invalid_code`", body = convo_types::Problem),
))]
pub async fn sign_in(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Json(req): Json<CreateSession>,
) -> ApiResult<Response> {
    let peer = client.ip.as_deref().and_then(|ip| ip.parse().ok());
    state
        .limits
        .check_sign_in(&people::email_key(&req.email), peer)?;
    let signed_in = sessions::sign_in(
        state.store.as_ref(),
        &state.secrets,
        state.settings.session_policy(),
        req,
        &client,
    )
    .await?;
    state.sessions.saw(&signed_in.token);
    Ok(session::signed_in(&state, &headers, signed_in))
}

/// The session of this request, with its `csrf_token` (a page that was reloaded reads it
/// here). `404` for a request made with an API key.
#[utoipa::path(get, path = "/v1/sessions/current", operation_id = "getCurrentSession", tag = "sessions", responses(
    (status = 200, body = Session),
    (status = 404, body = convo_types::Problem),
))]
pub async fn current(
    Caller(_): Caller,
    session: Option<axum::Extension<SessionInRequest>>,
) -> ApiResult<axum::Json<Session>> {
    let axum::Extension(session) = session.ok_or_else(not_a_session)?;
    Ok(axum::Json(sessions::session_object(
        &session.record,
        session.user,
        true,
        Some(people::csrf_token(&session.token)),
    )))
}

fn not_a_session() -> crate::error::ApiError {
    crate::error::ApiError::not_found(
        "no session: this request is made with an API key (sign in with `POST /v1/sessions`)",
    )
}

/// Signs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(delete, path = "/v1/sessions/current", operation_id = "deleteCurrentSession", tag = "sessions", responses(
    (status = 204, headers(("Set-Cookie" = String, description = "clears `convo_session`"))),
    (status = 404, body = convo_types::Problem),
))]
pub async fn sign_out(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Client(client): Client,
) -> ApiResult<Response> {
    sessions::sign_out(state.store.as_ref(), &caller, &client).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, session::clear_cookie(&state))],
    )
        .into_response())
}

/// Lists the acting user's sessions (their devices), oldest first; `current` marks this one.
#[utoipa::path(get, path = "/v1/sessions", operation_id = "listSessions", tag = "sessions", params(PageQuery), responses((status = 200, body = List<Session>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<Session>>> {
    Ok(axum::Json(
        sessions::list(state.store.as_ref(), &caller, page.into()).await?,
    ))
}

/// Ends one of the acting user's sessions (signs that device out); another person's is `404`.
#[utoipa::path(delete, path = "/v1/sessions/{id}", operation_id = "deleteSession", tag = "sessions", params(("id" = SessionId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
))]
pub async fn end(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Client(client): Client,
    Path(id): Path<SessionId>,
) -> ApiResult<StatusCode> {
    sessions::end(state.store.as_ref(), &caller, id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The acting user (of a session or an API key) and their own settings.
#[utoipa::path(get, path = "/v1/me", operation_id = "getMe", tag = "sessions", responses((status = 200, body = Me)))]
pub async fn me(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> ApiResult<axum::Json<Me>> {
    Ok(axum::Json(
        sessions::me(state.store.as_ref(), &caller).await?,
    ))
}

/// Changes the acting user's own name, avatar or locale; a new `password` needs
/// `current_password` (when there is one) and ends every other session of theirs.
#[utoipa::path(patch, path = "/v1/me", operation_id = "updateMe", tag = "sessions", request_body = UpdateMe, responses(
    (status = 200, body = Me),
    (status = 422, description = "invalid fields, a weak password (`weak_password`) or a wrong current one (`invalid_credentials`)", body = convo_types::Problem),
))]
pub async fn update_me(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Client(client): Client,
    Json(req): Json<UpdateMe>,
) -> ApiResult<axum::Json<Me>> {
    let me = sessions::update_me(state.store.as_ref(), &caller, req, &client).await?;
    Ok(axum::Json(me))
}

/// Starts turning two factors on: a new TOTP secret for an authenticator app. They are on
/// only after `POST /v1/me/totp/confirm`.
#[utoipa::path(post, path = "/v1/me/totp", operation_id = "startTotp", tag = "sessions", responses(
    (status = 200, body = TotpSetup),
    (status = 409, description = "two factors are on already, or the user has no password", body = convo_types::Problem),
))]
pub async fn start_totp(
    State(state): State<AppState>,
    Caller(caller): Caller,
) -> ApiResult<axum::Json<TotpSetup>> {
    Ok(axum::Json(
        totp::start(state.store.as_ref(), &state.secrets, &caller).await?,
    ))
}

/// Turns two factors on with a code the app shows; answers ten recovery codes, once.
#[utoipa::path(post, path = "/v1/me/totp/confirm", operation_id = "confirmTotp", tag = "sessions", request_body = TotpCode, responses(
    (status = 200, body = RecoveryCodes),
    (status = 409, description = "no secret started, or two factors are on already", body = convo_types::Problem),
    (status = 422, description = "the code is not right (`invalid_code`)", body = convo_types::Problem),
))]
pub async fn confirm_totp(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Client(client): Client,
    Json(req): Json<TotpCode>,
) -> ApiResult<axum::Json<RecoveryCodes>> {
    let codes = totp::confirm(state.store.as_ref(), &state.secrets, &caller, req, &client).await?;
    Ok(axum::Json(codes))
}

/// Turns two factors off (the password is needed); the recovery codes go with them.
#[utoipa::path(delete, path = "/v1/me/totp", operation_id = "disableTotp", tag = "sessions", request_body = DisableTotp, responses(
    (status = 204),
    (status = 409, description = "the user has no password", body = convo_types::Problem),
    (status = 422, description = "the password is not right (`invalid_credentials`)", body = convo_types::Problem),
))]
pub async fn disable_totp(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Client(client): Client,
    Json(req): Json<DisableTotp>,
) -> ApiResult<StatusCode> {
    totp::disable(state.store.as_ref(), &caller, req, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
