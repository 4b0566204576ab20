//! Conversations: create, read, list, change, delete.

use std::collections::HashMap;

use convo_types::{
    BusinessUnitId, ChannelId, ControlType, Conversation, ConversationCounts, ConversationFilters,
    ConversationId, ConversationOrder, ConversationType, CreateConversation, ErrorCode, EventType,
    List, Priority, Scope, Status, StatusOrView, Timestamp, UpdateConversation, UpdateStatus,
    UserId, View,
};

use crate::auth::Principal;
use crate::paging::{PageRequest, PageStart, PagingParams, TimeKey};
use crate::rules::{
    self, merge_metadata, Checks, MAX_DETAIL_CHARS, MAX_IDENTIFIER_CHARS, MAX_NAME_CHARS,
    MAX_SHORT_CHARS,
};
use crate::usecases::labels;
use crate::{
    Change, ConversationChange, ConversationFilter, ConversationRecord, ConversationRef,
    ConversationStore, DirectoryStore, Error, EventMeta, InboxFilter, NewConversation,
    ParentFilter, Result,
};

/// How deep sub-conversations may nest.
pub const MAX_DEPTH: usize = 16;
/// The most channels one conversation may link.
pub const MAX_CHANNELS: usize = 20;

/// Validates the list's filters and narrows them to what the caller may see.
pub fn resolve(query: ConversationFilters, caller: &Principal) -> Result<ConversationFilter> {
    let mut statuses = query.statuses;
    let mut view = query.view;
    match query.type_or_view {
        Some(StatusOrView::Status(status)) => statuses.push(status),
        Some(StatusOrView::View(v)) => view = view.or(Some(v)),
        None => {}
    }
    statuses.extend(query.status);
    statuses.sort_by_key(|s| s.as_str());
    statuses.dedup();
    let order = query.order.unwrap_or(ConversationOrder::Recent);
    let parent = match (query.parent_id, query.top_level) {
        (Some(_), Some(true)) => {
            return Err(Error::invalid(
                "top_level",
                "cannot be combined with parent_id",
            ))
        }
        (Some(id), _) => ParentFilter::Of(id),
        (None, Some(true)) => ParentFilter::TopLevel,
        (None, _) => ParentFilter::Any,
    };
    let q = query.q.filter(|q| !q.trim().is_empty());
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > MAX_NAME_CHARS)
    {
        return Err(Error::invalid(
            "q",
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let text = q.map(|q| crate::text::search::query_terms(&q));
    let mut inbox = inbox_filter(
        query.priority,
        query.control_type,
        query.handoff_pending,
        query.labels.as_deref(),
        query.labels_any.as_deref(),
    )?;
    inbox.waiting = query.waiting;
    if order == ConversationOrder::WaitingSince {
        // Who has waited longest: only those still waiting have a place in that order.
        if query.waiting == Some(false) {
            return Err(Error::invalid(
                "waiting",
                "`order=waiting_since` lists the conversations waiting for a reply",
            ));
        }
        inbox.waiting = Some(true);
    }
    inbox.unread = query.unread.map(|unread| (caller.user_id, unread));
    Ok(ConversationFilter {
        organization_id: caller.organization_id,
        business_unit_ids: caller.business_unit_scope(query.business_unit_id),
        statuses,
        view: view.unwrap_or(View::All),
        user_id: caller.user_id,
        channel_id: query.channel_id,
        channel_type: query.channel_type,
        contact_id: query.contact_id,
        agent_id: query.agent_id.filter(|v| !v.is_empty()),
        assignment_id: query.assignment_id.filter(|v| !v.is_empty()),
        owner_id: query.owner_id.filter(|v| !v.is_empty()),
        parent,
        inbox,
        text,
        order,
    })
}

/// The inbox filters of a query string, checked: labels as name keys, priorities once each.
pub fn inbox_filter(
    mut priorities: Vec<Priority>,
    control_type: Option<ControlType>,
    handoff_pending: Option<bool>,
    labels: Option<&str>,
    labels_any: Option<&str>,
) -> Result<InboxFilter> {
    priorities.sort_by_key(|p| p.rank());
    priorities.dedup();
    Ok(InboxFilter {
        priorities,
        control_type,
        handoff_pending,
        labels_all: labels::filter_keys("labels", labels)?.unwrap_or_default(),
        labels_any: labels::filter_keys("labels_any", labels_any)?,
        waiting: None,
        unread: None,
    })
}

/// Where a page of the list ends, in the list's order.
pub fn cursor_key(order: ConversationOrder) -> impl Fn(&Conversation) -> TimeKey {
    move |conversation| TimeKey {
        rank: (order == ConversationOrder::Priority).then_some(conversation.priority.rank()),
        at: match order {
            ConversationOrder::WaitingSince => {
                conversation.waiting_since.unwrap_or(conversation.timestamp)
            }
            _ => conversation.timestamp,
        },
        id: conversation.id.as_uuid(),
    }
}

pub async fn list(
    store: &(impl ConversationStore + crate::ReadStore + crate::TeamworkStore + ?Sized),
    caller: &Principal,
    query: ConversationFilters,
    paging: PagingParams,
) -> Result<List<Conversation>> {
    caller.require(Scope::ConversationsRead)?;
    let query = crate::usecases::views::with_view(store, caller, query).await?;
    let filter = resolve(query, caller)?;
    let page: PageRequest<TimeKey> = paging.into_request()?;
    if let PageStart::After(Some(key)) = &page.start {
        // A cursor of another order would skip or repeat rows.
        if key.rank.is_some() != (filter.order == ConversationOrder::Priority) {
            return Err(Error::invalid("cursor", "was made for another order"));
        }
    }
    let mut rows = store.list_conversations(&filter, &page).await?;
    crate::usecases::reads::show_unread(store, caller, &mut rows.items).await?;
    Ok(rows.into_list(page.limit, cursor_key(filter.order)))
}

fn visible(caller: &Principal, record: ConversationRecord) -> Result<ConversationRecord> {
    if caller.sees_business_unit(record.conversation.business_unit_id) {
        Ok(record)
    } else {
        Err(Error::NotFound("conversation"))
    }
}

pub async fn get(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsRead)?;
    visible_record(store, caller, id).await
}

/// The conversation, if the caller's business units include it; no scope needed (message and
/// team operations check their own).
pub async fn visible_record(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
) -> Result<ConversationRecord> {
    visible(
        caller,
        store
            .get_conversation(caller.organization_id, id, Some(caller.user_id))
            .await?,
    )
}

/// Like [`visible_record`], read slim: for operations that only check the conversation.
pub async fn visible_ref(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
) -> Result<ConversationRef> {
    visible_refs(store, caller, &[id])
        .await?
        .remove(&id)
        .ok_or(Error::NotFound("conversation"))
}

/// The conversations among `ids` the caller sees, by id (the others are left out).
pub async fn visible_refs(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    ids: &[ConversationId],
) -> Result<HashMap<ConversationId, ConversationRef>> {
    Ok(store
        .get_conversation_refs(caller.organization_id, ids)
        .await?
        .into_iter()
        .filter(|r| caller.sees_business_unit(r.business_unit_id))
        .map(|r| (r.id, r))
        .collect())
}

pub async fn get_by_public_id(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    public_id: &str,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsRead)?;
    visible(
        caller,
        store
            .get_conversation_by_public_id(caller.organization_id, public_id, Some(caller.user_id))
            .await?,
    )
}

