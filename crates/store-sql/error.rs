//! The store's errors: every sqlx error converts with `?`, and a violated constraint becomes
//! the conflict the client can act on, named after the table whose rule it broke.

use std::future::Future;

use convo_core::{Error, Result};
use convo_types::ErrorCode;
use sqlx::error::DatabaseError;

/// A failed store operation, as the domain will see it.
#[derive(Debug)]
pub(crate) struct StoreError(Error);

pub(crate) type StoreResult<T> = std::result::Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        let mapped = match &error {
            sqlx::Error::Database(d) if d.is_unique_violation() && is_sign_in_email(d.as_ref()) => {
                Some(Error::Conflict {
                    code: ErrorCode::EmailTaken,
                    message: "another person already signs in with this email".into(),
                })
            }
            sqlx::Error::Database(d) if d.is_unique_violation() => Some(Error::conflict(
                duplicate_message(violated_table(d.as_ref())),
            )),
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => Some(Error::Conflict {
                code: ErrorCode::Conflict,
                message: "still in use: remove what refers to it first".into(),
            }),
            _ => None,
        };
        StoreError(mapped.unwrap_or_else(|| Error::internal(error)))
    }
}

impl StoreError {
    /// Our own bug (a stored value we cannot read), never the client's.
    pub(crate) fn internal(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError(Error::internal(cause))
    }
}

impl From<Error> for StoreError {
    fn from(error: Error) -> Self {
        StoreError(error)
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        error.0
    }
}

/// Runs a store operation written with `?` on sqlx and domain errors alike, answering the
/// domain's error.
pub(crate) async fn run<T>(operation: impl Future<Output = StoreResult<T>>) -> Result<T> {
    Ok(operation.await?)
}

/// The table whose constraint failed: PostgreSQL names it; SQLite says it in the message
/// (`UNIQUE constraint failed: channels.organization_id, ...`).
fn violated_table(error: &dyn DatabaseError) -> Option<&str> {
    error.table().or_else(|| {
        let columns = error.message().split_once("constraint failed: ")?.1;
        columns.split_once('.').map(|(table, _)| table)
    })
}

/// The unique sign-in email (`users_sign_in`): PostgreSQL names the index, SQLite the column.
fn is_sign_in_email(error: &dyn DatabaseError) -> bool {
    error.constraint() == Some("users_sign_in") || error.message().contains("users.email_key")
}

/// What a unique violation on `table` means to the client.
fn duplicate_message(table: Option<&str>) -> &'static str {
    match table {
        Some("conversations") => "a conversation with this public id already exists",
        Some("users") => "a user with this id already exists",
        Some("business_units") => "a business unit with this id already exists",
        Some("api_keys") => "this API key secret is already in use",
        Some("channels") => "a channel of this type with this identifier already exists",
        Some("contacts") => "a contact with this external_id already exists",
        Some("labels") => "a label with this name already exists (names ignore case)",
        Some("canned_responses") => {
            "a canned response with this short code already exists (short codes ignore case)"
        }
        _ => "this object already exists",
    }
}

/// The row a lookup found, or `NotFound(what)`.
pub(crate) fn found<T>(what: &'static str) -> impl Fn(Option<T>) -> StoreResult<T> {
    move |row| row.ok_or(StoreError(Error::NotFound(what)))
}

/// `NotFound(what)` when a change touched no row.
pub(crate) fn affected(what: &'static str, rows: u64) -> StoreResult<()> {
    if rows == 0 {
        Err(StoreError(Error::NotFound(what)))
    } else {
        Ok(())
    }
}

/// A stored enum value, which only convo writes: an unknown one is our bug, not the client's.
pub(crate) fn parse_text<T>(text: &str, parse: impl Fn(&str) -> Option<T>) -> StoreResult<T> {
    parse(text).ok_or_else(|| StoreError::internal(format!("unknown stored value `{text}`")))
}
