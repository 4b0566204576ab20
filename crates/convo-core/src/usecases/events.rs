use convo_types::{ConversationId, Event, List, Scope};

use crate::auth::Principal;
use crate::paging::MAX_LIMIT;
use crate::usecases::conversations;
use crate::{Error, EventFilter, Result, Store};

/// `GET /v1/events?after=&limit=` and a conversation's activity log, oldest first.
pub async fn list(
    store: &dyn Store,
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
