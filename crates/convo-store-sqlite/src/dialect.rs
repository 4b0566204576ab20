//! What SQLite speaks differently from the shared SQL (`crate::sql`): the database type, row
//! locks, full-text search, JSON functions and event notifications.

use crate::sql::search::CONVERSATION_TERM;

pub(crate) type Db = sqlx::Sqlite;
/// SQLite has one writer connection, so a read inside its transaction is already exclusive.
pub(crate) const LOCK_FOR_UPDATE: &str = "";

/// Users whose `business_unit_ids` (a JSON array, empty for all) let them work in `unit`.
pub(crate) fn push_unit_access(qb: &mut sqlx::QueryBuilder<'_, Db>, unit: uuid::Uuid) {
    qb.push(
        " AND (business_unit_ids = '[]' OR EXISTS (SELECT 1 FROM \
         json_each(users.business_unit_ids) j WHERE j.value = ",
    )
    .push_bind(unit.to_string())
    .push("))");
}

/// FTS5 query syntax: every term quoted (so nothing in it is an operator), all required.
pub(crate) fn match_expression(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Conversations that match in their own text or in one of their messages.
pub(crate) fn push_text_match(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String) {
    qb.push(
        " AND c.id IN (SELECT m.conversation_id FROM message_search JOIN messages m ON m.seq = \
         message_search.rowid WHERE message_search MATCH ",
    )
    .push_bind(query.clone())
    .push(
        " UNION SELECT c2.id FROM conversation_search JOIN conversations c2 ON c2.seq = \
         conversation_search.rowid WHERE conversation_search MATCH ",
    )
    .push_bind(query)
    .push(")");
}

/// `(conversation_id, score)` of the newest `window` matching messages and conversations,
/// scored by bm25 (higher is better). FTS5 walks matches newest first and stops after the
/// window, so a common word costs the same as a rare one.
pub(crate) fn push_ranked_hits(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String, window: i64) {
    qb.push(
        "SELECT m.conversation_id AS conversation_id, w.score AS score FROM (SELECT rowid AS seq, \
         -bm25(message_search) AS score FROM message_search WHERE message_search MATCH ",
    )
    .push_bind(query.clone())
    .push(" ORDER BY rowid DESC LIMIT ")
    .push_bind(window)
    .push(
        ") w JOIN messages m ON m.seq = w.seq UNION ALL SELECT c2.id, w2.score FROM (SELECT rowid \
         AS seq, -bm25(conversation_search) AS score FROM conversation_search WHERE \
         conversation_search MATCH ",
    )
    .push_bind(query)
    .push(" ORDER BY rowid DESC LIMIT ")
    .push_bind(window)
    .push(") w2 JOIN conversations c2 ON c2.seq = w2.seq");
}

/// `(conversation_id, score)` of every message and conversation matching `query` when there
/// are fewer than `window` of each: FTS5 reads matches newest first at no extra cost, so these
/// are [`push_ranked_hits`]' own.
pub(crate) fn push_every_hit(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String, window: i64) {
    push_ranked_hits(qb, query, window);
}

/// Column `hit_messages` of a select from `conversations c`: the newest `per_hit` messages of
/// the conversation matching `terms`, as a JSON array of `[id, content]`, newest first. The
/// conversation's index token (`conversation_term`) confines the FTS5 query to it.
pub(crate) fn push_hit_messages_column(
    qb: &mut sqlx::QueryBuilder<'_, Db>,
    terms: &[String],
    per_hit: i64,
) {
    qb.push(format!(
        ", (SELECT json_group_array(json_array(lower(hex(h.id)), h.content) ORDER BY h.seq \
         DESC) FROM (SELECT m.id, m.content, m.seq FROM message_search JOIN messages m ON m.seq \
         = message_search.rowid WHERE message_search MATCH '\"{CONVERSATION_TERM}' || \
         lower(hex(c.id)) || '\" ' || "
    ))
    .push_bind(match_expression(terms))
    .push(" ORDER BY m.seq DESC LIMIT ")
    .push_bind(per_hit)
    .push(") h) AS hit_messages");
}

/// SQLite runs on one node: wake-ups stay in the process.
pub(crate) const NOTIFY_EVENT: Option<&str> = None;

/// One process: a signal goes straight to its streams.
pub(crate) const NOTIFY_SIGNAL: Option<&str> = None;

/// A conversation's team members as a JSON array, in the order they joined: read in the same
/// statement as the conversation (one round trip to the connection's thread instead of two).
pub(crate) const CONVERSATION_MEMBERS: &str = "(SELECT json_group_array(json_object('id', \
                                               lower(hex(u.id)), 'name', u.name, 'kind', u.kind, \
                                               'avatar_url', u.avatar_url) ORDER BY m.added_at, \
                                               u.id) FROM conversation_members m JOIN users u ON \
                                               u.id = m.user_id WHERE m.conversation_id = c.id) \
                                               AS members";

/// A conversation's label names, sorted: read with its row, like its members.
pub(crate) const CONVERSATION_LABELS: &str = "(SELECT json_group_array(l.name ORDER BY \
                                              l.name_key) FROM conversation_labels cl JOIN \
                                              labels l ON l.id = cl.label_id WHERE \
                                              cl.conversation_id = c.id) AS labels";
