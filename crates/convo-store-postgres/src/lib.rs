//! convo on PostgreSQL: the production backend. Several convo nodes may share one database.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;

type Db = sqlx::Postgres;
/// Changes lock the conversation row, so two nodes never interleave read-modify-write.
const LOCK_FOR_UPDATE: &str = " FOR UPDATE OF c";

/// Users whose `business_unit_ids` (a JSON array, empty for all) let them work in `unit`.
fn push_unit_access(qb: &mut sqlx::QueryBuilder<'_, Db>, unit: uuid::Uuid) {
    qb.push(
        " AND (business_unit_ids = '[]'::jsonb OR business_unit_ids @> jsonb_build_array(CAST(",
    )
    .push_bind(unit.to_string())
    .push(" AS TEXT)))");
}

mod portable {
    use super::{push_unit_access, Db, LOCK_FOR_UPDATE};
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
        Ok(Self::from_pools(pool.clone(), pool))
    }
}
