//! Password resets and the first password: one-time links, hashed at rest, single use.

use convo_types::{
    AuditAction, CompletePasswordReset, ErrorCode, OrganizationId, PasswordResetInfo,
    PasswordResetLink, Timestamp, UserId, UserKind,
};

use super::audit::{Audit, ClientInfo};
use crate::mail::{self, Mailer};
use crate::people;
use crate::rules::Checks;
use crate::{DirectoryStore, Error, PasswordChange, PasswordToken, PeopleStore, Result};

fn invalid_token() -> Error {
    Error::NotFound("password-reset link (it was used, has expired, or never existed)")
}

/// A new one-time link for the user, valid `ttl_millis`.
pub async fn make_link(
    store: &(impl PeopleStore + ?Sized),
    org: OrganizationId,
    user: UserId,
    email: Option<String>,
    public_url: &str,
    ttl_millis: i64,
) -> Result<PasswordResetLink> {
    let token = people::new_token(people::RESET_TOKEN_PREFIX);
    let now = Timestamp::now();
    let record = PasswordToken {
        organization_id: org,
        user_id: user,
        token_hash: people::token_hash(&token),
        created_at: now,
        expires_at: Timestamp::from_millis(now.as_millis() + ttl_millis),
    };
    store.insert_password_token(&record).await?;
    Ok(PasswordResetLink {
        email,
        url: format!(
            "{}/inbox/password#token={token}",
            public_url.trim_end_matches('/')
        ),
        token,
        expires_at: record.expires_at,
    })
}

/// `POST /v1/password-resets`: a link for the person with this email, if there is one (the
/// caller mails it). The answer is the same either way, so it tells nobody who has an account.
pub async fn request(
    store: &(impl PeopleStore + ?Sized),
    mailer: Option<&dyn Mailer>,
    email: &str,
    public_url: &str,
    client: &ClientInfo,
) -> Result<Option<PasswordResetLink>> {
    let mut checks = Checks::new();
    checks.email("email", Some(email.trim()));
    checks.finish()?;
    let people = store.find_people(&people::email_key(email)).await?;
    // Only an unambiguous person: several people without a password share this email only
    // across organizations, and an operator link (`convo admin reset-password`) picks one.
    let person = super::sessions::the_person(&people);
    let Some(person) = person.filter(|p| p.user.active && p.user.kind == UserKind::Human) else {
        return Ok(None);
    };
    let user = &person.user;
    let link = make_link(
        store,
        user.organization_id,
        user.id,
        user.email.clone(),
        public_url,
        people::RESET_TOKEN_MILLIS,
    )
    .await?;
    let audit = Audit::new(AuditAction::PasswordResetRequested, client).about(user.id);
    let mailed = match (mailer, &user.email) {
        (Some(mailer), Some(to)) => {
            let minutes = people::RESET_TOKEN_MILLIS / 60_000;
            let (subject, text) = mail::password_reset(&link.url, minutes);
            match mailer.send(to, &subject, &text).await {
                Ok(()) => true,
                Err(error) => {
                    tracing::warn!(%error, "could not mail a password-reset link");
                    false
                }
            }
        }
        _ => false,
    };
    audit
        .with("mailed", mailed)
        .record(store, user.organization_id)
        .await;
    Ok(Some(link))
}

/// `GET /v1/password-resets/{token}`: whose link it is, for the page that sets the password.
pub async fn info(store: &(impl PeopleStore + ?Sized), token: &str) -> Result<PasswordResetInfo> {
    let (record, user) = store
        .find_password_token(&people::token_hash(token), Timestamp::now())
        .await?
        .ok_or_else(invalid_token)?;
    Ok(PasswordResetInfo {
        object_name: "password_reset".into(),
        email: user.email,
        name: user.name,
        expires_at: record.expires_at,
    })
}

