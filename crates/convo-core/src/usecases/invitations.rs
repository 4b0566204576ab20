//! Invitations: an admin invites a person by email; the person accepts with a name and a
//! password and is signed in. Tokens are single use, hashed at rest, and expire.

use convo_types::{
    AcceptInvitation, AuditAction, CreateInvitation, ErrorCode, Invitation, InvitationId,
    InvitationInfo, InvitingOrganization, List, Scope, Timestamp, User, UserId, UserKind, UserRole,
};

use super::audit::{Audit, ClientInfo};
use super::sessions::{self, SignedIn};
use crate::auth::Principal;
use crate::mail::{self, Mailer};
use crate::paging::PagingParams;
use crate::people::{self, SessionPolicy};
use crate::rules::{Checks, MAX_NAME_CHARS};
use crate::{DirectoryStore, Error, InvitationStore, OrganizationStore, PeopleStore, Result};

/// An invitation works for a week.
pub const INVITATION_DAYS: i64 = 7;
pub const INVITATION_TOKEN_PREFIX: &str = "convo_inv_";

fn gone() -> Error {
    Error::NotFound("invitation (it was accepted, revoked or has expired)")
}

/// `POST /v1/invitations`: admins only; mailed when `mailer` is given.
pub async fn create(
    store: &(impl PeopleStore + InvitationStore + DirectoryStore + OrganizationStore + ?Sized),
    mailer: Option<&dyn Mailer>,
    public_url: &str,
    caller: &Principal,
    req: CreateInvitation,
    client: &ClientInfo,
) -> Result<Invitation> {
    caller.require(Scope::Admin)?;
    let email = req.email.trim().to_owned();
    let mut checks = Checks::new();
    checks.email("email", Some(&email));
    checks.text(
        "name",
        req.name.as_deref(),
        MAX_NAME_CHARS,
        req.name.is_some(),
    );
    checks.count(
        "business_unit_ids",
        req.business_unit_ids.as_ref().map_or(0, Vec::len),
    );
    checks.finish()?;
    let units = req.business_unit_ids.unwrap_or_default();
    super::directory::check_units(store, caller, "business_unit_ids", &units).await?;
    let taken = store.find_people(&people::email_key(&email)).await?;
    if taken.iter().any(|p| p.password_hash.is_some()) {
        return Err(Error::Conflict {
            code: ErrorCode::EmailTaken,
            message: "a person already signs in with this email".into(),
        });
    }
    let token = people::new_token(INVITATION_TOKEN_PREFIX);
    let now = Timestamp::now();
    let url = format!(
        "{}/inbox/invitation#token={token}",
        public_url.trim_end_matches('/')
    );
    let mut invitation = Invitation {
        object_name: "invitation".into(),
        id: InvitationId::new(),
        organization_id: caller.organization_id,
        email: email.clone(),
        name: req.name.map(|n| n.trim().to_owned()),
        role: req.role.unwrap_or(UserRole::Agent),
        business_unit_ids: units,
        invited_by: Some(caller.user_id),
        created_at: now,
        expires_at: Timestamp::from_millis(now.as_millis() + INVITATION_DAYS * people::DAY_MILLIS),
        mailed: false,
        url: None,
        token: None,
    };
    if let Some(mailer) = mailer {
        let organization = store.get_organization(caller.organization_id).await?;
        let (subject, text) = mail::invitation(&organization.name, &url, INVITATION_DAYS);
        // The answer holds the link either way: a mail that cannot go out is said, not fatal.
        match mailer.send(&email, &subject, &text).await {
            Ok(()) => invitation.mailed = true,
            Err(error) => tracing::warn!(%error, "could not mail an invitation"),
        }
    }
    store
        .insert_invitation(&invitation, &people::token_hash(&token))
        .await?;
    Audit::new(AuditAction::InvitationCreated, client)
        .by(caller)
        .on("invitation", invitation.id)
        .with("email", email)
        .with("role", invitation.role.as_str())
        .record(store, caller.organization_id)
        .await;
    invitation.url = Some(url);
    invitation.token = Some(token);
    Ok(invitation)
}

