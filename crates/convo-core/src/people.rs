//! The rules of people signing in, once: how passwords are hashed and judged, what a sign-in
//! email is, how session, CSRF and reset tokens are made and checked, and TOTP codes.

use std::sync::LazyLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use convo_types::limits::{MAX_PASSWORD_BYTES, MIN_PASSWORD_CHARS};
use convo_types::{ErrorCode, FieldError, Timestamp};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use subtle::ConstantTimeEq;
use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// OWASP's argon2id parameters (Password Storage Cheat Sheet): 19 MiB of memory, two passes,
/// one lane. About 20–40 ms per hash on one core here (BENCHMARKS.md says the measured time).
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
pub const ARGON2_PASSES: u32 = 2;
pub const ARGON2_LANES: u32 = 1;

/// A strength estimate below this (zxcvbn's 0–4 scale) is too easy to guess.
const MIN_STRENGTH: u8 = 3;
/// zxcvbn's time grows fast with length; what decides a long password's strength is in its
/// first characters anyway.
const STRENGTH_CHARS: usize = 100;

fn argon2() -> Argon2<'static> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, ARGON2_LANES, None)
        .unwrap_or_else(|_| Params::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` (`$argon2id$v=19$m=19456,t=2,p=1$...`). CPU-bound: call it
/// off the async threads ([`hash_password_blocking`]).
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| Error::internal(format!("argon2: {e}")))
}

/// Whether `password` matches the stored PHC string. A string that is not one never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    argon2()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// A hash no password matches, verified when the email is unknown, so that answer takes as
/// long as a wrong password.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hash_password(&URL_SAFE_NO_PAD.encode(bytes)).unwrap_or_default()
});

/// Verifies `password` against `stored`, or against a dummy hash when there is none: the
/// same work either way.
pub async fn verify_password_blocking(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || match stored {
        Some(stored) => verify_password(&password, &stored),
        None => {
            verify_password(&password, &DUMMY_HASH);
            false
        }
    })
    .await
    .unwrap_or(false)
}

pub async fn hash_password_blocking(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(Error::internal)?
}

/// Refuses a password that is too short, too long for argon2's bounded input, or guessable
/// (`related`: the person's name and email, which make a password weak).
pub fn check_password(field: &str, password: &str, related: &[&str]) -> Result<()> {
    let invalid = |message: String| {
        Err(Error::Validation(vec![FieldError {
            field: field.to_owned(),
            message,
        }]))
    };
    if password.len() > MAX_PASSWORD_BYTES {
        return invalid(format!("must be at most {MAX_PASSWORD_BYTES} bytes"));
    }
    if password.contains('\0') {
        return invalid("may not contain the NUL character".into());
    }
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return weak(format!(
            "is too short: use at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    let judged: String = password.chars().take(STRENGTH_CHARS).collect();
    let estimate = zxcvbn::zxcvbn(&judged, related);
    if u8::from(estimate.score()) >= MIN_STRENGTH {
        return Ok(());
    }
    let mut reason = String::from("is too easy to guess");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            reason.push_str(&format!(": {warning}"));
        }
        if let Some(suggestion) = feedback.suggestions().first() {
            reason.push_str(&format!(" ({suggestion})"));
        }
    }
    weak(reason)
}

fn weak(reason: String) -> Result<()> {
    Err(Error::Rejected {
        code: ErrorCode::WeakPassword,
        message: format!("the password {reason}"),
        field: Some("password".into()),
    })
}

/// What identifies a person at sign-in: the email trimmed, NFKC-normalised and lower-cased,
/// so `Ana@Example.com ` and `ana@example.com` are one person.
pub fn email_key(email: &str) -> String {
    email.trim().nfkc().collect::<String>().to_lowercase()
}

/// A new random token (256 bits), as sent to its holder.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Tokens carry 256 random bits: one SHA-256 is what is stored and looked up.
pub fn token_hash(token: &str) -> String {
    crate::auth::hash_secret(token)
}

/// The CSRF token of a session: derived from its secret token, so it needs no storage and
/// only a holder of the cookie (which scripts cannot read) can know it.
pub fn csrf_token(session_token: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(b"convo csrf token v1")
        .expect("HMAC takes a key of any length");
    mac.update(session_token.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

pub const SESSION_TOKEN_PREFIX: &str = "convo_ses_";
pub const RESET_TOKEN_PREFIX: &str = "convo_pwr_";

/// How long sessions and reset links live.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A session unused this long ends.
    pub idle_millis: i64,
    /// A session ends this long after sign-in, used or not.
    pub max_millis: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_millis: 7 * DAY_MILLIS,
            max_millis: 30 * DAY_MILLIS,
        }
    }
}

pub const DAY_MILLIS: i64 = 24 * 60 * 60 * 1000;
/// A password-reset link works for an hour; the first sign-in link for a day.
pub const RESET_TOKEN_MILLIS: i64 = 60 * 60 * 1000;
pub const FIRST_PASSWORD_TOKEN_MILLIS: i64 = DAY_MILLIS;

impl SessionPolicy {
    /// When a session last seen at `last_seen` and made at `created` ends.
    pub fn expires_at(&self, created: Timestamp, last_seen: Timestamp) -> Timestamp {
        Timestamp::from_millis(
            (last_seen.as_millis() + self.idle_millis).min(created.as_millis() + self.max_millis),
        )
    }
}

/// TOTP as RFC 6238 and every authenticator app: SHA-1, six digits, 30-second steps, one
/// step of drift either way.
pub mod totp {
    use totp_rs::{Algorithm, Secret, TOTP};

    use crate::{Error, Result};

    pub const STEP_SECONDS: u64 = 30;
    const DIGITS: usize = 6;
    const SKEW_STEPS: i64 = 1;

    fn totp(secret: &[u8], account: &str) -> Result<TOTP> {
        TOTP::new(
            Algorithm::SHA1,
            DIGITS,
            0,
            STEP_SECONDS,
            secret.to_vec(),
            Some("convo".into()),
            account.to_owned(),
        )
        .map_err(|e| Error::internal(format!("totp: {e}")))
    }

    /// A new secret (160 bits, as RFC 4226 recommends), base32.
    pub fn new_secret() -> String {
        let mut bytes = [0u8; 20];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut bytes);
        Secret::Raw(bytes.to_vec()).to_encoded().to_string()
    }

    fn raw(secret: &str) -> Result<Vec<u8>> {
        Secret::Encoded(secret.to_owned())
            .to_bytes()
            .map_err(|e| Error::internal(format!("stored TOTP secret: {e:?}")))
    }

    /// `otpauth://totp/convo:<account>?secret=...&issuer=convo`.
    pub fn url(secret: &str, account: &str) -> Result<String> {
        Ok(totp(&raw(secret)?, account)?.get_url())
    }

    /// The time step `code` is valid for at `unix_seconds` (within one step of drift), or
    /// `None`. The caller refuses a step not later than the last one used (no replay).
    pub fn matching_step(secret: &str, code: &str, unix_seconds: u64) -> Result<Option<i64>> {
        let code = code.trim();
        if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(None);
        }
        let totp = totp(&raw(secret)?, "")?;
        let now_step = (unix_seconds / STEP_SECONDS) as i64;
        let mut found = None;
        for step in now_step - SKEW_STEPS..=now_step + SKEW_STEPS {
            let expected = totp.generate(step.max(0) as u64 * STEP_SECONDS);
            // Every candidate is compared, so the time taken does not tell which matched.
            if super::same_secret(&expected, code) {
                found = Some(step);
            }
        }
        Ok(found)
    }

    /// The code for `unix_seconds`, for tests and the CLI.
    pub fn code_at(secret: &str, unix_seconds: u64) -> Result<String> {
        Ok(totp(&raw(secret)?, "")?.generate(unix_seconds))
    }
}