/// `POST /v1/password-resets/{token}`: sets the password, ends every session of the person,
/// and uses the link up. A person without an email (the admin made on first start) gives one.
pub async fn complete(
    store: &(impl PeopleStore + DirectoryStore + ?Sized),
    token: &str,
    req: CompletePasswordReset,
    client: &ClientInfo,
) -> Result<()> {
    let hash = people::token_hash(token);
    let now = Timestamp::now();
    let (_, user) = store
        .find_password_token(&hash, now)
        .await?
        .ok_or_else(invalid_token)?;
    let mut checks = Checks::new();
    checks.email("email", req.email.as_deref());
    checks.finish()?;
    let new_email = match (&user.email, req.email) {
        (Some(_), _) => None,
        (None, Some(email)) => Some(email.trim().to_owned()),
        (None, None) => {
            return Err(Error::invalid(
                "email",
                "is required: this person has no email to sign in with yet",
            ))
        }
    };
    let email = new_email.clone().or(user.email.clone()).unwrap_or_default();
    people::check_password("password", &req.password, &[&user.name, &email])?;
    let change = PasswordChange {
        organization_id: user.organization_id,
        user_id: user.id,
        password_hash: people::hash_password_blocking(req.password).await?,
        email: new_email,
        keep_session: None,
        at: now,
    };
    if !store.redeem_password_token(&hash, now, &change).await? {
        return Err(invalid_token());
    }
    let audit = Audit::new(AuditAction::PasswordReset, client).about(user.id);
    audit.record(store, user.organization_id).await;
    Ok(())
}

/// What an operator's `convo admin reset-password --email` finds: the person with this
/// email (the one with a password, else the only one), or an error that says why not.
pub async fn operator_link(
    store: &(impl PeopleStore + ?Sized),
    email: &str,
    public_url: &str,
    ttl_millis: i64,
) -> Result<PasswordResetLink> {
    let people = store.find_people(&people::email_key(email)).await?;
    let Some(person) = super::sessions::the_person(&people) else {
        if people.is_empty() {
            return Err(Error::NotFound("person with this email"));
        }
        return Err(Error::Conflict {
            code: ErrorCode::Conflict,
            message: "several people in different organizations have this email and none has \
                      a password yet"
                .into(),
        });
    };
    make_link(
        store,
        person.user.organization_id,
        person.user.id,
        person.user.email.clone(),
        public_url,
        ttl_millis,
    )
    .await
}

/// `convo admin set-password --email`: a first sign-in link for the person with this email,
/// or, when no one has it, for the admin made on first start (who had no email): the email
/// becomes theirs. Valid a day.
pub async fn first_password_link(
    store: &(impl PeopleStore + DirectoryStore + crate::OrganizationStore + ?Sized),
    email: &str,
    public_url: &str,
) -> Result<PasswordResetLink> {
    let email = email.trim();
    let mut checks = Checks::new();
    checks.email("email", Some(email));
    checks.finish()?;
    let ttl = people::FIRST_PASSWORD_TOKEN_MILLIS;
    if !store
        .find_people(&people::email_key(email))
        .await?
        .is_empty()
    {
        return operator_link(store, email, public_url, ttl).await;
    }
    let first = super::organizations::first(store).await?;
    let users = store
        .list_users(
            first.id,
            None,
            &crate::DirectoryPage {
                limit: 100,
                start: crate::paging::PageStart::After(None),
                include_total: false,
            },
        )
        .await?;
    let mut admin = users
        .items
        .into_iter()
        .find(|u| {
            u.kind == UserKind::Human && u.role == convo_types::UserRole::Admin && u.email.is_none()
        })
        .ok_or(Error::NotFound(
            "person with this email (and the first admin has an email already)",
        ))?;
    admin.email = Some(email.to_owned());
    admin.updated_at = Timestamp::now();
    store.update_user(&admin).await?;
    make_link(
        store,
        first.id,
        admin.id,
        admin.email.clone(),
        public_url,
        ttl,
    )
    .await
}