pub async fn list(
    store: &(impl InvitationStore + ?Sized),
    caller: &Principal,
    paging: PagingParams,
) -> Result<List<Invitation>> {
    caller.require(Scope::Admin)?;
    let page = paging.into_request()?;
    let rows = store
        .list_invitations(caller.organization_id, Timestamp::now(), &page)
        .await?;
    Ok(rows.into_list(page.limit, |i| i.id.as_uuid()))
}

/// `DELETE /v1/invitations/{id}`: the link stops working.
pub async fn revoke(
    store: &(impl PeopleStore + InvitationStore + ?Sized),
    caller: &Principal,
    id: InvitationId,
    client: &ClientInfo,
) -> Result<()> {
    caller.require(Scope::Admin)?;
    store.delete_invitation(caller.organization_id, id).await?;
    Audit::new(AuditAction::InvitationRevoked, client)
        .by(caller)
        .on("invitation", id)
        .record(store, caller.organization_id)
        .await;
    Ok(())
}

/// `GET /v1/invitations/{token}`, without a key.
pub async fn info(store: &(impl InvitationStore + ?Sized), token: &str) -> Result<InvitationInfo> {
    let (invitation, organization) = store
        .find_invitation(&people::token_hash(token), Timestamp::now())
        .await?
        .ok_or_else(gone)?;
    Ok(InvitationInfo {
        object_name: "invitation_info".into(),
        email: invitation.email,
        name: invitation.name,
        organization: InvitingOrganization { name: organization },
        expires_at: invitation.expires_at,
    })
}

/// `POST /v1/invitations/{token}/accept`: the person joins with their name and password and
/// is signed in.
pub async fn accept(
    store: &(impl PeopleStore + InvitationStore + ?Sized),
    policy: SessionPolicy,
    token: &str,
    req: AcceptInvitation,
    client: &ClientInfo,
) -> Result<SignedIn> {
    let hash = people::token_hash(token);
    let now = Timestamp::now();
    let (invitation, _) = store.find_invitation(&hash, now).await?.ok_or_else(gone)?;
    let mut checks = Checks::new();
    checks.text("name", Some(&req.name), MAX_NAME_CHARS, true);
    checks.finish()?;
    people::check_password("password", &req.password, &[&req.name, &invitation.email])?;
    let user = invited_user(&invitation, &req.name, now);
    let password_hash = people::hash_password_blocking(req.password).await?;
    join(
        store,
        policy,
        &invitation,
        user,
        Some(&password_hash),
        "invitation",
        client,
    )
    .await
}

/// The invited person joins (with a password, or signed in by their provider) and is signed
/// in; the invitation is used up in the same transaction.
pub async fn join(
    store: &(impl PeopleStore + InvitationStore + ?Sized),
    policy: SessionPolicy,
    invitation: &Invitation,
    user: User,
    password_hash: Option<&str>,
    how: &str,
    client: &ClientInfo,
) -> Result<SignedIn> {
    let now = user.created_at;
    if !store
        .accept_invitation(&invitation.id, now, &user, password_hash)
        .await?
    {
        return Err(gone());
    }
    let signed_in = sessions::start(store, policy, &user, how, client).await?;
    Audit::new(AuditAction::InvitationAccepted, client)
        .by(&Principal::for_session(&user, signed_in.session.id))
        .on("invitation", invitation.id)
        .record(store, user.organization_id)
        .await;
    Ok(signed_in)
}

/// The user an invitation makes.
pub fn invited_user(invitation: &Invitation, name: &str, now: Timestamp) -> User {
    User {
        object_name: "user".into(),
        id: UserId::new(),
        organization_id: invitation.organization_id,
        name: name.trim().to_owned(),
        email: Some(invitation.email.clone()),
        kind: UserKind::Human,
        role: invitation.role,
        avatar_url: None,
        business_unit_ids: invitation.business_unit_ids.clone(),
        active: true,
        presence: convo_types::Presence::Offline,
        created_at: now,
        updated_at: now,
    }
}
