//! The storage contract, one trait per aggregate. Each backend implements them all once;
//! [`Store`] is their sum, and the conformance suite holds every backend to the same behaviour.

use std::collections::HashMap;

use async_trait::async_trait;
use convo_types::{
    ApiKey, ApiKeyId, AttachmentId, BusinessUnit, BusinessUnitId, Channel, ChannelId, Contact,
    ContactId, Conversation, ConversationId, Event, Label, LabelId, Message, MessageId,
    Organization, OrganizationId, Timestamp, User, UserId, VideoCall,
};

use super::*;
use crate::paging::{PageRequest, Rows, TimeKey};
use crate::Result;

/// Organizations, the database itself, and the API keys that act in them.
#[async_trait]
pub trait OrganizationStore: Send + Sync {
    /// The database answers.
    async fn ping(&self) -> Result<()>;

    async fn has_organizations(&self) -> Result<bool>;
    async fn create_organization(&self, new: &NewOrganization) -> Result<()>;
    async fn get_organization(&self, id: OrganizationId) -> Result<Organization>;
    async fn update_organization(&self, organization: &Organization) -> Result<()>;
    async fn list_organizations(&self, page: &DirectoryPage) -> Result<Rows<Organization>>;
    async fn find_api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>>;
    async fn touch_api_key(
        &self,
        org: OrganizationId,
        id: ApiKeyId,
        at: convo_types::Timestamp,
    ) -> Result<()>;

    async fn insert_api_key(&self, key: &ApiKey, hash: &str) -> Result<()>;
    async fn get_api_key(&self, org: OrganizationId, id: ApiKeyId) -> Result<ApiKey>;
    async fn list_api_keys(
        &self,
        org: OrganizationId,
        page: &DirectoryPage,
    ) -> Result<Rows<ApiKey>>;
    async fn update_api_key(&self, key: &ApiKey) -> Result<()>;
    async fn delete_api_key(&self, org: OrganizationId, id: ApiKeyId) -> Result<()>;
}

