//! Labels: organization-wide names with a colour, put on conversations and filtered by.

use convo_types::{
    AddLabels, ConversationId, CreateLabel, EventType, Label, LabelId, List, Scope, Timestamp,
    UpdateLabel,
};

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::rules::{Checks, MAX_DETAIL_CHARS, MAX_LABEL_CHARS, MAX_LIST_ITEMS};
use crate::usecases::conversations;
use crate::{ConversationRecord, ConversationStore, Error, EventMeta, LabelStore, Result};

const DEFAULT_COLOR: &str = "#808080";

/// What a label is found by: its name, trimmed, ignoring case.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// A label's fields, as create and update take them: the name not blank (when `required`), at
/// most 64 characters and without commas (filters list names comma-separated); the colour
/// `#rrggbb`; the description at most the detail's length.
fn check_fields(
    name: Option<&str>,
    required: bool,
    color: Option<&str>,
    description: Option<&str>,
) -> Result<()> {
    let mut checks = Checks::new();
    checks.text("name", name, MAX_LABEL_CHARS, required);
    if name.is_some_and(|n| n.contains(',')) {
        checks.fail("name", "must not contain a comma");
    }
    let hex = |c: &str| {
        c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|d| d.is_ascii_hexdigit())
    };
    if color.is_some_and(|c| !hex(c)) {
        checks.fail("color", "must be `#rrggbb`");
    }
    checks.text("description", description, MAX_DETAIL_CHARS, false);
    checks.finish()
}

/// The folded names of a comma-separated label filter; `None` when absent.
pub fn filter_keys(field: &str, text: Option<&str>) -> Result<Option<Vec<String>>> {
    let Some(text) = text else { return Ok(None) };
    let mut keys: Vec<String> = text
        .split(',')
        .map(name_key)
        .filter(|k| !k.is_empty())
        .collect();
    keys.sort();
    keys.dedup();
    if keys.len() > MAX_LIST_ITEMS {
        return Err(Error::invalid(
            field,
            format!("must name at most {MAX_LIST_ITEMS} labels"),
        ));
    }
    Ok(Some(keys))
}

pub async fn create(
    store: &(impl LabelStore + ?Sized),
    caller: &Principal,
    req: CreateLabel,
) -> Result<Label> {
    caller.require(Scope::Admin)?;
    check_fields(
        Some(&req.name),
        true,
        req.color.as_deref(),
        req.description.as_deref(),
    )?;
    let now = Timestamp::now();
    let label = Label {
        object_name: "label".into(),
        id: LabelId::new(),
        name: req.name.trim().to_owned(),
        color: req.color.unwrap_or_else(|| DEFAULT_COLOR.into()),
        description: req.description.unwrap_or_default(),
        created_at: now,
        updated_at: now,
    };
    store.insert_label(caller.organization_id, &label).await?;
    Ok(label)
}

pub async fn get(
    store: &(impl LabelStore + ?Sized),
    caller: &Principal,
    id: LabelId,
) -> Result<Label> {
    store.get_label(caller.organization_id, id).await
}

pub async fn list(
    store: &(impl LabelStore + ?Sized),
    caller: &Principal,
    paging: PagingParams,
) -> Result<List<Label>> {
    let page = paging.into_request()?;
    let rows = store.list_labels(caller.organization_id, &page).await?;
    Ok(rows.into_list(page.limit, |l| l.id.as_uuid()))
}

/// Renaming keeps the label on its conversations: they hold it by id.
pub async fn update(
    store: &(impl LabelStore + ?Sized),
    caller: &Principal,
    id: LabelId,
    req: UpdateLabel,
) -> Result<Label> {
    caller.require(Scope::Admin)?;
    check_fields(
        req.name.as_deref(),
        req.name.is_some(),
        req.color.as_deref(),
        req.description.as_deref(),
    )?;
    let mut label = store.get_label(caller.organization_id, id).await?;
    if let Some(name) = req.name {
        label.name = name.trim().to_owned();
    }
    if let Some(color) = req.color {
        label.color = color;
    }
    if let Some(description) = req.description {
        label.description = description;
    }
    label.updated_at = Timestamp::now();
    store.update_label(caller.organization_id, &label).await?;
    Ok(label)
}

/// Takes the label off every conversation and deletes it.
pub async fn delete(
    store: &(impl LabelStore + ?Sized),
    caller: &Principal,
    id: LabelId,
) -> Result<()> {
    caller.require(Scope::Admin)?;
    store.delete_label(caller.organization_id, id).await
}

fn labels_event(caller: &Principal) -> EventMeta {
    EventMeta {
        event_type: EventType::ConversationLabelsChanged,
        actor: caller.actor(),
    }
}

/// `POST /v1/conversations/{id}/labels`: every name must be an existing label.
pub async fn add_to_conversation(
    store: &(impl LabelStore + ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    req: AddLabels,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    if req.labels.is_empty() {
        return Err(Error::invalid("labels", "must name at least one label"));
    }
    let ids = named(store, caller, "labels", &req.labels).await?;
    change(store, caller, id, &ids, &[]).await
}

/// The labels of these names (each must exist; `field` names the list in errors).
pub async fn named(
    store: &(impl LabelStore + ?Sized),
    caller: &Principal,
    field: &str,
    names: &[String],
) -> Result<Vec<LabelId>> {
    let mut checks = Checks::new();
    checks.count(field, names.len());
    checks.finish()?;
    let mut keys: Vec<String> = names.iter().map(|n| name_key(n)).collect();
    keys.sort();
    keys.dedup();
    let found = store.find_labels(caller.organization_id, &keys).await?;
    if found.len() < keys.len() {
        let known: Vec<String> = found.iter().map(|l| name_key(&l.name)).collect();
        let missing = names.iter().find(|n| !known.contains(&name_key(n)));
        return Err(Error::invalid(
            field,
            format!("no label `{}`", missing.map_or("", |n| n.as_str())),
        ));
    }
    Ok(found.iter().map(|l| l.id).collect())
}

/// Puts `add` on a conversation the caller sees and takes `remove` off, in one change.
pub async fn change(
    store: &(impl LabelStore + ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    add: &[LabelId],
    remove: &[LabelId],
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    conversations::visible_ref(store, caller, id).await?;
    store
        .set_conversation_labels(
            caller.organization_id,
            id,
            add,
            remove,
            &labels_event(caller),
        )
        .await
}

/// `DELETE /v1/conversations/{id}/labels/{name}`: a label the conversation does not carry is
/// not an error (the answer shows it without).
pub async fn remove_from_conversation(
    store: &(impl LabelStore + ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    name: &str,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    conversations::visible_ref(store, caller, id).await?;
    let found = store
        .find_labels(caller.organization_id, &[name_key(name)])
        .await?;
    let Some(label) = found.first() else {
        return Err(Error::NotFound("label"));
    };
    store
        .set_conversation_labels(
            caller.organization_id,
            id,
            &[],
            &[label.id],
            &labels_event(caller),
        )
        .await
}