/// Ten recovery codes, `xxxxx-xxxxx` in a readable alphabet (no 0/o, 1/l).
pub fn new_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    (0..10)
        .map(|_| {
            let mut bytes = [0u8; 10];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..5], &chars[5..])
        })
        .collect()
}

/// How a recovery code is stored and looked up: case and spaces do not matter.
pub fn recovery_code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    token_hash(&normal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_with_owasp_parameters_and_verify() {
        let hash = hash_password("correct horse battery staple").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery staple", &hash));
        assert!(!verify_password("correct horse battery stapler", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        let reason = |p: &str| match check_password("password", p, &["ana@example.com"]) {
            Err(Error::Rejected { message, .. }) => message,
            other => panic!("{p}: {other:?}"),
        };
        assert!(reason("short").contains("at least 10"));
        assert!(reason("password123").contains("too easy to guess"));
        assert!(reason("ana@example.com1").contains("too easy to guess"));
        assert!(check_password("password", "tulip-orbit-cascade-91", &[]).is_ok());
        assert!(matches!(
            check_password("password", &"x".repeat(1_025), &[]),
            Err(Error::Validation(_))
        ));
    }

    #[test]
    fn emails_fold_to_one_key() {
        assert_eq!(email_key("  Ana@Example.COM "), "ana@example.com");
        assert_eq!(email_key("ＡＮＡ@example.com"), "ana@example.com");
    }

    #[test]
    fn csrf_tokens_follow_their_session_only() {
        let a = new_token(SESSION_TOKEN_PREFIX);
        let b = new_token(SESSION_TOKEN_PREFIX);
        assert_eq!(csrf_token(&a), csrf_token(&a));
        assert_ne!(csrf_token(&a), csrf_token(&b));
        assert!(same_secret(&csrf_token(&a), &csrf_token(&a)));
        assert!(!same_secret(&csrf_token(&a), &csrf_token(&b)));
    }

    #[test]
    fn totp_codes_match_their_step_and_one_either_side() {
        let secret = totp::new_secret();
        let now = 1_800_000_000;
        let code = totp::code_at(&secret, now).unwrap();
        let step = (now / totp::STEP_SECONDS) as i64;
        assert_eq!(
            totp::matching_step(&secret, &code, now).unwrap(),
            Some(step)
        );
        assert_eq!(
            totp::matching_step(&secret, &code, now + 30).unwrap(),
            Some(step)
        );
        assert_eq!(totp::matching_step(&secret, &code, now + 90).unwrap(), None);
        assert_eq!(totp::matching_step(&secret, "12345", now).unwrap(), None);
        assert!(totp::url(&secret, "ana@example.com")
            .unwrap()
            .starts_with("otpauth://totp/"));
    }

    #[test]
    fn recovery_codes_ignore_case_and_spaces() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), 10);
        let code = &codes[0];
        assert_eq!(
            recovery_code_hash(code),
            recovery_code_hash(&format!(" {} ", code.to_uppercase()))
        );
    }

    #[test]
    fn sessions_end_idle_or_at_their_maximum() {
        let policy = SessionPolicy::default();
        let created = Timestamp::from_millis(0);
        assert_eq!(
            policy.expires_at(created, created).as_millis(),
            7 * DAY_MILLIS
        );
        let late = Timestamp::from_millis(29 * DAY_MILLIS);
        assert_eq!(
            policy.expires_at(created, late).as_millis(),
            30 * DAY_MILLIS
        );
    }
}
