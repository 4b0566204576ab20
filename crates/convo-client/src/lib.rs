//! The typed Rust SDK of the convo HTTP API.
//!
//! ```no_run
//! # async fn run() -> Result<(), convo_client::Error> {
//! use convo_client::Client;
//! use convo_types::CreateConversation;
//!
//! let client = Client::new("http://127.0.0.1:8080", "convo_sk_...")?;
//! let conversation = client.conversations().create(&CreateConversation::default()).await?;
//! println!("{}", conversation.id);
//! # Ok(()) }
//! ```

mod admin;
mod attachments;
mod client;
mod compat;
mod conversations;
mod directory;
mod error;
mod events;
mod inbox;
mod messages;
mod pages;
mod people;
mod query;
mod replies;
mod together;
mod webhooks;

pub use admin::AdminV2;
pub use attachments::Attachments;
pub use client::Client;
pub use compat::{BatchCall, Connect, Voipbin, VoipbinPaging};
pub use conversations::Conversations;
pub use convo_types::{ConversationFilters, StatusOrView};
pub use directory::{
    ApiKeys, BusinessUnits, CannedResponses, Channels, Contacts, Labels, Organizations, Users,
    Views, Webhooks,
};
pub use error::{Error, Result};
pub use events::{EventStream, Events, StreamFilters, StreamItem};
pub use messages::Messages;
pub use pages::Pages;
pub use people::{AuditLog, AuditQuery, Invitations, MeApi, PasswordResets, Sessions, SignedIn};
pub use query::Page;
pub use webhooks::verify_webhook;

use error::{problem, problem_of};
use query::{EventQuery, NO_QUERY};
