//! Planner statistics for the tables that grow with the data. Search and the word-filtered
//! lists are planned from them (is a word rare, so looked up in the full-text index, or common,
//! so found by walking the newest rows?); without them PostgreSQL guesses, and a word in no
//! message scans the conversations. Autovacuum keeps them; where it is off, convo does.

use std::time::Duration;

use sqlx::PgPool;

/// Tables whose statistics convo keeps: the ones that grow with every customer.
const TABLES: [&str; 6] = [
    "conversations",
    "messages",
    "contacts",
    "conversation_members",
    "events",
    "webhook_deliveries",
];

/// How often the keeper looks (autovacuum's default nap).
const INTERVAL: Duration = Duration::from_secs(60);

/// An advisory lock key, so that one node of several analyzes at a time (the others wait, then
/// find the statistics fresh).
const LOCK_KEY: i64 = 0x636f_6e76_6f5f_7374; // "convo_st"

impl super::PostgresStore {
    /// Analyzes those of convo's growing tables whose statistics are stale by autovacuum's
    /// default rule (more than 50 rows plus a tenth of the table changed since the last
    /// `ANALYZE`, or never analyzed while holding rows), answering their names. Waits for a
    /// pass another node (or the keeper) has under way.
    pub async fn refresh_statistics(&self) -> Result<Vec<String>, sqlx::Error> {
        refresh(&self.writer_pool()).await
    }
}

async fn refresh(pool: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(LOCK_KEY)
        .execute(&mut *tx)
        .await?;
    let stale: Vec<String> = sqlx::query_scalar(
        "SELECT relname::TEXT FROM pg_stat_user_tables WHERE schemaname = current_schema() AND \
         relname = ANY($1) AND (n_mod_since_analyze > 50 + 0.1 * n_live_tup OR \
         (last_analyze IS NULL AND last_autoanalyze IS NULL AND n_live_tup > 0)) ORDER BY relname",
    )
    .bind(TABLES.as_slice())
    .fetch_all(&mut *tx)
    .await?;
    for table in &stale {
        // The names come from TABLES, never from input.
        let statement = format!("ANALYZE {table}");
        sqlx::query(&statement)
            .persistent(false)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(stale)
}

/// Keeps the statistics fresh when autovacuum is off on the server (it is on by default, and
/// then does this itself): a look every minute, a log line for each refresh.
pub(crate) async fn keep_fresh(pool: PgPool) -> Result<(), sqlx::Error> {
    let autovacuum: String = sqlx::query_scalar("SELECT current_setting('autovacuum')")
        .fetch_one(&pool)
        .await?;
    if autovacuum == "on" {
        return Ok(());
    }
    tracing::warn!(
        "autovacuum is off on this PostgreSQL server: convo analyzes its own tables to keep \
         search plans on their indexes, but dead rows are not vacuumed; turn autovacuum on"
    );
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(INTERVAL);
        loop {
            ticks.tick().await;
            match refresh(&pool).await {
                Ok(tables) if tables.is_empty() => {}
                Ok(tables) => tracing::info!(?tables, "refreshed planner statistics"),
                Err(error) => tracing::warn!(%error, "could not refresh planner statistics"),
            }
        }
    });
    Ok(())
}
