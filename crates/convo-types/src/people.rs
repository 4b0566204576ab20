//! People who sign in: sessions, their own profile (`me`), password resets, two factors and
//! the audit log.

use serde::{Deserialize, Serialize};

use crate::wire_enum::wire_enum;
use crate::{
    AuditEntryId, BusinessUnitId, InvitationId, JsonObject, SessionId, Timestamp, User, UserId,
    UserRole,
};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /v1/sessions`: sign in with an email and a password, and the second factor when the
/// person has one (a current code, or one of their recovery codes).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateSession {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::password))]
    pub password: String,
    /// The six digits the authenticator app shows now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_code))]
    pub totp: Option<String>,
    /// One of the recovery codes given when two factors were turned on; each works once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_code))]
    pub recovery_code: Option<String>,
}

/// Passwords never show up in logs, not even in debug output.
impl std::fmt::Debug for CreateSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateSession")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// A person's signed-in session on one device. The cookie that carries it is never answered;
/// `csrf_token` only to the session itself (sign-in and `GET /v1/sessions/current`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Session {
    pub object_name: String,
    pub id: SessionId,
    pub user: User,
    pub created_at: Timestamp,
    /// When it ends at the latest: `--session-idle` after its last use, and never later than
    /// `--session-max` after sign-in.
    pub expires_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// The browser or program that signed in, as it named itself.
    pub user_agent: Option<String>,
    /// The address it signed in from.
    pub ip: Option<String>,
    /// Whether this is the session of the request that reads it.
    pub current: bool,
    /// Send it as `X-CSRF-Token` with every `POST`, `PUT`, `PATCH` and `DELETE` made with the
    /// session cookie.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
}

/// `GET /v1/me`: the acting user (of a session or of an API key) and their own settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub object_name: String,
    pub user: User,
    /// The language the person reads the inbox in (a BCP 47 tag), when they chose one.
    pub locale: Option<String>,
    /// Whether the person has a password (can sign in).
    pub has_password: bool,
    /// Whether a second factor is required at sign-in.
    pub totp_enabled: bool,
    /// The organization requires two factors and this person has none yet: until they set
    /// them up, nothing else is allowed (`403 totp_setup_required`).
    pub totp_setup_required: bool,
    /// How this request is authenticated: `session` or `api_key`.
    pub authenticated_by: AuthMethod,
    /// Notifications not read yet (those about conversations the person still sees).
    pub notifications_unread: i64,
}

wire_enum!(
    /// What authenticated a request: a person's session cookie or an API key.
    AuthMethod { Session = "session", ApiKey = "api_key" }
);

/// `PATCH /v1/me`: the person's own profile. A new `password` needs `current_password`, and
/// ends every other session of the person.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateMe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub name: Option<String>,
    /// `null` clears it.
    #[serde(
        default,
        deserialize_with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub avatar_url: Option<Option<String>>,
    /// `null` clears it.
    #[serde(
        default,
        deserialize_with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_locale))]
    pub locale: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_password))]
    pub password: Option<String>,
    /// Required with `password` when the person already has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_password))]
    pub current_password: Option<String>,
}

impl std::fmt::Debug for UpdateMe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateMe")
            .field("name", &self.name)
            .field("avatar_url", &self.avatar_url)
            .field("locale", &self.locale)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish_non_exhaustive()
    }
}

/// `POST /v1/password-resets`: mail a reset link to this address, if a person has it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RequestPasswordReset {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
}

/// `POST /v1/password-resets/{token}`: the new password. `email` only for a person who has
/// none yet (the admin made on first start): it becomes their sign-in email.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CompletePasswordReset {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::password))]
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_email))]
    pub email: Option<String>,
}

impl std::fmt::Debug for CompletePasswordReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CompletePasswordReset")
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

/// What a reset token, given out by the CLI or mailed, is for (`GET`, without a key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PasswordResetInfo {
    pub object_name: String,
    /// The sign-in email, or `null` when the person must choose one.
    pub email: Option<String>,
    pub name: String,
    pub expires_at: Timestamp,
}

/// A password-reset link made by an operator (`convo admin reset-password`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordResetLink {
    pub email: Option<String>,
    pub url: String,
    pub token: String,
    pub expires_at: Timestamp,
}

/// `POST /v1/me/totp`: the secret to put in an authenticator app. Two factors are on only
/// after `POST /v1/me/totp/confirm` with a code it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpSetup {
    pub object_name: String,
    /// Base32, for typing in.
    pub secret: String,
    /// `otpauth://totp/...`, for a QR code.
    pub otpauth_url: String,
}

