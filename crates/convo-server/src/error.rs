//! One error type for every answer that is not a success: `application/problem+json`
//! (RFC 9457) with a stable `code`. Internal causes are logged, never sent.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use convo_core::Error;
use convo_types::{ErrorCode, FieldError, Problem};

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: ErrorCode,
    detail: String,
    errors: Vec<FieldError>,
    /// With `conversation_moved_on`: what the sender has not seen.
    newer_message_ids: Vec<convo_types::MessageId>,
    /// Sent with the answer (`Retry-After`, ...).
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            errors: Vec::new(),
            newer_message_ids: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn field(status: StatusCode, field: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            status,
            code: ErrorCode::ValidationFailed,
            detail: message.clone(),
            errors: vec![FieldError {
                field: field.into(),
                message,
            }],
            newer_message_ids: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// A request body that could not be read: over the limit (`413`), arriving too slowly
    /// (`408`), or cut off (`400`).
    pub fn unreadable_body(error: &(dyn std::error::Error + 'static)) -> Self {
        let mut cause = Some(error);
        while let Some(e) = cause {
            if e.is::<http_body_util::LengthLimitError>() {
                return Self::payload_too_large();
            }
            if e.is::<tower_http::timeout::TimeoutError>()
                || e.is::<crate::deadline::BodyDeadlineError>()
            {
                return Self::new(
                    StatusCode::REQUEST_TIMEOUT,
                    ErrorCode::RequestTimeout,
                    "the body arrived too slowly; send the request again",
                );
            }
            cause = e.source();
        }
        Self::bad_request(
            ErrorCode::BadRequest,
            format!("the body could not be read: {error}"),
        )
    }

    /// A header to send with the answer.
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Names the field at fault, for clients that show errors beside inputs.
    pub fn with_field(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.errors.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
        self
    }

    pub fn unauthorized(detail: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized, detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, detail)
    }

    /// A body over the configured limit, wherever it is read.
    pub fn payload_too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "the body is larger than this server accepts",
        )
    }

    pub fn bad_request(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: format!("urn:convo:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code,
            errors: self.errors.clone(),
            newer_message_ids: self.newer_message_ids.clone(),
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        match error {
            Error::NotFound(what) => ApiError::not_found(format!("{what} not found")),
            Error::Validation(errors) => {
                let detail = errors
                    .iter()
                    .map(|e| format!("{}: {}", e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; ");
                ApiError {
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    code: ErrorCode::ValidationFailed,
                    detail,
                    errors,
                    newer_message_ids: Vec::new(),
                    headers: Vec::new(),
                }
            }
            Error::Conflict { code, message } => ApiError::new(StatusCode::CONFLICT, code, message),
            Error::Forbidden { code, message } => {
                ApiError::new(StatusCode::FORBIDDEN, code, message)
            }
            Error::Rejected {
                code,
                message,
                field,
            } => {
                let error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message.clone());
                match field {
                    Some(field) => error.with_field(field, message),
                    None => error,
                }
            }
            Error::Unauthorized { code, message } => {
                ApiError::new(StatusCode::UNAUTHORIZED, code, message)
            }
            Error::MovedOn { newer } => ApiError {
                newer_message_ids: newer,
                ..ApiError::new(
                    StatusCode::CONFLICT,
                    ErrorCode::ConversationMovedOn,
                    "messages came after the one you had seen: review them, or send with `force`",
                )
            },
            Error::PreconditionFailed => ApiError::new(
                StatusCode::PRECONDITION_FAILED,
                ErrorCode::PreconditionFailed,
                "the object changed since the ETag in If-Match was read; fetch it again",
            ),
            Error::TooLarge(message) => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                message,
            ),
            Error::StorageFull => ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                ErrorCode::InsufficientStorage,
                "the file storage is full; nothing of the file was kept",
            ),
            Error::Internal(cause) => {
                tracing::error!(error = %cause, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Internal,
                    "something went wrong on our side; the request id helps us find it",
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.problem()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
