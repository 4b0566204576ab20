//! Signing in and out, the sessions a person has, and their own profile (`me`).

use convo_types::{
    AuditAction, CreateSession, ErrorCode, List, Me, Session, SessionId, Timestamp, UpdateMe, User,
    UserKind,
};

use super::audit::{Audit, ClientInfo};
use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::people::{self, totp, SessionPolicy};
use crate::rules::{Checks, MAX_NAME_CHARS};
use crate::sealed::SecretBox;
use crate::{Credentials, DirectoryStore, Error, PeopleStore, Result, SessionRecord};

/// A session just made: the wire object and the token for the cookie (shown nowhere else).
pub struct SignedIn {
    pub session: Session,
    pub token: String,
}

fn invalid_credentials() -> Error {
    Error::Unauthorized {
        code: ErrorCode::InvalidCredentials,
        message: "the email or the password is not right".into(),
    }
}

/// The wire form of a stored session.
pub fn session_object(
    record: &SessionRecord,
    user: User,
    current: bool,
    csrf_token: Option<String>,
) -> Session {
    Session {
        object_name: "session".into(),
        id: record.id,
        user,
        created_at: record.created_at,
        expires_at: record.expires_at,
        last_seen_at: record.last_seen_at,
        user_agent: record.user_agent.clone(),
        ip: record.ip.clone(),
        current,
        csrf_token,
    }
}

/// Of the people with one email, the one it names: whoever has a password (at most one
/// has), else the only one; several without a password (in several organizations) name no
/// one.
pub fn the_person(people: &[Credentials]) -> Option<&Credentials> {
    match people.iter().find(|p| p.password_hash.is_some()) {
        Some(person) => Some(person),
        None => match people {
            [only] => Some(only),
            _ => None,
        },
    }
}

/// The person a sign-in email names: the human user with a password, when there is one.
pub async fn find_person(
    store: &(impl PeopleStore + ?Sized),
    email: &str,
) -> Result<Option<Credentials>> {
    let people = store.find_people(&people::email_key(email)).await?;
    Ok(people.into_iter().find(|p| p.password_hash.is_some()))
}

/// `POST /v1/sessions`. A wrong email and a wrong password answer the same, after the same
/// work (a dummy hash is verified for an unknown email).
pub async fn sign_in(
    store: &(impl PeopleStore + ?Sized),
    secrets: &SecretBox,
    policy: SessionPolicy,
    req: CreateSession,
    client: &ClientInfo,
) -> Result<SignedIn> {
    let mut checks = Checks::new();
    checks.email("email", Some(req.email.trim()));
    checks.finish()?;
    if req.password.len() > convo_types::limits::MAX_PASSWORD_BYTES || req.password.contains('\0') {
        return Err(invalid_credentials());
    }
    let person = find_person(store, &req.email).await?;
    let stored = person.as_ref().and_then(|p| p.password_hash.clone());
    let matches = people::verify_password_blocking(req.password, stored).await;
    let person = match person {
        Some(p) if matches && p.user.active && p.user.kind == UserKind::Human => p,
        other => {
            if let Some(known) = other {
                let reason = if matches { "inactive" } else { "password" };
                let audit = Audit::new(AuditAction::SessionFailed, client)
                    .about(known.user.id)
                    .with("reason", reason);
                audit.record(store, known.user.organization_id).await;
            }
            return Err(invalid_credentials());
        }
    };
    let user = &person.user;
    if person.totp_enabled {
        second_factor(
            store,
            secrets,
            &person,
            &req.totp,
            &req.recovery_code,
            client,
        )
        .await?;
    }
    let how = if person.totp_enabled {
        "password_and_code"
    } else {
        "password"
    };
    start(store, policy, user, how, client).await
}

/// A new session for `user`, signed in `how` (`password`, `password_and_code`, `invitation`,
/// `oidc`): stored, audited, and answered with its token and CSRF token.
pub async fn start(
    store: &(impl PeopleStore + ?Sized),
    policy: SessionPolicy,
    user: &User,
    how: &str,
    client: &ClientInfo,
) -> Result<SignedIn> {
    let now = Timestamp::now();
    let token = people::new_token(people::SESSION_TOKEN_PREFIX);
    let record = SessionRecord {
        organization_id: user.organization_id,
        id: SessionId::new(),
        user_id: user.id,
        token_hash: people::token_hash(&token),
        created_at: now,
        last_seen_at: now,
        expires_at: policy.expires_at(now, now),
        user_agent: client.user_agent.clone(),
        ip: client.ip.clone(),
    };
    store.insert_session(&record).await?;
    let principal = Principal::for_session(user, record.id);
    Audit::new(AuditAction::SessionCreated, client)
        .by(&principal)
        .on("session", record.id)
        .with("via", how)
        .record(store, user.organization_id)
        .await;
    Ok(SignedIn {
        session: session_object(
            &record,
            user.clone(),
            true,
            Some(people::csrf_token(&token)),
        ),
        token,
    })
}

