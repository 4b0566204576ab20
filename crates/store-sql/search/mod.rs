//! Ranked full-text search; the index text each object is stored with (`text`).

mod text;

pub(crate) use text::*;

use crate::sql::prelude::*;

/// `(conversation, score, rows in the window)` of the query's page: the best conversations
/// among the newest `window` matches of `fts_query`, in the organization and units asked.
pub(crate) async fn ranked_conversations(
    conn: &mut Conn,
    query: &SearchQuery,
    fts_query: String,
    window: i64,
) -> StoreResult<Vec<(Uuid, f64, i64)>> {
    let mut qb = QueryBuilder::<Db>::new("WITH hits AS (");
    push_ranked_hits(&mut qb, fts_query, window);
    // The tenant check is a correlated EXISTS, not a join, so the plan starts from the few
    // hits: joined, SQLite 3.46 prefers walking the organization's every conversation.
    qb.push(
        ") SELECT h.conversation_id, MAX(h.score) AS score, (SELECT COUNT(*) FROM hits) AS \
         window_rows FROM hits h WHERE EXISTS (SELECT 1 FROM conversations c WHERE c.id = \
         h.conversation_id AND c.organization_id = ",
    );
    qb.push_bind(query.organization_id.as_uuid());
    qb.push(" AND c.deleted_at IS NULL");
    if let Some(units) = &query.business_unit_ids {
        push_in(&mut qb, "c.business_unit_id", units);
    }
    qb.push(") GROUP BY h.conversation_id ORDER BY score DESC, h.conversation_id LIMIT ")
        .push_bind(i64::from(query.limit))
        .push(" OFFSET ")
        .push_bind(query.offset as i64);
    Ok(qb
        .build_query_as()
        .persistent(!PLAN_SEARCH_PER_QUERY)
        .fetch_all(&mut *conn)
        .await?)
}

#[async_trait]
impl SearchStore for SqlStore {
    async fn search_conversations(&self, query: &SearchQuery) -> Result<Vec<SearchRow>> {
        run(async {
            if query.business_unit_ids.as_ref().is_some_and(Vec::is_empty) || query.terms.is_empty()
            {
                return Ok(Vec::new());
            }
            let org = query.organization_id.as_uuid();
            // Rank among the newest matches: enough for the pages asked, bounded so a word in
            // every other message costs no more than a rare one.
            let wanted = query.offset.saturating_add(u64::from(query.limit));
            let window = wanted.saturating_mul(10).clamp(200, 5_000) as i64;
            let mut conn = self.reader.acquire().await?;
            // The words alone first: scoring a tenant token that is in every document of a large
            // organization costs ten times the rest. Other tenants' matches then take room in
            // the window; when they may have crowded this one's out, rank again with its token.
            let mut ranked =
                ranked_conversations(&mut conn, query, match_expression(&query.terms), window)
                    .await?;
            let crowded = ranked
                .first()
                .is_none_or(|&(_, _, window_rows)| window_rows >= window);
            if ranked.len() < query.limit as usize && crowded {
                ranked =
                    ranked_conversations(&mut conn, query, tenant_query(org, &query.terms), window)
                        .await?;
            }
            if ranked.is_empty() {
                return Ok(Vec::new());
            }
            // The page's conversations, contacts and matching messages: a query each, not one
            // per hit.
            let ids: Vec<Uuid> = ranked.iter().map(|&(id, _, _)| id).collect();
            let mut conversations: HashMap<Uuid, Conversation> =
                fetch_conversations(&mut conn, org, &ids)
                    .await?
                    .into_iter()
                    .map(|r| (r.conversation.id.as_uuid(), r.conversation))
                    .collect();
            let contact_ids: Vec<Uuid> = conversations
                .values()
                .filter_map(|c| c.contact_id)
                .map(|id| id.as_uuid())
                .collect();
            let mut contacts: HashMap<Uuid, Contact> = HashMap::new();
            if !contact_ids.is_empty() {
                let mut qb = QueryBuilder::<Db>::new(format!(
                    "SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = "
                ));
                qb.push_bind(org).push(" AND id IN (");
                let mut list = qb.separated(", ");
                for id in &contact_ids {
                    list.push_bind(*id);
                }
                qb.push(")");
                let rows: Vec<ContactRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
                contacts.extend(rows.into_iter().map(|r| (r.id, Contact::from(r))));
            }
            let scope_terms: Vec<String> = ids.iter().map(|id| conversation_term(*id)).collect();
            let mut qb = QueryBuilder::<Db>::new("");
            push_hit_messages(
                &mut qb,
                &query.terms,
                &scope_terms,
                &ids,
                i64::from(query.messages_per_hit),
            );
            let matches: Vec<(Uuid, Uuid, String)> =
                qb.build_query_as().fetch_all(&mut *conn).await?;
            let mut messages: HashMap<Uuid, Vec<(MessageId, String)>> = HashMap::new();
            for (conversation, id, content) in matches {
                messages
                    .entry(conversation)
                    .or_default()
                    .push((id.into(), content));
            }
            Ok(ranked
                .into_iter()
                .filter_map(|(id, score, _)| {
                    let conversation = conversations.remove(&id)?;
                    let contact = conversation
                        .contact_id
                        .and_then(|c| contacts.get(&c.as_uuid()).cloned());
                    Some(SearchRow {
                        conversation,
                        contact,
                        score,
                        messages: messages.remove(&id).unwrap_or_default(),
                    })
                })
                .collect())
        })
        .await
    }
}
