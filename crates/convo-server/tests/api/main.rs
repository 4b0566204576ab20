//! API tests: the real server on port 0, driven over HTTP through `convo-client` (and raw
//! requests where the point is a malformed one). One test binary, one module per area.

mod attachments;
mod bad_input;
mod common;

mod compat;
mod connections;
mod contract;
mod conversations;
mod directory;
mod events;
mod inbox;
mod journey;
mod limits;
mod messages;
mod metrics;
mod people;
mod replies;
mod sdk;
mod service;
mod sso;
mod surface;
mod together;
mod tools;
mod trpc;
mod voipbin;
