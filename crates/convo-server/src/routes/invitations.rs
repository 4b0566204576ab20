//! `/v1/invitations`: admins invite people by email; a person accepts with the link's token
//! (no key needed) and is signed in.

use axum::http::HeaderMap;
use axum::response::Response;
use convo_core::usecases::invitations;
use convo_types::{
    AcceptInvitation, CreateInvitation, Invitation, InvitationId, InvitationInfo, Session,
};

use super::directory::prelude::*;
use crate::session::{self, Client};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(info, revoke))
        .routes(routes!(accept))
}

/// Invites a person by email (admins): answers the link (`url`, and its `token`) once, and
/// mails it when the server has mail configured (`mailed`). It works once, for 7 days.
#[utoipa::path(post, path = "/v1/invitations", operation_id = "createInvitation", tag = "sessions", request_body = CreateInvitation, responses(
    (status = 201, body = Invitation),
    (status = 409, description = "a person already signs in with this email (`email_taken`)", body = convo_types::Problem),
    (status = 422, description = "invalid fields", body = convo_types::Problem),
))]
pub async fn create(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Client(client): Client,
    Json(req): Json<CreateInvitation>,
) -> ApiResult<(StatusCode, axum::Json<Invitation>)> {
    let invitation = invitations::create(
        state.store.as_ref(),
        state.mailer.as_deref(),
        &state.settings.public_url(),
        &caller,
        req,
        &client,
    )
    .await?;
    Ok((StatusCode::CREATED, axum::Json(invitation)))
}

/// Lists the invitations not yet accepted and not expired, oldest first (admins).
#[utoipa::path(get, path = "/v1/invitations", operation_id = "listInvitations", tag = "sessions", params(PageQuery), responses((status = 200, body = List<Invitation>)))]
pub async fn list(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Query(page): Query<PageQuery>,
) -> ApiResult<axum::Json<List<Invitation>>> {
    Ok(axum::Json(
        invitations::list(state.store.as_ref(), &caller, page.into()).await?,
    ))
}

/// Revokes an invitation: its link stops working (admins).
#[utoipa::path(delete, path = "/v1/invitations/{id}", operation_id = "deleteInvitation", tag = "sessions", params(("id" = InvitationId, Path)), responses(
    (status = 204),
    (status = 404, body = convo_types::Problem),
))]
pub async fn revoke(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Client(client): Client,
    Path(id): Path<InvitationId>,
) -> ApiResult<StatusCode> {
    invitations::revoke(state.store.as_ref(), &caller, id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What an invitation link is for, before accepting it: the segment is the link's token
/// (`convo_inv_...`), not the invitation's id, and no key is needed (`404` once it was
/// accepted, revoked or has expired).
#[utoipa::path(get, path = "/v1/invitations/{id}", operation_id = "getInvitation", tag = "sessions", params(("id" = String, Path, description = "the token of the invitation link")), responses(
    (status = 200, body = InvitationInfo),
    (status = 404, body = convo_types::Problem),
))]
pub async fn info(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<axum::Json<InvitationInfo>> {
    Ok(axum::Json(
        invitations::info(state.store.as_ref(), &token).await?,
    ))
}

/// Accepts an invitation with a name and a password: the person joins the organization with
/// the invited role and units, and is signed in (the session cookie is set).
#[utoipa::path(post, path = "/v1/invitations/{token}/accept", operation_id = "acceptInvitation", tag = "sessions", params(("token" = String, Path)), request_body = AcceptInvitation, responses(
    (status = 201, body = Session, headers(("Set-Cookie" = String, description = "the session cookie, as `createSession` sets it"))),
    (status = 404, body = convo_types::Problem),
    (status = 409, description = "a person already signs in with this email (`email_taken`)", body = convo_types::Problem),
    (status = 422, description = "a weak password (`weak_password`) or invalid fields", body = convo_types::Problem),
))]
pub async fn accept(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    Path(token): Path<String>,
    Json(req): Json<AcceptInvitation>,
) -> ApiResult<Response> {
    let signed_in = invitations::accept(
        state.store.as_ref(),
        state.settings.session_policy(),
        &token,
        req,
        &client,
    )
    .await?;
    Ok(session::signed_in(&state, &headers, signed_in))
}
