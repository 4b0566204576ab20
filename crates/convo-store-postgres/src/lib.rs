//! convo on PostgreSQL: the production backend. Several convo nodes may share one database.

use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

mod dialect;
#[path = "../../store-sql/mod.rs"]
mod sql;
mod statistics;

pub use sql::SqlStore as PostgresStore;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl PostgresStore {
    /// Connects to `url` (`postgres://...`) and brings the schema up to date. Migrations take
    /// an advisory lock, so nodes starting together do not race.
    ///
    /// At most `max_connections` read and write, and a quarter as many more (at least one)
    /// for each kind of search.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, sqlx::Error> {
        let searchers = (max_connections / 4).max(1);
        let pool = pool_options(max_connections).connect(url).await?;
        MIGRATOR.run(&pool).await?;
        // Search statements are prepared once per connection. A word in many documents is
        // ranked by statements planned for it every time: a generic plan guesses every word
        // equally common, and walked a million messages newest first looking for a rare one
        // (or read every match of a common one). A word in few is looked up by statements
        // planned once, never in parallel (starting workers cost more than the look-up).
        let options = url.parse::<PgConnectOptions>()?;
        let planned_per_query = options
            .clone()
            .options([("plan_cache_mode", "force_custom_plan")]);
        let planned_once = options.options([
            ("plan_cache_mode", "force_generic_plan"),
            ("max_parallel_workers_per_gather", "0"),
        ]);
        let store = Self::from_pools(sql::Pools {
            writer: pool.clone(),
            reader: pool.clone(),
            search: pool_options(searchers).connect_lazy_with(planned_per_query),
            lookup: pool_options(searchers).connect_lazy_with(planned_once),
        });
        store.index_contacts().await?;
        statistics::keep_fresh(pool.clone()).await?;
        store.listen_for_events(pool).await?;
        Ok(store)
    }

    /// Forwards every node's event notifications and signals to this node's followers. A lost listener
    /// connection is re-opened; followers re-read the table, so nothing is missed meanwhile
    /// beyond a late wake-up.
    async fn listen_for_events(&self, pool: sqlx::PgPool) -> Result<(), sqlx::Error> {
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
        listener
            .listen_all(["convo_events", "convo_signals"])
            .await?;
        let store = self.clone();
        tokio::spawn(async move {
            loop {
                match listener.recv().await {
                    Ok(notification) if notification.channel() == "convo_signals" => {
                        match serde_json::from_str(notification.payload()) {
                            Ok(broadcast) => store.hear(broadcast),
                            Err(error) => tracing::warn!(%error, "an unreadable signal"),
                        }
                    }
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

/// A connection idle this long is pinged before use: one the server or the network dropped
/// meanwhile is replaced instead of failing the request.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(1);

/// Pools that ping a connection only when it has been idle a while. sqlx's default pings on
/// every acquire: a round trip to the server before each request's first statement. A
/// connection in steady use was just seen alive (sqlx pings it again when it is released).
fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= PING_WHEN_IDLE_FOR {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}
