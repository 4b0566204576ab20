//! What PostgreSQL speaks differently from the shared SQL (`crate::sql`): the database type, row
//! locks, full-text search, JSON functions and event notifications.

pub(crate) type Db = sqlx::Postgres;
/// Changes lock the conversation row, so two nodes never interleave read-modify-write.
pub(crate) const LOCK_FOR_UPDATE: &str = " FOR UPDATE";

/// Users whose `business_unit_ids` (a JSON array, empty for all) let them work in `unit`.
pub(crate) fn push_unit_access(qb: &mut sqlx::QueryBuilder<'_, Db>, unit: uuid::Uuid) {
    qb.push(
        " AND (business_unit_ids = '[]'::jsonb OR business_unit_ids @> jsonb_build_array(CAST(",
    )
    .push_bind(unit.to_string())
    .push(" AS TEXT)))");
}

/// Terms for `plainto_tsquery('simple', ...)`, which requires them all.
pub(crate) fn match_expression(terms: &[String]) -> String {
    terms.join(" ")
}

/// The stored search document (migration 0007).
pub(crate) const DOCUMENT: &str = "search_vector";

/// Conversations that match in their own text or in one of their messages.
pub(crate) fn push_text_match(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String) {
    qb.push(format!(
        " AND c.id IN (SELECT conversation_id FROM messages WHERE {DOCUMENT} @@ \
         plainto_tsquery('simple', "
    ))
    .push_bind(query.clone())
    .push(format!(
        ") UNION SELECT id FROM conversations WHERE {DOCUMENT} @@ plainto_tsquery('simple', "
    ))
    .push_bind(query)
    .push("))");
}

/// `(conversation_id, score)` of the newest `window` matching messages and conversations,
/// scored by `ts_rank` (higher is better), so a common word does not rank every match.
pub(crate) fn push_ranked_hits(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String, window: i64) {
    push_each_document(qb, |qb, id, table| {
        qb.push(format!(
            "SELECT w.conversation_id, CAST(ts_rank({DOCUMENT}, q) AS DOUBLE PRECISION) AS score \
             FROM (SELECT {id} AS conversation_id, {DOCUMENT} FROM {table} WHERE {DOCUMENT} @@ \
             plainto_tsquery('simple', "
        ))
        .push_bind(query.clone())
        .push(") ORDER BY id DESC LIMIT ")
        .push_bind(window)
        .push(") w, plainto_tsquery('simple', ")
        .push_bind(query.clone())
        .push(") q");
    });
}

/// `(conversation_id, score)` of every message and conversation matching `query` when there
/// are fewer than `window` of them (else `window` of them, not the newest), scored as
/// [`push_ranked_hits`] scores them. Made for a plan made once for any word: the matches are
/// a materialized subquery, so whatever the limit they are planned as look-ups in the
/// full-text indexes; planned with the limit, a generic plan may read a table until it has
/// enough.
pub(crate) fn push_every_hit(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String, window: i64) {
    qb.push("WITH matches AS MATERIALIZED (");
    push_each_document(qb, |qb, id, table| {
        qb.push(format!(
            "SELECT {id} AS conversation_id, CAST(ts_rank({DOCUMENT}, q) AS DOUBLE PRECISION) AS \
             score FROM {table}, plainto_tsquery('simple', "
        ))
        .push_bind(query.clone())
        .push(format!(") q WHERE {DOCUMENT} @@ q"));
    });
    qb.push(") SELECT conversation_id, score FROM matches LIMIT ")
        .push_bind(window);
}

/// One select per table with a search document (given the column naming the conversation and
/// the table), joined by `UNION ALL`.
fn push_each_document<'q>(
    qb: &mut sqlx::QueryBuilder<'q, Db>,
    mut select: impl FnMut(&mut sqlx::QueryBuilder<'q, Db>, &str, &str),
) {
    for (i, (id, table)) in [("conversation_id", "messages"), ("id", "conversations")]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        select(qb, id, table);
    }
}

/// Column `hit_messages` of a select from `conversations c`: the `per_hit` best messages of the
/// conversation matching `terms`, as a JSON array of `[id, content]`, best first.
pub(crate) fn push_hit_messages_column(
    qb: &mut sqlx::QueryBuilder<'_, Db>,
    terms: &[String],
    per_hit: i64,
) {
    qb.push(format!(
        ", (SELECT COALESCE(json_agg(json_build_array(h.id, h.content) ORDER BY h.rank DESC, \
         h.created_at DESC), '[]') FROM (SELECT m.id, m.content, m.created_at, \
         ts_rank(m.{DOCUMENT}, q) AS rank FROM messages m, plainto_tsquery('simple', "
    ))
    .push_bind(match_expression(terms))
    .push(format!(
        ") q WHERE m.conversation_id = c.id AND m.{DOCUMENT} @@ q ORDER BY rank DESC, \
         m.created_at DESC LIMIT "
    ))
    .push_bind(per_hit)
    .push(") h) AS hit_messages");
}

/// Every node listens on this channel; the notification is sent when the transaction commits.
pub(crate) const NOTIFY_EVENT: Option<&str> = Some("SELECT pg_notify('convo_events', $1)");

/// Live signals (typing, viewing, presence, notifications) go to every node through the
/// database, this one included.
pub(crate) const NOTIFY_SIGNAL: Option<&str> = Some("SELECT pg_notify('convo_signals', $1)");

/// A conversation's team members as a JSON array, in the order they joined: read in the same
/// statement as the conversation (one round trip instead of two).
pub(crate) const CONVERSATION_MEMBERS: &str = "(SELECT COALESCE(json_agg(json_build_object('id', \
                                               u.id, 'name', u.name, 'kind', u.kind, \
                                               'avatar_url', u.avatar_url) ORDER BY m.added_at, \
                                               u.id), '[]') FROM conversation_members m JOIN \
                                               users u ON u.id = m.user_id WHERE \
                                               m.conversation_id = c.id) AS members";

/// A conversation's label names, sorted: read with its row, like its members.
pub(crate) const CONVERSATION_LABELS: &str = "(SELECT COALESCE(json_agg(l.name ORDER BY \
                                              l.name_key), '[]') FROM conversation_labels cl \
                                              JOIN labels l ON l.id = cl.label_id WHERE \
                                              cl.conversation_id = c.id) AS labels";
