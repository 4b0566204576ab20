//! The errors a call answers.

use convo_types::{ErrorCode, Problem};
use reqwest::StatusCode;
use serde::Deserialize;

/// What a call can fail with. API errors carry the server's problem and its stable `code`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Boxed: a problem is large, and every `Result` of the client carries this error.
    #[error("{} ({}): {}", .problem.status, .problem.code, .problem.detail)]
    Api { problem: Box<Problem> },
    #[error("could not reach the server: {0}")]
    Transport(#[from] reqwest::Error),
    #[error("unexpected answer ({status}): {body}")]
    Unexpected { status: u16, body: String },
    #[error("invalid client setting: {0}")]
    Config(String),
    #[error("the webhook request does not verify: {0}")]
    Webhook(String),
}

impl Error {
    /// The problem `code` of an API error.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Error::Api { problem } => Some(problem.code),
            _ => None,
        }
    }

    /// The HTTP status of an API error.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { problem } => Some(problem.status),
            Error::Unexpected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

pub(crate) fn problem(status: StatusCode, bytes: &[u8]) -> Error {
    match serde_json::from_slice::<Problem>(bytes) {
        Ok(problem) => Error::Api {
            problem: Box::new(problem),
        },
        Err(_) => Error::Unexpected {
            status: status.as_u16(),
            body: String::from_utf8_lossy(bytes).into_owned(),
        },
    }
}

/// The error a problem document inside another answer (tRPC's envelope) stands for.
pub(crate) fn problem_of(value: &serde_json::Value) -> Option<Error> {
    Problem::deserialize(value).ok().map(|problem| Error::Api {
        problem: Box::new(problem),
    })
}