/// Business units, users, channels and contacts: the objects conversations refer to.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    async fn insert_business_unit(&self, unit: &BusinessUnit) -> Result<()>;
    async fn get_business_unit(
        &self,
        org: OrganizationId,
        id: BusinessUnitId,
    ) -> Result<BusinessUnit>;
    /// The organization's first business unit: the default for new channels and conversations.
    async fn default_business_unit(&self, org: OrganizationId) -> Result<BusinessUnit>;
    async fn list_business_units(
        &self,
        org: OrganizationId,
        only: Option<&[BusinessUnitId]>,
        page: &DirectoryPage,
    ) -> Result<Rows<BusinessUnit>>;
    async fn update_business_unit(&self, unit: &BusinessUnit) -> Result<()>;
    async fn delete_business_unit(&self, org: OrganizationId, id: BusinessUnitId) -> Result<()>;

    async fn insert_user(&self, user: &User) -> Result<()>;
    async fn get_user(&self, org: OrganizationId, id: UserId) -> Result<User>;
    /// Oldest first; with `presence`, only those showing it.
    async fn list_users(
        &self,
        org: OrganizationId,
        presence: Option<convo_types::Presence>,
        page: &DirectoryPage,
    ) -> Result<Rows<User>>;
    async fn update_user(&self, user: &User) -> Result<()>;
    /// Takes the user out of every conversation (recording `event` for each live one), then
    /// deletes it.
    async fn delete_user(&self, org: OrganizationId, id: UserId, event: &EventMeta) -> Result<()>;

    async fn insert_channel(&self, channel: &Channel) -> Result<()>;
    async fn get_channel(&self, org: OrganizationId, id: ChannelId) -> Result<Channel>;
    async fn list_channels(
        &self,
        org: OrganizationId,
        filter: &ChannelFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<Channel>>;
    async fn update_channel(&self, channel: &Channel) -> Result<()>;
    async fn delete_channel(&self, org: OrganizationId, id: ChannelId) -> Result<()>;

    async fn insert_contact(&self, contact: &Contact) -> Result<()>;
    /// The contact with `contact.external_id`, or `contact` inserted; `true` when inserted.
    /// Race-free: concurrent calls make one contact.
    async fn find_or_create_contact(&self, contact: &Contact) -> Result<(Contact, bool)>;
    async fn get_contact(&self, org: OrganizationId, id: ContactId) -> Result<Contact>;
    async fn list_contacts(
        &self,
        org: OrganizationId,
        filter: &ContactFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<Contact>>;
    async fn update_contact(&self, contact: &Contact) -> Result<()>;
    async fn delete_contact(&self, org: OrganizationId, id: ContactId) -> Result<()>;
    /// Merges contact `from` into `into` in one transaction: `absorb` decides what `into`
    /// keeps of it; `from`'s conversations (and its messages in them) move to `into`; `from`
    /// stays only so its external id finds `into`. Records `event` (data: `into`).
    async fn merge_contacts(
        &self,
        org: OrganizationId,
        into: ContactId,
        from: ContactId,
        absorb: Absorb,
        event: &EventMeta,
    ) -> Result<Contact>;
}

/// Conversations, their team members and their counts.
#[async_trait]
pub trait ConversationStore: Send + Sync {
    async fn create_conversation(
        &self,
        new: &NewConversation,
        event: &EventMeta,
    ) -> Result<ConversationRecord>;
    /// Answers the contact's live top-level conversation in `new.reuse_units` (most recent
    /// activity first) or the one with `new.reuse_key`, else creates `new`; `true` when it created. Race-free: the
    /// reuse key is unique, so concurrent calls make one conversation.
    async fn get_or_create_conversation(
        &self,
        new: &NewConversation,
        event: &EventMeta,
    ) -> Result<(ConversationRecord, bool)>;
    /// Soft-deleted conversations are `NotFound`. With `reader`, the conversation carries
    /// their `unread_count`, read in the same statement.
    async fn get_conversation(
        &self,
        org: OrganizationId,
        id: ConversationId,
        reader: Option<UserId>,
    ) -> Result<ConversationRecord>;
    /// [`ConversationRef`]s of the live conversations among `ids` (missing ones are left
    /// out), in no order.
    async fn get_conversation_refs(
        &self,
        org: OrganizationId,
        ids: &[ConversationId],
    ) -> Result<Vec<ConversationRef>>;
    async fn get_conversation_by_public_id(
        &self,
        org: OrganizationId,
        public_id: &str,
        reader: Option<UserId>,
    ) -> Result<ConversationRecord>;
    async fn list_conversations(
        &self,
        filter: &ConversationFilter,
        page: &PageRequest<TimeKey>,
    ) -> Result<Rows<Conversation>>;
    /// Applies `change` to the stored conversation in one transaction and records `event`
    /// when it writes. `expected_version` (from `If-Match`) must still be current.
    async fn update_conversation(
        &self,
        org: OrganizationId,
        id: ConversationId,
        expected_version: Option<i64>,
        change: ConversationChange<'_>,
        event: &EventMeta,
    ) -> Result<ConversationRecord>;
    /// The ids above a conversation, nearest first.
    async fn conversation_ancestors(
        &self,
        org: OrganizationId,
        id: ConversationId,
    ) -> Result<Vec<ConversationId>>;
    /// Soft delete (`deleted_at`) or, with `hard`, removal with everything it holds; answers
    /// the conversation as it was deleted.
    async fn delete_conversation(
        &self,
        org: OrganizationId,
        id: ConversationId,
        expected_version: Option<i64>,
        hard: bool,
        event: &EventMeta,
    ) -> Result<Conversation>;

    /// Adds (`present`) or removes a team member, recording `event` only when that changes
    /// something.
    async fn set_membership(
        &self,
        org: OrganizationId,
        id: ConversationId,
        user: UserId,
        present: bool,
        event: &EventMeta,
    ) -> Result<ConversationRecord>;
    /// Active users with access to `unit` who are not in the conversation, whose folded name
    /// or email contains `text`.
    async fn list_invitable_users(
        &self,
        org: OrganizationId,
        id: ConversationId,
        unit: BusinessUnitId,
        text: Option<&str>,
        page: &DirectoryPage,
    ) -> Result<Rows<User>>;
    /// Tallies for the views count under the list's filters (`view` is ignored).
    async fn count_views(&self, filter: &ConversationFilter) -> Result<ViewTallies>;
}

/// Messages and video calls; each moves its conversation in the same transaction.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Adds a message and moves its conversation (timestamp, counts, last message, and a
    /// reopen when `rules::status_after_message` says so) in one transaction. A repeated
    /// `external_id` answers the first message with `created: false`. With `after` (the
    /// stale-reply guard), a message that is news to the sender (`rules::is_news_to`) after
    /// that one, committed or earlier in the same group, refuses it with `Error::MovedOn`;
    /// `after` in another conversation is `422 after_message_id`.
    async fn create_message(
        &self,
        message: &Message,
        after: Option<MessageId>,
        event: &EventMeta,
    ) -> Result<MessageWrite>;
    /// Adds many messages in one transaction (an import, or a burst): each as
    /// `create_message` would, with a single commit.
    async fn create_messages(
        &self,
        messages: &[Message],
        event: &EventMeta,
    ) -> Result<Vec<MessageWrite>>;
    async fn get_message(&self, org: OrganizationId, id: MessageId) -> Result<MessageRecord>;
    async fn list_messages(
        &self,
        org: OrganizationId,
        conversation: ConversationId,
        filter: &MessageFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<Message>>;
    async fn update_message(
        &self,
        org: OrganizationId,
        id: MessageId,
        change: MessageChange<'_>,
        event: &EventMeta,
    ) -> Result<Message>;
    async fn delete_message(
        &self,
        org: OrganizationId,
        id: MessageId,
        event: &EventMeta,
    ) -> Result<()>;
    /// Records a video call and its activity message (with their events) in one transaction.
    async fn start_video_call(
        &self,
        call: &VideoCall,
        activity: &Message,
        event: &EventMeta,
        activity_event: &EventMeta,
    ) -> Result<ConversationRecord>;
}

/// The timers, found across organizations by the scheduler of every node.
#[async_trait]
pub trait TimerStore: Send + Sync {
    /// Live snoozed conversations whose `snoozed_until` is at or before `now`, earliest first.
    async fn due_snoozes(
        &self,
        now: convo_types::Timestamp,
        limit: u32,
    ) -> Result<Vec<(OrganizationId, ConversationId)>>;
    /// Live open or pending conversations of units with `auto_resolve_after` whose contact
    /// has not written for that long at `now` (counted from creation when it never wrote).
    async fn quiet_conversations(
        &self,
        now: convo_types::Timestamp,
        limit: u32,
    ) -> Result<Vec<QuietConversation>>;
}

/// Labels, and which conversations carry them.
#[async_trait]
pub trait LabelStore: Send + Sync {
    /// `Conflict` when the organization has a label of that name (ignoring case).
    async fn insert_label(&self, org: OrganizationId, label: &Label) -> Result<()>;
    async fn get_label(&self, org: OrganizationId, id: LabelId) -> Result<Label>;
    async fn list_labels(&self, org: OrganizationId, page: &DirectoryPage) -> Result<Rows<Label>>;
    async fn update_label(&self, org: OrganizationId, label: &Label) -> Result<()>;
    async fn delete_label(&self, org: OrganizationId, id: LabelId) -> Result<()>;
    /// The organization's labels among these name keys (`labels::name_key`).
    async fn find_labels(&self, org: OrganizationId, keys: &[String]) -> Result<Vec<Label>>;
    /// Puts `add` on the conversation and takes `remove` off it in one transaction, recording
    /// `event` when that changes something.
    async fn set_conversation_labels(
        &self,
        org: OrganizationId,
        id: ConversationId,
        add: &[LabelId],
        remove: &[LabelId],
        event: &EventMeta,
    ) -> Result<ConversationRecord>;
}

/// Ranked full-text search over conversations and their messages.
#[async_trait]
pub trait SearchStore: Send + Sync {
    async fn search_conversations(&self, query: &SearchQuery) -> Result<Vec<SearchRow>>;
}

/// The ordered record of changes and its wake-ups.
#[async_trait]
pub trait EventStore: Send + Sync {
    /// Wakes up with the organization of each newly committed event (on PostgreSQL, from every
    /// node). A lagging receiver loses wake-ups, never events: it re-reads the table.
    fn event_wakeups(&self) -> tokio::sync::broadcast::Receiver<OrganizationId>;
    /// The id of the organization's newest event (0 when none).
    async fn latest_event_id(&self, org: OrganizationId) -> Result<i64>;
    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<Event>>;
}

/// Webhooks and their durable deliveries.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn insert_webhook(&self, webhook: &convo_types::Webhook, secret: &str) -> Result<()>;
    async fn get_webhook(
        &self,
        org: OrganizationId,
        id: convo_types::WebhookId,
    ) -> Result<WebhookRecord>;
    async fn list_webhooks(
        &self,
        org: OrganizationId,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::Webhook>>;
    async fn update_webhook(&self, webhook: &convo_types::Webhook) -> Result<()>;
    /// Makes `secret` current; the old one keeps signing until `previous_expires_at`.
    async fn rotate_webhook_secret(
        &self,
        org: OrganizationId,
        id: convo_types::WebhookId,
        secret: &str,
        previous_expires_at: convo_types::Timestamp,
    ) -> Result<()>;
    async fn delete_webhook(&self, org: OrganizationId, id: convo_types::WebhookId) -> Result<()>;
    /// Turns new events into deliveries for every active webhook that wants them (at most
    /// `limit` events per webhook); answers how many deliveries it made.
    async fn enqueue_deliveries(&self, limit: u32) -> Result<usize>;
    /// Claims due deliveries until `lease_until` (so no other node sends them meanwhile),
    /// never one whose conversation has an earlier delivery still pending for that webhook.
    async fn claim_deliveries(
        &self,
        now: convo_types::Timestamp,
        lease_until: convo_types::Timestamp,
        limit: u32,
    ) -> Result<Vec<DueDelivery>>;
    async fn finish_attempt(
        &self,
        id: convo_types::DeliveryId,
        attempt: &convo_types::DeliveryAttempt,
        outcome: DeliveryOutcome,
    ) -> Result<()>;
    async fn list_deliveries(
        &self,
        org: OrganizationId,
        webhook: convo_types::WebhookId,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::WebhookDelivery>>;
    /// Deliveries not yet delivered nor given up, across organizations (the backlog).
    async fn pending_deliveries(&self) -> Result<u64>;
    /// Sends a delivery again (as soon as its conversation's earlier deliveries are done).
    async fn replay_delivery(
        &self,
        org: OrganizationId,
        webhook: convo_types::WebhookId,
        id: convo_types::DeliveryId,
        now: convo_types::Timestamp,
    ) -> Result<()>;
}

/// Answers stored under `Idempotency-Key`s.
#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    // Idempotency keys, scoped by the API key that sent them. A record made before
    // `expired_before` counts as absent and is replaced.
    async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
        expired_before: convo_types::Timestamp,
    ) -> Result<IdempotencyState>;
    async fn idempotency_complete(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        body: &[u8],
    ) -> Result<()>;
    async fn idempotency_abandon(&self, scope: &str, key: &str) -> Result<()>;
}