fn check_optional_texts(checks: &mut Checks, fields: &[(&str, Option<&str>, usize)]) {
    for (field, value, max) in fields {
        checks.text(field, *value, *max, false);
    }
}

/// A referenced object that is missing (or another organization's) is a field error.
fn reference<T>(
    found: Result<T>,
    field: &str,
    what: &str,
    id: impl std::fmt::Display,
) -> Result<T> {
    match found {
        Err(Error::NotFound(_)) => Err(Error::invalid(field, format!("no {what} {id}"))),
        other => other,
    }
}

pub async fn create(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    req: CreateConversation,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    let new = prepare(store, caller, req).await?;
    store
        .create_conversation(&new, &created_event(caller))
        .await
}

pub(crate) fn created_event(caller: &Principal) -> EventMeta {
    EventMeta {
        event_type: EventType::ConversationCreated,
        actor: caller.actor(),
    }
}

/// Validates a new conversation and resolves what it refers to: channels (and so business
/// unit and channel type), contact, parent, members.
pub(crate) async fn prepare(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    req: CreateConversation,
) -> Result<NewConversation> {
    if req.tenant_id.is_some_and(|t| t != caller.organization_id) {
        return Err(Error::NotFound("organization"));
    }
    let mut checks = Checks::new();
    checks.text("name", req.name.as_deref(), MAX_NAME_CHARS, false);
    checks.text("detail", req.detail.as_deref(), MAX_DETAIL_CHARS, false);
    check_optional_texts(
        &mut checks,
        &[
            ("agent_id", req.agent_id.as_deref(), MAX_IDENTIFIER_CHARS),
            (
                "assignment_id",
                req.assignment_id.as_deref(),
                MAX_IDENTIFIER_CHARS,
            ),
            ("owner_type", req.owner_type.as_deref(), MAX_SHORT_CHARS),
            ("owner_id", req.owner_id.as_deref(), MAX_IDENTIFIER_CHARS),
            ("dialog_id", req.dialog_id.as_deref(), MAX_IDENTIFIER_CHARS),
        ],
    );
    checks.object("metadata", req.metadata.as_ref());
    checks.object("inputs", req.inputs.as_ref());
    checks.address("self", req.self_address.as_ref());
    checks.address("peer", req.peer.as_ref());
    checks.count("member_ids", req.member_ids.as_ref().map_or(0, Vec::len));
    if req
        .channel_ids
        .as_ref()
        .is_some_and(|ids| ids.len() > MAX_CHANNELS)
    {
        checks.fail(
            "channel_ids",
            format!("must have at most {MAX_CHANNELS} items"),
        );
    }
    checks.finish()?;

    // Channels: `channel_id` first, then `channel_ids`, without repeats.
    let mut channel_ids: Vec<ChannelId> = req.channel_id.into_iter().collect();
    for id in req.channel_ids.unwrap_or_default() {
        if !channel_ids.contains(&id) {
            channel_ids.push(id);
        }
    }
    let mut channels = Vec::with_capacity(channel_ids.len());
    for id in &channel_ids {
        let channel = reference(
            store.get_channel(caller.organization_id, *id).await,
            "channel_ids",
            "channel",
            id,
        )?;
        if !caller.sees_business_unit(channel.business_unit_id) {
            return Err(Error::invalid("channel_ids", format!("no channel {id}")));
        }
        channels.push(channel);
    }
    let business_unit_id = match (req.business_unit_id, channels.first()) {
        (Some(unit), Some(channel)) if unit != channel.business_unit_id => {
            return Err(Error::invalid(
                "business_unit_id",
                "differs from the channel's business unit",
            ))
        }
        (Some(unit), _) => {
            if !caller.sees_business_unit(unit) {
                return Err(Error::invalid(
                    "business_unit_id",
                    format!("no business unit {unit}"),
                ));
            }
            reference(
                store.get_business_unit(caller.organization_id, unit).await,
                "business_unit_id",
                "business unit",
                unit,
            )?
            .id
        }
        (None, Some(channel)) => channel.business_unit_id,
        (None, None) => match &caller.business_unit_ids[..] {
            [only, ..] => *only,
            [] => {
                store
                    .default_business_unit(caller.organization_id)
                    .await?
                    .id
            }
        },
    };
    if let Some(contact_id) = req.contact_id {
        reference(
            store.get_contact(caller.organization_id, contact_id).await,
            "contact_id",
            "contact",
            contact_id,
        )?;
    }
    if let Some(parent_id) = req.parent_id {
        reference(
            get(store, caller, parent_id).await,
            "parent_id",
            "conversation",
            parent_id,
        )?;
        if store
            .conversation_ancestors(caller.organization_id, parent_id)
            .await?
            .len()
            + 1
            >= MAX_DEPTH
        {
            return Err(Error::invalid(
                "parent_id",
                format!("sub-conversations nest at most {MAX_DEPTH} deep"),
            ));
        }
    }
    let mut member_ids: Vec<UserId> = Vec::new();
    for id in req.member_ids.unwrap_or_default() {
        let user = reference(
            store.get_user(caller.organization_id, id).await,
            "member_ids",
            "user",
            id,
        )?;
        if !user.active {
            return Err(Error::invalid(
                "member_ids",
                format!("user {id} is inactive"),
            ));
        }
        if !member_ids.contains(&id) {
            member_ids.push(id);
        }
    }

    let now = Timestamp::now();
    let name = req.name.map(|n| n.trim().to_owned()).unwrap_or_default();
    let conversation = Conversation {
        object_name: "conversation".into(),
        id: ConversationId::new(),
        public_id: rules::new_public_id(),
        organization_id: caller.organization_id,
        business_unit_id,
        channel_id: channel_ids.first().copied(),
        channel_type: channels.first().map(|c| c.channel_type),
        channel_ids,
        contact_id: req.contact_id,
        conversation_type: req.conversation_type.unwrap_or(ConversationType::Direct),
        status: req.status.unwrap_or(Status::Open),
        topic: name.clone(),
        name,
        detail: req.detail.unwrap_or_default(),
        metadata: req.metadata.unwrap_or_default(),
        inputs: req.inputs.unwrap_or_default(),
        agent_id: req.agent_id,
        assignment_id: req.assignment_id,
        owner_type: req.owner_type,
        owner_id: req.owner_id,
        dialog_id: req.dialog_id,
        self_address: req.self_address,
        peer: req.peer,
        parent_id: req.parent_id,
        snoozed_until: None,
        priority: req.priority.unwrap_or_default(),
        control: Default::default(),
        handoff: None,
        labels: Vec::new(),
        users: Vec::new(),
        viewers: Vec::new(),
        typing: Vec::new(),
        counts: ConversationCounts::default(),
        last_message: None,
        last_incoming_at: None,
        first_reply_at: None,
        waiting_since: None,
        last_outgoing_at: None,
        unread_count: None,
        contact_read: None,
        timestamp: now,
        created_at: now,
        updated_at: now,
        deleted_at: None,
    };
    Ok(NewConversation {
        conversation,
        member_ids,
        created_by_key_id: caller.api_key_id(),
        reuse_key: None,
        reuse_units: None,
    })
}

