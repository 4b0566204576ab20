//! The SQL that SQLite and PostgreSQL share, one module per aggregate, compiled into each
//! backend crate as its `sql` module (`#[path]`), so rustfmt and clippy see every line.
//!
//! Each backend supplies a `dialect` module at its crate root: `Db` (the sqlx database),
//! `LOCK_FOR_UPDATE` (row locking, which SQLite does not need: it has one writer connection),
//! its full-text search statements, JSON functions and event notification. Everything here is
//! portable SQL: `$N` placeholders, `ON CONFLICT`, `RETURNING`, row values and partial indexes
//! work the same on both. Writing it once keeps the two backends from drifting apart; the
//! conformance suite checks that they don't. Why a shared module tree rather than a crate
//! generic over the database: docs/ARCHITECTURE.md.

mod attachments;
mod contacts;
mod conversations;
mod counters;
mod directory;
mod error;
mod events;
mod idempotency;
mod invitations;
mod labels;
mod live;
mod messages;
mod organizations;
mod people;
mod prelude;
mod query;
mod reads;
pub(crate) mod search;
mod teamwork;
mod timers;
mod webhooks;

use prelude::*;

impl StatsStore for SqlStore {
    fn stats(&self) -> StoreStats {
        self.current_stats()
    }
}

/// The connections of a store. On SQLite a single writer connection and a pool of readers
/// that also serves both searches; on PostgreSQL one pool for reads and writes, and a few
/// connections for each kind of search.
pub struct Pools {
    /// Takes every change.
    pub writer: sqlx::Pool<Db>,
    /// Serves reads.
    pub reader: sqlx::Pool<Db>,
    /// Ranks the newest matches of words found in many documents, with plans made for the
    /// words (PostgreSQL: `plan_cache_mode = force_custom_plan`): whether a word is looked up in
    /// the index or found among the newest rows depends on the word.
    pub search: sqlx::Pool<Db>,
    /// Finds every match of words found in few documents through the full-text indexes alone,
    /// with plans made once per connection (PostgreSQL: `force_generic_plan`): planning for the
    /// words cost more than the look-up.
    pub lookup: sqlx::Pool<Db>,
}

/// A store over one database, through its [`Pools`].
#[derive(Clone)]
pub struct SqlStore {
    reader: sqlx::Pool<Db>,
    writer: sqlx::Pool<Db>,
    search: sqlx::Pool<Db>,
    lookup: sqlx::Pool<Db>,
    /// Searches lately found in many documents: they skip the look-up of every match.
    common_queries: Arc<search::CommonQueries>,
    /// The organization of every event this node commits (and, on PostgreSQL, every event any
    /// node commits): wake-ups for the live stream and webhooks, which then read the table.
    wakeups: tokio::sync::broadcast::Sender<OrganizationId>,
    /// Every node's live signals (typing, viewing, presence, notifications): on PostgreSQL
    /// fed by the listener, on SQLite by `send_signal` itself.
    signals: tokio::sync::broadcast::Sender<convo_core::live::Broadcast>,
    /// New messages, written in groups by one task (see `messages::group_commit`).
    group_commit: tokio::sync::mpsc::Sender<messages::QueuedMessage>,
    /// What that task has committed so far.
    groups: Arc<messages::GroupTotals>,
}

impl SqlStore {
    pub fn from_pools(pools: Pools) -> Self {
        let Pools {
            writer,
            reader,
            search,
            lookup,
        } = pools;
        let (wakeups, _) = tokio::sync::broadcast::channel(1024);
        let (signals, _) = tokio::sync::broadcast::channel(1024);
        let (group_commit_queue, queue) =
            tokio::sync::mpsc::channel(4 * messages::GROUP_COMMIT_MAX);
        let groups = Arc::new(messages::GroupTotals::default());
        tokio::spawn(messages::group_commit(
            writer.clone(),
            wakeups.clone(),
            queue,
            groups.clone(),
        ));
        Self {
            reader,
            writer,
            search,
            lookup,
            common_queries: Arc::default(),
            wakeups,
            signals,
            group_commit: group_commit_queue,
            groups,
        }
    }

    /// Wakes whoever follows `org`'s events (a lagging follower misses nothing: it re-reads).
    pub fn wake(&self, org: OrganizationId) {
        let _ = self.wakeups.send(org);
    }

    /// Hands a signal heard from another node (or this one, through the database) to this
    /// node's streams.
    pub fn hear(&self, broadcast: convo_core::live::Broadcast) {
        let _ = self.signals.send(broadcast);
    }

    /// Commits a transaction that recorded events, then wakes their followers.
    pub(crate) async fn commit_and_wake(
        &self,
        tx: sqlx::Transaction<'_, Db>,
        org: Uuid,
    ) -> StoreResult<()> {
        tx.commit().await?;
        self.wake(org.into());
        Ok(())
    }

    /// Pools and the group-commit writer, as they are now.
    fn current_stats(&self) -> StoreStats {
        let idle = |pool: &sqlx::Pool<Db>| u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
        let queue = &self.group_commit;
        StoreStats {
            reader_connections: self.reader.size(),
            reader_idle: idle(&self.reader),
            writer_connections: self.writer.size(),
            writer_idle: idle(&self.writer),
            queued_messages: (queue.max_capacity() - queue.capacity()) as u64,
            message_groups: self.groups.groups.load(Ordering::Relaxed),
            grouped_messages: self.groups.messages.load(Ordering::Relaxed),
        }
    }

    /// The pool that takes changes (migrations run on it).
    pub fn writer_pool(&self) -> sqlx::Pool<Db> {
        self.writer.clone()
    }
}
