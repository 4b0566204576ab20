use convo_types::{ErrorCode, FieldError};

/// Everything a use case or a store can fail with. `NotFound`, `Conflict` and the rule
/// violations are the client's to fix; `Internal` is ours and its cause is logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    #[error("{message}")]
    Forbidden { code: ErrorCode, message: String },
    /// A valid request the rules refuse with a code of its own (`422`), e.g. a weak password.
    #[error("{message}")]
    Rejected {
        code: ErrorCode,
        message: String,
        field: Option<String>,
    },
    /// The credentials do not identify anyone, or not fully (`401`).
    #[error("{message}")]
    Unauthorized { code: ErrorCode, message: String },
    /// The stale-reply guard: these messages came after the one the sender had seen (`409`).
    #[error("the conversation moved on: {} newer messages", newer.len())]
    MovedOn { newer: Vec<convo_types::MessageId> },
    #[error("the object changed since it was read (If-Match)")]
    PreconditionFailed,
    /// A body over its limit (`413`), said as the client should read it.
    #[error("{0}")]
    TooLarge(String),
    /// The file storage has no room left (`507`): nothing of the file was kept.
    #[error("the file storage is full")]
    StorageFull,
    #[error("internal error: {0}")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation(vec![FieldError {
            field: field.into(),
            message: message.into(),
        }])
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Error::Conflict {
            code: ErrorCode::AlreadyExists,
            message: message.into(),
        }
    }

    pub fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Error::Internal(cause.into())
    }
}