/// `PATCH /v1/conversations/{id}`; with another `business_unit_id`, a transfer
/// (`conversation.transferred`).
pub async fn update(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    expected_version: Option<i64>,
    req: UpdateConversation,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    let current = get(store, caller, id).await?.conversation.business_unit_id;
    let transfer = match req.business_unit_id {
        Some(unit) if unit != current => Some(transfer_target(store, caller, unit).await?),
        _ => None,
    };
    let mut checks = Checks::new();
    checks.text("name", req.name.as_deref(), MAX_NAME_CHARS, false);
    checks.text("detail", req.detail.as_deref(), MAX_DETAIL_CHARS, false);
    let flat = |v: &Option<Option<String>>| v.clone().flatten();
    check_optional_texts(
        &mut checks,
        &[
            (
                "agent_id",
                flat(&req.agent_id).as_deref(),
                MAX_IDENTIFIER_CHARS,
            ),
            (
                "assignment_id",
                flat(&req.assignment_id).as_deref(),
                MAX_IDENTIFIER_CHARS,
            ),
            (
                "owner_type",
                flat(&req.owner_type).as_deref(),
                MAX_SHORT_CHARS,
            ),
            (
                "owner_id",
                flat(&req.owner_id).as_deref(),
                MAX_IDENTIFIER_CHARS,
            ),
            (
                "dialog_id",
                flat(&req.dialog_id).as_deref(),
                MAX_IDENTIFIER_CHARS,
            ),
        ],
    );
    checks.object("metadata", req.metadata.as_ref());
    checks.object("inputs", req.inputs.as_ref());
    checks.address("self", req.self_address.clone().flatten().as_ref());
    checks.address("peer", req.peer.clone().flatten().as_ref());
    checks.finish()?;
    if let Some(Some(parent_id)) = req.parent_id {
        check_parent(store, caller, id, parent_id).await?;
    }
    let change = move |c: &mut Conversation| -> Result<Change> {
        let before = c.clone();
        let req = req.clone();
        if let Some(name) = req.name {
            c.name = name.trim().to_owned();
            c.topic = c.name.clone();
        }
        if let Some(detail) = req.detail {
            c.detail = detail;
        }
        if let Some(patch) = req.metadata {
            merge_metadata(&mut c.metadata, patch);
        }
        if let Some(inputs) = req.inputs {
            c.inputs = inputs;
        }
        if let Some(priority) = req.priority {
            c.priority = priority;
        }
        if let Some(v) = req.parent_id {
            c.parent_id = v;
        }
        if let Some(v) = req.agent_id {
            c.agent_id = v;
        }
        if let Some(v) = req.assignment_id {
            c.assignment_id = v;
        }
        if let Some(v) = req.owner_type {
            c.owner_type = v;
        }
        if let Some(v) = req.owner_id {
            c.owner_id = v;
        }
        if let Some(v) = req.dialog_id {
            c.dialog_id = v;
        }
        if let Some(v) = req.self_address {
            c.self_address = v;
        }
        if let Some(v) = req.peer {
            c.peer = v;
        }
        if let Some(unit) = transfer {
            c.business_unit_id = unit;
        }
        Ok(if *c == before {
            Change::Unchanged
        } else {
            Change::Write
        })
    };
    let event = if transfer.is_some() {
        EventType::ConversationTransferred
    } else {
        EventType::ConversationUpdated
    };
    apply(store, caller, id, expected_version, event, &change).await
}

