//! Saved views: named sets of the conversation list's filters, personal or shared, used by
//! the list (`view_id`) and counted by the views count (`view_ids`) like the built-in views.

use std::collections::BTreeMap;

use convo_types::{
    ConversationFilters, CreateSavedView, JsonObject, List, SavedView, SavedViewId, Scope,
    Timestamp, UpdateSavedView, View,
};
use serde_json::Value;

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::rules::{Checks, MAX_LIST_ITEMS, MAX_NAME_CHARS};
use crate::usecases::conversations;
use crate::{ConversationStore, Error, Result, TeamworkStore};

/// The filters of an object as the list reads them from its query string: strings as they
/// are, numbers and booleans as written, lists as repeated keys. `field` names the object in
/// errors.
fn read_filters(field: &str, object: &JsonObject) -> Result<ConversationFilters> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in object {
        let mut push = |value: &Value| -> Result<()> {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Bool(_) | Value::Number(_) => value.to_string(),
                Value::Null => return Ok(()),
                _ => {
                    return Err(Error::invalid(
                        format!("{field}.{key}"),
                        "must be a string, number, boolean or list of them",
                    ))
                }
            };
            pairs.push((key.clone(), text));
            Ok(())
        };
        match value {
            Value::Array(items) => items.iter().try_for_each(&mut push)?,
            other => push(other)?,
        }
    }
    let parse = |pairs: &[(String, String)]| -> Result<ConversationFilters> {
        let query = serde_html_form::to_string(pairs).map_err(Error::internal)?;
        serde_html_form::from_str(&query).map_err(|e| Error::invalid(field, e.to_string()))
    };
    for pair in &pairs {
        // A key the list does not know would be dropped without a word: refused instead.
        let alone = parse(std::slice::from_ref(pair))?;
        let known = serde_json::to_value(&alone)
            .map(|v| v.as_object().is_some_and(|o| !o.is_empty()))
            .unwrap_or(false);
        if !known && !pair.1.is_empty() {
            return Err(Error::invalid(
                format!("{field}.{}", pair.0),
                "is not a filter of the conversation list",
            ));
        }
    }
    parse(&pairs)
}

/// Checks a view's filters as the list would use them, and answers them as stored: the
/// list's own spelling of each.
fn check_filters(caller: &Principal, object: &JsonObject) -> Result<JsonObject> {
    if object.contains_key("view_id") {
        return Err(Error::invalid(
            "filters.view_id",
            "a saved view cannot name another",
        ));
    }
    if object.len() > MAX_LIST_ITEMS {
        return Err(Error::invalid(
            "filters",
            format!("must have at most {MAX_LIST_ITEMS} filters"),
        ));
    }
    let filters = read_filters("filters", object)?;
    conversations::resolve(filters.clone(), caller).map_err(|e| match e {
        Error::Validation(errors) => Error::Validation(
            errors
                .into_iter()
                .map(|mut e| {
                    e.field = format!("filters.{}", e.field);
                    e
                })
                .collect(),
        ),
        other => other,
    })?;
    match serde_json::to_value(&filters).map_err(Error::internal)? {
        Value::Object(stored) => Ok(stored),
        _ => Err(Error::internal("filters are an object")),
    }
}

/// A view the caller may use: shared, or their own.
async fn visible(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    id: SavedViewId,
) -> Result<SavedView> {
    let view = store.get_saved_view(caller.organization_id, id).await?;
    if view.shared || view.user_id == caller.user_id {
        Ok(view)
    } else {
        Err(Error::NotFound("view"))
    }
}

/// A view the caller may change: their own personal one, or a shared one as an admin.
async fn writable(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    id: SavedViewId,
) -> Result<SavedView> {
    let view = visible(store, caller, id).await?;
    if view.shared {
        caller.require(Scope::Admin)?;
    }
    Ok(view)
}

fn check_name(name: Option<&str>, required: bool) -> Result<()> {
    let mut checks = Checks::new();
    checks.text("name", name, MAX_NAME_CHARS, required);
    if !required && name.is_some_and(crate::rules::is_blank) {
        checks.fail("name", "must not be blank");
    }
    checks.finish()
}

