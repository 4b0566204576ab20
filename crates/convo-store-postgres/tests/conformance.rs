//! The conformance suite on PostgreSQL, when `CONVO_TEST_POSTGRES_URL` names a database
//! (CI always sets it). Stories share the database; each makes its own organizations.

use std::sync::Arc;

use convo_core::Store;
use convo_store_postgres::PostgresStore;

async fn open() -> Option<(Arc<dyn Store>, ())> {
    let url = std::env::var("CONVO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let store = PostgresStore::open(&url, 4)
        .await
        .expect("connect to CONVO_TEST_POSTGRES_URL");
    Some((Arc::new(store), ()))
}

convo_conformance::suite!(open);
