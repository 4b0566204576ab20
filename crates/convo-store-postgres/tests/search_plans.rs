//! A search that matches nothing, or one message, costs index look-ups only: no sequential
//! scan of a table that grows with the data, and no walk over an index of one
//! (`pg_stat_user_tables` and `pg_stat_user_indexes` before and after). The search, the list
//! and the inbox counts filtered by the same words are measured, with the statistics convo
//! keeps itself (this machine's PostgreSQL runs with autovacuum off).
//! Runs in a database of its own, made on the server `CONVO_TEST_POSTGRES_URL` names, so no
//! other test's statements count; without that variable it is reported ignored.

use std::sync::Arc;

use convo_core::auth::Principal;
use convo_core::paging::PagingParams;
use convo_core::usecases::{conversations, messages, search, team};
use convo_core::Store;
use convo_store_postgres::PostgresStore;
use convo_types::{ConversationFilters, CreateConversation, CreateMessage, MessageType};
use libtest_mimic::{Arguments, Trial};
use sqlx::{Connection, PgConnection};

mod common;
use common::{admin, database_url, store_with_organization, with_database};

/// The organization's conversations; the first `BUSY` of them hold `MESSAGES_PER_BUSY` each
/// (a few long threads, as with a chat widget's regulars).
const CONVERSATIONS: usize = 5_000;
const BUSY: usize = 100;
const MESSAGES_PER_BUSY: usize = 200;
const NO_MATCH: &str = "qzxvjk";
const ONE_MATCH: &str = "needle31337";
/// Each word is searched, listed and counted this many times.
const ROUNDS: usize = 10;
/// Tables whose size follows the data: a scan of either grows with every customer.
const GROWING: [&str; 2] = ["conversations", "messages"];

fn main() {
    let args = Arguments::from_args();
    let available = database_url().is_some();
    let trials = vec![Trial::test(
        "search_with_few_or_no_matches_scans_no_growing_table",
        || search_with_few_or_no_matches_scans_no_growing_table().map_err(Into::into),
    )
    .with_ignored_flag(!available)];
    libtest_mimic::run(&args, trials).exit()
}

/// A fresh runtime per phase: dropping it closes every connection the store opened, and a
/// PostgreSQL backend writes its statistics when it exits.
fn in_runtime<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(f)
}

fn search_with_few_or_no_matches_scans_no_growing_table() -> Result<(), String> {
    let server = database_url().expect("CONVO_TEST_POSTGRES_URL");
    let name = format!("convo_plans_{}", std::process::id());
    let url = with_database(&server, &name);
    in_runtime(admin(&server, &format!("CREATE DATABASE {name}")))?;
    let outcome = measure(&url);
    in_runtime(admin(
        &server,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    ))?;
    outcome
}

fn measure(url: &str) -> Result<(), String> {
    let caller = in_runtime(load(url))?;
    in_runtime(wait_for_backends_to_exit(url))?;
    in_runtime(refresh_statistics(url))?;
    in_runtime(wait_for_backends_to_exit(url))?;
    let before = in_runtime(reads(url))?;
    in_runtime(searches(url, &caller))?;
    in_runtime(wait_for_backends_to_exit(url))?;
    let after = in_runtime(reads(url))?;
    // Each request reads a few index entries per match; walking the organization's
    // conversations would read thousands.
    let requests = (ROUNDS * 2 * 3) as i64;
    let mut faults = Vec::new();
    for (i, table) in GROWING.iter().enumerate() {
        let (scans, entries) = (after[i].0 - before[i].0, after[i].1 - before[i].1);
        eprintln!("{table}: {scans} sequential scans, {entries} index entries read");
        if scans > 0 {
            faults.push(format!("{table}: {scans} sequential scans"));
        }
        if entries > requests * 20 {
            faults.push(format!(
                "{table}: {entries} index entries for {requests} requests"
            ));
        }
    }
    if faults.is_empty() {
        Ok(())
    } else {
        Err(faults.join("; "))
    }
}

