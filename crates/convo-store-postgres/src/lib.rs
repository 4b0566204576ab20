//! convo on PostgreSQL: the production backend. Several convo nodes may share one database.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;

type Db = sqlx::Postgres;
/// Changes lock the conversation row, so two nodes never interleave read-modify-write.
const LOCK_FOR_UPDATE: &str = " FOR UPDATE";

/// Users whose `business_unit_ids` (a JSON array, empty for all) let them work in `unit`.
fn push_unit_access(qb: &mut sqlx::QueryBuilder<'_, Db>, unit: uuid::Uuid) {
    qb.push(
        " AND (business_unit_ids = '[]'::jsonb OR business_unit_ids @> jsonb_build_array(CAST(",
    )
    .push_bind(unit.to_string())
    .push(" AS TEXT)))");
}

/// Terms for `plainto_tsquery('simple', ...)`, which requires them all.
fn match_expression(terms: &[String]) -> String {
    terms.join(" ")
}

/// The stored search document (migration 0007).
const DOCUMENT: &str = "search_vector";

/// Conversations that match in their own text or in one of their messages.
fn push_text_match(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String) {
    qb.push(format!(" AND c.id IN (SELECT conversation_id FROM messages WHERE {DOCUMENT} @@ plainto_tsquery('simple', "))
        .push_bind(query.clone())
        .push(format!(") UNION SELECT id FROM conversations WHERE {DOCUMENT} @@ plainto_tsquery('simple', "))
        .push_bind(query)
        .push("))");
}

/// `(conversation_id, score)` of the newest `window` matching messages and conversations,
/// scored by `ts_rank` (higher is better), so a common word does not rank every match.
fn push_ranked_hits(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String, window: i64) {
    for (i, (id, table)) in [("conversation_id", "messages"), ("id", "conversations")]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            qb.push(" UNION ALL ");
        }
        qb.push(format!("SELECT w.conversation_id, CAST(ts_rank({DOCUMENT}, q) AS DOUBLE PRECISION) AS score FROM (SELECT {id} AS conversation_id, {DOCUMENT} FROM {table} WHERE {DOCUMENT} @@ plainto_tsquery('simple', "))
            .push_bind(query.clone())
            .push(") ORDER BY id DESC LIMIT ")
            .push_bind(window)
            .push(") w, plainto_tsquery('simple', ")
            .push_bind(query.clone())
            .push(") q");
    }
}

/// `(conversation_id, id, content)` of the `per_hit` best messages matching `terms` in each of
/// the conversations.
fn push_hit_messages(
    qb: &mut sqlx::QueryBuilder<'_, Db>,
    terms: &[String],
    _scope_terms: &[String],
    conversations: &[uuid::Uuid],
    per_hit: i64,
) {
    qb.push(format!("SELECT conversation_id, id, content FROM (SELECT conversation_id, id, content, ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY ts_rank({DOCUMENT}, q) DESC, created_at DESC) AS n FROM messages, plainto_tsquery('simple', "))
        .push_bind(match_expression(terms))
        .push(") q WHERE conversation_id IN (");
    let mut list = qb.separated(", ");
    for id in conversations {
        list.push_bind(*id);
    }
    qb.push(format!(") AND {DOCUMENT} @@ q) hits WHERE n <= "))
        .push_bind(per_hit)
        .push(" ORDER BY conversation_id, n");
}

/// Search statements are planned for their words each time, never from a cached generic
/// plan: a generic plan guesses every word equally common, and walked a million messages
/// newest first looking for a rare one; planned with the word, its statistics choose the index.
const PLAN_SEARCH_PER_QUERY: bool = true;

/// Every node listens on this channel; the notification is sent when the transaction commits.
const NOTIFY_EVENT: Option<&str> = Some("SELECT pg_notify('convo_events', $1)");

/// A conversation's team members as a JSON array, in the order they joined: read in the same
/// statement as the conversation (one round trip instead of two).
const CONVERSATION_MEMBERS: &str = "(SELECT COALESCE(json_agg(json_build_object('id', u.id, 'name', u.name, 'kind', u.kind, 'avatar_url', u.avatar_url) ORDER BY m.added_at, u.id), '[]') FROM conversation_members m JOIN users u ON u.id = m.user_id WHERE m.conversation_id = c.id) AS members";

mod portable {
    use super::{
        match_expression, push_hit_messages, push_ranked_hits, push_text_match, push_unit_access,
        Db, CONVERSATION_MEMBERS, LOCK_FOR_UPDATE, NOTIFY_EVENT, PLAN_SEARCH_PER_QUERY,
    };
    include!("../../store-sql/portable.rs");
}

pub use portable::SqlStore as PostgresStore;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl PostgresStore {
    /// Connects to `url` (`postgres://...`) and brings the schema up to date. Migrations take
    /// an advisory lock, so nodes starting together do not race.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await?;
        MIGRATOR.run(&pool).await?;
        let store = Self::from_pools(pool.clone(), pool.clone());
        store.listen_for_events(pool).await?;
        Ok(store)
    }

    /// Forwards every node's event notifications to this node's followers. A lost listener
    /// connection is re-opened; followers re-read the table, so nothing is missed meanwhile
    /// beyond a late wake-up.
    async fn listen_for_events(&self, pool: sqlx::PgPool) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
        listener.listen("convo_events").await?;
        let store = self.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) => {
                        if let Ok(org) = notification.payload().parse::<uuid::Uuid>() {
                            store.wake(org.into());
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "event notifications interrupted; reconnecting");
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                }
            }
        });
        Ok(())
    }
}