/// The unit a conversation may be transferred to: one of the organization's, and for a key
/// limited to units, one of its own (it already sees the conversation's current one).
async fn transfer_target(
    store: &(impl DirectoryStore + ?Sized),
    caller: &Principal,
    unit: BusinessUnitId,
) -> Result<BusinessUnitId> {
    if !caller.sees_business_unit(unit) {
        return Err(Error::Forbidden {
            code: ErrorCode::Forbidden,
            message: format!("this key may not move conversations to business unit {unit}"),
        });
    }
    Ok(reference(
        store.get_business_unit(caller.organization_id, unit).await,
        "business_unit_id",
        "business unit",
        unit,
    )?
    .id)
}

/// Applies `change` to the stored conversation under its row lock, recording an event of
/// `event_type` by the caller when it writes.
pub(crate) async fn apply(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    expected_version: Option<i64>,
    event_type: EventType,
    change: ConversationChange<'_>,
) -> Result<ConversationRecord> {
    let event = EventMeta {
        event_type,
        actor: caller.actor(),
    };
    store
        .update_conversation(caller.organization_id, id, expected_version, change, &event)
        .await
}

/// A new parent must be a visible conversation of the same organization that is neither the
/// conversation itself nor below it, and must not nest too deep.
async fn check_parent(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    parent_id: ConversationId,
) -> Result<()> {
    reference(
        get(store, caller, parent_id).await,
        "parent_id",
        "conversation",
        parent_id,
    )?;
    let ancestors = store
        .conversation_ancestors(caller.organization_id, parent_id)
        .await?;
    if parent_id == id || ancestors.contains(&id) {
        return Err(Error::invalid(
            "parent_id",
            "would make a cycle: the conversation cannot be below itself",
        ));
    }
    if ancestors.len() + 1 >= MAX_DEPTH {
        return Err(Error::invalid(
            "parent_id",
            format!("sub-conversations nest at most {MAX_DEPTH} deep"),
        ));
    }
    Ok(())
}