/// A code or a recovery code, after the right password: `401 totp_required` without one,
/// `401 invalid_code` for a wrong or replayed one.
async fn second_factor(
    store: &(impl PeopleStore + ?Sized),
    secrets: &SecretBox,
    person: &Credentials,
    code: &Option<String>,
    recovery_code: &Option<String>,
    client: &ClientInfo,
) -> Result<()> {
    let user = &person.user;
    let accepted = match (code, recovery_code) {
        (Some(code), _) => {
            let secret = person
                .totp_secret
                .as_deref()
                .ok_or_else(|| Error::internal("two factors on without a secret"))?;
            let secret = secrets.open(secret)?;
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or_default();
            match totp::matching_step(&secret, code, now)? {
                Some(step) => {
                    store
                        .use_totp_step(user.organization_id, user.id, step)
                        .await?
                }
                None => false,
            }
        }
        (None, Some(recovery)) => {
            let used = store
                .use_recovery_code(
                    user.organization_id,
                    user.id,
                    &people::recovery_code_hash(recovery),
                )
                .await?;
            if used {
                let audit = Audit::new(AuditAction::RecoveryCodeUsed, client).about(user.id);
                audit.record(store, user.organization_id).await;
            }
            used
        }
        (None, None) => {
            return Err(Error::Unauthorized {
                code: ErrorCode::TotpRequired,
                message: "two factors are on: send `totp` (the code your app shows) or a \
                          `recovery_code`"
                    .into(),
            })
        }
    };
    if accepted {
        return Ok(());
    }
    let audit = Audit::new(AuditAction::SessionFailed, client)
        .about(user.id)
        .with("reason", "second_factor");
    audit.record(store, user.organization_id).await;
    Err(Error::Unauthorized {
        code: ErrorCode::InvalidCode,
        message: "the code is not right, or was used already".into(),
    })
}

/// The session a cookie names and the principal it acts as, recording the use (at most once
/// a minute, so reads stay reads). `None` when it has ended or its user is inactive.
pub async fn authenticate(
    store: &(impl PeopleStore + ?Sized),
    policy: SessionPolicy,
    token: &str,
) -> Result<Option<(SessionRecord, User, Principal)>> {
    let now = Timestamp::now();
    let Some((mut record, user, must_set_up_totp)) =
        store.find_session(&people::token_hash(token), now).await?
    else {
        return Ok(None);
    };
    if now.as_millis() - record.last_seen_at.as_millis() > TOUCH_EVERY_MILLIS {
        record.last_seen_at = now;
        record.expires_at = policy.expires_at(record.created_at, now);
        store.touch_session(&record).await?;
    }
    let principal = Principal::for_session(&user, record.id);
    let principal = if must_set_up_totp {
        principal.setup_only()
    } else {
        principal
    };
    Ok(Some((record, user, principal)))
}

const TOUCH_EVERY_MILLIS: i64 = 60_000;

/// `DELETE /v1/sessions/current`: sign out.
pub async fn sign_out(
    store: &(impl PeopleStore + ?Sized),
    caller: &Principal,
    client: &ClientInfo,
) -> Result<()> {
    let id = caller.session_id().ok_or_else(not_a_session)?;
    end(store, caller, id, client).await
}

fn not_a_session() -> Error {
    Error::NotFound("session (this request is made with an API key, not a session)")
}

/// `GET /v1/sessions`: the acting user's own sessions.
pub async fn list(
    store: &(impl PeopleStore + DirectoryStore + ?Sized),
    caller: &Principal,
    paging: PagingParams,
) -> Result<List<Session>> {
    let page = paging.into_request()?;
    let user = store
        .get_user(caller.organization_id, caller.user_id)
        .await?;
    let rows = store
        .list_sessions(
            caller.organization_id,
            caller.user_id,
            Timestamp::now(),
            &page,
        )
        .await?;
    let current = caller.session_id();
    let sessions = rows.map(|r| session_object(&r, user.clone(), Some(r.id) == current, None));
    Ok(sessions.into_list(page.limit, |s| s.id.as_uuid()))
}

