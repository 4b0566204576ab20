//! Ranked full-text search; the index text each object is stored with (`text`).

mod common;
mod text;

pub(crate) use common::CommonQueries;
pub(crate) use text::*;

use crate::sql::prelude::*;

/// A conversation of the page, with its best matching messages (`[id, content]`).
#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(flatten)]
    conversation: ConversationRow,
    hit_messages: Json<Vec<(Uuid, String)>>,
}

/// One ranked page: the best conversations among a window of a query's matches, and how many
/// matches the window held (all tenants', before the organization's were kept).
struct RankedPage {
    conversations: Vec<(Uuid, f64)>,
    window_rows: i64,
}

/// The query's page of conversations, in the organization and units asked, ranked among the
/// matches `push_hits` selects (`conversation_id`, `score`).
async fn ranked_conversations(
    conn: &mut Conn,
    query: &SearchQuery,
    push_hits: impl FnOnce(&mut QueryBuilder<'_, Db>),
) -> StoreResult<RankedPage> {
    let mut qb = QueryBuilder::<Db>::new("WITH hits AS (");
    push_hits(&mut qb);
    // Each matching conversation's tenant is checked by its primary key, in a scalar subquery
    // that neither planner turns into a join: joined (or as EXISTS, which PostgreSQL makes a
    // semi-join), a plan may start from the organization's conversations and walk them all.
    qb.push(
        "), page AS (SELECT g.conversation_id, g.score FROM (SELECT conversation_id, MAX(score) \
         AS score FROM hits GROUP BY conversation_id) g WHERE (SELECT c.organization_id FROM \
         conversations c WHERE c.id = g.conversation_id AND c.deleted_at IS NULL",
    );
    if let Some(units) = &query.business_unit_ids {
        push_in(&mut qb, "c.business_unit_id", units);
    }
    push_inbox_filters(&mut qb, &query.inbox);
    qb.push(") = ")
        .push_bind(query.organization_id.as_uuid())
        .push(" ORDER BY g.score DESC, g.conversation_id LIMIT ")
        .push_bind(i64::from(query.limit))
        .push(" OFFSET ")
        .push_bind(query.offset as i64);
    // One row even for an empty page, so the window's size is known without another query.
    qb.push(
        ") SELECT p.conversation_id, p.score, (SELECT COUNT(*) FROM hits) AS window_rows FROM \
         (SELECT 1 AS one) o LEFT JOIN page p ON o.one = 1 ORDER BY p.score DESC, \
         p.conversation_id",
    );
    let rows: Vec<(Option<Uuid>, Option<f64>, i64)> =
        qb.build_query_as().fetch_all(&mut *conn).await?;
    Ok(RankedPage {
        window_rows: rows.first().map_or(0, |&(_, _, n)| n),
        conversations: rows
            .into_iter()
            .filter_map(|(id, score, _)| Some((id?, score.unwrap_or_default())))
            .collect(),
    })
}

impl SqlStore {
    /// The query's page, ranked among the newest `window` matches of `words` (found in many
    /// documents), on connections that plan each statement for its words.
    async fn rank_newest(
        &self,
        query: &SearchQuery,
        words: String,
        window: i64,
    ) -> StoreResult<Vec<(Uuid, f64)>> {
        let mut ranking = self.search.acquire().await?;
        // The words alone first: scoring a tenant token that is in every document of a large
        // organization costs ten times the rest. Other tenants' matches then take room in the
        // window: only when it was full and this page came back short may they have crowded
        // this organization's out, and only then rank again with its token.
        let first = ranked_conversations(&mut ranking, query, |qb| {
            push_ranked_hits(qb, words, window)
        })
        .await?;
        if first.conversations.len() < query.limit as usize && first.window_rows >= window {
            let tenant = tenant_query(query.organization_id.as_uuid(), &query.terms);
            let again = ranked_conversations(&mut ranking, query, |qb| {
                push_ranked_hits(qb, tenant, window)
            })
            .await?;
            return Ok(again.conversations);
        }
        Ok(first.conversations)
    }
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
            let words = match_expression(&query.terms);
            // Words in few documents (a name, an order number, a typo) are looked up with
            // every match ranked, from a plan made once: planning for the words cost more than
            // the look-up. Only when that finds a full window are the newest matches ranked
            // instead, and the words remembered as common.
            let mut few = None;
            if !self.common_queries.contains(&words) {
                let mut lookup = self.lookup.acquire().await?;
                let every = ranked_conversations(&mut lookup, query, |qb| {
                    push_every_hit(qb, words.clone(), window)
                })
                .await?;
                if every.window_rows < window {
                    few = Some(every.conversations);
                } else {
                    self.common_queries.remember(words.clone());
                }
            }
            let ranked = match few {
                Some(ranked) => ranked,
                None => self.rank_newest(query, words, window).await?,
            };
            if ranked.is_empty() {
                return Ok(Vec::new());
            }
            // The page reads by primary key and by conversation, on the reader pool like any read.
            let mut conn = self.reader.acquire().await?;
            // The page's conversations with the reader's unread counts and their best
            // matching messages in one statement, then their contacts: a query each, not one
            // per hit.
            let ids: Vec<Uuid> = ranked.iter().map(|&(id, _)| id).collect();
            let per_hit = i64::from(query.messages_per_hit);
            let rows: Vec<PageRow> = fetch_live_rows(
                &mut conn,
                Some(org),
                &ids,
                Some(query.reader.as_uuid()),
                |qb| push_hit_messages_column(qb, &query.terms, per_hit),
            )
            .await?;
            let mut page: HashMap<Uuid, (Conversation, Vec<(MessageId, String)>)> = HashMap::new();
            for row in rows {
                let conversation = row.conversation.into_record()?.conversation;
                let messages = row
                    .hit_messages
                    .0
                    .into_iter()
                    .map(|(id, content)| (id.into(), content))
                    .collect();
                page.insert(conversation.id.as_uuid(), (conversation, messages));
            }
            let contact_ids: Vec<Uuid> = page
                .values()
                .filter_map(|(c, _)| c.contact_id)
                .map(|id| id.as_uuid())
                .collect();
            let mut contacts: HashMap<Uuid, Contact> = HashMap::new();
            if !contact_ids.is_empty() {
                let mut qb = QueryBuilder::<Db>::new(format!(
                    "SELECT {CONTACT_COLUMNS} FROM contacts WHERE organization_id = "
                ));
                qb.push_bind(org);
                push_in_ids(&mut qb, "id", contact_ids);
                let rows: Vec<ContactRow> = qb.build_query_as().fetch_all(&mut *conn).await?;
                contacts.extend(rows.into_iter().map(|r| (r.id, Contact::from(r))));
            }
            Ok(ranked
                .into_iter()
                .filter_map(|(id, score)| {
                    let (conversation, messages) = page.remove(&id)?;
                    let contact = conversation
                        .contact_id
                        .and_then(|c| contacts.get(&c.as_uuid()).cloned());
                    Some(SearchRow {
                        conversation,
                        contact,
                        score,
                        messages,
                    })
                })
                .collect())
        })
        .await
    }
}
