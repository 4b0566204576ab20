//! One function per operation: authorise, validate, apply the rules, call the store.
//! Handlers only parse and answer.

pub mod attachments;
pub mod audit;
pub mod bulk;
pub mod canned;
pub mod contacts;
pub mod control;
pub mod conversations;
pub mod directory;
pub mod drafts;
pub mod events;
pub mod idempotency;
pub mod invitations;
pub mod labels;
pub mod messages;
pub mod notifications;
pub mod organizations;
pub mod passwords;
pub mod presence;
pub mod reads;
pub mod search;
pub mod sessions;
pub mod sso;
pub mod team;
pub mod threads;
pub mod timers;
pub mod totp;
pub mod views;
pub mod webhooks;
pub mod workforce;
