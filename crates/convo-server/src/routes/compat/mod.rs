//! Other products' APIs, served as their clients call them: each surface only translates to
//! and from convo-core's use cases, so every rule is the one the REST API keeps.
//!
//! - [`admin_v2`]: the AI-agent platform's Admin API v2, under `/admin/api/v2`;
//! - [`connect360`] over [`trpc`]: Connect360's conversation procedures, under `/trpc`;
//! - [`voipbin`]: VoIPbin's conversation resource, under `/v1.0`.

pub mod admin_v2;
pub mod connect360;
pub mod trpc;
pub mod voipbin;