/// Read horizons: how far each user, and the contact, has read a conversation.
#[async_trait]
pub trait ReadStore: Send + Sync {
    /// Moves `reader`'s horizon forward to `message` (default the conversation's latest; a
    /// message of another conversation is `422`), and answers the conversation. A contact's
    /// read changes the conversation and records `event`; a user's is their own and records
    /// nothing. A horizon never moves back: an older message changes nothing.
    async fn mark_read(
        &self,
        org: OrganizationId,
        id: ConversationId,
        reader: Reader,
        message: Option<MessageId>,
        event: &EventMeta,
    ) -> Result<ConversationRecord>;
    /// How many incoming messages `user` has read in each of `ids` (absent: none).
    async fn seen_incoming(
        &self,
        org: OrganizationId,
        user: UserId,
        ids: &[ConversationId],
    ) -> Result<HashMap<ConversationId, i64>>;
}

/// People: passwords, sessions, reset tokens, two factors and the audit log.
#[async_trait]
pub trait PeopleStore: Send + Sync {
    /// The human users whose email folds to `email_key`: the one with a password first (at
    /// most one has one), then the others, at most ten in all.
    async fn find_people(&self, email_key: &str) -> Result<Vec<Credentials>>;
    async fn get_credentials(&self, org: OrganizationId, user: UserId) -> Result<Credentials>;
    /// Sets the password (and the email, when given) and ends the user's other sessions, in
    /// one transaction. `409 email_taken` when another person signs in with that email.
    async fn set_password(&self, change: &PasswordChange) -> Result<()>;
    async fn set_locale(
        &self,
        org: OrganizationId,
        user: UserId,
        locale: Option<&str>,
    ) -> Result<()>;