/// An organization of `CONVERSATIONS` conversations with a few messages each, one of which
/// holds a word found nowhere else; answers its administrator.
async fn load(url: &str) -> Result<Principal, String> {
    let (store, admin) = store_with_organization(url, 4, "plans").await?;
    let store: Arc<dyn Store> = Arc::new(store);
    let mut tasks = Vec::new();
    for worker in 0..4 {
        let (store, admin) = (store.clone(), admin.clone());
        tasks.push(tokio::spawn(async move {
            for i in (worker..CONVERSATIONS).step_by(4) {
                let conversation = conversations::create(
                    store.as_ref(),
                    &admin,
                    CreateConversation {
                        name: Some(format!("conversation {i}")),
                        ..Default::default()
                    },
                )
                .await?
                .conversation;
                if i >= BUSY {
                    continue;
                }
                let items = (0..MESSAGES_PER_BUSY)
                    .map(|n| {
                        let mut content = format!("refund for order {i}-{n}");
                        if i == BUSY / 2 && n == 0 {
                            content = format!("{content} {ONE_MATCH}");
                        }
                        let req = CreateMessage {
                            content,
                            message_type: Some(MessageType::Incoming),
                            ..Default::default()
                        };
                        (conversation.id, req)
                    })
                    .collect();
                messages::create_many(store.as_ref(), &admin, items).await?;
            }
            Ok::<(), convo_core::Error>(())
        }));
    }
    for task in tasks {
        task.await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
    }
    Ok(admin)
}

/// What the keeper does every minute where autovacuum is off (and autovacuum where it is on),
/// once the loading connections have reported their changes.
async fn refresh_statistics(url: &str) -> Result<(), String> {
    let store = PostgresStore::open(url, 2)
        .await
        .map_err(|e| e.to_string())?;
    // The keeper's first pass (this machine's autovacuum is off) may have done it already.
    store
        .refresh_statistics()
        .await
        .map_err(|e| e.to_string())?;
    let mut conn = PgConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let analyzed: Vec<String> = sqlx::query_scalar(
        "SELECT relname::TEXT FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL OR \
         last_autoanalyze IS NOT NULL",
    )
    .fetch_all(&mut conn)
    .await
    .map_err(|e| e.to_string())?;
    for table in GROWING {
        if !analyzed.iter().any(|t| t == table) {
            return Err(format!("{table} left without statistics: {analyzed:?}"));
        }
    }
    Ok(())
}

/// `(sequential scans, index entries read)` of each growing table so far.
async fn reads(url: &str) -> Result<Vec<(i64, i64)>, String> {
    let mut conn = PgConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    let mut counts = Vec::new();
    for table in GROWING {
        let n: (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(t.seq_scan, 0), CAST(COALESCE((SELECT SUM(i.idx_tup_read) FROM \
             pg_stat_user_indexes i WHERE i.relid = t.relid), 0) AS BIGINT) FROM \
             pg_stat_user_tables t WHERE t.relname = $1",
        )
        .bind(table)
        .fetch_one(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
        counts.push(n);
    }
    Ok(counts)
}

async fn searches(url: &str, caller: &Principal) -> Result<(), String> {
    let store = PostgresStore::open(url, 4)
        .await
        .map_err(|e| e.to_string())?;
    for _ in 0..ROUNDS {
        for (q, expected) in [(NO_MATCH, 0), (ONE_MATCH, 1)] {
            let found = search::search(&store, caller, q, None, Default::default(), Some(20), None)
                .await
                .map_err(|e| e.to_string())?;
            if found.data.len() != expected {
                return Err(format!("{q}: {} hits, not {expected}", found.data.len()));
            }
            // The list and the inbox counts filtered by the same words (`q`).
            let filters = ConversationFilters {
                q: Some(q.to_owned()),
                ..Default::default()
            };
            let listed = conversations::list(
                &store,
                caller,
                filters.clone(),
                PagingParams {
                    limit: Some(20),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| e.to_string())?;
            if listed.data.len() != expected {
                return Err(format!("list q={q}: {} conversations", listed.data.len()));
            }
            let counted = team::views_count(&store, caller, filters)
                .await
                .map_err(|e| e.to_string())?;
            if counted.all != expected as i64 {
                return Err(format!("views count q={q}: {}", counted.all));
            }
        }
    }
    Ok(())
}

/// Statistics are written when a backend exits; the phase's runtime is gone, so are its
/// connections, but their backends may take a moment.
async fn wait_for_backends_to_exit(url: &str) -> Result<(), String> {
    let mut conn = PgConnection::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    for _ in 0..100 {
        let others: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> \
             pg_backend_pid()",
        )
        .fetch_one(&mut conn)
        .await
        .map_err(|e| e.to_string())?;
        if others == 0 {
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err("the connections of a phase did not close".into())
}
