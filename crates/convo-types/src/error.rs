use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

crate::wire_enum::wire_enum!(
    /// Stable machine codes carried by every error answer, for SDKs to match on.
    ErrorCode {
        BadRequest = "bad_request",
        InvalidJson = "invalid_json",
        UnsupportedMediaType = "unsupported_media_type",
        ValidationFailed = "validation_failed",
        Unauthorized = "unauthorized",
        InvalidCredentials = "invalid_credentials",
        TotpRequired = "totp_required",
        InvalidCode = "invalid_code",
        InvalidToken = "invalid_token",
        WeakPassword = "weak_password",
        CsrfFailed = "csrf_failed",
        EmailTaken = "email_taken",
        SsoFailed = "sso_failed",
        TotpSetupRequired = "totp_setup_required",
        Forbidden = "forbidden",
        MissingScope = "missing_scope",
        LifecycleNotOwned = "lifecycle_not_owned",
        NotFound = "not_found",
        MethodNotAllowed = "method_not_allowed",
        Conflict = "conflict",
        AlreadyExists = "already_exists",
        NotInControl = "not_in_control",
        ConversationMovedOn = "conversation_moved_on",
        NoHandoffPending = "no_handoff_pending",
        IdempotencyKeyReused = "idempotency_key_reused",
        IdempotencyKeyInProgress = "idempotency_key_in_progress",
        PreconditionFailed = "precondition_failed",
        PayloadTooLarge = "payload_too_large",
        RangeNotSatisfiable = "range_not_satisfiable",
        RequestTimeout = "request_timeout",
        RateLimited = "rate_limited",
        Unavailable = "service_unavailable",
        InsufficientStorage = "insufficient_storage",
        Internal = "internal_error",
    }
);

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// An error answer: `application/problem+json` (RFC 9457) with a stable `code`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// With `conversation_moved_on`: the messages that came after the one the sender had
    /// seen, oldest first (at most 100).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub newer_message_ids: Vec<crate::MessageId>,
}