    async fn insert_session(&self, session: &SessionRecord) -> Result<()>;
    /// The session with this token hash that has not ended at `now`, its user (if active)
    /// and whether the person must still set up two factors (their organization requires them
    /// and they have none).
    async fn find_session(
        &self,
        token_hash: &str,
        now: convo_types::Timestamp,
    ) -> Result<Option<(SessionRecord, User, bool)>>;
    /// Records a use: `last_seen_at` and the new `expires_at`.
    async fn touch_session(&self, session: &SessionRecord) -> Result<()>;
    /// The user's sessions that have not ended at `now`, oldest first.
    async fn list_sessions(
        &self,
        org: OrganizationId,
        user: UserId,
        now: convo_types::Timestamp,
        page: &DirectoryPage,
    ) -> Result<Rows<SessionRecord>>;
    /// Ends one of the user's sessions (`NotFound` for anyone else's).
    async fn delete_session(
        &self,
        org: OrganizationId,
        user: UserId,
        id: convo_types::SessionId,
    ) -> Result<()>;

    async fn insert_password_token(&self, token: &PasswordToken) -> Result<()>;
    /// The token with this hash that has not expired at `now`, and its user.
    async fn find_password_token(
        &self,
        token_hash: &str,
        now: convo_types::Timestamp,
    ) -> Result<Option<(PasswordToken, User)>>;
    /// Uses the token once: deletes it (and the user's other tokens) and applies `change`,
    /// in one transaction; `false` when it was used or expired meanwhile.
    async fn redeem_password_token(
        &self,
        token_hash: &str,
        now: convo_types::Timestamp,
        change: &PasswordChange,
    ) -> Result<bool>;