/// `DELETE /v1/sessions/{id}`: ends one of the acting user's sessions.
pub async fn end(
    store: &(impl PeopleStore + ?Sized),
    caller: &Principal,
    id: SessionId,
    client: &ClientInfo,
) -> Result<()> {
    store
        .delete_session(caller.organization_id, caller.user_id, id)
        .await?;
    Audit::new(AuditAction::SessionEnded, client)
        .by(caller)
        .on("session", id)
        .record(store, caller.organization_id)
        .await;
    Ok(())
}

/// `GET /v1/me`.
pub async fn me(
    store: &(impl PeopleStore + crate::LiveStore + ?Sized),
    caller: &Principal,
) -> Result<Me> {
    let credentials = store
        .get_credentials(caller.organization_id, caller.user_id)
        .await?;
    let unread = super::notifications::unread(store, caller).await?;
    Ok(me_object(credentials, caller, unread))
}

fn me_object(credentials: Credentials, caller: &Principal, notifications_unread: i64) -> Me {
    Me {
        object_name: "me".into(),
        user: credentials.user,
        locale: credentials.locale,
        has_password: credentials.password_hash.is_some(),
        totp_enabled: credentials.totp_enabled,
        totp_setup_required: caller.setup_only,
        authenticated_by: caller.method(),
        notifications_unread,
    }
}

/// `PATCH /v1/me`: name, avatar, locale; a new password needs the current one (when there is
/// one) and ends every other session.
pub async fn update_me(
    store: &(impl PeopleStore + DirectoryStore + crate::LiveStore + ?Sized),
    caller: &Principal,
    req: UpdateMe,
    client: &ClientInfo,
) -> Result<Me> {
    let mut checks = Checks::new();
    checks.text(
        "name",
        req.name.as_deref(),
        MAX_NAME_CHARS,
        req.name.is_some(),
    );
    checks.url("avatar_url", req.avatar_url.clone().flatten().as_deref());
    checks.text(
        "locale",
        req.locale.clone().flatten().as_deref(),
        convo_types::limits::MAX_LOCALE_CHARS,
        false,
    );
    checks.finish()?;
    let org = caller.organization_id;
    let credentials = store.get_credentials(org, caller.user_id).await?;
    if let Some(password) = req.password {
        change_password(
            store,
            caller,
            &credentials,
            password,
            req.current_password,
            client,
        )
        .await?;
    }
    if req.name.is_some() || req.avatar_url.is_some() {
        let mut user = credentials.user.clone();
        if let Some(name) = req.name {
            user.name = name.trim().to_owned();
        }
        if let Some(avatar_url) = req.avatar_url {
            user.avatar_url = avatar_url;
        }
        user.updated_at = Timestamp::now();
        store.update_user(&user).await?;
    }
    if let Some(locale) = req.locale {
        store
            .set_locale(org, caller.user_id, locale.as_deref().map(str::trim))
            .await?;
    }
    me(store, caller).await
}

async fn change_password(
    store: &(impl PeopleStore + ?Sized),
    caller: &Principal,
    credentials: &Credentials,
    password: String,
    current: Option<String>,
    client: &ClientInfo,
) -> Result<()> {
    let user = &credentials.user;
    if user.kind != UserKind::Human {
        return Err(Error::invalid(
            "password",
            "only people (kind `human`) sign in",
        ));
    }
    let Some(email) = user.email.clone() else {
        return Err(Error::invalid(
            "password",
            "this user has no email to sign in with: an admin sets one first",
        ));
    };
    if let Some(stored) = credentials.password_hash.clone() {
        let Some(current) = current else {
            return Err(Error::invalid(
                "current_password",
                "is required to change the password",
            ));
        };
        if current.len() > convo_types::limits::MAX_PASSWORD_BYTES
            || !people::verify_password_blocking(current, Some(stored)).await
        {
            return Err(Error::Rejected {
                code: ErrorCode::InvalidCredentials,
                message: "the current password is not right".into(),
                field: Some("current_password".into()),
            });
        }
    }
    people::check_password("password", &password, &[&user.name, &email])?;
    let change = crate::PasswordChange {
        organization_id: user.organization_id,
        user_id: user.id,
        password_hash: people::hash_password_blocking(password).await?,
        email: None,
        keep_session: caller.session_id(),
        at: Timestamp::now(),
    };
    store.set_password(&change).await?;
    Audit::new(AuditAction::PasswordChanged, client)
        .by(caller)
        .on("user", user.id)
        .record(store, user.organization_id)
        .await;
    Ok(())
}
