//! The convo domain: the rules, once. Handlers call the use cases here; the stores implement
//! [`Store`] and hold the SQL. Nothing here knows about HTTP or SQL.

pub mod auth;
pub mod clock;
pub mod effects;
mod error;
pub mod files;
pub mod live;
pub mod mail;
pub mod paging;
pub mod people;
pub mod rules;
pub mod sealed;
mod store;
pub mod text;
pub mod usecases;

pub use error::{Error, Result};
pub use store::*;
