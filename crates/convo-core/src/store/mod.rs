//! The storage contract: the records and filters the stores exchange with the use cases, and
//! the traits each backend implements (`traits`, and `teamwork` for working together).

mod teamwork;
mod traits;

pub use teamwork::*;
pub use traits::*;

use convo_types::{
    ApiKey, ApiKeyId, BusinessUnit, BusinessUnitId, ChannelId, ChannelType, Contact, ContactId,
    ControlType, Conversation, ConversationId, ConversationOrder, Event, EventType, Message,
    MessageId, MessageStatus, MessageType, Organization, OrganizationId, Participant, Priority,
    SortOrder, Status, User, UserId, View,
};
use uuid::Uuid;

use crate::paging::PageRequest;
use crate::Result;

/// A conversation as stored, with what the wire object does not show.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationRecord {
    pub conversation: Conversation,
    /// The key that created it: it owns the lifecycle (may delete it).
    pub created_by_key_id: Option<ApiKeyId>,
    /// Increases with every change; the `ETag`.
    pub version: i64,
}

/// The little that checks on a conversation's messages need of it: whether the caller sees
/// it, and its contact (a contact sender's default). Read without the whole record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConversationRef {
    pub id: ConversationId,
    pub business_unit_id: BusinessUnitId,
    pub contact_id: Option<ContactId>,
    /// Who answers it now: AI-agent messages wait for their turn while a human does.
    pub control_type: ControlType,
}

/// A new conversation, validated, with its team members.
#[derive(Debug, Clone)]
pub struct NewConversation {
    pub conversation: Conversation,
    pub member_ids: Vec<UserId>,
    pub created_by_key_id: Option<ApiKeyId>,
    /// What get-or-create finds this conversation by again (unique while it is live and top
    /// level); `None` for conversations made otherwise.
    pub reuse_key: Option<String>,
    /// The business units get-or-create looks for the customer's conversation in; `None`:
    /// every unit.
    pub reuse_units: Option<Vec<BusinessUnitId>>,
}

/// A stored file as the store keeps it: the upload, where its bytes are, and where it is
/// used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    pub id: convo_types::AttachmentId,
    pub organization_id: OrganizationId,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub created_at: convo_types::Timestamp,
    /// When it goes unless a message takes it first; `None` while a message uses it.
    pub expires_at: Option<convo_types::Timestamp>,
    /// The object holding the bytes (shared by the organization's uploads of the same bytes).
    pub storage_key: String,
    /// The thumbnail, once made.
    pub thumbnail: Option<Thumbnail>,
    /// The business units of the conversations whose messages use it (none: unused).
    pub used_in: Vec<BusinessUnitId>,
}

/// An image's thumbnail as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thumbnail {
    pub storage_key: String,
    pub content_type: String,
    pub size: i64,
}

/// What a backend is doing now, for `/metrics`: its connection pools and the group-commit
/// writer of messages. Cheap to read (no I/O).
#[derive(Debug, Clone, Default)]
pub struct StoreStats {
    pub reader_connections: u32,
    pub reader_idle: u32,
    pub writer_connections: u32,
    pub writer_idle: u32,
    /// Messages waiting for the group-commit writer.
    pub queued_messages: u64,
    /// Transactions the group-commit writer has committed, and the messages in them.
    pub message_groups: u64,
    pub grouped_messages: u64,
}

/// A new organization with everything it starts with.
#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub organization: Organization,
    pub business_unit: BusinessUnit,
    pub admin_user: User,
    pub admin_key: ApiKey,
    pub admin_key_hash: String,
}

/// Who did a change and what it was, written with the change.
#[derive(Debug, Clone)]
pub struct EventMeta {
    pub event_type: EventType,
    pub actor: Participant,
}

/// What a change closure decides: write it (and record the event), or leave it as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Write,
    Unchanged,
}

/// A rule applied to the stored conversation inside the store's transaction.
pub type ConversationChange<'a> = &'a (dyn Fn(&mut Conversation) -> Result<Change> + Send + Sync);

