//! The conformance suite on SQLite: always runs, each story on its own database file.

use std::sync::Arc;

use convo_core::Store;
use convo_store_sqlite::SqliteStore;

async fn open() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("convo.db");
    let store = SqliteStore::open(path.to_str().expect("utf-8 path"))
        .await
        .expect("open SQLite");
    (Arc::new(store), dir)
}

fn main() {
    convo_conformance::run(true, open)
}
