//! `/v1/password-resets`: a link to set a new password, mailed (when mail is configured) or
//! made by an operator (`convo admin reset-password`); no key needed to use one.

use convo_core::usecases::passwords;
use convo_types::{CompletePasswordReset, PasswordResetInfo, RequestPasswordReset};

use super::directory::prelude::*;
use crate::session::Client;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request))
        .routes(routes!(info, complete))
}

/// Asks for a password-reset link for an email. Always `202`, whether or not anyone has it,
/// so the answer tells nobody who has an account. The link is mailed when the server has
/// mail configured; otherwise an admin makes one with `convo admin reset-password`.
#[utoipa::path(post, path = "/v1/password-resets", operation_id = "requestPasswordReset", tag = "sessions", request_body = RequestPasswordReset, responses(
    (status = 202),
))]
pub async fn request(
    State(state): State<AppState>,
    Client(client): Client,
    Json(req): Json<RequestPasswordReset>,
) -> ApiResult<StatusCode> {
    let public_url = state.settings.public_url();
    let mailer = state.mailer.as_deref();
    let made = passwords::request(
        state.store.as_ref(),
        mailer,
        &req.email,
        &public_url,
        &client,
    )
    .await?
    .is_some();
    if made && mailer.is_none() {
        // The link is a secret: never logged. An operator makes one with
        // `convo admin reset-password --email`.
        tracing::info!("a password reset was asked for; no mail is configured to send it");
    }
    Ok(StatusCode::ACCEPTED)
}

/// Whose password a reset link sets, for the page that asks for it (`404` when the link was
/// used, has expired or never existed).
#[utoipa::path(get, path = "/v1/password-resets/{token}", operation_id = "getPasswordReset", tag = "sessions", params(("token" = String, Path)), responses(
    (status = 200, body = PasswordResetInfo),
    (status = 404, body = convo_types::Problem),
))]
pub async fn info(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<axum::Json<PasswordResetInfo>> {
    Ok(axum::Json(
        passwords::info(state.store.as_ref(), &token).await?,
    ))
}

/// Sets a new password with a reset link: every session of the person ends and the link is
/// used up. A person with no email yet (the admin made on first start) gives one here.
#[utoipa::path(post, path = "/v1/password-resets/{token}", operation_id = "completePasswordReset", tag = "sessions", params(("token" = String, Path)), request_body = CompletePasswordReset, responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
    (status = 409, description = "another person already signs in with that email (`email_taken`)", body = convo_types::Problem),
    (status = 422, description = "a weak password (`weak_password`) or invalid fields", body = convo_types::Problem),
))]
pub async fn complete(
    State(state): State<AppState>,
    Client(client): Client,
    Path(token): Path<String>,
    Json(req): Json<CompletePasswordReset>,
) -> ApiResult<StatusCode> {
    passwords::complete(state.store.as_ref(), &token, req, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}