/// A code from the authenticator app.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TotpCode {
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub code: String,
}

/// Ten one-time recovery codes, shown once: each signs in once instead of a code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecoveryCodes {
    pub object_name: String,
    pub recovery_codes: Vec<String>,
}

/// `DELETE /v1/me/totp`: turning two factors off needs the password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DisableTotp {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::password))]
    pub password: String,
}

impl std::fmt::Debug for DisableTotp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DisableTotp").finish_non_exhaustive()
    }
}

wire_enum!(
    /// What the audit log records.
    AuditAction {
        SessionCreated = "session.created",
        SessionFailed = "session.failed",
        SessionEnded = "session.ended",
        PasswordChanged = "password.changed",
        PasswordResetRequested = "password.reset_requested",
        PasswordReset = "password.reset",
        TotpEnabled = "totp.enabled",
        TotpDisabled = "totp.disabled",
        RecoveryCodeUsed = "totp.recovery_code_used",
        ApiKeyCreated = "api_key.created",
        ApiKeyRevoked = "api_key.revoked",
        UserCreated = "user.created",
        UserChanged = "user.changed",
        UserDeleted = "user.deleted",
        InvitationCreated = "invitation.created",
        InvitationRevoked = "invitation.revoked",
        InvitationAccepted = "invitation.accepted",
        OrganizationChanged = "organization.changed",
    }
);

wire_enum!(
    /// Who did it: a person or program (`user`, with the key or session in `detail`), or no
    /// one signed in (`anonymous`: a failed sign-in, a reset asked for).
    AuditActorType { User = "user", Anonymous = "anonymous" }
);

/// One security-relevant action: who, what, to what, from where.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEntry {
    pub object_name: String,
    pub id: AuditEntryId,
    pub action: AuditAction,
    pub actor_type: AuditActorType,
    pub actor_id: Option<String>,
    /// What the action was done to: `user`, `session`, `api_key`.
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// What else tells the action apart: the fields changed, why a sign-in failed, the
    /// credential used (`api_key_id` or `session_id`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub detail: JsonObject,
    pub created_at: Timestamp,
}

/// An invitation to join the organization as a person. `url` and `token` are answered once,
/// on create (the link is mailed too when the server has mail configured).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Invitation {
    pub object_name: String,
    pub id: InvitationId,
    pub organization_id: crate::OrganizationId,
    pub email: String,
    pub name: Option<String>,
    pub role: UserRole,
    /// The business units the person will work in; empty means all of them.
    pub business_unit_ids: Vec<BusinessUnitId>,
    /// Who invited them.
    pub invited_by: Option<UserId>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// Whether the invitation was sent by mail.
    pub mailed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
}

/// `POST /v1/invitations` (admins).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateInvitation {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::email))]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name_when_given))]
    pub name: Option<String>,
    /// Default `agent`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<UserRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
}

/// What an invitation link is for, shown before the person accepts (no key needed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitationInfo {
    pub object_name: String,
    pub email: String,
    pub name: Option<String>,
    pub organization: InvitingOrganization,
    pub expires_at: Timestamp,
}

/// The organization an invitation is to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InvitingOrganization {
    pub name: String,
}

/// `POST /v1/invitations/{token}/accept`: the person's name and password; they are signed in.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AcceptInvitation {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::name))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::password))]
    pub password: String,
}

impl std::fmt::Debug for AcceptInvitation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcceptInvitation")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}