/// What a contact keeps of another merged into it (`usecases::contacts::absorb`).
pub type Absorb = fn(&mut Contact, &Contact);

/// Whose read horizon: a team member's, or the contact's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    User(UserId),
    Contact,
}

/// Which parent a listed conversation has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParentFilter {
    #[default]
    Any,
    TopLevel,
    Of(ConversationId),
}

/// Every filter of `GET /v1/conversations`, resolved against the caller.
#[derive(Debug, Clone)]
pub struct ConversationFilter {
    pub organization_id: OrganizationId,
    /// `None`: every business unit; else only these (possibly none).
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
    pub statuses: Vec<Status>,
    pub view: View,
    /// The acting user, for the `mine` view.
    pub user_id: UserId,
    pub channel_id: Option<ChannelId>,
    pub channel_type: Option<ChannelType>,
    pub contact_id: Option<ContactId>,
    pub agent_id: Option<String>,
    pub assignment_id: Option<String>,
    pub owner_id: Option<String>,
    pub parent: ParentFilter,
    pub inbox: InboxFilter,
    /// Search terms (see `text::search`) that the conversation or one of its messages must
    /// all contain; an empty list matches nothing.
    pub text: Option<Vec<String>>,
    pub order: ConversationOrder,
}

/// The inbox model's filters, the same for lists, counts and search.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// Any of these priorities (none: every priority).
    pub priorities: Vec<Priority>,
    pub control_type: Option<ControlType>,
    pub handoff_pending: Option<bool>,
    /// Label name keys (`labels::name_key`) the conversation carries every one of.
    pub labels_all: Vec<String>,
    /// Label name keys it carries at least one of (an empty list matches nothing).
    pub labels_any: Option<Vec<String>>,
    /// With (`true`) or without an incoming message waiting for a reply.
    pub waiting: Option<bool>,
    /// With (`true`) or without incoming messages this user has not read.
    pub unread: Option<(UserId, bool)>,
}

#[derive(Debug, Clone, Default)]
pub struct ChannelFilter {
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
    pub channel_type: Option<ChannelType>,
    pub identifier: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ContactFilter {
    pub external_id: Option<String>,
    /// Folded words that each must begin a word of the contact (`text::contact_terms`).
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct MessageFilter {
    pub order: SortOrder,
    pub status: Option<MessageStatus>,
    pub message_type: Option<MessageType>,
}

#[derive(Debug, Clone)]
pub struct EventFilter {
    pub organization_id: OrganizationId,
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
    pub conversation_id: Option<ConversationId>,
    /// Only these types; `None` for all.
    pub types: Option<Vec<EventType>>,
    pub after: i64,
    pub limit: u32,
}

/// Live conversations under a filter, by status and whether anyone is in them, and how many
/// of them the acting user is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewTallies {
    pub by_status: Vec<(Status, bool, i64)>,
    pub mine: i64,
    /// The acting user's conversations with incoming messages they have not read.
    pub unread: i64,
}

/// A conversation whose contact has been quiet longer than its unit's timer allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietConversation {
    pub organization_id: OrganizationId,
    pub id: ConversationId,
    /// The unit's `auto_resolve_after`.
    pub after_seconds: i64,
}

/// A message with the business unit of its conversation (for visibility checks).
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRecord {
    pub message: Message,
    pub business_unit_id: BusinessUnitId,
}

/// What adding a message did.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageWrite {
    pub message: Message,
    /// `false` when the `external_id` was seen before: `message` is the first one.
    pub created: bool,
}

/// A rule applied to a stored message inside the store's transaction.
pub type MessageChange<'a> = &'a (dyn Fn(&mut Message) -> Result<Change> + Send + Sync);

/// A ranked full-text search.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub organization_id: OrganizationId,
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
    /// Every term must match (see `text::search::query_terms`).
    pub terms: Vec<String>,
    pub inbox: InboxFilter,
    pub limit: u32,
    pub offset: u64,
    /// How many matching messages to return per conversation, best first.
    pub messages_per_hit: u32,
    /// Whose unread counts the conversations carry.
    pub reader: UserId,
}

