//! `GET /v1/conversations/search`: ranked, multilingual, index-backed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use convo_types::{BusinessUnitId, Highlight, List, Scope, SearchHit, SearchInfo};

use crate::auth::Principal;
use crate::paging::{DEFAULT_LIMIT, MAX_LIMIT};
use crate::rules::{preview, MAX_NAME_CHARS};
use crate::text::search::{highlight, query_terms};
use crate::SearchStore;
use crate::{Error, InboxFilter, Result, SearchQuery};

/// Matching messages shown per conversation.
const MESSAGES_PER_HIT: u32 = 3;

fn encode_cursor(offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("search:{offset}"))
}

fn decode_cursor(cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("search:")?
        .parse()
        .ok()
}

pub async fn search(
    store: &(impl SearchStore + ?Sized),
    caller: &Principal,
    q: &str,
    business_unit_id: Option<BusinessUnitId>,
    inbox: InboxFilter,
    limit: Option<i64>,
    cursor: Option<&str>,
) -> Result<List<SearchHit>> {
    caller.require(Scope::ConversationsRead)?;
    if q.chars().count() > MAX_NAME_CHARS {
        return Err(Error::invalid(
            "q",
            format!("must be at most {MAX_NAME_CHARS} characters"),
        ));
    }
    let terms = query_terms(q);
    if terms.is_empty() {
        return Err(Error::invalid(
            "q",
            "must contain at least one word or number",
        ));
    }
    let limit = match limit {
        None => DEFAULT_LIMIT,
        Some(n) if (1..=i64::from(MAX_LIMIT)).contains(&n) => n as u32,
        Some(_) => {
            return Err(Error::invalid(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ))
        }
    };
    let offset = match cursor.filter(|c| !c.is_empty()) {
        Some(c) => decode_cursor(c)
            .ok_or_else(|| Error::invalid("cursor", "is not a cursor this search gave out"))?,
        None => 0,
    };
    let query = SearchQuery {
        organization_id: caller.organization_id,
        business_unit_ids: caller.business_unit_scope(business_unit_id),
        terms: terms.clone(),
        inbox,
        limit: limit + 1,
        offset,
        messages_per_hit: MESSAGES_PER_HIT,
        reader: caller.user_id,
    };
    let mut rows = store.search_conversations(&query).await?;
    let has_more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next_cursor = has_more.then(|| encode_cursor(offset + u64::from(limit)));
    let hits = rows
        .into_iter()
        .map(|row| {
            let c = &row.conversation;
            let mut highlights = Vec::new();
            let mut field = |name: &str, text: Option<&str>| {
                if let Some(snippet) = text.and_then(|t| highlight(t, &terms)) {
                    highlights.push(Highlight {
                        field: name.to_owned(),
                        message_id: None,
                        snippet,
                    });
                }
            };
            field("name", Some(&c.name));
            field("detail", Some(&c.detail));
            if let Some(contact) = &row.contact {
                field("contact.name", contact.name.as_deref());
                field("contact.email", contact.email.as_deref());
                field("contact.phone", contact.phone.as_deref());
                field("contact.external_id", contact.external_id.as_deref());
            }
            for (id, content) in &row.messages {
                // A match the snippet cannot place (a word segmented differently) still shows.
                let snippet = highlight(content, &terms).unwrap_or_else(|| preview(content));
                highlights.push(Highlight {
                    field: "message".into(),
                    message_id: Some(*id),
                    snippet,
                });
            }
            SearchHit {
                conversation: row.conversation,
                search: SearchInfo {
                    score: row.score,
                    highlights,
                },
            }
        })
        .collect();
    Ok(List::new(hits, has_more, next_cursor, None))
}
