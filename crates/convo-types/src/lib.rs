//! Wire types of the convo HTTP API: what clients send and what the server answers.
//!
//! No database, HTTP-framework or HTTP-client types live here, so the SDK and the server share
//! one definition of every shape. With the `openapi` feature the types also describe themselves
//! to utoipa.

pub mod compat;
mod conversation;
mod directory;
mod error;
mod event;
mod filters;
mod health;
mod ids;
mod inbox;
pub mod limits;
mod list;
mod message;
mod people;
#[cfg(feature = "openapi")]
pub mod schema;
mod time_fmt;
mod together;
mod webhook;
mod wire_enum;

pub use conversation::*;
pub use directory::*;
pub use error::*;
pub use event::*;
pub use filters::*;
pub use health::Health;
pub use ids::*;
pub use inbox::*;
pub use list::*;
pub use message::*;
pub use people::*;
pub use time_fmt::Timestamp;
pub use together::*;
pub use webhook::*;

/// A JSON object of free-form keys: `metadata`, `inputs`.
pub type JsonObject = serde_json::Map<String, serde_json::Value>;

/// Deserializes a field that distinguishes "absent" (`None`) from "explicitly null"
/// (`Some(None)`), as `PATCH` bodies need.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde::Deserialize::deserialize(deserializer).map(Some)
}