    /// Stores a TOTP secret not yet confirmed (`None`: two factors off, recovery codes gone).
    async fn set_totp_secret(
        &self,
        org: OrganizationId,
        user: UserId,
        secret: Option<&str>,
    ) -> Result<()>;
    /// Turns two factors on with the step of the confirming code and the recovery codes'
    /// hashes (replacing any before).
    async fn enable_totp(
        &self,
        org: OrganizationId,
        user: UserId,
        step: i64,
        recovery_code_hashes: &[String],
    ) -> Result<()>;
    /// Records `step` as used, only if it is later than the last one: `false` for a replay.
    async fn use_totp_step(&self, org: OrganizationId, user: UserId, step: i64) -> Result<bool>;
    /// Uses a recovery code once: `false` when there is no such unused code.
    async fn use_recovery_code(
        &self,
        org: OrganizationId,
        user: UserId,
        code_hash: &str,
    ) -> Result<bool>;

    async fn record_audit(
        &self,
        org: OrganizationId,
        entry: &convo_types::AuditEntry,
    ) -> Result<()>;
    /// Newest first.
    async fn list_audit(
        &self,
        org: OrganizationId,
        filter: &AuditFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::AuditEntry>>;
}

/// Invitations to join an organization as a person.
#[async_trait]
pub trait InvitationStore: Send + Sync {
    async fn insert_invitation(
        &self,
        invitation: &convo_types::Invitation,
        token_hash: &str,
    ) -> Result<()>;
    /// The organization's invitations not accepted and not expired at `now`, oldest first.
    async fn list_invitations(
        &self,
        org: OrganizationId,
        now: convo_types::Timestamp,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::Invitation>>;
    async fn delete_invitation(
        &self,
        org: OrganizationId,
        id: convo_types::InvitationId,
    ) -> Result<()>;
    /// The invitation with this token hash, not expired at `now`, and its organization's name.
    async fn find_invitation(
        &self,
        token_hash: &str,
        now: convo_types::Timestamp,
    ) -> Result<Option<(convo_types::Invitation, String)>>;
    /// The pending invitation to this folded email, newest first, not expired at `now`.
    async fn find_invitation_by_email(
        &self,
        email_key: &str,
        now: convo_types::Timestamp,
    ) -> Result<Option<convo_types::Invitation>>;
    /// Uses the invitation once: deletes it and inserts `user` (with `password_hash` when
    /// given), in one transaction; `false` when it was used or expired meanwhile.
    /// `409 email_taken` when another person signs in with the email.
    async fn accept_invitation(
        &self,
        id: &convo_types::InvitationId,
        now: convo_types::Timestamp,
        user: &User,
        password_hash: Option<&str>,
    ) -> Result<bool>;
}

/// Stored files: the uploads, the bytes they share, and the objects waiting to be removed
/// (a durable queue, leased so that several nodes never remove one twice at once).
#[async_trait]
pub trait AttachmentStore: Send + Sync {
    /// Records an upload whose bytes were just stored at `record.storage_key`. Identical
    /// bytes of an organization are kept once: when they are stored already, the record
    /// takes the existing object and the new one is queued for removal. Answers the record
    /// as stored.
    async fn create_attachment(&self, record: &AttachmentRecord) -> Result<AttachmentRecord>;

