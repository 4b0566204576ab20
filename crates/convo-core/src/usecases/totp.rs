//! Two factors: a TOTP secret set up, confirmed with a code (then recovery codes are given
//! once), and turned off with the password.

use convo_types::{
    AuditAction, DisableTotp, ErrorCode, RecoveryCodes, TotpCode, TotpSetup, UserKind,
};

use super::audit::{Audit, ClientInfo};
use crate::auth::Principal;
use crate::people::{self, totp};
use crate::sealed::SecretBox;
use crate::{Credentials, Error, PeopleStore, Result};

async fn person(store: &(impl PeopleStore + ?Sized), caller: &Principal) -> Result<Credentials> {
    let credentials = store
        .get_credentials(caller.organization_id, caller.user_id)
        .await?;
    if credentials.user.kind != UserKind::Human || credentials.password_hash.is_none() {
        return Err(Error::Conflict {
            code: ErrorCode::Conflict,
            message: "two factors are for people who sign in with a password: set one first".into(),
        });
    }
    Ok(credentials)
}

/// `POST /v1/me/totp`: a new secret, not yet on.
pub async fn start(
    store: &(impl PeopleStore + ?Sized),
    secrets: &SecretBox,
    caller: &Principal,
) -> Result<TotpSetup> {
    let credentials = person(store, caller).await?;
    if credentials.totp_enabled {
        return Err(Error::Conflict {
            code: ErrorCode::Conflict,
            message: "two factors are on already: turn them off first to change the secret".into(),
        });
    }
    let secret = totp::new_secret();
    store
        .set_totp_secret(
            caller.organization_id,
            caller.user_id,
            Some(&secrets.seal(&secret)?),
        )
        .await?;
    let account = credentials.user.email.unwrap_or(credentials.user.name);
    Ok(TotpSetup {
        object_name: "totp_setup".into(),
        otpauth_url: totp::url(&secret, &account)?,
        secret,
    })
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// `POST /v1/me/totp/confirm`: a code from the app turns two factors on; the answer holds
/// ten recovery codes, shown once.
pub async fn confirm(
    store: &(impl PeopleStore + ?Sized),
    secrets: &SecretBox,
    caller: &Principal,
    req: TotpCode,
    client: &ClientInfo,
) -> Result<RecoveryCodes> {
    let credentials = person(store, caller).await?;
    let stored = match (&credentials.totp_secret, credentials.totp_enabled) {
        (Some(secret), false) => secret,
        (_, true) => {
            return Err(Error::Conflict {
                code: ErrorCode::Conflict,
                message: "two factors are on already".into(),
            })
        }
        (None, false) => {
            return Err(Error::Conflict {
                code: ErrorCode::Conflict,
                message: "start with `POST /v1/me/totp` to get a secret".into(),
            })
        }
    };
    let secret = secrets.open(stored)?;
    let Some(step) = totp::matching_step(&secret, &req.code, unix_now())? else {
        return Err(Error::Rejected {
            code: ErrorCode::InvalidCode,
            message: "the code is not right: check the device's clock".into(),
            field: Some("code".into()),
        });
    };
    let codes = people::new_recovery_codes();
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| people::recovery_code_hash(c))
        .collect();
    store
        .enable_totp(caller.organization_id, caller.user_id, step, &hashes)
        .await?;
    Audit::new(AuditAction::TotpEnabled, client)
        .by(caller)
        .on("user", caller.user_id)
        .record(store, caller.organization_id)
        .await;
    Ok(RecoveryCodes {
        object_name: "recovery_codes".into(),
        recovery_codes: codes,
    })
}

/// `DELETE /v1/me/totp`: with the password, two factors are off and the recovery codes gone.
pub async fn disable(
    store: &(impl PeopleStore + ?Sized),
    caller: &Principal,
    req: DisableTotp,
    client: &ClientInfo,
) -> Result<()> {
    let credentials = person(store, caller).await?;
    let right = req.password.len() <= convo_types::limits::MAX_PASSWORD_BYTES
        && people::verify_password_blocking(req.password, credentials.password_hash).await;
    if !right {
        return Err(Error::Rejected {
            code: ErrorCode::InvalidCredentials,
            message: "the password is not right".into(),
            field: Some("password".into()),
        });
    }
    store
        .set_totp_secret(caller.organization_id, caller.user_id, None)
        .await?;
    Audit::new(AuditAction::TotpDisabled, client)
        .by(caller)
        .on("user", caller.user_id)
        .record(store, caller.organization_id)
        .await;
    Ok(())
}
