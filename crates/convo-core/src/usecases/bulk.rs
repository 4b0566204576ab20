//! Bulk actions: one change for up to 100 conversations, each through the same use case as
//! one by one (the same rules, events and counters), with a result per id.

use convo_types::{
    BulkChange, BulkUpdate, ConversationId, LabelId, Scope, UpdateConversation, UpdateStatus,
};

use crate::auth::Principal;
use crate::rules::MAX_BULK_IDS;
use crate::usecases::{conversations, labels, team};
use crate::{ConversationRecord, ConversationStore, DirectoryStore, Error, LabelStore, Result};

/// The change, checked once for every conversation: labels by name, the assignee.
struct Plan {
    change: BulkChange,
    add: Vec<LabelId>,
    remove: Vec<LabelId>,
}

async fn plan(
    store: &(impl LabelStore + DirectoryStore + ?Sized),
    caller: &Principal,
    req: &BulkUpdate,
) -> Result<Plan> {
    caller.require(Scope::ConversationsWrite)?;
    if req.ids.is_empty() || req.ids.len() > MAX_BULK_IDS {
        return Err(Error::invalid(
            "ids",
            format!("must name 1 to {MAX_BULK_IDS} conversations"),
        ));
    }
    let mut distinct = req.ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < req.ids.len() {
        return Err(Error::invalid("ids", "must not name a conversation twice"));
    }
    let set = &req.set;
    if set == &BulkChange::default() {
        return Err(Error::invalid("set", "must change something"));
    }
    if set.snoozed_until.is_some() && set.status.is_none() {
        return Err(Error::invalid(
            "set.snoozed_until",
            "goes with `status: snoozed`",
        ));
    }
    if let Some(user) = set.assignee_id {
        if matches!(
            store.get_user(caller.organization_id, user).await,
            Err(Error::NotFound(_))
        ) {
            return Err(Error::invalid("set.assignee_id", format!("no user {user}")));
        }
    }
    let add = match &set.labels_add {
        Some(names) => labels::named(store, caller, "set.labels_add", names).await?,
        None => Vec::new(),
    };
    let remove = match &set.labels_remove {
        Some(names) => labels::named(store, caller, "set.labels_remove", names).await?,
        None => Vec::new(),
    };
    Ok(Plan {
        change: set.clone(),
        add,
        remove,
    })
}

/// One conversation: status, priority, labels, assignee, each as its own call would; the
/// first refusal ends this conversation's changes (those before it stay, as one by one).
async fn apply(
    store: &(impl ConversationStore + DirectoryStore + LabelStore + crate::LiveStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    plan: &Plan,
) -> Result<ConversationRecord> {
    let set = &plan.change;
    let mut record = None;
    if let Some(status) = set.status {
        let req = UpdateStatus {
            status,
            snoozed_until: set.snoozed_until,
        };
        record = Some(conversations::update_status(store, caller, id, None, req).await?);
    }
    if let Some(priority) = set.priority {
        let req = UpdateConversation {
            priority: Some(priority),
            ..Default::default()
        };
        record = Some(conversations::update(store, caller, id, None, req).await?);
    }
    if !plan.add.is_empty() || !plan.remove.is_empty() {
        record = Some(labels::change(store, caller, id, &plan.add, &plan.remove).await?);
    }
    if let Some(user) = set.assignee_id {
        record = Some(team::assign(store, caller, id, user).await?);
    }
    match record {
        Some(record) => Ok(record),
        // Only an empty label list was given: nothing changed, the conversation as it is.
        None => conversations::get(store, caller, id).await,
    }
}

/// `POST /v1/conversations/bulk`: the whole request is refused (`422`) when the change itself
/// is invalid; otherwise each id answers its own outcome, in order.
pub async fn update(
    store: &(impl ConversationStore + DirectoryStore + LabelStore + crate::LiveStore + ?Sized),
    caller: &Principal,
    req: BulkUpdate,
) -> Result<Vec<(ConversationId, Result<ConversationRecord>)>> {
    let plan = plan(store, caller, &req).await?;
    let mut results = Vec::with_capacity(req.ids.len());
    for id in req.ids {
        results.push((id, apply(store, caller, id, &plan).await));
    }
    Ok(results)
}