pub async fn create(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    req: CreateSavedView,
) -> Result<SavedView> {
    caller.require(Scope::ConversationsRead)?;
    check_name(Some(&req.name), true)?;
    if req.shared {
        caller.require(Scope::Admin)?;
    }
    let filters = check_filters(caller, &req.filters)?;
    let now = Timestamp::now();
    let view = SavedView {
        object_name: "saved_view".into(),
        id: SavedViewId::new(),
        name: req.name.trim().to_owned(),
        filters,
        shared: req.shared,
        user_id: caller.user_id,
        created_at: now,
        updated_at: now,
    };
    store
        .insert_saved_view(caller.organization_id, &view)
        .await?;
    Ok(view)
}

pub async fn get(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    id: SavedViewId,
) -> Result<SavedView> {
    caller.require(Scope::ConversationsRead)?;
    visible(store, caller, id).await
}

/// The shared views and the caller's own, oldest first.
pub async fn list(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    paging: PagingParams,
) -> Result<List<SavedView>> {
    caller.require(Scope::ConversationsRead)?;
    let page = paging.into_request()?;
    let rows = store
        .list_saved_views(caller.organization_id, caller.user_id, &page)
        .await?;
    Ok(rows.into_list(page.limit, |v| v.id.as_uuid()))
}

pub async fn update(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    id: SavedViewId,
    req: UpdateSavedView,
) -> Result<SavedView> {
    caller.require(Scope::ConversationsRead)?;
    check_name(req.name.as_deref(), false)?;
    let filters = req
        .filters
        .as_ref()
        .map(|f| check_filters(caller, f))
        .transpose()?;
    let mut view = writable(store, caller, id).await?;
    if req.shared == Some(true) || (req.shared == Some(false) && view.shared) {
        caller.require(Scope::Admin)?;
    }
    if let Some(name) = req.name {
        view.name = name.trim().to_owned();
    }
    if let Some(filters) = filters {
        view.filters = filters;
    }
    if let Some(shared) = req.shared {
        view.shared = shared;
    }
    view.updated_at = Timestamp::now();
    store
        .update_saved_view(caller.organization_id, &view)
        .await?;
    Ok(view)
}

pub async fn delete(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    id: SavedViewId,
) -> Result<()> {
    caller.require(Scope::ConversationsRead)?;
    writable(store, caller, id).await?;
    store.delete_saved_view(caller.organization_id, id).await
}

/// The list's filters with a saved view's under them: what the query names itself wins.
pub async fn with_view(
    store: &(impl TeamworkStore + ?Sized),
    caller: &Principal,
    mut query: ConversationFilters,
) -> Result<ConversationFilters> {
    let Some(id) = query.view_id.take() else {
        return Ok(query);
    };
    let view = match visible(store, caller, id).await {
        Err(Error::NotFound(_)) => {
            return Err(Error::invalid("view_id", format!("no view {id}")));
        }
        other => other?,
    };
    under_view(&view, query)
}

fn under_view(view: &SavedView, query: ConversationFilters) -> Result<ConversationFilters> {
    let mut merged = view.filters.clone();
    if let Value::Object(own) = serde_json::to_value(&query).map_err(Error::internal)? {
        merged.extend(own);
    }
    read_filters("view_id", &merged)
}

/// The views count of each saved view among `ids`, under its own filters: the count of its
/// inbox view (`mine`, `unassigned`, `assigned`, or all). The views are read in one query and
/// counted at once, each from the counters as the built-in views are.
pub async fn counts(
    store: &(impl TeamworkStore + ConversationStore + ?Sized),
    caller: &Principal,
    ids: &[SavedViewId],
) -> Result<BTreeMap<String, i64>> {
    let found = store.get_saved_views(caller.organization_id, ids).await?;
    let mut views = Vec::with_capacity(ids.len());
    for &id in ids {
        match found.iter().find(|v| v.id == id) {
            Some(view) if view.shared || view.user_id == caller.user_id => views.push(view),
            _ => return Err(Error::invalid("view_ids", format!("no view {id}"))),
        }
    }
    let counted = views.into_iter().map(|view| async move {
        let filter = conversations::resolve(under_view(view, Default::default())?, caller)?;
        let tallies = store.count_views(&filter).await?;
        let (assigned, unassigned) = super::team::assignment_totals(&tallies);
        let count = match filter.view {
            View::Mine => tallies.mine,
            View::Unassigned => unassigned,
            View::Assigned => assigned,
            View::All => assigned + unassigned,
        };
        Ok::<_, Error>((view.id.to_string(), count))
    });
    Ok(futures_util::future::try_join_all(counted)
        .await?
        .into_iter()
        .collect())
}
