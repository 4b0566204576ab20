use convo_types::{ConversationId, Event, List, Scope};

use crate::auth::Principal;
use crate::paging::MAX_LIMIT;
use crate::usecases::conversations;
use crate::{ConversationStore, Error, EventFilter, EventStore, Result};

/// Where an event page starts: the `next_cursor` of the previous page (the last event id, as
/// text) when given, else `after`.
pub fn start_after(after: Option<i64>, cursor: Option<&str>) -> Result<Option<i64>> {
    if after.is_some_and(|after| after < 0) {
        return Err(Error::invalid("after", "must be 0 or more (an event id)"));
    }
    match cursor {
        None => Ok(after),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| Error::invalid("cursor", "is not a cursor this list gave out")),
    }
}

/// `GET /v1/events?after=&limit=` and a conversation's activity log, oldest first.
pub async fn list(
    store: &(impl ConversationStore + EventStore + ?Sized),
    caller: &Principal,
    conversation_id: Option<ConversationId>,
    after: Option<i64>,
    limit: Option<i64>,
) -> Result<List<Event>> {
    caller.require(Scope::ConversationsRead)?;
    if let Some(id) = conversation_id {
        conversations::get(store, caller, id).await?;
    }
    let limit = match limit {
        None => 100,
        Some(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => n as u32,
        Some(_) => {
            return Err(Error::invalid(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ))
        }
    };
    let after = after.unwrap_or(0);
    if after < 0 {
        return Err(Error::invalid("after", "must not be negative"));
    }
    let filter = EventFilter {
        organization_id: caller.organization_id,
        business_unit_ids: caller.business_unit_scope(None),
        conversation_id,
        types: None,
        after,
        limit: limit + 1,
    };
    let mut events = store.list_events(&filter).await?;
    let has_more = events.len() > limit as usize;
    events.truncate(limit as usize);
    let next_cursor = if has_more {
        events.last().map(|e| e.id.to_string())
    } else {
        None
    };
    Ok(List::new(events, has_more, next_cursor, None))
}

/// A follower this far behind the newest event is told to catch up from `GET /v1/events`
/// instead, so one slow client never holds a stream open forever.
pub const MAX_STREAM_LAG: i64 = 10_000;

/// The filter of `GET /v1/events/stream`: the caller's organization and business units,
/// narrowed by conversation, business unit and types (comma-separated).
pub async fn stream_filter(
    store: &(impl ConversationStore + ?Sized),
    caller: &Principal,
    conversation_id: Option<ConversationId>,
    business_unit_id: Option<convo_types::BusinessUnitId>,
    types: Option<&str>,
) -> Result<EventFilter> {
    caller.require(Scope::ConversationsRead)?;
    if let Some(id) = conversation_id {
        conversations::get(store, caller, id).await?;
    }
    let types = match types.filter(|t| !t.trim().is_empty()) {
        None => None,
        Some(text) => Some(
            text.split(',')
                .map(str::trim)
                .map(|t| {
                    convo_types::EventType::parse(t).ok_or_else(|| {
                        Error::invalid("types", format!("`{t}` is not an event type"))
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        ),
    };
    Ok(EventFilter {
        organization_id: caller.organization_id,
        business_unit_ids: caller.business_unit_scope(business_unit_id),
        conversation_id,
        types,
        after: 0,
        limit: 100,
    })
}