/// `PATCH /v1/conversations/{id}/status`.
pub async fn update_status(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    expected_version: Option<i64>,
    req: UpdateStatus,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    get(store, caller, id).await?;
    if req.snoozed_until.is_some() && req.status != Status::Snoozed {
        return Err(Error::invalid(
            "snoozed_until",
            "is only allowed with status `snoozed`",
        ));
    }
    if req
        .snoozed_until
        .is_some_and(|until| until <= Timestamp::now())
    {
        return Err(Error::invalid("snoozed_until", "must be in the future"));
    }
    let change = move |c: &mut Conversation| -> Result<Change> {
        if c.status == req.status && c.snoozed_until == req.snoozed_until {
            return Ok(Change::Unchanged);
        }
        c.status = req.status;
        c.snoozed_until = req.snoozed_until;
        Ok(Change::Write)
    };
    apply(
        store,
        caller,
        id,
        expected_version,
        EventType::ConversationStatusChanged,
        &change,
    )
    .await
}

/// Only the key that created a conversation (it owns the lifecycle) or an admin key may
/// delete it. Answers it as deleted (`deleted_at` set).
pub async fn delete(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    expected_version: Option<i64>,
    hard: bool,
) -> Result<Conversation> {
    caller.require(Scope::ConversationsDelete)?;
    let record = get(store, caller, id).await?;
    let owns = caller.api_key_id().is_some() && record.created_by_key_id == caller.api_key_id();
    if !caller.is_admin() && !owns {
        return Err(Error::Forbidden {
            code: ErrorCode::LifecycleNotOwned,
            message:
                "only the API key that created this conversation, or an admin key, may delete it"
                    .into(),
        });
    }
    let event = EventMeta {
        event_type: EventType::ConversationDeleted,
        actor: caller.actor(),
    };
    store
        .delete_conversation(caller.organization_id, id, expected_version, hard, &event)
        .await
}
