//! A connection PostgreSQL dropped while it sat idle in the pool is replaced before a request
//! uses it: the pool pings a connection that has been idle a while (not every one it hands
//! out). Runs in a database of its own, so ending its connections touches no other test.

use std::time::Duration;

use convo_core::usecases::{conversations, search};
use convo_types::CreateConversation;
use libtest_mimic::{Arguments, Trial};

mod common;
use common::{admin, database_url, store_with_organization, with_database};

/// Longer than the pool lets a connection sit idle unchecked.
const IDLE: Duration = Duration::from_millis(1_500);

fn main() {
    let args = Arguments::from_args();
    let available = database_url().is_some();
    let trials = vec![
        Trial::test("a_connection_dropped_while_idle_is_replaced", || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            runtime
                .block_on(a_connection_dropped_while_idle_is_replaced())
                .map_err(Into::into)
        })
        .with_ignored_flag(!available),
    ];
    libtest_mimic::run(&args, trials).exit()
}

async fn a_connection_dropped_while_idle_is_replaced() -> Result<(), String> {
    let server = database_url().expect("CONVO_TEST_POSTGRES_URL");
    let name = format!("convo_connections_{}", std::process::id());
    admin(&server, &format!("CREATE DATABASE {name}")).await?;
    let outcome = reads_after_the_server_ends_every_connection(&server, &name).await;
    admin(
        &server,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await?;
    outcome
}

async fn reads_after_the_server_ends_every_connection(
    server: &str,
    name: &str,
) -> Result<(), String> {
    let (store, caller) =
        store_with_organization(&with_database(server, name), 2, "connections").await?;
    let conversation = conversations::create(
        &store,
        &caller,
        CreateConversation {
            name: Some("kept".into()),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| e.to_string())?
    .conversation
    .id;
    let find = || {
        search::search(
            &store,
            &caller,
            "kept",
            None,
            Default::default(),
            None,
            None,
        )
    };
    // Both pools (reads and writes, and search's own) now hold a connection.
    find().await.map_err(|e| e.to_string())?;

    admin(
        server,
        &format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND \
             pid <> pg_backend_pid()"
        ),
    )
    .await?;
    tokio::time::sleep(IDLE).await;

    let read = conversations::get(&store, &caller, conversation)
        .await
        .map_err(|e| format!("a read after the server ended its connection: {e}"))?;
    assert_eq!(read.conversation.name, "kept");
    let found = find()
        .await
        .map_err(|e| format!("a search after the server ended its connection: {e}"))?;
    assert_eq!(found.data.len(), 1);
    Ok(())
}
