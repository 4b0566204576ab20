//! convo's embedded default: one SQLite file.
//!
//! WAL journal (readers never wait for the writer), foreign keys on, a busy timeout, one
//! writer connection (SQLite allows one writer at a time; queuing in the pool is cheaper than
//! lock retries) and a pool of readers. `synchronous=NORMAL` in WAL mode keeps every committed
//! write across a killed process; only a power loss may drop the last transactions.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

type Db = sqlx::Sqlite;
/// SQLite has one writer connection, so a read inside its transaction is already exclusive.
const LOCK_FOR_UPDATE: &str = "";

/// Users whose `business_unit_ids` (a JSON array, empty for all) let them work in `unit`.
fn push_unit_access(qb: &mut sqlx::QueryBuilder<'_, Db>, unit: uuid::Uuid) {
    qb.push(" AND (business_unit_ids = '[]' OR EXISTS (SELECT 1 FROM json_each(users.business_unit_ids) j WHERE j.value = ")
        .push_bind(unit.to_string())
        .push("))");
}

/// FTS5 query syntax: every term quoted (so nothing in it is an operator), all required.
fn match_expression(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{}\"", t.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Conversations that match in their own text or in one of their messages.
fn push_text_match(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String) {
    qb.push(" AND c.id IN (SELECT m.conversation_id FROM message_search JOIN messages m ON m.seq = message_search.rowid WHERE message_search MATCH ")
        .push_bind(query.clone())
        .push(" UNION SELECT c2.id FROM conversation_search JOIN conversations c2 ON c2.seq = conversation_search.rowid WHERE conversation_search MATCH ")
        .push_bind(query)
        .push(")");
}

/// `(conversation_id, score)` of the newest `window` matching messages and conversations,
/// scored by bm25 (higher is better). FTS5 walks matches newest first and stops after the
/// window, so a common word costs the same as a rare one.
fn push_ranked_hits(qb: &mut sqlx::QueryBuilder<'_, Db>, query: String, window: i64) {
    qb.push("SELECT m.conversation_id AS conversation_id, w.score AS score FROM (SELECT rowid AS seq, -bm25(message_search) AS score FROM message_search WHERE message_search MATCH ")
        .push_bind(query.clone())
        .push(" ORDER BY rowid DESC LIMIT ")
        .push_bind(window)
        .push(") w JOIN messages m ON m.seq = w.seq UNION ALL SELECT c2.id, w2.score FROM (SELECT rowid AS seq, -bm25(conversation_search) AS score FROM conversation_search WHERE conversation_search MATCH ")
        .push_bind(query)
        .push(" ORDER BY rowid DESC LIMIT ")
        .push_bind(window)
        .push(") w2 JOIN conversations c2 ON c2.seq = w2.seq");
}

/// `(conversation_id, id, content)` of the newest `per_hit` messages matching `terms` in each
/// of the conversations: one FTS5 query, scoped by the conversations' index tokens.
fn push_hit_messages(
    qb: &mut sqlx::QueryBuilder<'_, Db>,
    terms: &[String],
    scope_terms: &[String],
    _conversations: &[uuid::Uuid],
    per_hit: i64,
) {
    let scope = scope_terms
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(" OR ");
    qb.push("SELECT conversation_id, id, content FROM (SELECT m.conversation_id, m.id, m.content, ROW_NUMBER() OVER (PARTITION BY m.conversation_id ORDER BY m.seq DESC) AS n FROM message_search JOIN messages m ON m.seq = message_search.rowid WHERE message_search MATCH ")
        .push_bind(format!("({scope}) AND {}", match_expression(terms)))
        .push(") hits WHERE n <= ")
        .push_bind(per_hit)
        .push(" ORDER BY conversation_id, n");
}

/// FTS5 plans do not depend on the words: prepared search statements are cached as usual.
const PLAN_SEARCH_PER_QUERY: bool = false;

/// SQLite runs on one node: wake-ups stay in the process.
const NOTIFY_EVENT: Option<&str> = None;

/// A conversation's team members as a JSON array, in the order they joined: read in the same
/// statement as the conversation (one round trip to the connection's thread instead of two).
const CONVERSATION_MEMBERS: &str = "(SELECT json_group_array(json_object('id', lower(hex(u.id)), 'name', u.name, 'kind', u.kind, 'avatar_url', u.avatar_url) ORDER BY m.added_at, u.id) FROM conversation_members m JOIN users u ON u.id = m.user_id WHERE m.conversation_id = c.id) AS members";

mod portable {
    use super::{
        match_expression, push_hit_messages, push_ranked_hits, push_text_match, push_unit_access,
        Db, CONVERSATION_MEMBERS, LOCK_FOR_UPDATE, NOTIFY_EVENT, PLAN_SEARCH_PER_QUERY,
    };
    include!("../../store-sql/portable.rs");
}

pub use portable::SqlStore as SqliteStore;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How many connections serve reads.
const READERS: u32 = 8;

/// How often the checkpointer copies committed pages from the write-ahead log into the
/// database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// WAL pages after which the writer checkpoints by itself: only when the checkpointer has
/// fallen far behind (SQLite's default, 1,000, had every large commit wait for one).
const WRITER_CHECKPOINT_PAGES: &str = "16000";

/// The size the write-ahead log is cut back to after a checkpoint.
const WAL_SIZE_LIMIT_BYTES: &str = "67108864";

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://path` or a plain path)
    /// and brings its schema up to date.
    pub async fn open(url: &str) -> Result<Self, sqlx::Error> {
        let store = Self::connect(url).await?;
        MIGRATOR.run(&store.writer_pool()).await?;
        Ok(store)
    }

    /// Runs the migrations only.
    pub async fn migrate(url: &str) -> Result<(), sqlx::Error> {
        Self::open(url).await.map(drop)
    }

    async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let url = if url.starts_with("sqlite:") {
            url.to_owned()
        } else {
            format!("sqlite://{url}")
        };
        let options = SqliteConnectOptions::from_str(&url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5))
            .statement_cache_capacity(256);
        // Fresh planner statistics when the writer connects, as SQLite recommends for
        // long-lived connections (the limit keeps it to milliseconds on large files). Only
        // the writer: statistics are written, and readers would queue for the write lock.
        let writer = pool_options()
            .max_connections(1)
            .connect_with(
                options
                    .clone()
                    .pragma("analysis_limit", "400")
                    .pragma("optimize", "0x10002")
                    .pragma("wal_autocheckpoint", WRITER_CHECKPOINT_PAGES)
                    .pragma("journal_size_limit", WAL_SIZE_LIMIT_BYTES)
                    // Statement journals in memory (a multi-row statement inside a transaction
                    // keeps the pages it changes so it can be undone alone): on disk, each
                    // group of messages wrote and read back megabytes of temporary file. Only
                    // the writer: readers' sorts stay in files, out of the process's memory.
                    .pragma("temp_store", "memory"),
            )
            .await?;
        let checkpointer = pool_options()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        let reader = pool_options()
            .max_connections(READERS)
            .connect_with(options)
            .await?;
        let store = Self::from_pools(reader, writer);
        tokio::spawn(checkpoint_in_background(
            checkpointer,
            convo_core::Store::event_wakeups(&store),
        ));
        Ok(store)
    }
}

/// Pools of in-process connections: nothing can break between two uses, so no ping before
/// each (a round trip to the connection's thread on every query).
fn pool_options() -> SqlitePoolOptions {
    SqlitePoolOptions::new().test_before_acquire(false)
}

/// Copies committed pages from the write-ahead log into the database file on a connection of
/// its own, so the writer never stops to do it: with SQLite's default the committing writer
/// checkpoints, and a batch of messages waited for the copy and two fsyncs (a third of its
/// time). PASSIVE never blocks readers or the writer. Stops when the store is gone (its
/// wake-up channel closes).
async fn checkpoint_in_background(
    pool: sqlx::SqlitePool,
    mut store_alive: tokio::sync::broadcast::Receiver<convo_types::OrganizationId>,
) {
    let mut every = tokio::time::interval(CHECKPOINT_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = every.tick() => {
                if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
                    tracing::warn!(%error, "background checkpoint failed; the writer checkpoints when the log grows");
                }
            }
            woken = store_alive.recv() => {
                if let Err(tokio::sync::broadcast::error::RecvError::Closed) = woken {
                    pool.close().await;
                    return;
                }
            }
        }
    }
}
