// The SQL that SQLite and PostgreSQL share, compiled into each backend crate with `include!`.
//
// Both crates define `Db` (the sqlx database), `LOCK_FOR_UPDATE` (row locking, which SQLite
// does not need: it has one writer connection) and their own migrations; everything below is
// portable SQL: `$N` placeholders, `ON CONFLICT`, `RETURNING`, row values and partial indexes
// work the same on both. Writing it once keeps the two backends from drifting apart; the
// conformance suite checks that they don't.

use std::collections::HashMap;

use async_trait::async_trait;
use convo_core::paging::{PageRequest, PageStart, Rows, TimeKey};
use convo_core::{
    Change, ChannelFilter, ContactFilter, ConversationChange, ConversationFilter,
    ConversationRecord, ConversationRef, DirectoryPage, Error, EventFilter, EventMeta, IdempotencyState,
    MessageChange, MessageRecord, MessageWrite, NewConversation, NewOrganization, ParentFilter,
    Result, SearchQuery, SearchRow, ViewTallies, WebhookRecord, DueDelivery, DeliveryOutcome,
};
use convo_core::rules;
use convo_core::text::search::index_text;
use convo_types::{
    Address, ApiKey, ApiKeyId, Attachment, BusinessUnit, BusinessUnitId, Channel, ChannelId,
    ChannelType, Contact, ContactId, ContentType, Conversation, ConversationCounts,
    ConversationId, ConversationType, Event,
    EventType, JsonObject, LastMessage, Message, MessageId, MessageType, Organization,
    OrganizationId, Participant, Scope, Sender, SenderType, SimpleUser, SortOrder, Status,
    Timestamp, User, UserId, UserKind, UserRole, VideoCall, View,
};
use sqlx::types::Json;
use sqlx::{FromRow, QueryBuilder};
use uuid::Uuid;

type Conn = <Db as sqlx::Database>::Connection;

/// A store over one database: `writer` takes every change, `reader` serves reads. On SQLite
/// these are a single connection and a pool; on PostgreSQL the same pool.
#[derive(Clone)]
pub struct SqlStore {
    reader: sqlx::Pool<Db>,
    writer: sqlx::Pool<Db>,
    /// The organization of every event this node commits (and, on PostgreSQL, every event any
    /// node commits): wake-ups for the live stream and webhooks, which then read the table.
    wakeups: tokio::sync::broadcast::Sender<OrganizationId>,
    /// New messages, written in groups by one task (see `group_commit`).
    group_commit: tokio::sync::mpsc::Sender<QueuedMessage>,
}

/// A message waiting for the group-commit writer, and who waits for its answer.
struct QueuedMessage {
    message: Message,
    event: EventMeta,
    words: String,
    reply: tokio::sync::oneshot::Sender<Result<MessageWrite>>,
}

/// Most messages the group-commit writer puts in one transaction.
const GROUP_COMMIT_MAX: usize = 256;

/// Writes queued messages: whatever is waiting when the writer is free goes into one
/// transaction (group commit), so concurrent senders share a commit and its set-based writes
/// instead of queuing for the writer one transaction each. Ends when every store handle is
/// dropped.
async fn group_commit(writer: sqlx::Pool<Db>, wakeups: tokio::sync::broadcast::Sender<OrganizationId>, mut queue: tokio::sync::mpsc::Receiver<QueuedMessage>) {
    let mut group = Vec::with_capacity(GROUP_COMMIT_MAX);
    while queue.recv_many(&mut group, GROUP_COMMIT_MAX).await > 0 {
        let items: Vec<NewMessage<'_>> = group.iter().map(|q| (&q.message, &q.event, q.words.as_str())).collect();
        match commit_messages(&writer, &wakeups, &items).await {
            Ok(results) => {
                for (queued, result) in group.drain(..).zip(results) {
                    let _ = queued.reply.send(result);
                }
            }
            // A database error fails the whole group: each message then runs alone, so it
            // fails only the message that caused it.
            Err(error) if group.len() == 1 => {
                if let Some(queued) = group.pop() {
                    let _ = queued.reply.send(Err(error));
                }
            }
            Err(_) => {
                for queued in group.drain(..) {
                    let result = commit_messages(&writer, &wakeups, &[(&queued.message, &queued.event, &queued.words)])
                        .await
                        .and_then(|mut results| results.pop().unwrap_or(Err(Error::NotFound("conversation"))));
                    let _ = queued.reply.send(result);
                }
            }
        }
    }
}

async fn commit_messages(writer: &sqlx::Pool<Db>, wakeups: &tokio::sync::broadcast::Sender<OrganizationId>, items: &[NewMessage<'_>]) -> Result<Vec<Result<MessageWrite>>> {
    let mut tx = writer.begin().await.map_err(internal)?;
    let added = add_messages(&mut tx, items).await?;
    tx.commit().await.map_err(internal)?;
    wake_organizations(wakeups, &added.organizations);
    Ok(added.results)
}

/// Wakes the followers of each organization that got messages.
fn wake_organizations(wakeups: &tokio::sync::broadcast::Sender<OrganizationId>, organizations: &[Uuid]) {
    for org in organizations {
        let _ = wakeups.send((*org).into());
    }
}

// ---- errors ------------------------------------------------------------------------------

fn internal(e: sqlx::Error) -> Error {
    Error::internal(e)
}

/// Maps a failed write: a unique violation is a conflict with `duplicate`, a foreign key
/// violation means the object is still in use.
fn write_error(duplicate: &'static str) -> impl Fn(sqlx::Error) -> Error {
    move |e| match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => Error::conflict(duplicate),
        sqlx::Error::Database(d) if d.is_foreign_key_violation() => Error::Conflict {
            code: convo_types::ErrorCode::Conflict,
            message: "still in use: remove what refers to it first".into(),
        },
        _ => internal(e),
    }
}

fn found<T>(what: &'static str) -> impl Fn(Option<T>) -> Result<T> {
    move |row| row.ok_or(Error::NotFound(what))
}

fn affected(what: &'static str, rows: u64) -> Result<()> {
    if rows == 0 {
        Err(Error::NotFound(what))
    } else {
        Ok(())
    }
}

