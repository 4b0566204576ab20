//! The conformance suite on PostgreSQL, when `CONVO_TEST_POSTGRES_URL` names a database (CI
//! always sets it; without it every story is reported ignored). Stories share the database;
//! each makes its own organizations.

use std::sync::Arc;

use convo_core::Store;
use convo_store_postgres::PostgresStore;

fn database_url() -> Option<String> {
    std::env::var("CONVO_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

async fn open() -> (Arc<dyn Store>, ()) {
    let url = database_url().expect("CONVO_TEST_POSTGRES_URL");
    let store = PostgresStore::open(&url, 4)
        .await
        .expect("connect to CONVO_TEST_POSTGRES_URL");
    (Arc::new(store), ())
}

fn main() {
    convo_conformance::run(database_url().is_some(), open)
}