/// One conversation found, with what is needed to show where it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchRow {
    pub conversation: Conversation,
    pub contact: Option<Contact>,
    /// Higher is better; comparable within one answer.
    pub score: f64,
    pub messages: Vec<(MessageId, String)>,
}

/// A webhook with its signing secrets (the previous one signs too until it expires).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookRecord {
    pub webhook: convo_types::Webhook,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_expires_at: Option<convo_types::Timestamp>,
}

/// A delivery claimed for one try.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub id: convo_types::DeliveryId,
    pub organization_id: OrganizationId,
    pub webhook_id: convo_types::WebhookId,
    pub url: String,
    /// Current secret first; a rotated-out secret still in its grace period after it.
    pub secrets: Vec<String>,
    pub event: Event,
    /// Tries made before this one.
    pub attempts: i64,
    pub created_at: convo_types::Timestamp,
}

/// How a try ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryOutcome {
    Delivered,
    RetryAt(convo_types::Timestamp),
    GaveUp,
}

/// What an `Idempotency-Key` lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyState {
    /// First use: the caller runs the request and then completes or abandons the key.
    Started,
    /// Another request with this key is running now.
    InProgress,
    /// Done before: the stored answer.
    Completed {
        request_hash: String,
        status: u16,
        body: Vec<u8>,
    },
    /// Used before with another request.
    Mismatch,
}

pub type DirectoryPage = PageRequest<Uuid>;

/// A person's notifications, as they may see them.
#[derive(Debug, Clone)]
pub struct NotificationFilter {
    pub user: UserId,
    /// The business units they see: `None` for every unit.
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
    pub unread_only: bool,
}

/// Which canned responses a person is offered, and what they typed to find one.
#[derive(Debug, Clone, Default)]
pub struct CannedFilter {
    pub user: UserId,
    /// The person's business units: `None` for every unit.
    pub business_unit_ids: Option<Vec<BusinessUnitId>>,
    /// Folded: the start of the short code.
    pub short_code_prefix: Option<String>,
    /// Search terms (`text::search::query_terms`), each the start of a word of the title
    /// or content. A response matches by its short code or by all of its words.
    pub terms: Vec<String>,
}

/// A person's sign-in data beside their user: never on the wire as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    pub user: convo_types::User,
    /// argon2id PHC string; `None` until the person sets a password.
    pub password_hash: Option<String>,
    pub locale: Option<String>,
    /// The TOTP secret as stored (sealed with the server key when one is set).
    pub totp_secret: Option<String>,
    /// Two factors are on: the secret was confirmed with a code.
    pub totp_enabled: bool,
    /// The last time step whose code was accepted: no code is accepted twice.
    pub totp_last_step: Option<i64>,
}

/// A signed-in session as stored: its token only as a hash.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRecord {
    pub organization_id: OrganizationId,
    pub id: convo_types::SessionId,
    pub user_id: UserId,
    pub token_hash: String,
    pub created_at: convo_types::Timestamp,
    pub last_seen_at: convo_types::Timestamp,
    pub expires_at: convo_types::Timestamp,
    pub user_agent: Option<String>,
    pub ip: Option<String>,
}

/// A one-time password-reset token, stored as a hash.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordToken {
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub token_hash: String,
    pub created_at: convo_types::Timestamp,
    pub expires_at: convo_types::Timestamp,
}

/// A new password for a user, with what else changes with it.
#[derive(Debug, Clone, PartialEq)]
pub struct PasswordChange {
    pub organization_id: OrganizationId,
    pub user_id: UserId,
    pub password_hash: String,
    /// Set the user's email too (a person who had none); its sign-in key with it.
    pub email: Option<String>,
    /// Every session of the user ends but this one.
    pub keep_session: Option<convo_types::SessionId>,
    pub at: convo_types::Timestamp,
}

/// Which audit entries a list shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    pub action: Option<convo_types::AuditAction>,
}
