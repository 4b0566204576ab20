//! Team workflow: who is in a conversation, who could be, and how many conversations each
//! inbox view holds.

use std::collections::BTreeMap;

use convo_types::{ConversationId, EventType, List, Scope, Status, User, UserId, ViewsCount};

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::rules::MAX_NAME_CHARS;
use crate::usecases::{conversations, notifications, views};
use crate::{
    text, ConversationRecord, ConversationStore, DirectoryStore, Error, EventMeta, Result,
};

async fn set_membership(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    user_id: UserId,
    present: bool,
) -> Result<ConversationRecord> {
    caller.require(Scope::ConversationsWrite)?;
    conversations::visible_ref(store, caller, id).await?;
    let user = store.get_user(caller.organization_id, user_id).await?;
    if present && !user.active {
        return Err(Error::invalid(
            "user_id",
            format!("user {user_id} is inactive"),
        ));
    }
    let event = EventMeta {
        event_type: if present {
            EventType::ConversationMemberAdded
        } else {
            EventType::ConversationMemberRemoved
        },
        actor: caller.actor(),
    };
    store
        .set_membership(caller.organization_id, id, user_id, present, &event)
        .await
}

/// Seed `join`: the acting user joins. Joining twice changes nothing.
pub async fn join(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
) -> Result<ConversationRecord> {
    set_membership(store, caller, id, caller.user_id, true).await
}

/// Seed `leave`: the acting user leaves. Leaving twice changes nothing.
pub async fn leave(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
) -> Result<ConversationRecord> {
    set_membership(store, caller, id, caller.user_id, false).await
}

/// Seed `assignTeamMember`: an unknown user (or another organization's) is `404`, an
/// inactive one `422`.
pub async fn assign(
    store: &(impl ConversationStore + DirectoryStore + crate::LiveStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    user_id: UserId,
) -> Result<ConversationRecord> {
    let before = conversations::visible_record(store, caller, id).await?;
    let record = set_membership(store, caller, id, user_id, true).await?;
    if !before.conversation.users.iter().any(|u| u.id == user_id) {
        let cause = notifications::Cause {
            notification_type: convo_types::NotificationType::Assigned,
            conversation_id: id,
            business_unit_id: record.conversation.business_unit_id,
            message_id: None,
            actor: caller.actor(),
        };
        notifications::notify(store, caller.organization_id, &[user_id], &cause).await;
    }
    Ok(record)
}

/// Seed `removeTeamMember`.
pub async fn remove(
    store: &(impl ConversationStore + DirectoryStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    user_id: UserId,
) -> Result<ConversationRecord> {
    set_membership(store, caller, id, user_id, false).await
}

/// Seed `getInvitableUsers`: active users with access to the conversation's business unit
/// who are not in it; `q` matches name or email, ignoring case and accents.
pub async fn invitable_users(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    id: ConversationId,
    q: Option<&str>,
    paging: PagingParams,
) -> Result<List<User>> {
    caller.require(Scope::ConversationsRead)?;
    let record = conversations::get(store, caller, id).await?;
    let folded = q
        .map(text::fold)
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty());
    if folded
        .as_ref()
        .is_some_and(|q| q.chars().count() > MAX_NAME_CHARS)
    {
        return Err(Error::invalid(
            "q",
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let page = paging.into_request()?;
    let unit = record.conversation.business_unit_id;
    let rows = store
        .list_invitable_users(caller.organization_id, id, unit, folded.as_deref(), &page)
        .await?;
    Ok(rows.into_list(page.limit, |u| u.id.as_uuid()))
}

/// Seed `getViewsCount`: `{mine, unassigned, assigned, all, by_status}` under exactly the
/// list's filters, so each number equals what the list answers for the same filters; with
/// `view_ids`, each saved view's count too.
pub async fn views_count_with(
    store: &(impl ConversationStore + crate::TeamworkStore + ?Sized),
    caller: &Principal,
    query: convo_types::ConversationFilters,
    saved: convo_types::SavedViewCounts,
) -> Result<ViewsCount> {
    caller.require(Scope::ConversationsRead)?;
    let query = views::with_view(store, caller, query).await?;
    let filter = conversations::resolve(query, caller)?;
    let tallies = store.count_views(&filter).await?;
    let shown: Vec<Status> = if filter.statuses.is_empty() {
        Status::ALL.to_vec()
    } else {
        filter.statuses.clone()
    };
    let mut by_status: BTreeMap<String, i64> =
        shown.iter().map(|s| (s.as_str().to_owned(), 0)).collect();
    for (status, _, n) in &tallies.by_status {
        *by_status.entry(status.as_str().to_owned()).or_default() += n;
    }
    let (assigned, unassigned) = assignment_totals(&tallies);
    let ids = saved_view_ids(saved.view_ids.as_deref())?;
    Ok(ViewsCount {
        object_name: "views_count".into(),
        mine: tallies.mine,
        unassigned,
        assigned,
        all: assigned + unassigned,
        by_status,
        unread: tallies.unread,
        views: views::counts(store, caller, &ids).await?,
    })
}

/// The views count without saved views.
pub async fn views_count(
    store: &(impl ConversationStore + crate::TeamworkStore + ?Sized),
    caller: &Principal,
    query: convo_types::ConversationFilters,
) -> Result<ViewsCount> {
    views_count_with(store, caller, query, Default::default()).await
}

/// Assigned and unassigned conversations among the tallies.
pub(crate) fn assignment_totals(tallies: &crate::ViewTallies) -> (i64, i64) {
    tallies
        .by_status
        .iter()
        .fold((0, 0), |(assigned, unassigned), (_, is_assigned, n)| {
            if *is_assigned {
                (assigned + n, unassigned)
            } else {
                (assigned, unassigned + n)
            }
        })
}

/// `view_ids`, comma-separated.
fn saved_view_ids(text: Option<&str>) -> Result<Vec<convo_types::SavedViewId>> {
    let mut ids = Vec::new();
    for part in text.unwrap_or_default().split(',').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        ids.push(
            part.parse()
                .map_err(|_| Error::invalid("view_ids", format!("`{part}` is not a view id")))?,
        );
    }
    ids.sort_unstable();
    ids.dedup();
    if ids.len() > crate::rules::MAX_LIST_ITEMS {
        return Err(Error::invalid(
            "view_ids",
            format!("must name at most {} views", crate::rules::MAX_LIST_ITEMS),
        ));
    }
    Ok(ids)
}