    /// An attachment of any organization (a signed link names only the attachment).
    async fn get_attachment(&self, id: AttachmentId) -> Result<AttachmentRecord>;

    /// Keeps the thumbnail just made of a file; when one was kept meanwhile, that one stays
    /// and the new object is queued for removal. Answers the thumbnail kept.
    async fn set_thumbnail(
        &self,
        org: OrganizationId,
        sha256: &str,
        thumbnail: &Thumbnail,
    ) -> Result<Thumbnail>;

    /// Removes up to `limit` attachments unused past their time, then the files no
    /// attachment uses any more, queueing their objects for removal. Answers how many
    /// attachments went.
    async fn retire_attachments(&self, now: Timestamp, limit: i64) -> Result<u64>;

    /// Leases up to `limit` objects due for removal until `lease_until` (another node takes
    /// them only after that).
    async fn claim_file_removals(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: i64,
    ) -> Result<Vec<String>>;

    /// The objects removed: off the queue.
    async fn finish_file_removals(&self, keys: &[String]) -> Result<()>;

    /// Bytes of stored files (each file once), for `/metrics`.
    async fn stored_bytes(&self) -> Result<i64>;
}

/// How the backend itself is doing (pools, queues), for operators.
pub trait StatsStore: Send + Sync {
    fn stats(&self) -> StoreStats;
}

/// Everything a backend stores: the sum of the aggregate traits. Use cases name the parts
/// they need; the server holds one `Arc<dyn Store>`.
pub trait Store:
    OrganizationStore
    + DirectoryStore
    + ConversationStore
    + MessageStore
    + SearchStore
    + LabelStore
    + TimerStore
    + ReadStore
    + EventStore
    + WebhookStore
    + IdempotencyStore
    + PeopleStore
    + InvitationStore
    + AttachmentStore
    + TeamworkStore
    + LiveStore
    + StatsStore
    + 'static
{
}

impl<T> Store for T where
    T: OrganizationStore
        + DirectoryStore
        + ConversationStore
        + MessageStore
        + SearchStore
        + LabelStore
        + TimerStore
        + ReadStore
        + EventStore
        + WebhookStore
        + IdempotencyStore
        + PeopleStore
        + InvitationStore
        + AttachmentStore
        + TeamworkStore
        + LiveStore
        + StatsStore
        + 'static
{
}