fn parse_text<T>(text: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T> {
    parse(text).ok_or_else(|| Error::internal(format!("unknown stored value `{text}`")))
}

// ---- rows --------------------------------------------------------------------------------

#[derive(FromRow)]
struct OrganizationRow {
    id: Uuid,
    name: String,
    created_at: i64,
    updated_at: i64,
}

impl From<OrganizationRow> for Organization {
    fn from(r: OrganizationRow) -> Self {
        Organization {
            object_name: "organization".into(),
            id: r.id.into(),
            name: r.name,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}

#[derive(FromRow)]
struct BusinessUnitRow {
    organization_id: Uuid,
    id: Uuid,
    name: String,
    metadata: Json<JsonObject>,
    created_at: i64,
    updated_at: i64,
}

impl From<BusinessUnitRow> for BusinessUnit {
    fn from(r: BusinessUnitRow) -> Self {
        BusinessUnit {
            object_name: "business_unit".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            name: r.name,
            metadata: r.metadata.0,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}

const USER_COLUMNS: &str = "organization_id, id, name, email, kind, role, avatar_url, business_unit_ids, active, created_at, updated_at";

#[derive(FromRow)]
struct UserRow {
    organization_id: Uuid,
    id: Uuid,
    name: String,
    email: Option<String>,
    kind: String,
    role: String,
    avatar_url: Option<String>,
    business_unit_ids: Json<Vec<BusinessUnitId>>,
    active: bool,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<UserRow> for User {
    type Error = Error;
    fn try_from(r: UserRow) -> Result<Self> {
        Ok(User {
            object_name: "user".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            name: r.name,
            email: r.email,
            kind: parse_text(&r.kind, UserKind::parse)?,
            role: parse_text(&r.role, UserRole::parse)?,
            avatar_url: r.avatar_url,
            business_unit_ids: r.business_unit_ids.0,
            active: r.active,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        })
    }
}

const API_KEY_COLUMNS: &str = "organization_id, id, name, prefix, scopes, user_id, business_unit_ids, last_used_at, created_at, updated_at";

#[derive(FromRow)]
struct ApiKeyRow {
    organization_id: Uuid,
    id: Uuid,
    name: String,
    prefix: String,
    scopes: Json<Vec<Scope>>,
    user_id: Uuid,
    business_unit_ids: Json<Vec<BusinessUnitId>>,
    last_used_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(r: ApiKeyRow) -> Self {
        ApiKey {
            object_name: "api_key".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            name: r.name,
            scopes: r.scopes.0,
            user_id: r.user_id.into(),
            business_unit_ids: r.business_unit_ids.0,
            prefix: r.prefix,
            last_used_at: r.last_used_at.map(Timestamp::from_millis),
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
            secret: None,
        }
    }
}

const CHANNEL_COLUMNS: &str = "organization_id, id, business_unit_id, type, identifier, name, metadata, created_at, updated_at";

#[derive(FromRow)]
struct ChannelRow {
    organization_id: Uuid,
    id: Uuid,
    business_unit_id: Uuid,
    #[sqlx(rename = "type")]
    channel_type: String,
    identifier: String,
    name: String,
    metadata: Json<JsonObject>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<ChannelRow> for Channel {
    type Error = Error;
    fn try_from(r: ChannelRow) -> Result<Self> {
        Ok(Channel {
            object_name: "channel".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            business_unit_id: r.business_unit_id.into(),
            channel_type: parse_text(&r.channel_type, ChannelType::parse)?,
            identifier: r.identifier,
            name: r.name,
            metadata: r.metadata.0,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        })
    }
}

const CONTACT_COLUMNS: &str = "organization_id, id, external_id, name, email, phone, image, metadata, addresses, created_at, updated_at";

#[derive(FromRow)]
struct ContactRow {
    organization_id: Uuid,
    id: Uuid,
    external_id: Option<String>,
    name: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    image: Option<String>,
    metadata: Json<JsonObject>,
    addresses: Json<Vec<Address>>,
    created_at: i64,
    updated_at: i64,
}

impl From<ContactRow> for Contact {
    fn from(r: ContactRow) -> Self {
        Contact {
            object_name: "contact".into(),
            id: r.id.into(),
            organization_id: r.organization_id.into(),
            external_id: r.external_id,
            name: r.name,
            email: r.email,
            phone: r.phone,
            image: r.image,
            metadata: r.metadata.0,
            addresses: r.addresses.0,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        }
    }
}

const CONVERSATION_COLUMNS: &str = "c.organization_id, c.id, c.public_id, c.business_unit_id, c.channel_id, c.channel_type, c.channel_ids, c.contact_id, c.type, c.status, c.name, c.detail, c.metadata, c.inputs, c.agent_id, c.assignment_id, c.owner_type, c.owner_id, c.dialog_id, c.self_address, c.peer, c.parent_id, c.snoozed_until, c.message_count, c.children_count, c.last_message, c.activity_at, c.created_at, c.updated_at, c.deleted_at, c.created_by_key_id, c.version";

#[derive(FromRow)]
struct ConversationRow {
    organization_id: Uuid,
    id: Uuid,
    public_id: String,
    business_unit_id: Uuid,
    channel_id: Option<Uuid>,
    channel_type: Option<String>,
    channel_ids: Json<Vec<ChannelId>>,
    contact_id: Option<Uuid>,
    #[sqlx(rename = "type")]
    conversation_type: String,
    status: String,
    name: String,
    detail: String,
    metadata: Json<JsonObject>,
    inputs: Json<JsonObject>,
    agent_id: Option<String>,
    assignment_id: Option<String>,
    owner_type: Option<String>,
    owner_id: Option<String>,
    dialog_id: Option<String>,
    self_address: Option<Json<Address>>,
    peer: Option<Json<Address>>,
    parent_id: Option<Uuid>,
    snoozed_until: Option<i64>,
    message_count: i64,
    children_count: i64,
    last_message: Option<Json<LastMessage>>,
    activity_at: i64,
    created_at: i64,
    updated_at: i64,
    deleted_at: Option<i64>,
    created_by_key_id: Option<Uuid>,
    version: i64,
    /// `CONVERSATION_MEMBERS`: the team members, read with the row.
    members: Json<Vec<MemberJson>>,
}

impl ConversationRow {
    fn into_record(self) -> Result<ConversationRecord> {
        let users = self.members.0.into_iter().map(MemberJson::into_user).collect::<Result<Vec<_>>>()?;
        let channel_type = match self.channel_type.as_deref() {
            Some(text) => Some(parse_text(text, ChannelType::parse)?),
            None => None,
        };
        Ok(ConversationRecord {
            conversation: Conversation {
                object_name: "conversation".into(),
                id: self.id.into(),
                public_id: self.public_id,
                organization_id: self.organization_id.into(),
                business_unit_id: self.business_unit_id.into(),
                channel_id: self.channel_id.map(Into::into),
                channel_type,
                channel_ids: self.channel_ids.0,
                contact_id: self.contact_id.map(Into::into),
                conversation_type: parse_text(&self.conversation_type, ConversationType::parse)?,
                status: parse_text(&self.status, Status::parse)?,
                topic: self.name.clone(),
                name: self.name,
                detail: self.detail,
                metadata: self.metadata.0,
                inputs: self.inputs.0,
                agent_id: self.agent_id,
                assignment_id: self.assignment_id,
                owner_type: self.owner_type,
                owner_id: self.owner_id,
                dialog_id: self.dialog_id,
                self_address: self.self_address.map(|j| j.0),
                peer: self.peer.map(|j| j.0),
                parent_id: self.parent_id.map(Into::into),
                snoozed_until: self.snoozed_until.map(Timestamp::from_millis),
                users,
                counts: ConversationCounts {
                    messages: self.message_count,
                    children: self.children_count,
                },
                last_message: self.last_message.map(|j| j.0),
                timestamp: Timestamp::from_millis(self.activity_at),
                created_at: Timestamp::from_millis(self.created_at),
                updated_at: Timestamp::from_millis(self.updated_at),
                deleted_at: self.deleted_at.map(Timestamp::from_millis),
            },
            created_by_key_id: self.created_by_key_id.map(ApiKeyId::from_uuid),
            version: self.version,
        })
    }
}

/// A team member of a conversation as `CONVERSATION_MEMBERS` writes it.
#[derive(serde::Deserialize)]
struct MemberJson {
    id: Uuid,
    name: String,
    kind: String,
    avatar_url: Option<String>,
}

impl MemberJson {
    fn into_user(self) -> Result<SimpleUser> {
        Ok(SimpleUser { id: self.id.into(), name: self.name, kind: parse_text(&self.kind, UserKind::parse)?, avatar_url: self.avatar_url })
    }
}

#[derive(FromRow)]
struct EventRow {
    id: i64,
    #[sqlx(rename = "type")]
    event_type: String,
    actor_type: String,
    actor_id: Option<String>,
    conversation_id: Option<Uuid>,
    data: Json<serde_json::Value>,
    created_at: i64,
}

impl TryFrom<EventRow> for Event {
    type Error = Error;
    fn try_from(r: EventRow) -> Result<Self> {
        Ok(Event {
            object_name: "event".into(),
            id: r.id,
            event_type: parse_text(&r.event_type, EventType::parse)?,
            actor: Participant {
                participant_type: r.actor_type,
                id: r.actor_id,
            },
            conversation_id: r.conversation_id.map(Into::into),
            data: r.data.0,
            created_at: Timestamp::from_millis(r.created_at),
        })
    }
}


// ---- search text -------------------------------------------------------------------------

/// Index tokens that confine a lookup to one organization or one conversation.
fn organization_term(org: Uuid) -> String {
    format!("zo{}", org.simple())
}

fn conversation_term(id: Uuid) -> String {
    format!("zc{}", id.simple())
}

/// The backend's match expression for every term, confined to the organization by its token
/// (costly to score in a large organization: ranking tries the words alone first).
fn tenant_query(org: Uuid, terms: &[String]) -> String {
    let all: Vec<String> = std::iter::once(organization_term(org)).chain(terms.iter().cloned()).collect();
    match_expression(&all)
}

/// What a conversation is found by: its name and detail, and its contact.
fn conversation_search_text(c: &Conversation, contact: Option<&Contact>) -> String {
    let mut fields = vec![c.name.as_str(), c.detail.as_str()];
    if let Some(k) = contact {
        fields.extend([k.name.as_deref(), k.email.as_deref(), k.phone.as_deref(), k.external_id.as_deref()].into_iter().flatten());
    }
    format!("{} {}", organization_term(c.organization_id.as_uuid()), index_text(fields))
}

/// A message's words for the search index: the costly part (segmentation, folding), done
/// before the writer is busy.
fn message_words(m: &Message) -> String {
    index_text([m.content.as_str()])
}

fn message_search_text(org: Uuid, m: &Message, words: &str) -> String {
    format!("{} {} {words}", organization_term(org), conversation_term(m.conversation_id.as_uuid()))
}

async fn fetch_contact(conn: &mut Conn, org: Uuid, id: Option<ContactId>) -> Result<Option<Contact>> {
    let Some(id) = id else {
        return Ok(None);
    };
    let row: Option<ContactRow> = sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = $1 AND id = $2"))
        .bind(org)
        .bind(id.as_uuid())
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
    Ok(row.map(Into::into))
}

/// Brings a conversation's search text up to date (the index follows only when it changed).
async fn reindex_conversation(conn: &mut Conn, org: Uuid, c: &Conversation) -> Result<()> {
    let contact = fetch_contact(conn, org, c.contact_id).await?;
    let text = conversation_search_text(c, contact.as_ref());
    // By id alone (the primary key): PostgreSQL's cached generic plan for an
    // `organization_id AND id` filter, made while the table was small, may scan the
    // organization's rows instead.
    sqlx::query("UPDATE conversations SET search_text = $1 WHERE id = $2 AND search_text <> $1")
        .bind(text)
        .bind(c.id.as_uuid())
        .execute(&mut *conn)
        .await
        .map_err(internal)?;
    Ok(())
}

// ---- messages ----------------------------------------------------------------------------

const MESSAGE_COLUMNS: &str = "m.organization_id, m.id, m.conversation_id, m.message_type, m.sender_type, m.sender_id, m.content, m.content_type, m.attachments, m.metadata, m.external_id, m.created_at, m.updated_at";

#[derive(FromRow)]
struct MessageRow {
    id: Uuid,
    conversation_id: Uuid,
    message_type: String,
    sender_type: String,
    sender_id: Option<String>,
    content: String,
    content_type: String,
    attachments: Json<Vec<Attachment>>,
    metadata: Json<JsonObject>,
    external_id: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl TryFrom<MessageRow> for Message {
    type Error = Error;
    fn try_from(r: MessageRow) -> Result<Self> {
        Ok(Message {
            object_name: "message".into(),
            id: r.id.into(),
            conversation_id: r.conversation_id.into(),
            message_type: parse_text(&r.message_type, MessageType::parse)?,
            sender: Sender {
                sender_type: parse_text(&r.sender_type, SenderType::parse)?,
                id: r.sender_id,
            },
            content: r.content,
            content_type: parse_text(&r.content_type, ContentType::parse)?,
            attachments: r.attachments.0,
            metadata: r.metadata.0,
            external_id: r.external_id,
            created_at: Timestamp::from_millis(r.created_at),
            updated_at: Timestamp::from_millis(r.updated_at),
        })
    }
}

fn last_message(m: &Message) -> LastMessage {
    LastMessage {
        id: m.id,
        message_type: m.message_type,
        sender: m.sender.clone(),
        preview: rules::preview(&m.content),
        created_at: m.created_at,
    }
}

async fn fetch_message(conn: &mut Conn, org: Uuid, id: Uuid) -> Result<Message> {
    let row: Option<MessageRow> = sqlx::query_as(&format!("SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.organization_id = $1 AND m.id = $2"))
        .bind(org)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
    found("message")(row)?.try_into()
}

/// Most rows in one multi-row `INSERT` (well under both backends' bound-parameter limits).
const ROWS_PER_INSERT: usize = 400;

/// What a message changes in its conversation, read with the row lock: a group reads only
/// this of each conversation (decoding whole rows with their members was a fifth of the
/// writer's time); whole records are read only for the conversations a message reopens.
#[derive(FromRow)]
struct MessageTarget {
    organization_id: Uuid,
    id: Uuid,
    business_unit_id: Uuid,
    status: String,
    snoozed_until: Option<i64>,
    message_count: i64,
    activity_at: i64,
    updated_at: i64,
    version: i64,
    #[sqlx(skip)]
    last_message: Option<LastMessage>,
}

impl MessageTarget {
    fn status(&self) -> Result<Status> {
        parse_text(&self.status, Status::parse)
    }

    /// What a new message does to its conversation: timestamp, counts, last message, and
    /// reopening when `rules::status_after_message` says so (answers whether it did).
    fn apply(&mut self, message: &Message) -> Result<bool> {
        let reopened = rules::status_after_message(self.status()?, message.message_type);
        if let Some(status) = reopened {
            self.status = status.as_str().to_owned();
            self.snoozed_until = None;
        }
        self.activity_at = message.created_at.as_millis();
        self.updated_at = message.created_at.as_millis();
        self.message_count += 1;
        self.last_message = Some(last_message(message));
        self.version += 1;
        Ok(reopened.is_some())
    }

    /// `record` as this target has it now.
    fn overlay(&self, record: &mut ConversationRecord) -> Result<()> {
        let c = &mut record.conversation;
        c.status = self.status()?;
        c.snoozed_until = self.snoozed_until.map(Timestamp::from_millis);
        c.timestamp = Timestamp::from_millis(self.activity_at);
        c.updated_at = Timestamp::from_millis(self.updated_at);
        c.counts.messages = self.message_count;
        c.last_message.clone_from(&self.last_message);
        record.version = self.version;
        Ok(())
    }
}

/// The live conversations `ids` (sorted), locked for the transaction in id order so two
/// writers never wait on each other in opposite orders.
async fn lock_message_targets(conn: &mut Conn, ids: &[Uuid]) -> Result<HashMap<Uuid, MessageTarget>> {
    let mut qb = QueryBuilder::<Db>::new("SELECT organization_id, id, business_unit_id, status, snoozed_until, message_count, activity_at, updated_at, version FROM conversations WHERE deleted_at IS NULL AND id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(") ORDER BY id").push(LOCK_FOR_UPDATE);
    let rows: Vec<MessageTarget> = qb.build_query_as().fetch_all(&mut *conn).await.map_err(internal)?;
    Ok(rows.into_iter().map(|t| (t.id, t)).collect())
}

/// Whole records (with members) of conversations the transaction has locked already (they
/// may belong to several organizations).
async fn fetch_locked_records(conn: &mut Conn, ids: &[Uuid]) -> Result<Vec<ConversationRecord>> {
    fetch_live_records(conn, None, ids).await
}

/// Inserts the messages (with their search text); answers the ids actually inserted (a
/// repeated `external_id` inserts nothing).
async fn insert_message_rows(conn: &mut Conn, messages: &[(Uuid, &Message, &str)]) -> Result<std::collections::HashSet<Uuid>> {
    let mut inserted = std::collections::HashSet::with_capacity(messages.len());
    for chunk in messages.chunks(ROWS_PER_INSERT) {
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO messages (organization_id, id, conversation_id, message_type, sender_type, sender_id, content, content_type, attachments, metadata, external_id, search_text, created_at, updated_at) ");
        qb.push_values(chunk, |mut row, (org, message, words)| {
            row.push_bind(*org)
                .push_bind(message.id.as_uuid())
                .push_bind(message.conversation_id.as_uuid())
                .push_bind(message.message_type.as_str())
                .push_bind(message.sender.sender_type.as_str())
                .push_bind(&message.sender.id)
                .push_bind(&message.content)
                .push_bind(message.content_type.as_str())
                .push_bind(Json(&message.attachments))
                .push_bind(Json(&message.metadata))
                .push_bind(&message.external_id)
                .push_bind(message_search_text(*org, message, words))
                .push_bind(message.created_at.as_millis())
                .push_bind(message.updated_at.as_millis());
        });
        qb.push(" ON CONFLICT (conversation_id, external_id) WHERE external_id IS NOT NULL DO NOTHING");
        // Only a repeated `external_id` can be left out; without one in the chunk every row
        // goes in, and reading each id back would cost a row hand-off per message.
        if chunk.iter().any(|(_, m, _)| m.external_id.is_some()) {
            qb.push(" RETURNING id");
            let ids: Vec<(Uuid,)> = qb.build_query_as().fetch_all(&mut *conn).await.map_err(internal)?;
            inserted.extend(ids.into_iter().map(|(id,)| id));
        } else {
            qb.build().execute(&mut *conn).await.map_err(internal)?;
            inserted.extend(chunk.iter().map(|(_, m, _)| m.id.as_uuid()));
        }
    }
    Ok(inserted)
}

/// A message to add, the event announcing it and its words for the search index.
type NewMessage<'a> = (&'a Message, &'a EventMeta, &'a str);

/// Adds each message to its conversation (locked for the transaction): the message, the
/// conversation's timestamp, counts, last message and reopening, their counters and events.
/// Answers one result per message, in order: a message whose conversation is gone is
/// `NotFound`; a repeated `external_id` changes nothing and answers the first message. The
/// work is set-based (one `INSERT` for the messages, one for the events, one `UPDATE` per
/// conversation), so a group costs little more than one message.
async fn add_messages(conn: &mut Conn, items: &[NewMessage<'_>]) -> Result<AddedMessages> {
    let mut ids: Vec<Uuid> = items.iter().map(|(m, _, _)| m.conversation_id.as_uuid()).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut targets = lock_message_targets(conn, &ids).await?;
    // Whole records (with members) of the conversations a message reopens: their status
    // change is an event carrying the conversation, and it moves counters. Only the first
    // message can reopen (the conversation is open after it), so the locked status decides.
    let mut reopening: Vec<Uuid> = Vec::new();
    for (message, _, _) in items {
        if let Some(target) = targets.get(&message.conversation_id.as_uuid()) {
            if rules::status_after_message(target.status()?, message.message_type).is_some() {
                reopening.push(target.id);
            }
        }
    }
    reopening.sort_unstable();
    reopening.dedup();
    let mut reopened_records: HashMap<Uuid, (Conversation, ConversationRecord)> = HashMap::new();
    if !reopening.is_empty() {
        for record in fetch_locked_records(conn, &reopening).await? {
            reopened_records.insert(record.conversation.id.as_uuid(), (record.conversation.clone(), record));
        }
    }
    let rows: Vec<(Uuid, &Message, &str)> = items
        .iter()
        .filter_map(|(m, _, words)| targets.get(&m.conversation_id.as_uuid()).map(|t| (t.organization_id, *m, *words)))
        .collect();
    let inserted = insert_message_rows(conn, &rows).await?;
    let mut events: Vec<(Uuid, NewEvent)> = Vec::new();
    let mut results = Vec::with_capacity(items.len());
    for (message, event, _) in items {
        let id = message.conversation_id.as_uuid();
        let Some(target) = targets.get_mut(&id) else {
            results.push(Err(Error::NotFound("conversation")));
            continue;
        };
        if !inserted.contains(&message.id.as_uuid()) {
            let row: MessageRow = sqlx::query_as(&format!("SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 AND m.external_id = $2"))
                .bind(id)
                .bind(&message.external_id)
                .fetch_one(&mut *conn)
                .await
                .map_err(internal)?;
            results.push(Ok(MessageWrite { message: row.try_into()?, created: false }));
            continue;
        }
        let org = target.organization_id;
        let reopened = target.apply(message)?;
        events.push((org, NewEvent::new(event, id, target.business_unit_id, message, message.created_at)?));
        if reopened {
            let (_, record) = reopened_records.get_mut(&id).ok_or(Error::NotFound("conversation"))?;
            target.overlay(record)?;
            let reopen = EventMeta { event_type: EventType::ConversationStatusChanged, actor: event.actor.clone() };
            events.push((org, NewEvent::about(&reopen, &record.conversation, &record.conversation, message.created_at)?));
        }
        results.push(Ok(MessageWrite { message: (*message).clone(), created: true }));
    }
    // The conversations that got messages: one `UPDATE` for all.
    let changed: Vec<&MessageTarget> = ids.iter().filter_map(|id| targets.get(id)).filter(|t| t.last_message.is_some()).collect();
    for chunk in changed.chunks(ROWS_PER_INSERT) {
        let mut qb = QueryBuilder::<Db>::new("UPDATE conversations SET activity_at = v.column2, message_count = v.column3, last_message = v.column4, status = v.column5, snoozed_until = v.column6, updated_at = v.column7, version = v.column8 FROM (");
        qb.push_values(chunk, |mut row, t| {
            row.push_bind(t.id)
                .push_bind(t.activity_at)
                .push_bind(t.message_count)
                .push_bind(Json(&t.last_message))
                .push_bind(t.status.as_str())
                .push_bind(t.snoozed_until)
                .push_bind(t.updated_at)
                .push_bind(t.version);
        });
        // The id list too, so the plan starts from the id index: on the join alone SQLite
        // walks every conversation.
        qb.push(") AS v WHERE conversations.id = v.column1 AND conversations.id IN (");
        let mut list = qb.separated(", ");
        for t in chunk {
            list.push_bind(t.id);
        }
        qb.push(")");
        qb.build().execute(&mut *conn).await.map_err(internal)?;
    }
    // Counters move only for the conversations that reopened.
    let mut orgs: Vec<Uuid> = reopened_records.values().map(|(_, r)| r.conversation.organization_id.as_uuid()).collect();
    orgs.sort_unstable();
    orgs.dedup();
    for org in orgs {
        let moves: Vec<(Option<&Conversation>, Option<&Conversation>)> = reopened_records
            .values()
            .filter(|(_, after)| after.conversation.organization_id.as_uuid() == org)
            .map(|(before, after)| (Some(before), Some(&after.conversation)))
            .collect();
        move_counters_many(conn, org, &moves).await?;
    }
    let mut organizations: Vec<Uuid> = events.iter().map(|(org, _)| *org).collect();
    organizations.sort_unstable();
    organizations.dedup();
    for &org in &organizations {
        let mine: Vec<&NewEvent> = events.iter().filter(|(o, _)| *o == org).map(|(_, e)| e).collect();
        record_events(conn, org, &mine).await?;
    }
    Ok(AddedMessages { results, organizations })
}

/// What `add_messages` did: one result per message, and the organizations whose followers to
/// wake once it commits.
struct AddedMessages {
    results: Vec<Result<MessageWrite>>,
    organizations: Vec<Uuid>,
}

/// Inserts a new conversation with its members, counters, search text and event; `None` when
/// its reuse key is taken (get-or-create lost a race and should read the winner).
async fn insert_conversation(tx: &mut Conn, new: &NewConversation, event: &EventMeta) -> Result<Option<ConversationRecord>> {
    let c = &new.conversation;
    let org = c.organization_id.as_uuid();
    // The search text goes in with the row: a second write right after would be one more
    // update through every index.
    let contact = fetch_contact(tx, org, c.contact_id).await?;
    let inserted = sqlx::query("INSERT INTO conversations (organization_id, id, public_id, business_unit_id, channel_id, channel_type, channel_ids, contact_id, type, status, name, detail, metadata, inputs, agent_id, assignment_id, owner_type, owner_id, dialog_id, self_address, peer, parent_id, snoozed_until, member_count, activity_at, created_at, updated_at, created_by_key_id, reuse_key, search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30) ON CONFLICT (organization_id, reuse_key) WHERE reuse_key IS NOT NULL AND parent_id IS NULL AND deleted_at IS NULL DO NOTHING")
        .bind(org)
        .bind(c.id.as_uuid())
        .bind(&c.public_id)
        .bind(c.business_unit_id.as_uuid())
        .bind(c.channel_id.map(|id| id.as_uuid()))
        .bind(c.channel_type.map(ChannelType::as_str))
        .bind(Json(&c.channel_ids))
        .bind(c.contact_id.map(|id| id.as_uuid()))
        .bind(c.conversation_type.as_str())
        .bind(c.status.as_str())
        .bind(&c.name)
        .bind(&c.detail)
        .bind(Json(&c.metadata))
        .bind(Json(&c.inputs))
        .bind(&c.agent_id)
        .bind(&c.assignment_id)
        .bind(&c.owner_type)
        .bind(&c.owner_id)
        .bind(&c.dialog_id)
        .bind(c.self_address.as_ref().map(Json))
        .bind(c.peer.as_ref().map(Json))
        .bind(c.parent_id.map(|id| id.as_uuid()))
        .bind(c.snoozed_until.map(Timestamp::as_millis))
        .bind(new.member_ids.len() as i64)
        .bind(c.timestamp.as_millis())
        .bind(c.created_at.as_millis())
        .bind(c.updated_at.as_millis())
        .bind(new.created_by_key_id.map(|id| id.as_uuid()))
        .bind(&new.reuse_key)
        .bind(conversation_search_text(c, contact.as_ref()))
        .execute(&mut *tx)
        .await
        .map_err(write_error("a conversation with this public id already exists"))?
        .rows_affected();
    if inserted == 0 {
        return Ok(None);
    }
    for user_id in &new.member_ids {
        sqlx::query("INSERT INTO conversation_members (organization_id, conversation_id, user_id, added_at) VALUES ($1, $2, $3, $4)")
            .bind(org)
            .bind(c.id.as_uuid())
            .bind(user_id.as_uuid())
            .bind(c.created_at.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
    }
    adjust_children(tx, org, c.parent_id, 1).await?;
    let record = fetch_conversation(tx, org, c.id.as_uuid(), false).await?;
    move_counters(tx, org, None, Some(&record.conversation)).await?;
    record_event(tx, org, event, &record.conversation, c.created_at).await?;
    Ok(Some(record))
}



// ---- webhooks ----------------------------------------------------------------------------

const WEBHOOK_COLUMNS: &str = "organization_id, id, url, event_types, active, secret, previous_secret, previous_expires_at, created_at, updated_at";

#[derive(FromRow)]
struct WebhookRow {
    organization_id: Uuid,
    id: Uuid,
    url: String,
    event_types: Json<Vec<EventType>>,
    active: bool,
    secret: String,
    previous_secret: Option<String>,
    previous_expires_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl From<WebhookRow> for WebhookRecord {
    fn from(r: WebhookRow) -> Self {
        WebhookRecord {
            webhook: convo_types::Webhook {
                object_name: "webhook".into(),
                id: r.id.into(),
                organization_id: r.organization_id.into(),
                url: r.url,
                event_types: r.event_types.0,
                active: r.active,
                created_at: Timestamp::from_millis(r.created_at),
                updated_at: Timestamp::from_millis(r.updated_at),
                secret: None,
            },
            secret: r.secret,
            previous_secret: r.previous_secret,
            previous_expires_at: r.previous_expires_at.map(Timestamp::from_millis),
        }
    }
}

#[derive(FromRow)]
struct DeliveryRow {
    id: Uuid,
    webhook_id: Uuid,
    event_id: i64,
    event_type: String,
    status: String,
    next_attempt_at: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

#[derive(FromRow)]
struct AttemptRow {
    delivery_id: Uuid,
    attempt: i64,
    at: i64,
    status_code: Option<i64>,
    error: Option<String>,
    duration_ms: i64,
    response: Option<String>,
}

async fn fetch_webhook(conn: &mut Conn, org: Uuid, id: Uuid) -> Result<WebhookRecord> {
    let row: Option<WebhookRow> = sqlx::query_as(&format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE organization_id = $1 AND id = $2"))
        .bind(org)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
    found("webhook")(row).map(Into::into)
}

// ---- shared pieces of queries ------------------------------------------------------------

/// What invitable-user search matches: the folded name and email.
fn user_search_text(user: &User) -> String {
    convo_core::text::fold(&format!("{} {}", user.name, user.email.as_deref().unwrap_or_default()))
}

/// The counter row a live conversation is tallied under.
#[derive(PartialEq)]
struct CountKey {
    unit: Uuid,
    channel: Uuid,
    status: Status,
    assigned: bool,
    top_level: bool,
}

fn count_key(c: &Conversation) -> CountKey {
    CountKey {
        unit: c.business_unit_id.as_uuid(),
        channel: c.channel_id.map_or(Uuid::nil(), |id| id.as_uuid()),
        status: c.status,
        assigned: !c.users.is_empty(),
        top_level: c.parent_id.is_none(),
    }
}

/// One change to a counter row: the conversation tally (no user) or a member's tally.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct CounterChange {
    user: Option<Uuid>,
    unit: Uuid,
    channel: Uuid,
    status: &'static str,
    assigned: bool,
    top_level: bool,
    delta: i64,
}

impl CounterChange {
    fn same_row(&self, other: &CounterChange) -> bool {
        (self.user, self.unit, self.channel, self.status, self.assigned, self.top_level)
            == (other.user, other.unit, other.channel, other.status, other.assigned, other.top_level)
    }
}

fn counter_changes(c: &Conversation, delta: i64, into: &mut Vec<CounterChange>) {
    let key = count_key(c);
    let change = |user| CounterChange {
        user,
        unit: key.unit,
        channel: key.channel,
        status: key.status.as_str(),
        assigned: key.assigned,
        top_level: key.top_level,
        delta,
    };
    into.push(change(None));
    into.extend(c.users.iter().map(|u| change(Some(u.id.as_uuid()))));
}

/// Moves a conversation's tallies from how it was to how it is, in the change's transaction.
/// Deleted conversations are not tallied.
async fn move_counters(conn: &mut Conn, org: Uuid, before: Option<&Conversation>, after: Option<&Conversation>) -> Result<()> {
    move_counters_many(conn, org, &[(before, after)]).await
}

/// Moves the tallies of several conversations of `org` at once. Rows are touched in one global
/// order, whatever the conversations, so two concurrent changes never wait on each other's
/// counter rows in opposite orders (on PostgreSQL that would be a deadlock).
async fn move_counters_many(conn: &mut Conn, org: Uuid, moves: &[(Option<&Conversation>, Option<&Conversation>)]) -> Result<()> {
    let mut changes = Vec::new();
    for &(before, after) in moves {
        let before = before.filter(|c| c.deleted_at.is_none());
        let after = after.filter(|c| c.deleted_at.is_none());
        if let (Some(b), Some(a)) = (before, after) {
            let members = |c: &Conversation| c.users.iter().map(|u| u.id).collect::<Vec<_>>();
            if count_key(b) == count_key(a) && members(b) == members(a) {
                continue;
            }
        }
        if let Some(b) = before {
            counter_changes(b, -1, &mut changes);
        }
        if let Some(a) = after {
            counter_changes(a, 1, &mut changes);
        }
    }
    changes.sort();
    // One statement per row: deltas to the same row add up (and a net zero is skipped).
    let mut merged: Vec<CounterChange> = Vec::with_capacity(changes.len());
    for change in changes {
        match merged.last_mut() {
            Some(last) if last.same_row(&change) => last.delta += change.delta,
            _ => merged.push(change),
        }
    }
    for change in merged.into_iter().filter(|c| c.delta != 0) {
        let query = match change.user {
            None => sqlx::query("INSERT INTO conversation_counters (organization_id, business_unit_id, channel_id, status, assigned, top_level, n) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organization_id, business_unit_id, channel_id, status, assigned, top_level) DO UPDATE SET n = conversation_counters.n + excluded.n")
                .bind(org)
                .bind(change.unit)
                .bind(change.channel)
                .bind(change.status)
                .bind(change.assigned),
            Some(user) => sqlx::query("INSERT INTO member_counters (organization_id, user_id, business_unit_id, channel_id, status, top_level, n) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (organization_id, user_id, business_unit_id, channel_id, status, top_level) DO UPDATE SET n = member_counters.n + excluded.n")
                .bind(org)
                .bind(user)
                .bind(change.unit)
                .bind(change.channel)
                .bind(change.status),
        };
        query.bind(change.top_level).bind(change.delta).execute(&mut *conn).await.map_err(internal)?;
    }
    Ok(())
}

/// The view filter does not apply to counts; whether the counters can answer does.
fn counters_cover(f: &ConversationFilter) -> bool {
    f.contact_id.is_none()
        && f.agent_id.is_none()
        && f.assignment_id.is_none()
        && f.owner_id.is_none()
        && f.text.is_none()
        && matches!(f.parent, ParentFilter::Any | ParentFilter::TopLevel)
}

/// Filters of the counter tables, matching `push_conversation_filters` for what they cover.
fn push_counter_filters(qb: &mut QueryBuilder<'_, Db>, f: &ConversationFilter) {
    if let Some(units) = &f.business_unit_ids {
        push_in(qb, "business_unit_id", units);
    }
    if !f.statuses.is_empty() {
        qb.push(" AND status IN (");
        let mut list = qb.separated(", ");
        for status in &f.statuses {
            list.push_bind(status.as_str());
        }
        list.push_unseparated(")");
    }
    if let Some(id) = f.channel_id {
        qb.push(" AND channel_id = ").push_bind(id.as_uuid());
    }
    if let Some(t) = f.channel_type {
        qb.push(" AND channel_id IN (SELECT id FROM channels WHERE organization_id = ")
            .push_bind(f.organization_id.as_uuid())
            .push(" AND type = ")
            .push_bind(t.as_str())
            .push(")");
    }
    if f.parent == ParentFilter::TopLevel {
        qb.push(" AND top_level = ").push_bind(true);
    }
}

fn push_directory_page(qb: &mut QueryBuilder<'_, Db>, page: &DirectoryPage) {
    if let PageStart::After(Some(after)) = page.start {
        qb.push(" AND id > ").push_bind(after);
    }
    qb.push(" ORDER BY id LIMIT ").push_bind(i64::from(page.limit) + 1);
    if let PageStart::Offset(offset) = page.start {
        qb.push(" OFFSET ").push_bind(offset as i64);
    }
}

fn push_in(qb: &mut QueryBuilder<'_, Db>, column: &str, units: &[BusinessUnitId]) {
    qb.push(format!(" AND {column} IN ("));
    let mut list = qb.separated(", ");
    for unit in units {
        list.push_bind(unit.as_uuid());
    }
    list.push_unseparated(")");
}

/// Escapes LIKE wildcards so user text matches literally.
fn like_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

fn push_conversation_filters(qb: &mut QueryBuilder<'_, Db>, f: &ConversationFilter) {
    qb.push(" WHERE c.organization_id = ").push_bind(f.organization_id.as_uuid());
    qb.push(" AND c.deleted_at IS NULL");
    if let Some(units) = &f.business_unit_ids {
        push_in(qb, "c.business_unit_id", units);
    }
    if !f.statuses.is_empty() {
        qb.push(" AND c.status IN (");
        let mut list = qb.separated(", ");
        for status in &f.statuses {
            list.push_bind(status.as_str());
        }
        list.push_unseparated(")");
    }
    match f.view {
        View::All => {}
        View::Unassigned => {
            qb.push(" AND c.member_count = 0");
        }
        View::Assigned => {
            qb.push(" AND c.member_count > 0");
        }
        View::Mine => {
            qb.push(" AND EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = c.id AND m.user_id = ")
                .push_bind(f.user_id.as_uuid())
                .push(")");
        }
    }
    if let Some(id) = f.channel_id {
        qb.push(" AND c.channel_id = ").push_bind(id.as_uuid());
    }
    if let Some(t) = f.channel_type {
        qb.push(" AND c.channel_type = ").push_bind(t.as_str());
    }
    if let Some(id) = f.contact_id {
        qb.push(" AND c.contact_id = ").push_bind(id.as_uuid());
    }
    for (column, value) in [
        ("c.agent_id", &f.agent_id),
        ("c.assignment_id", &f.assignment_id),
        ("c.owner_id", &f.owner_id),
    ] {
        if let Some(value) = value {
            qb.push(format!(" AND {column} = ")).push_bind(value.clone());
        }
    }
    match f.parent {
        ParentFilter::Any => {}
        ParentFilter::TopLevel => {
            qb.push(" AND c.parent_id IS NULL");
        }
        ParentFilter::Of(id) => {
            qb.push(" AND c.parent_id = ").push_bind(id.as_uuid());
        }
    }
    if let Some(terms) = &f.text {
        if terms.is_empty() {
            qb.push(" AND 1 = 0");
        } else {
            push_text_match(qb, tenant_query(f.organization_id.as_uuid(), terms));
        }
    }
}

/// One live conversation, read on `conn` (the writer's transaction when `lock` is set).
async fn fetch_conversation(conn: &mut Conn, org: Uuid, id: Uuid, lock: bool) -> Result<ConversationRecord> {
    // The row is locked by a statement of its own: a statement that waited for the lock
    // still reads other tables (the members) as they were when it started, on PostgreSQL.
    if lock && !LOCK_FOR_UPDATE.is_empty() {
        sqlx::query(&format!("SELECT 1 FROM conversations c WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL{LOCK_FOR_UPDATE}"))
            .bind(org)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
    }
    let row: Option<ConversationRow> = sqlx::query_as(&format!("SELECT {CONVERSATION_COLUMNS}, {CONVERSATION_MEMBERS} FROM conversations c WHERE c.organization_id = $1 AND c.id = $2 AND c.deleted_at IS NULL"))
        .bind(org)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
        .map_err(internal)?;
    found("conversation")(row)?.into_record()
}

/// The organization's live conversations among `ids` (missing ones are left out).
async fn fetch_conversations(conn: &mut Conn, org: Uuid, ids: &[Uuid]) -> Result<Vec<ConversationRecord>> {
    fetch_live_records(conn, Some(org), ids).await
}

/// Live conversations among `ids`, in `org` when given (missing ones are left out).
async fn fetch_live_records(conn: &mut Conn, org: Option<Uuid>, ids: &[Uuid]) -> Result<Vec<ConversationRecord>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut qb = QueryBuilder::<Db>::new(format!("SELECT {CONVERSATION_COLUMNS}, {CONVERSATION_MEMBERS} FROM conversations c WHERE c.deleted_at IS NULL"));
    if let Some(org) = org {
        qb.push(" AND c.organization_id = ").push_bind(org);
    }
    qb.push(" AND c.id IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    qb.push(")");
    let rows: Vec<ConversationRow> = qb.build_query_as().fetch_all(&mut *conn).await.map_err(internal)?;
    rows.into_iter().map(ConversationRow::into_record).collect()
}

/// Appends an event about the conversation itself.
async fn record_event(conn: &mut Conn, org: Uuid, meta: &EventMeta, conversation: &Conversation, at: Timestamp) -> Result<i64> {
    record_event_about(conn, org, meta, conversation, conversation, at).await
}

/// Appends an event about `conversation` whose `data` is `object` (a message, a video call).
async fn record_event_about(conn: &mut Conn, org: Uuid, meta: &EventMeta, conversation: &Conversation, object: &impl serde::Serialize, at: Timestamp) -> Result<i64> {
    record_events(conn, org, &[&NewEvent::about(meta, conversation, object, at)?]).await
}

/// An event before its id is handed out.
struct NewEvent {
    event_type: EventType,
    actor: Participant,
    conversation_id: Uuid,
    business_unit_id: Uuid,
    data: serde_json::Value,
    at: Timestamp,
}

impl NewEvent {
    fn about(meta: &EventMeta, conversation: &Conversation, object: &impl serde::Serialize, at: Timestamp) -> Result<Self> {
        Self::new(meta, conversation.id.as_uuid(), conversation.business_unit_id.as_uuid(), object, at)
    }

    fn new(meta: &EventMeta, conversation_id: Uuid, business_unit_id: Uuid, object: &impl serde::Serialize, at: Timestamp) -> Result<Self> {
        Ok(NewEvent {
            event_type: meta.event_type,
            actor: meta.actor.clone(),
            conversation_id,
            business_unit_id,
            data: serde_json::to_value(object).map_err(Error::internal)?,
            at,
        })
    }
}

/// Appends `org`'s events in order; answers the last id. The organization's counter row
/// serialises event writers, so ids are handed out in commit order and a reader following
/// `after=` never skips one.
async fn record_events(conn: &mut Conn, org: Uuid, events: &[&NewEvent]) -> Result<i64> {
    let (last,): (i64,) = sqlx::query_as("UPDATE organizations SET event_seq = event_seq + $1 WHERE id = $2 RETURNING event_seq")
        .bind(events.len() as i64)
        .bind(org)
        .fetch_one(&mut *conn)
        .await
        .map_err(internal)?;
    if let Some(notify) = NOTIFY_EVENT {
        sqlx::query(notify).bind(org.to_string()).execute(&mut *conn).await.map_err(internal)?;
    }
    let first = last - events.len() as i64 + 1;
    for (chunk_index, chunk) in events.chunks(ROWS_PER_INSERT).enumerate() {
        let offset = first + (chunk_index * ROWS_PER_INSERT) as i64;
        let mut qb = QueryBuilder::<Db>::new("INSERT INTO events (organization_id, id, type, actor_type, actor_id, conversation_id, business_unit_id, data, created_at) ");
        qb.push_values(chunk.iter().enumerate(), |mut row, (i, e)| {
            row.push_bind(org)
                .push_bind(offset + i as i64)
                .push_bind(e.event_type.as_str())
                .push_bind(&e.actor.participant_type)
                .push_bind(&e.actor.id)
                .push_bind(e.conversation_id)
                .push_bind(e.business_unit_id)
                .push_bind(Json(&e.data))
                .push_bind(e.at.as_millis());
        });
        qb.build().execute(&mut *conn).await.map_err(internal)?;
    }
    Ok(last)
}

/// `(conversation, score, rows in the window)` of the query's page: the best conversations
/// among the newest `window` matches of `fts_query`, in the organization and units asked.
async fn ranked_conversations(conn: &mut Conn, query: &SearchQuery, fts_query: String, window: i64) -> Result<Vec<(Uuid, f64, i64)>> {
    let mut qb = QueryBuilder::<Db>::new("WITH hits AS (");
    push_ranked_hits(&mut qb, fts_query, window);
    // The tenant check is a correlated EXISTS, not a join, so the plan starts from the few
    // hits: joined, SQLite 3.46 prefers walking the organization's every conversation.
    qb.push(") SELECT h.conversation_id, MAX(h.score) AS score, (SELECT COUNT(*) FROM hits) AS window_rows FROM hits h WHERE EXISTS (SELECT 1 FROM conversations c WHERE c.id = h.conversation_id AND c.organization_id = ");
    qb.push_bind(query.organization_id.as_uuid());
    qb.push(" AND c.deleted_at IS NULL");
    if let Some(units) = &query.business_unit_ids {
        push_in(&mut qb, "c.business_unit_id", units);
    }
    qb.push(") GROUP BY h.conversation_id ORDER BY score DESC, h.conversation_id LIMIT ")
        .push_bind(i64::from(query.limit))
        .push(" OFFSET ")
        .push_bind(query.offset as i64);
    qb.build_query_as().persistent(!PLAN_SEARCH_PER_QUERY).fetch_all(&mut *conn).await.map_err(internal)
}

async fn adjust_children(conn: &mut Conn, org: Uuid, parent: Option<ConversationId>, delta: i64) -> Result<()> {
    if let Some(parent) = parent {
        sqlx::query("UPDATE conversations SET children_count = children_count + $1 WHERE organization_id = $2 AND id = $3")
            .bind(delta)
            .bind(org)
            .bind(parent.as_uuid())
            .execute(&mut *conn)
            .await
            .map_err(internal)?;
    }
    Ok(())
}

impl SqlStore {
    pub fn from_pools(reader: sqlx::Pool<Db>, writer: sqlx::Pool<Db>) -> Self {
        let (wakeups, _) = tokio::sync::broadcast::channel(1024);
        let (group_commit_queue, queue) = tokio::sync::mpsc::channel(4 * GROUP_COMMIT_MAX);
        tokio::spawn(group_commit(writer.clone(), wakeups.clone(), queue));
        Self { reader, writer, wakeups, group_commit: group_commit_queue }
    }

    /// Wakes whoever follows `org`'s events (a lagging follower misses nothing: it re-reads).
    pub fn wake(&self, org: OrganizationId) {
        let _ = self.wakeups.send(org);
    }

    /// Commits a transaction that recorded events, then wakes their followers.
    async fn commit_and_wake(&self, tx: sqlx::Transaction<'_, Db>, org: Uuid) -> Result<()> {
        tx.commit().await.map_err(internal)?;
        self.wake(org.into());
        Ok(())
    }

    /// The pool that takes changes (migrations run on it).
    pub fn writer_pool(&self) -> sqlx::Pool<Db> {
        self.writer.clone()
    }

    async fn total(&self, mut qb: QueryBuilder<'_, Db>, asked: bool) -> Result<Option<u64>> {
        if !asked {
            return Ok(None);
        }
        let (n,): (i64,) = qb.build_query_as().fetch_one(&self.reader).await.map_err(internal)?;
        Ok(Some(n as u64))
    }

    async fn list_directory<R, T>(&self, table: &str, columns: &str, org: OrganizationId, filters: impl Fn(&mut QueryBuilder<'_, Db>), page: &DirectoryPage, convert: impl Fn(R) -> Result<T>) -> Result<Rows<T>>
    where
        R: for<'r> FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    {
        let mut qb = QueryBuilder::<Db>::new(format!("SELECT {columns} FROM {table} WHERE organization_id = "));
        qb.push_bind(org.as_uuid());
        filters(&mut qb);
        push_directory_page(&mut qb, page);
        let rows: Vec<R> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
        let mut count = QueryBuilder::<Db>::new(format!("SELECT COUNT(*) FROM {table} WHERE organization_id = "));
        count.push_bind(org.as_uuid());
        filters(&mut count);
        Ok(Rows {
            items: rows.into_iter().map(convert).collect::<Result<_>>()?,
            total: self.total(count, page.include_total).await?,
        })
    }

    async fn delete_row(&self, table: &str, what: &'static str, org: OrganizationId, id: Uuid) -> Result<()> {
        let result = sqlx::query(&format!("DELETE FROM {table} WHERE organization_id = $1 AND id = $2"))
            .bind(org.as_uuid())
            .bind(id)
            .execute(&self.writer)
            .await
            .map_err(write_error("conflict"))?;
        affected(what, result.rows_affected())
    }

    async fn insert_user_on(conn: &mut Conn, user: &User) -> Result<()> {
        sqlx::query(&format!("INSERT INTO users ({USER_COLUMNS}, search_text) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"))
            .bind(user.organization_id.as_uuid())
            .bind(user.id.as_uuid())
            .bind(&user.name)
            .bind(&user.email)
            .bind(user.kind.as_str())
            .bind(user.role.as_str())
            .bind(&user.avatar_url)
            .bind(Json(&user.business_unit_ids))
            .bind(user.active)
            .bind(user.created_at.as_millis())
            .bind(user.updated_at.as_millis())
            .bind(user_search_text(user))
            .execute(&mut *conn)
            .await
            .map_err(write_error("a user with this id already exists"))?;
        Ok(())
    }

    async fn insert_business_unit_on(conn: &mut Conn, unit: &BusinessUnit) -> Result<()> {
        sqlx::query("INSERT INTO business_units (organization_id, id, name, metadata, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(unit.organization_id.as_uuid())
            .bind(unit.id.as_uuid())
            .bind(&unit.name)
            .bind(Json(&unit.metadata))
            .bind(unit.created_at.as_millis())
            .bind(unit.updated_at.as_millis())
            .execute(&mut *conn)
            .await
            .map_err(write_error("a business unit with this id already exists"))?;
        Ok(())
    }

    async fn insert_api_key_on(conn: &mut Conn, key: &ApiKey, hash: &str) -> Result<()> {
        sqlx::query(&format!("INSERT INTO api_keys ({API_KEY_COLUMNS}, secret_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
            .bind(key.organization_id.as_uuid())
            .bind(key.id.as_uuid())
            .bind(&key.name)
            .bind(&key.prefix)
            .bind(Json(&key.scopes))
            .bind(key.user_id.as_uuid())
            .bind(Json(&key.business_unit_ids))
            .bind(key.last_used_at.map(Timestamp::as_millis))
            .bind(key.created_at.as_millis())
            .bind(key.updated_at.as_millis())
            .bind(hash)
            .execute(&mut *conn)
            .await
            .map_err(write_error("this API key secret is already in use"))?;
        Ok(())
    }
}

#[async_trait]
impl convo_core::Store for SqlStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.reader).await.map_err(internal)?;
        Ok(())
    }

    // ---- organizations and keys ----------------------------------------------------------

    async fn has_organizations(&self) -> Result<bool> {
        let row: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM organizations LIMIT 1")
            .fetch_optional(&self.writer)
            .await
            .map_err(internal)?;
        Ok(row.is_some())
    }

    async fn create_organization(&self, new: &NewOrganization) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let org = &new.organization;
        sqlx::query("INSERT INTO organizations (id, name, created_at, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(org.id.as_uuid())
            .bind(&org.name)
            .bind(org.created_at.as_millis())
            .bind(org.updated_at.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        Self::insert_business_unit_on(&mut tx, &new.business_unit).await?;
        Self::insert_user_on(&mut tx, &new.admin_user).await?;
        Self::insert_api_key_on(&mut tx, &new.admin_key, &new.admin_key_hash).await?;
        tx.commit().await.map_err(internal)
    }

    async fn list_organizations(&self, page: &DirectoryPage) -> Result<Rows<Organization>> {
        let mut qb = QueryBuilder::<Db>::new("SELECT id, name, created_at, updated_at FROM organizations WHERE 1 = 1");
        push_directory_page(&mut qb, page);
        let rows: Vec<OrganizationRow> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
        let count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM organizations");
        Ok(Rows {
            items: rows.into_iter().map(Into::into).collect(),
            total: self.total(count, page.include_total).await?,
        })
    }

    async fn find_api_key_by_hash(&self, hash: &str) -> Result<Option<ApiKey>> {
        let row: Option<ApiKeyRow> = sqlx::query_as(&format!("SELECT {API_KEY_COLUMNS} FROM api_keys WHERE secret_hash = $1"))
            .bind(hash)
            .fetch_optional(&self.reader)
            .await
            .map_err(internal)?;
        Ok(row.map(Into::into))
    }

    async fn touch_api_key(&self, org: OrganizationId, id: ApiKeyId, at: Timestamp) -> Result<()> {
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE organization_id = $2 AND id = $3")
            .bind(at.as_millis())
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        Ok(())
    }

    // ---- business units ------------------------------------------------------------------

    async fn insert_business_unit(&self, unit: &BusinessUnit) -> Result<()> {
        let mut conn = self.writer.acquire().await.map_err(internal)?;
        Self::insert_business_unit_on(&mut conn, unit).await
    }

    async fn get_business_unit(&self, org: OrganizationId, id: BusinessUnitId) -> Result<BusinessUnit> {
        let row: Option<BusinessUnitRow> = sqlx::query_as("SELECT organization_id, id, name, metadata, created_at, updated_at FROM business_units WHERE organization_id = $1 AND id = $2")
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await
            .map_err(internal)?;
        found("business unit")(row).map(Into::into)
    }

    async fn default_business_unit(&self, org: OrganizationId) -> Result<BusinessUnit> {
        let row: Option<BusinessUnitRow> = sqlx::query_as("SELECT organization_id, id, name, metadata, created_at, updated_at FROM business_units WHERE organization_id = $1 ORDER BY id LIMIT 1")
            .bind(org.as_uuid())
            .fetch_optional(&self.reader)
            .await
            .map_err(internal)?;
        found("business unit")(row).map(Into::into)
    }

    async fn list_business_units(&self, org: OrganizationId, only: Option<&[BusinessUnitId]>, page: &DirectoryPage) -> Result<Rows<BusinessUnit>> {
        if only.is_some_and(<[_]>::is_empty) {
            return Ok(Rows { items: vec![], total: page.include_total.then_some(0) });
        }
        self.list_directory(
            "business_units",
            "organization_id, id, name, metadata, created_at, updated_at",
            org,
            |qb| {
                if let Some(ids) = only {
                    push_in(qb, "id", ids);
                }
            },
            page,
            |r: BusinessUnitRow| Ok(r.into()),
        )
        .await
    }

    async fn update_business_unit(&self, unit: &BusinessUnit) -> Result<()> {
        let result = sqlx::query("UPDATE business_units SET name = $1, metadata = $2, updated_at = $3 WHERE organization_id = $4 AND id = $5")
            .bind(&unit.name)
            .bind(Json(&unit.metadata))
            .bind(unit.updated_at.as_millis())
            .bind(unit.organization_id.as_uuid())
            .bind(unit.id.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        affected("business unit", result.rows_affected())
    }

    async fn delete_business_unit(&self, org: OrganizationId, id: BusinessUnitId) -> Result<()> {
        self.delete_row("business_units", "business unit", org, id.as_uuid()).await
    }

    // ---- users ---------------------------------------------------------------------------

    async fn insert_user(&self, user: &User) -> Result<()> {
        let mut conn = self.writer.acquire().await.map_err(internal)?;
        Self::insert_user_on(&mut conn, user).await
    }

    async fn get_user(&self, org: OrganizationId, id: UserId) -> Result<User> {
        let row: Option<UserRow> = sqlx::query_as(&format!("SELECT {USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2"))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await
            .map_err(internal)?;
        found("user")(row)?.try_into()
    }

    async fn list_users(&self, org: OrganizationId, page: &DirectoryPage) -> Result<Rows<User>> {
        self.list_directory("users", USER_COLUMNS, org, |_| {}, page, |r: UserRow| User::try_from(r)).await
    }

    async fn update_user(&self, user: &User) -> Result<()> {
        let result = sqlx::query("UPDATE users SET name = $1, email = $2, kind = $3, role = $4, avatar_url = $5, business_unit_ids = $6, active = $7, updated_at = $8, search_text = $9 WHERE organization_id = $10 AND id = $11")
            .bind(&user.name)
            .bind(&user.email)
            .bind(user.kind.as_str())
            .bind(user.role.as_str())
            .bind(&user.avatar_url)
            .bind(Json(&user.business_unit_ids))
            .bind(user.active)
            .bind(user.updated_at.as_millis())
            .bind(user_search_text(user))
            .bind(user.organization_id.as_uuid())
            .bind(user.id.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        affected("user", result.rows_affected())
    }

    /// Takes the user out of every conversation (keeping `member_count` and the counters
    /// exact), then deletes it; a user that API keys still act as stays (`409`).
    async fn delete_user(&self, org: OrganizationId, id: UserId, event: &EventMeta) -> Result<()> {
        let org = org.as_uuid();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        // In id order, as message groups lock conversations, so the two never wait on each
        // other in opposite orders.
        let memberships: Vec<(Uuid,)> = sqlx::query_as("SELECT conversation_id FROM conversation_members WHERE organization_id = $1 AND user_id = $2 ORDER BY conversation_id")
            .bind(org)
            .bind(id.as_uuid())
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
        let now = Timestamp::now();
        let mut moved: Vec<(Conversation, Conversation)> = Vec::new();
        for (conversation,) in memberships {
            let before = fetch_conversation(&mut tx, org, conversation, true).await.ok();
            sqlx::query("DELETE FROM conversation_members WHERE organization_id = $1 AND conversation_id = $2 AND user_id = $3")
                .bind(org)
                .bind(conversation)
                .bind(id.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            sqlx::query("UPDATE conversations SET member_count = member_count - 1, updated_at = $1, version = version + 1 WHERE organization_id = $2 AND id = $3")
                .bind(now.as_millis())
                .bind(org)
                .bind(conversation)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            if let Some(before) = before {
                let after = fetch_conversation(&mut tx, org, conversation, false).await?;
                record_event(&mut tx, org, event, &after.conversation, now).await?;
                moved.push((before.conversation, after.conversation));
            }
        }
        // The counters in one sorted pass, like a message group's.
        let moves: Vec<_> = moved.iter().map(|(before, after)| (Some(before), Some(after))).collect();
        move_counters_many(&mut tx, org, &moves).await?;
        let result = sqlx::query("DELETE FROM users WHERE organization_id = $1 AND id = $2")
            .bind(org)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(write_error("conflict"))?;
        affected("user", result.rows_affected())?;
        self.commit_and_wake(tx, org).await
    }

    // ---- API keys ------------------------------------------------------------------------

    async fn insert_api_key(&self, key: &ApiKey, hash: &str) -> Result<()> {
        let mut conn = self.writer.acquire().await.map_err(internal)?;
        Self::insert_api_key_on(&mut conn, key, hash).await
    }

    async fn get_api_key(&self, org: OrganizationId, id: ApiKeyId) -> Result<ApiKey> {
        let row: Option<ApiKeyRow> = sqlx::query_as(&format!("SELECT {API_KEY_COLUMNS} FROM api_keys WHERE organization_id = $1 AND id = $2"))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await
            .map_err(internal)?;
        found("API key")(row).map(Into::into)
    }

    async fn list_api_keys(&self, org: OrganizationId, page: &DirectoryPage) -> Result<Rows<ApiKey>> {
        self.list_directory("api_keys", API_KEY_COLUMNS, org, |_| {}, page, |r: ApiKeyRow| Ok(r.into())).await
    }

    async fn update_api_key(&self, key: &ApiKey) -> Result<()> {
        let result = sqlx::query("UPDATE api_keys SET name = $1, updated_at = $2 WHERE organization_id = $3 AND id = $4")
            .bind(&key.name)
            .bind(key.updated_at.as_millis())
            .bind(key.organization_id.as_uuid())
            .bind(key.id.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        affected("API key", result.rows_affected())
    }

    async fn delete_api_key(&self, org: OrganizationId, id: ApiKeyId) -> Result<()> {
        self.delete_row("api_keys", "API key", org, id.as_uuid()).await
    }

    // ---- channels ------------------------------------------------------------------------

    async fn insert_channel(&self, channel: &Channel) -> Result<()> {
        sqlx::query(&format!("INSERT INTO channels ({CHANNEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))
            .bind(channel.organization_id.as_uuid())
            .bind(channel.id.as_uuid())
            .bind(channel.business_unit_id.as_uuid())
            .bind(channel.channel_type.as_str())
            .bind(&channel.identifier)
            .bind(&channel.name)
            .bind(Json(&channel.metadata))
            .bind(channel.created_at.as_millis())
            .bind(channel.updated_at.as_millis())
            .execute(&self.writer)
            .await
            .map_err(write_error("a channel of this type with this identifier already exists"))?;
        Ok(())
    }

    async fn get_channel(&self, org: OrganizationId, id: ChannelId) -> Result<Channel> {
        let row: Option<ChannelRow> = sqlx::query_as(&format!("SELECT {CHANNEL_COLUMNS} FROM channels WHERE organization_id = $1 AND id = $2"))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await
            .map_err(internal)?;
        found("channel")(row)?.try_into()
    }

    async fn list_channels(&self, org: OrganizationId, filter: &ChannelFilter, page: &DirectoryPage) -> Result<Rows<Channel>> {
        if filter.business_unit_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Rows { items: vec![], total: page.include_total.then_some(0) });
        }
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            if let Some(units) = &filter.business_unit_ids {
                push_in(qb, "business_unit_id", units);
            }
            if let Some(t) = filter.channel_type {
                qb.push(" AND type = ").push_bind(t.as_str());
            }
            if let Some(identifier) = &filter.identifier {
                qb.push(" AND identifier = ").push_bind(identifier.clone());
            }
        };
        self.list_directory("channels", CHANNEL_COLUMNS, org, filters, page, |r: ChannelRow| Channel::try_from(r)).await
    }

    async fn update_channel(&self, channel: &Channel) -> Result<()> {
        let result = sqlx::query("UPDATE channels SET business_unit_id = $1, name = $2, metadata = $3, updated_at = $4 WHERE organization_id = $5 AND id = $6")
            .bind(channel.business_unit_id.as_uuid())
            .bind(&channel.name)
            .bind(Json(&channel.metadata))
            .bind(channel.updated_at.as_millis())
            .bind(channel.organization_id.as_uuid())
            .bind(channel.id.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(write_error("conflict"))?;
        affected("channel", result.rows_affected())
    }

    async fn delete_channel(&self, org: OrganizationId, id: ChannelId) -> Result<()> {
        self.delete_row("channels", "channel", org, id.as_uuid()).await
    }

    // ---- contacts ------------------------------------------------------------------------

    async fn insert_contact(&self, contact: &Contact) -> Result<()> {
        sqlx::query(&format!("INSERT INTO contacts ({CONTACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"))
            .bind(contact.organization_id.as_uuid())
            .bind(contact.id.as_uuid())
            .bind(&contact.external_id)
            .bind(&contact.name)
            .bind(&contact.email)
            .bind(&contact.phone)
            .bind(&contact.image)
            .bind(Json(&contact.metadata))
            .bind(Json(&contact.addresses))
            .bind(contact.created_at.as_millis())
            .bind(contact.updated_at.as_millis())
            .execute(&self.writer)
            .await
            .map_err(write_error("a contact with this external_id already exists"))?;
        Ok(())
    }

    async fn find_or_create_contact(&self, contact: &Contact) -> Result<(Contact, bool)> {
        let inserted = sqlx::query(&format!("INSERT INTO contacts ({CONTACT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (organization_id, external_id) DO NOTHING"))
            .bind(contact.organization_id.as_uuid())
            .bind(contact.id.as_uuid())
            .bind(&contact.external_id)
            .bind(&contact.name)
            .bind(&contact.email)
            .bind(&contact.phone)
            .bind(&contact.image)
            .bind(Json(&contact.metadata))
            .bind(Json(&contact.addresses))
            .bind(contact.created_at.as_millis())
            .bind(contact.updated_at.as_millis())
            .execute(&self.writer)
            .await
            .map_err(internal)?
            .rows_affected();
        if inserted == 1 {
            return Ok((contact.clone(), true));
        }
        let row: ContactRow = sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = $1 AND external_id = $2"))
            .bind(contact.organization_id.as_uuid())
            .bind(&contact.external_id)
            .fetch_one(&self.writer)
            .await
            .map_err(internal)?;
        Ok((row.into(), false))
    }

    async fn get_contact(&self, org: OrganizationId, id: ContactId) -> Result<Contact> {
        let row: Option<ContactRow> = sqlx::query_as(&format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = $1 AND id = $2"))
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .fetch_optional(&self.reader)
            .await
            .map_err(internal)?;
        found("contact")(row).map(Into::into)
    }

    async fn list_contacts(&self, org: OrganizationId, filter: &ContactFilter, page: &DirectoryPage) -> Result<Rows<Contact>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            if let Some(external_id) = &filter.external_id {
                qb.push(" AND external_id = ").push_bind(external_id.clone());
            }
        };
        self.list_directory("contacts", CONTACT_COLUMNS, org, filters, page, |r: ContactRow| Ok(r.into())).await
    }

    /// Also re-indexes the contact's conversations, which are found by its fields.
    async fn update_contact(&self, contact: &Contact) -> Result<()> {
        let org = contact.organization_id.as_uuid();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let result = sqlx::query("UPDATE contacts SET external_id = $1, name = $2, email = $3, phone = $4, image = $5, metadata = $6, addresses = $7, updated_at = $8 WHERE organization_id = $9 AND id = $10")
            .bind(&contact.external_id)
            .bind(&contact.name)
            .bind(&contact.email)
            .bind(&contact.phone)
            .bind(&contact.image)
            .bind(Json(&contact.metadata))
            .bind(Json(&contact.addresses))
            .bind(contact.updated_at.as_millis())
            .bind(contact.organization_id.as_uuid())
            .bind(contact.id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(write_error("a contact with this external_id already exists"))?;
        affected("contact", result.rows_affected())?;
        // The contact's conversations in one read (their search text includes the contact).
        let rows: Vec<ConversationRow> = sqlx::query_as(&format!("SELECT {CONVERSATION_COLUMNS}, {CONVERSATION_MEMBERS} FROM conversations c WHERE c.organization_id = $1 AND c.contact_id = $2"))
            .bind(org)
            .bind(contact.id.as_uuid())
            .fetch_all(&mut *tx)
            .await
            .map_err(internal)?;
        for row in rows {
            let id = row.id;
            let conversation = row.into_record()?.conversation;
            let text = conversation_search_text(&conversation, Some(contact));
            sqlx::query("UPDATE conversations SET search_text = $1 WHERE id = $2 AND search_text <> $1")
                .bind(text)
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        tx.commit().await.map_err(internal)
    }

    async fn delete_contact(&self, org: OrganizationId, id: ContactId) -> Result<()> {
        self.delete_row("contacts", "contact", org, id.as_uuid()).await
    }

    // ---- conversations -------------------------------------------------------------------

    async fn create_conversation(&self, new: &NewConversation, event: &EventMeta) -> Result<ConversationRecord> {
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let record = insert_conversation(&mut tx, new, event).await?.ok_or_else(|| Error::conflict("a conversation with this reuse key already exists"))?;
        self.commit_and_wake(tx, new.conversation.organization_id.as_uuid()).await?;
        Ok(record)
    }

    async fn get_or_create_conversation(&self, new: &NewConversation, event: &EventMeta) -> Result<(ConversationRecord, bool)> {
        let c = &new.conversation;
        let org = c.organization_id.as_uuid();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let existing: Option<(Uuid,)> = match c.contact_id {
            Some(contact) => sqlx::query_as("SELECT id FROM conversations WHERE organization_id = $1 AND contact_id = $2 AND parent_id IS NULL AND deleted_at IS NULL ORDER BY activity_at DESC, id DESC LIMIT 1")
                .bind(org)
                .bind(contact.as_uuid())
                .fetch_optional(&mut *tx)
                .await
                .map_err(internal)?,
            None => None,
        };
        let found = match existing {
            Some((id,)) => Some(id),
            None => match insert_conversation(&mut tx, new, event).await? {
                Some(record) => {
                    self.commit_and_wake(tx, org).await?;
                    return Ok((record, true));
                }
                None => {
                    let (id,): (Uuid,) = sqlx::query_as("SELECT id FROM conversations WHERE organization_id = $1 AND reuse_key = $2 AND parent_id IS NULL AND deleted_at IS NULL")
                        .bind(org)
                        .bind(&new.reuse_key)
                        .fetch_one(&mut *tx)
                        .await
                        .map_err(internal)?;
                    Some(id)
                }
            },
        };
        let record = fetch_conversation(&mut tx, org, found.ok_or(Error::NotFound("conversation"))?, false).await?;
        tx.commit().await.map_err(internal)?;
        Ok((record, false))
    }

    async fn get_conversation(&self, org: OrganizationId, id: ConversationId) -> Result<ConversationRecord> {
        let mut conn = self.reader.acquire().await.map_err(internal)?;
        fetch_conversation(&mut conn, org.as_uuid(), id.as_uuid(), false).await
    }

    async fn get_conversation_refs(&self, org: OrganizationId, ids: &[ConversationId]) -> Result<Vec<ConversationRef>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut qb = QueryBuilder::<Db>::new("SELECT id, business_unit_id, contact_id FROM conversations WHERE deleted_at IS NULL AND organization_id = ");
        qb.push_bind(org.as_uuid()).push(" AND id IN (");
        let mut list = qb.separated(", ");
        for id in ids {
            list.push_bind(id.as_uuid());
        }
        qb.push(")");
        let rows: Vec<(Uuid, Uuid, Option<Uuid>)> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
        Ok(rows
            .into_iter()
            .map(|(id, unit, contact)| ConversationRef { id: id.into(), business_unit_id: unit.into(), contact_id: contact.map(Into::into) })
            .collect())
    }

    async fn get_conversation_by_public_id(&self, org: OrganizationId, public_id: &str) -> Result<ConversationRecord> {
        let mut conn = self.reader.acquire().await.map_err(internal)?;
        let row: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM conversations WHERE organization_id = $1 AND public_id = $2 AND deleted_at IS NULL")
            .bind(org.as_uuid())
            .bind(public_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
        let (id,) = found("conversation")(row)?;
        fetch_conversation(&mut conn, org.as_uuid(), id, false).await
    }

    async fn list_conversations(&self, filter: &ConversationFilter, page: &PageRequest<TimeKey>) -> Result<Rows<Conversation>> {
        if filter.business_unit_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(Rows { items: vec![], total: page.include_total.then_some(0) });
        }
        let (comparison, direction) = match filter.order {
            SortOrder::Recent => ("<", "DESC"),
            SortOrder::Oldest => (">", "ASC"),
        };
        // The page is chosen first and its members read after, for its rows only: in the
        // same select, a plan that sorts would read them for every matching conversation.
        let mut qb = QueryBuilder::<Db>::new(format!("SELECT c.*, {CONVERSATION_MEMBERS} FROM (SELECT {CONVERSATION_COLUMNS} FROM conversations c"));
        push_conversation_filters(&mut qb, filter);
        if let PageStart::After(Some(key)) = page.start {
            qb.push(format!(" AND (c.activity_at, c.id) {comparison} ("))
                .push_bind(key.at.as_millis())
                .push(", ")
                .push_bind(key.id)
                .push(")");
        }
        qb.push(format!(" ORDER BY c.activity_at {direction}, c.id {direction} LIMIT "))
            .push_bind(i64::from(page.limit) + 1);
        if let PageStart::Offset(offset) = page.start {
            qb.push(" OFFSET ").push_bind(offset as i64);
        }
        qb.push(format!(") c ORDER BY c.activity_at {direction}, c.id {direction}"));
        let rows: Vec<ConversationRow> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
        let records = rows.into_iter().map(ConversationRow::into_record).collect::<Result<Vec<_>>>()?;
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM conversations c");
        push_conversation_filters(&mut count, filter);
        Ok(Rows {
            items: records.into_iter().map(|r| r.conversation).collect(),
            total: self.total(count, page.include_total).await?,
        })
    }

    async fn update_conversation(&self, org: OrganizationId, id: ConversationId, expected_version: Option<i64>, change: ConversationChange<'_>, event: &EventMeta) -> Result<ConversationRecord> {
        let org = org.as_uuid();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let record = fetch_conversation(&mut tx, org, id.as_uuid(), true).await?;
        if expected_version.is_some_and(|v| v != record.version) {
            return Err(Error::PreconditionFailed);
        }
        let mut c = record.conversation.clone();
        if change(&mut c)? == Change::Unchanged {
            return Ok(record);
        }
        let now = Timestamp::now();
        sqlx::query("UPDATE conversations SET status = $1, name = $2, detail = $3, metadata = $4, inputs = $5, agent_id = $6, assignment_id = $7, owner_type = $8, owner_id = $9, dialog_id = $10, self_address = $11, peer = $12, parent_id = $13, snoozed_until = $14, updated_at = $15, version = version + 1 WHERE organization_id = $16 AND id = $17")
            .bind(c.status.as_str())
            .bind(&c.name)
            .bind(&c.detail)
            .bind(Json(&c.metadata))
            .bind(Json(&c.inputs))
            .bind(&c.agent_id)
            .bind(&c.assignment_id)
            .bind(&c.owner_type)
            .bind(&c.owner_id)
            .bind(&c.dialog_id)
            .bind(c.self_address.as_ref().map(Json))
            .bind(c.peer.as_ref().map(Json))
            .bind(c.parent_id.map(|p| p.as_uuid()))
            .bind(c.snoozed_until.map(Timestamp::as_millis))
            .bind(now.as_millis())
            .bind(org)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        if c.parent_id != record.conversation.parent_id {
            // Parents are locked in id order, so two moves never wait on each other.
            let mut moves = [(record.conversation.parent_id, -1), (c.parent_id, 1)];
            moves.sort();
            for (parent, delta) in moves {
                adjust_children(&mut tx, org, parent, delta).await?;
            }
        }
        let updated = fetch_conversation(&mut tx, org, id.as_uuid(), false).await?;
        reindex_conversation(&mut tx, org, &updated.conversation).await?;
        move_counters(&mut tx, org, Some(&record.conversation), Some(&updated.conversation)).await?;
        record_event(&mut tx, org, event, &updated.conversation, now).await?;
        self.commit_and_wake(tx, org).await?;
        Ok(updated)
    }

    async fn set_membership(&self, org: OrganizationId, id: ConversationId, user: UserId, present: bool, event: &EventMeta) -> Result<ConversationRecord> {
        let org = org.as_uuid();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let record = fetch_conversation(&mut tx, org, id.as_uuid(), true).await?;
        let now = Timestamp::now();
        let changed = if present {
            sqlx::query("INSERT INTO conversation_members (organization_id, conversation_id, user_id, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT (conversation_id, user_id) DO NOTHING")
                .bind(org)
                .bind(id.as_uuid())
                .bind(user.as_uuid())
                .bind(now.as_millis())
                .execute(&mut *tx)
                .await
                .map_err(internal)?
        } else {
            sqlx::query("DELETE FROM conversation_members WHERE organization_id = $1 AND conversation_id = $2 AND user_id = $3")
                .bind(org)
                .bind(id.as_uuid())
                .bind(user.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(internal)?
        }
        .rows_affected();
        if changed == 0 {
            return Ok(record);
        }
        sqlx::query("UPDATE conversations SET member_count = member_count + $1, updated_at = $2, version = version + 1 WHERE organization_id = $3 AND id = $4")
            .bind(if present { 1i64 } else { -1 })
            .bind(now.as_millis())
            .bind(org)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        let updated = fetch_conversation(&mut tx, org, id.as_uuid(), false).await?;
        move_counters(&mut tx, org, Some(&record.conversation), Some(&updated.conversation)).await?;
        record_event(&mut tx, org, event, &updated.conversation, now).await?;
        self.commit_and_wake(tx, org).await?;
        Ok(updated)
    }

    async fn list_invitable_users(&self, org: OrganizationId, id: ConversationId, unit: BusinessUnitId, text: Option<&str>, page: &DirectoryPage) -> Result<Rows<User>> {
        let filters = |qb: &mut QueryBuilder<'_, Db>| {
            qb.push(" AND active = ").push_bind(true);
            qb.push(" AND id NOT IN (SELECT user_id FROM conversation_members WHERE conversation_id = ")
                .push_bind(id.as_uuid())
                .push(")");
            push_unit_access(qb, unit.as_uuid());
            if let Some(text) = text {
                qb.push(" AND search_text LIKE ").push_bind(like_pattern(text)).push(" ESCAPE '\\'");
            }
        };
        self.list_directory("users", USER_COLUMNS, org, filters, page, |r: UserRow| User::try_from(r)).await
    }

    async fn count_views(&self, filter: &ConversationFilter) -> Result<ViewTallies> {
        if filter.business_unit_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(ViewTallies::default());
        }
        let org = filter.organization_id.as_uuid();
        let (rows, mine): (Vec<(String, bool, i64)>, i64) = if counters_cover(filter) {
            let mut qb = QueryBuilder::<Db>::new("SELECT status, assigned, CAST(SUM(n) AS BIGINT) FROM conversation_counters WHERE organization_id = ");
            qb.push_bind(org);
            push_counter_filters(&mut qb, filter);
            qb.push(" GROUP BY status, assigned");
            let rows = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
            let mut qb = QueryBuilder::<Db>::new("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM member_counters WHERE organization_id = ");
            qb.push_bind(org);
            qb.push(" AND user_id = ").push_bind(filter.user_id.as_uuid());
            push_counter_filters(&mut qb, filter);
            let (mine,): (i64,) = qb.build_query_as().fetch_one(&self.reader).await.map_err(internal)?;
            (rows, mine)
        } else {
            // Filters the counters do not cover are selective and indexed: one grouped pass
            // over the matching conversations.
            let all = ConversationFilter { view: View::All, ..filter.clone() };
            let mut qb = QueryBuilder::<Db>::new("SELECT c.status, c.member_count > 0, COUNT(*), CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM conversation_members m WHERE m.conversation_id = c.id AND m.user_id = ");
            qb.push_bind(filter.user_id.as_uuid());
            qb.push(") THEN 1 ELSE 0 END) AS BIGINT) FROM conversations c");
            push_conversation_filters(&mut qb, &all);
            qb.push(" GROUP BY c.status, c.member_count > 0");
            let grouped: Vec<(String, bool, i64, i64)> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
            let mine = grouped.iter().map(|g| g.3).sum();
            (grouped.into_iter().map(|(s, a, n, _)| (s, a, n)).collect(), mine)
        };
        let by_status = rows
            .into_iter()
            .map(|(status, assigned, n)| Ok((parse_text(&status, Status::parse)?, assigned, n)))
            .collect::<Result<_>>()?;
        Ok(ViewTallies { by_status, mine })
    }

    async fn conversation_ancestors(&self, org: OrganizationId, id: ConversationId) -> Result<Vec<ConversationId>> {
        // Bounded by depth so corrupt data could never loop forever.
        let rows: Vec<(Uuid, i64)> = sqlx::query_as(
            "WITH RECURSIVE up(id, parent_id, depth) AS (
                 SELECT id, parent_id, CAST(0 AS BIGINT) FROM conversations WHERE organization_id = $1 AND id = $2
                 UNION ALL
                 SELECT c.id, c.parent_id, up.depth + 1 FROM conversations c JOIN up ON c.id = up.parent_id
                 WHERE c.organization_id = $1 AND up.depth < 64
             )
             SELECT id, depth FROM up WHERE depth > 0 ORDER BY depth",
        )
        .bind(org.as_uuid())
        .bind(id.as_uuid())
        .fetch_all(&self.reader)
        .await
        .map_err(internal)?;
        Ok(rows.into_iter().map(|(id, _)| id.into()).collect())
    }

    /// Deletes the conversation and every sub-conversation below it: soft sets `deleted_at`
    /// on each live one, hard removes them all with their messages. Each live one gets its
    /// `conversation.deleted` event and leaves the counters.
    async fn delete_conversation(&self, org: OrganizationId, id: ConversationId, expected_version: Option<i64>, hard: bool, event: &EventMeta) -> Result<()> {
        let org = org.as_uuid();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let record = fetch_conversation(&mut tx, org, id.as_uuid(), true).await?;
        if expected_version.is_some_and(|v| v != record.version) {
            return Err(Error::PreconditionFailed);
        }
        let below: Vec<(Uuid,)> = sqlx::query_as(
            "WITH RECURSIVE down(id, depth) AS (
                 SELECT id, CAST(1 AS BIGINT) FROM conversations WHERE organization_id = $1 AND parent_id = $2
                 UNION ALL
                 SELECT c.id, down.depth + 1 FROM conversations c JOIN down ON c.parent_id = down.id
                 WHERE c.organization_id = $1 AND down.depth < 64
             )
             SELECT id FROM down ORDER BY id",
        )
        .bind(org)
        .bind(id.as_uuid())
        .fetch_all(&mut *tx)
        .await
        .map_err(internal)?;
        let now = Timestamp::now();
        let mut subtree = vec![record.clone()];
        for (child,) in &below {
            // Children deleted before are already out of counts and events.
            if let Ok(live) = fetch_conversation(&mut tx, org, *child, true).await {
                subtree.push(live);
            }
        }
        for live in &subtree {
            let mut gone = live.conversation.clone();
            gone.deleted_at = Some(now);
            gone.updated_at = now;
            if !hard {
                sqlx::query("UPDATE conversations SET deleted_at = $1, updated_at = $1, version = version + 1 WHERE organization_id = $2 AND id = $3")
                    .bind(now.as_millis())
                    .bind(org)
                    .bind(live.conversation.id.as_uuid())
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?;
            }
            record_event(&mut tx, org, event, &gone, now).await?;
        }
        // The counters in one sorted pass, like a message group's.
        let moves: Vec<_> = subtree.iter().map(|live| (Some(&live.conversation), None)).collect();
        move_counters_many(&mut tx, org, &moves).await?;
        if hard {
            let mut ids: Vec<Uuid> = below.into_iter().map(|(child,)| child).collect();
            ids.push(id.as_uuid());
            let mut qb = QueryBuilder::<Db>::new("DELETE FROM conversations WHERE organization_id = ");
            qb.push_bind(org).push(" AND id IN (");
            let mut list = qb.separated(", ");
            for id in ids {
                list.push_bind(id);
            }
            list.push_unseparated(")");
            qb.build().execute(&mut *tx).await.map_err(internal)?;
        }
        adjust_children(&mut tx, org, record.conversation.parent_id, -1).await?;
        self.commit_and_wake(tx, org).await
    }

    // ---- messages ------------------------------------------------------------------------

    async fn create_message(&self, message: &Message, event: &EventMeta) -> Result<MessageWrite> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let queued = QueuedMessage { message: message.clone(), event: event.clone(), words: message_words(message), reply };
        self.group_commit.send(queued).await.map_err(|_| Error::internal("the message writer has stopped"))?;
        answer.await.map_err(|_| Error::internal("the message writer has stopped"))?
    }

    async fn create_messages(&self, messages: &[Message], event: &EventMeta) -> Result<Vec<MessageWrite>> {
        let words: Vec<String> = messages.iter().map(message_words).collect();
        let items: Vec<NewMessage<'_>> = messages.iter().zip(&words).map(|(m, w)| (m, event, w.as_str())).collect();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let added = add_messages(&mut tx, &items).await?;
        let written = added.results.into_iter().collect::<Result<Vec<_>>>()?;
        tx.commit().await.map_err(internal)?;
        wake_organizations(&self.wakeups, &added.organizations);
        Ok(written)
    }

    async fn get_message(&self, org: OrganizationId, id: MessageId) -> Result<MessageRecord> {
        let mut conn = self.reader.acquire().await.map_err(internal)?;
        let message = fetch_message(&mut conn, org.as_uuid(), id.as_uuid()).await?;
        let unit: Option<(Uuid,)> = sqlx::query_as("SELECT business_unit_id FROM conversations WHERE id = $1 AND deleted_at IS NULL")
            .bind(message.conversation_id.as_uuid())
            .fetch_optional(&mut *conn)
            .await
            .map_err(internal)?;
        let (unit,) = found("message")(unit)?;
        Ok(MessageRecord { message, business_unit_id: unit.into() })
    }

    async fn list_messages(&self, org: OrganizationId, conversation: ConversationId, order: SortOrder, page: &DirectoryPage) -> Result<Rows<Message>> {
        let (comparison, direction) = match order {
            SortOrder::Oldest => (">", "ASC"),
            SortOrder::Recent => ("<", "DESC"),
        };
        let mut qb = QueryBuilder::<Db>::new(format!("SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.organization_id = "));
        qb.push_bind(org.as_uuid());
        qb.push(" AND m.conversation_id = ").push_bind(conversation.as_uuid());
        if let PageStart::After(Some(after)) = page.start {
            qb.push(format!(" AND m.id {comparison} ")).push_bind(after);
        }
        qb.push(format!(" ORDER BY m.id {direction} LIMIT ")).push_bind(i64::from(page.limit) + 1);
        if let PageStart::Offset(offset) = page.start {
            qb.push(" OFFSET ").push_bind(offset as i64);
        }
        let rows: Vec<MessageRow> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM messages WHERE organization_id = ");
        count.push_bind(org.as_uuid());
        count.push(" AND conversation_id = ").push_bind(conversation.as_uuid());
        Ok(Rows {
            items: rows.into_iter().map(Message::try_from).collect::<Result<_>>()?,
            total: self.total(count, page.include_total).await?,
        })
    }

    async fn update_message(&self, org: OrganizationId, id: MessageId, change: MessageChange<'_>, event: &EventMeta) -> Result<Message> {
        let org = org.as_uuid();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let before = fetch_message(&mut tx, org, id.as_uuid()).await?;
        let record = fetch_conversation(&mut tx, org, before.conversation_id.as_uuid(), true).await?;
        let mut message = before.clone();
        if change(&mut message)? == Change::Unchanged {
            return Ok(before);
        }
        let now = Timestamp::now();
        message.updated_at = now;
        sqlx::query("UPDATE messages SET content = $1, metadata = $2, search_text = $3, updated_at = $4 WHERE organization_id = $5 AND id = $6")
            .bind(&message.content)
            .bind(Json(&message.metadata))
            .bind(message_search_text(org, &message, &message_words(&message)))
            .bind(now.as_millis())
            .bind(org)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        if record.conversation.last_message.as_ref().is_some_and(|last| last.id == id) {
            sqlx::query("UPDATE conversations SET last_message = $1, updated_at = $2, version = version + 1 WHERE organization_id = $3 AND id = $4")
                .bind(Json(last_message(&message)))
                .bind(now.as_millis())
                .bind(org)
                .bind(record.conversation.id.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
        }
        record_event_about(&mut tx, org, event, &record.conversation, &message, now).await?;
        self.commit_and_wake(tx, org).await?;
        Ok(message)
    }

    async fn delete_message(&self, org: OrganizationId, id: MessageId, event: &EventMeta) -> Result<()> {
        let org = org.as_uuid();
        let mut tx = self.writer.begin().await.map_err(internal)?;
        let message = fetch_message(&mut tx, org, id.as_uuid()).await?;
        let conversation = message.conversation_id.as_uuid();
        let record = fetch_conversation(&mut tx, org, conversation, true).await?;
        sqlx::query("DELETE FROM messages WHERE organization_id = $1 AND id = $2")
            .bind(org)
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        let latest: Option<MessageRow> = sqlx::query_as(&format!("SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 ORDER BY m.id DESC LIMIT 1"))
            .bind(conversation)
            .fetch_optional(&mut *tx)
            .await
            .map_err(internal)?;
        let latest = latest.map(Message::try_from).transpose()?;
        let now = Timestamp::now();
        let activity_at = latest.as_ref().map_or(record.conversation.created_at, |m| m.created_at);
        sqlx::query("UPDATE conversations SET message_count = message_count - 1, last_message = $1, activity_at = $2, updated_at = $3, version = version + 1 WHERE organization_id = $4 AND id = $5")
            .bind(latest.as_ref().map(|m| Json(last_message(m))))
            .bind(activity_at.as_millis())
            .bind(now.as_millis())
            .bind(org)
            .bind(conversation)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        record_event_about(&mut tx, org, event, &record.conversation, &message, now).await?;
        self.commit_and_wake(tx, org).await
    }

    async fn start_video_call(&self, call: &VideoCall, activity: &Message, event: &EventMeta, activity_event: &EventMeta) -> Result<ConversationRecord> {
        let words = message_words(activity);
        let mut tx = self.writer.begin().await.map_err(internal)?;
        add_messages(&mut tx, &[(activity, activity_event, &words)]).await?.results.pop().ok_or(Error::NotFound("conversation"))??;
        let record = fetch_locked_records(&mut tx, &[call.conversation_id.as_uuid()]).await?.pop().ok_or(Error::NotFound("conversation"))?;
        let org = record.conversation.organization_id.as_uuid();
        sqlx::query("INSERT INTO video_calls (organization_id, id, conversation_id, room, join_url, started_by, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(org)
            .bind(call.id.as_uuid())
            .bind(call.conversation_id.as_uuid())
            .bind(&call.room)
            .bind(&call.join_url)
            .bind(call.started_by.as_uuid())
            .bind(call.started_at.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        record_event_about(&mut tx, org, event, &record.conversation, call, call.started_at).await?;
        self.commit_and_wake(tx, org).await?;
        Ok(record)
    }

    // ---- search --------------------------------------------------------------------------

    async fn search_conversations(&self, query: &SearchQuery) -> Result<Vec<SearchRow>> {
        if query.business_unit_ids.as_ref().is_some_and(Vec::is_empty) || query.terms.is_empty() {
            return Ok(Vec::new());
        }
        let org = query.organization_id.as_uuid();
        // Rank among the newest matches: enough for the pages asked, bounded so a word in
        // every other message costs no more than a rare one.
        let wanted = query.offset.saturating_add(u64::from(query.limit));
        let window = wanted.saturating_mul(10).clamp(200, 5_000) as i64;
        let mut conn = self.reader.acquire().await.map_err(internal)?;
        // The words alone first: scoring a tenant token that is in every document of a large
        // organization costs ten times the rest. Other tenants' matches then take room in
        // the window; when they may have crowded this one's out, rank again with its token.
        let mut ranked = ranked_conversations(&mut conn, query, match_expression(&query.terms), window).await?;
        let crowded = ranked.first().is_none_or(|&(_, _, window_rows)| window_rows >= window);
        if ranked.len() < query.limit as usize && crowded {
            ranked = ranked_conversations(&mut conn, query, tenant_query(org, &query.terms), window).await?;
        }
        if ranked.is_empty() {
            return Ok(Vec::new());
        }
        // The page's conversations, contacts and matching messages: a query each, not one
        // per hit.
        let ids: Vec<Uuid> = ranked.iter().map(|&(id, _, _)| id).collect();
        let mut conversations: HashMap<Uuid, Conversation> = fetch_conversations(&mut conn, org, &ids)
            .await?
            .into_iter()
            .map(|r| (r.conversation.id.as_uuid(), r.conversation))
            .collect();
        let contact_ids: Vec<Uuid> = conversations.values().filter_map(|c| c.contact_id).map(|id| id.as_uuid()).collect();
        let mut contacts: HashMap<Uuid, Contact> = HashMap::new();
        if !contact_ids.is_empty() {
            let mut qb = QueryBuilder::<Db>::new(format!("SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = "));
            qb.push_bind(org).push(" AND id IN (");
            let mut list = qb.separated(", ");
            for id in &contact_ids {
                list.push_bind(*id);
            }
            qb.push(")");
            let rows: Vec<ContactRow> = qb.build_query_as().fetch_all(&mut *conn).await.map_err(internal)?;
            contacts.extend(rows.into_iter().map(|r| (r.id, Contact::from(r))));
        }
        let scope_terms: Vec<String> = ids.iter().map(|id| conversation_term(*id)).collect();
        let mut qb = QueryBuilder::<Db>::new("");
        push_hit_messages(&mut qb, &query.terms, &scope_terms, &ids, i64::from(query.messages_per_hit));
        let matches: Vec<(Uuid, Uuid, String)> = qb.build_query_as().fetch_all(&mut *conn).await.map_err(internal)?;
        let mut messages: HashMap<Uuid, Vec<(MessageId, String)>> = HashMap::new();
        for (conversation, id, content) in matches {
            messages.entry(conversation).or_default().push((id.into(), content));
        }
        Ok(ranked
            .into_iter()
            .filter_map(|(id, score, _)| {
                let conversation = conversations.remove(&id)?;
                let contact = conversation.contact_id.and_then(|c| contacts.get(&c.as_uuid()).cloned());
                Some(SearchRow { conversation, contact, score, messages: messages.remove(&id).unwrap_or_default() })
            })
            .collect())
    }

    // ---- events --------------------------------------------------------------------------

    fn event_wakeups(&self) -> tokio::sync::broadcast::Receiver<OrganizationId> {
        self.wakeups.subscribe()
    }

    async fn latest_event_id(&self, org: OrganizationId) -> Result<i64> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT event_seq FROM organizations WHERE id = $1")
            .bind(org.as_uuid())
            .fetch_optional(&self.reader)
            .await
            .map_err(internal)?;
        Ok(row.map_or(0, |(n,)| n))
    }

    async fn list_events(&self, filter: &EventFilter) -> Result<Vec<Event>> {
        if filter.business_unit_ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(vec![]);
        }
        let mut qb = QueryBuilder::<Db>::new("SELECT id, type, actor_type, actor_id, conversation_id, data, created_at FROM events WHERE organization_id = ");
        qb.push_bind(filter.organization_id.as_uuid());
        qb.push(" AND id > ").push_bind(filter.after);
        if let Some(id) = filter.conversation_id {
            qb.push(" AND conversation_id = ").push_bind(id.as_uuid());
        }
        if let Some(units) = &filter.business_unit_ids {
            push_in(&mut qb, "business_unit_id", units);
        }
        if let Some(types) = filter.types.as_ref().filter(|t| !t.is_empty()) {
            qb.push(" AND type IN (");
            let mut list = qb.separated(", ");
            for t in types {
                list.push_bind(t.as_str());
            }
            list.push_unseparated(")");
        }
        qb.push(" ORDER BY id LIMIT ").push_bind(i64::from(filter.limit));
        let rows: Vec<EventRow> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
        rows.into_iter().map(Event::try_from).collect()
    }

    // ---- webhooks ------------------------------------------------------------------------

    async fn insert_webhook(&self, webhook: &convo_types::Webhook, secret: &str) -> Result<()> {
        // Deliveries start with the next event.
        sqlx::query(&format!("INSERT INTO webhooks ({WEBHOOK_COLUMNS}, cursor) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7, $8, (SELECT event_seq FROM organizations WHERE id = $1))"))
            .bind(webhook.organization_id.as_uuid())
            .bind(webhook.id.as_uuid())
            .bind(&webhook.url)
            .bind(Json(&webhook.event_types))
            .bind(webhook.active)
            .bind(secret)
            .bind(webhook.created_at.as_millis())
            .bind(webhook.updated_at.as_millis())
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        Ok(())
    }

    async fn get_webhook(&self, org: OrganizationId, id: convo_types::WebhookId) -> Result<WebhookRecord> {
        let mut conn = self.reader.acquire().await.map_err(internal)?;
        fetch_webhook(&mut conn, org.as_uuid(), id.as_uuid()).await
    }

    async fn list_webhooks(&self, org: OrganizationId, page: &DirectoryPage) -> Result<Rows<convo_types::Webhook>> {
        self.list_directory("webhooks", WEBHOOK_COLUMNS, org, |_| {}, page, |r: WebhookRow| Ok(WebhookRecord::from(r).webhook)).await
    }

    async fn update_webhook(&self, webhook: &convo_types::Webhook) -> Result<()> {
        let result = sqlx::query("UPDATE webhooks SET url = $1, event_types = $2, active = $3, updated_at = $4 WHERE organization_id = $5 AND id = $6")
            .bind(&webhook.url)
            .bind(Json(&webhook.event_types))
            .bind(webhook.active)
            .bind(webhook.updated_at.as_millis())
            .bind(webhook.organization_id.as_uuid())
            .bind(webhook.id.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        affected("webhook", result.rows_affected())
    }

    async fn rotate_webhook_secret(&self, org: OrganizationId, id: convo_types::WebhookId, secret: &str, previous_expires_at: Timestamp) -> Result<()> {
        let result = sqlx::query("UPDATE webhooks SET previous_secret = secret, previous_expires_at = $1, secret = $2, updated_at = $3 WHERE organization_id = $4 AND id = $5")
            .bind(previous_expires_at.as_millis())
            .bind(secret)
            .bind(Timestamp::now().as_millis())
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        affected("webhook", result.rows_affected())
    }

    async fn delete_webhook(&self, org: OrganizationId, id: convo_types::WebhookId) -> Result<()> {
        self.delete_row("webhooks", "webhook", org, id.as_uuid()).await
    }

    async fn enqueue_deliveries(&self, limit: u32) -> Result<usize> {
        let hooks: Vec<(Uuid, Uuid, Json<Vec<EventType>>, i64)> = sqlx::query_as("SELECT organization_id, id, event_types, cursor FROM webhooks WHERE active = $1")
            .bind(true)
            .fetch_all(&self.reader)
            .await
            .map_err(internal)?;
        let mut made = 0;
        for (org, hook, types, cursor) in hooks {
            let events: Vec<(i64, String, Option<Uuid>)> = sqlx::query_as("SELECT id, type, conversation_id FROM events WHERE organization_id = $1 AND id > $2 ORDER BY id LIMIT $3")
                .bind(org)
                .bind(cursor)
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await
                .map_err(internal)?;
            let Some(&(last, _, _)) = events.last() else {
                continue;
            };
            let now = Timestamp::now().as_millis();
            let mut tx = self.writer.begin().await.map_err(internal)?;
            for (event, kind, conversation) in events {
                let wanted = types.0.is_empty() || types.0.iter().any(|t| t.as_str() == kind);
                if !wanted {
                    continue;
                }
                made += sqlx::query("INSERT INTO webhook_deliveries (organization_id, id, webhook_id, event_id, event_type, conversation_id, status, attempts, next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $7) ON CONFLICT (webhook_id, event_id) DO NOTHING")
                    .bind(org)
                    .bind(Uuid::now_v7())
                    .bind(hook)
                    .bind(event)
                    .bind(kind)
                    .bind(conversation)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(internal)?
                    .rows_affected() as usize;
            }
            sqlx::query("UPDATE webhooks SET cursor = $1 WHERE id = $2 AND cursor < $1")
                .bind(last)
                .bind(hook)
                .execute(&mut *tx)
                .await
                .map_err(internal)?;
            tx.commit().await.map_err(internal)?;
        }
        Ok(made)
    }

    async fn claim_deliveries(&self, now: Timestamp, lease_until: Timestamp, limit: u32) -> Result<Vec<DueDelivery>> {
        let due: Vec<(Uuid, Uuid, Uuid, i64, i64, i64)> = sqlx::query_as(
            "SELECT d.id, d.organization_id, d.webhook_id, d.event_id, d.attempts, d.created_at FROM webhook_deliveries d
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.webhook_id = d.webhook_id AND e.status = 'pending'
                               AND e.conversation_id = d.conversation_id AND e.event_id < d.event_id)
             ORDER BY d.next_attempt_at, d.event_id LIMIT $2",
        )
        .bind(now.as_millis())
        .bind(i64::from(limit))
        .fetch_all(&self.reader)
        .await
        .map_err(internal)?;
        let mut claimed = Vec::new();
        for (id, org, hook, event_id, attempts, created_at) in due {
            let taken = sqlx::query("UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at <= $3")
                .bind(lease_until.as_millis())
                .bind(id)
                .bind(now.as_millis())
                .execute(&self.writer)
                .await
                .map_err(internal)?
                .rows_affected();
            if taken == 0 {
                continue; // another node took it
            }
            let mut conn = self.reader.acquire().await.map_err(internal)?;
            let webhook = fetch_webhook(&mut conn, org, hook).await?;
            let event: Option<EventRow> = sqlx::query_as("SELECT id, type, actor_type, actor_id, conversation_id, data, created_at FROM events WHERE organization_id = $1 AND id = $2")
                .bind(org)
                .bind(event_id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(internal)?;
            let mut secrets = vec![webhook.secret];
            if let (Some(previous), Some(until)) = (webhook.previous_secret, webhook.previous_expires_at) {
                if until > now {
                    secrets.push(previous);
                }
            }
            claimed.push(DueDelivery {
                id: id.into(),
                organization_id: org.into(),
                webhook_id: hook.into(),
                url: webhook.webhook.url,
                secrets,
                event: found("event")(event)?.try_into()?,
                attempts,
                created_at: Timestamp::from_millis(created_at),
            });
        }
        Ok(claimed)
    }

    async fn finish_attempt(&self, id: convo_types::DeliveryId, attempt: &convo_types::DeliveryAttempt, outcome: DeliveryOutcome) -> Result<()> {
        let mut tx = self.writer.begin().await.map_err(internal)?;
        sqlx::query("INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, duration_ms, response) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (delivery_id, attempt) DO NOTHING")
            .bind(id.as_uuid())
            .bind(attempt.attempt)
            .bind(attempt.at.as_millis())
            .bind(attempt.status_code)
            .bind(&attempt.error)
            .bind(attempt.duration_ms)
            .bind(&attempt.response)
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        let (status, next) = match outcome {
            DeliveryOutcome::Delivered => ("delivered", None),
            DeliveryOutcome::RetryAt(at) => ("pending", Some(at.as_millis())),
            DeliveryOutcome::GaveUp => ("failed", None),
        };
        sqlx::query("UPDATE webhook_deliveries SET status = $1, next_attempt_at = $2, attempts = attempts + 1, updated_at = $3 WHERE id = $4")
            .bind(status)
            .bind(next)
            .bind(attempt.at.as_millis())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        tx.commit().await.map_err(internal)
    }

    async fn list_deliveries(&self, org: OrganizationId, webhook: convo_types::WebhookId, page: &DirectoryPage) -> Result<Rows<convo_types::WebhookDelivery>> {
        let mut qb = QueryBuilder::<Db>::new("SELECT id, webhook_id, event_id, event_type, status, next_attempt_at, created_at, updated_at FROM webhook_deliveries WHERE organization_id = ");
        qb.push_bind(org.as_uuid());
        qb.push(" AND webhook_id = ").push_bind(webhook.as_uuid());
        if let PageStart::After(Some(after)) = page.start {
            qb.push(" AND id < ").push_bind(after);
        }
        qb.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(page.limit) + 1);
        if let PageStart::Offset(offset) = page.start {
            qb.push(" OFFSET ").push_bind(offset as i64);
        }
        let rows: Vec<DeliveryRow> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
        let mut attempts: HashMap<Uuid, Vec<convo_types::DeliveryAttempt>> = HashMap::new();
        if !rows.is_empty() {
            let mut qb = QueryBuilder::<Db>::new("SELECT delivery_id, attempt, at, status_code, error, duration_ms, response FROM webhook_attempts WHERE delivery_id IN (");
            let mut list = qb.separated(", ");
            for row in &rows {
                list.push_bind(row.id);
            }
            list.push_unseparated(") ORDER BY attempt");
            let found: Vec<AttemptRow> = qb.build_query_as().fetch_all(&self.reader).await.map_err(internal)?;
            for a in found {
                attempts.entry(a.delivery_id).or_default().push(convo_types::DeliveryAttempt {
                    attempt: a.attempt,
                    at: Timestamp::from_millis(a.at),
                    status_code: a.status_code,
                    error: a.error,
                    duration_ms: a.duration_ms,
                    response: a.response,
                });
            }
        }
        let mut count = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM webhook_deliveries WHERE organization_id = ");
        count.push_bind(org.as_uuid());
        count.push(" AND webhook_id = ").push_bind(webhook.as_uuid());
        let items = rows
            .into_iter()
            .map(|r| {
                Ok(convo_types::WebhookDelivery {
                    object_name: "webhook_delivery".into(),
                    attempts: attempts.remove(&r.id).unwrap_or_default(),
                    id: r.id.into(),
                    webhook_id: r.webhook_id.into(),
                    event_id: r.event_id,
                    event_type: parse_text(&r.event_type, EventType::parse)?,
                    status: parse_text(&r.status, convo_types::DeliveryStatus::parse)?,
                    next_attempt_at: r.next_attempt_at.map(Timestamp::from_millis),
                    created_at: Timestamp::from_millis(r.created_at),
                    updated_at: Timestamp::from_millis(r.updated_at),
                })
            })
            .collect::<Result<_>>()?;
        Ok(Rows { items, total: self.total(count, page.include_total).await? })
    }

    async fn replay_delivery(&self, org: OrganizationId, webhook: convo_types::WebhookId, id: convo_types::DeliveryId, now: Timestamp) -> Result<()> {
        let result = sqlx::query("UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, updated_at = $1 WHERE organization_id = $2 AND webhook_id = $3 AND id = $4")
            .bind(now.as_millis())
            .bind(org.as_uuid())
            .bind(webhook.as_uuid())
            .bind(id.as_uuid())
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        affected("delivery", result.rows_affected())
    }

    // ---- idempotency ---------------------------------------------------------------------

    async fn idempotency_begin(&self, scope: &str, key: &str, request_hash: &str, expired_before: Timestamp) -> Result<IdempotencyState> {
        let mut tx = self.writer.begin().await.map_err(internal)?;
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at < $3")
            .bind(scope)
            .bind(key)
            .bind(expired_before.as_millis())
            .execute(&mut *tx)
            .await
            .map_err(internal)?;
        let inserted = sqlx::query("INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING")
            .bind(scope)
            .bind(key)
            .bind(request_hash)
            .bind(Timestamp::now().as_millis())
            .execute(&mut *tx)
            .await
            .map_err(internal)?
            .rows_affected();
        let state = if inserted == 1 {
            IdempotencyState::Started
        } else {
            let (stored_hash, status, body): (String, Option<i64>, Option<Vec<u8>>) =
                sqlx::query_as("SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 AND key = $2")
                    .bind(scope)
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(internal)?;
            match status {
                _ if stored_hash != request_hash => IdempotencyState::Mismatch,
                None => IdempotencyState::InProgress,
                Some(status) => IdempotencyState::Completed {
                    request_hash: stored_hash,
                    status: status as u16,
                    body: body.unwrap_or_default(),
                },
            }
        };
        tx.commit().await.map_err(internal)?;
        Ok(state)
    }

    async fn idempotency_complete(&self, scope: &str, key: &str, status: u16, body: &[u8]) -> Result<()> {
        sqlx::query("UPDATE idempotency_keys SET status = $1, body = $2 WHERE scope = $3 AND key = $4")
            .bind(i64::from(status))
            .bind(body)
            .bind(scope)
            .bind(key)
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        Ok(())
    }

    async fn idempotency_abandon(&self, scope: &str, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL")
            .bind(scope)
            .bind(key)
            .execute(&self.writer)
            .await
            .map_err(internal)?;
        Ok(())
    }
}
