//! convo's embedded default: one SQLite file.
//!
//! WAL journal (readers never wait for the writer), foreign keys on, a busy timeout, one
//! writer connection (SQLite allows one writer at a time; queuing in the pool is cheaper than
//! lock retries) and a pool of readers. `synchronous=NORMAL` in WAL mode keeps every committed
//! write across a killed process; only a power loss may drop the last transactions.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

mod dialect;
#[path = "../../store-sql/mod.rs"]
mod sql;

pub use sql::SqlStore as SqliteStore;

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
        store.index_contacts().await?;
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
        let store = Self::from_pools(sql::Pools {
            writer,
            search: reader.clone(),
            lookup: reader.clone(),
            reader,
        });
        tokio::spawn(checkpoint_in_background(
            checkpointer,
            convo_core::EventStore::event_wakeups(&store),
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
                let checkpoint = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await;
                if let Err(error) = checkpoint {
                    tracing::warn!(%error, "background checkpoint failed; the writer checkpoints \
                                            when the log grows");
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
