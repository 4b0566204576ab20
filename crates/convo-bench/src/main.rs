//! `convo-bench`: builds a data set through the store, starts `convo serve` on it in its own
//! process, drives it over HTTP on loopback scenario by scenario, and writes a report
//! (Markdown and JSON). Figures are reported, never asserted.

mod dataset;
mod load;
mod report;
mod scenarios;
mod server;
mod together;
mod uploads;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use convo_server::{open_store, Settings};

#[derive(Parser)]
#[command(
    name = "convo-bench",
    about = "convo's load generator: builds a data set, serves it with `convo serve`, measures each scenario and writes a report."
)]
pub struct Cli {
    /// A database to measure, one full run each (repeat the flag): `sqlite` for a fresh file
    /// in a temporary folder, or the `postgres://` URL of an empty database.
    #[arg(long = "database", default_value = "sqlite")]
    databases: Vec<String>,
    /// The `convo` binary to serve with (build it in release mode first).
    #[arg(long, default_value = "target/release/convo")]
    server: PathBuf,
    /// Conversations in the large organization.
    #[arg(long, default_value_t = 100_000)]
    conversations: usize,
    /// Conversations in the small organization (views count at two sizes).
    #[arg(long, default_value_t = 1_000)]
    small_conversations: usize,
    /// Messages over the large organization's conversations.
    #[arg(long, default_value_t = 1_000_000)]
    messages: usize,
    /// Seconds each scenario is measured (after a warm-up of a fifth of that).
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Concurrent clients of the read scenarios.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// Concurrent clients of the search-latency scenarios (the search-throughput scenario
    /// uses `--clients`).
    #[arg(long, default_value_t = 2)]
    search_clients: usize,
    /// Concurrent clients of the write-contention scenarios (post message, get-or-create).
    #[arg(long, default_value_t = 64)]
    writers: usize,
    /// A tiny run (hundreds of conversations, a fraction of a second per scenario) that only
    /// shows every scenario works.
    #[arg(long)]
    smoke: bool,
    /// Folder of the report (`report.md`, `report.json`), the server logs and the data-set
    /// manifests.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// Measure a data set loaded by an earlier run into the same database (its manifest is in
    /// the output folder) instead of loading again: for iterating, with `--database <file>`
    /// or a PostgreSQL URL. Earlier runs' writes stay in it, so publish fresh runs only.
    #[arg(long)]
    reuse: bool,
    /// Measure only message ingest through the store: add this many messages to the data set
    /// (loaded, or reused with `--reuse`), print the rate and exit, with no server and no
    /// report. The data set grows by that much each time.
    #[arg(long, value_name = "MESSAGES")]
    ingest: Option<usize>,
    /// Measure only the scenarios whose names contain this text (repeat the flag; `/healthz`
    /// is always measured) and skip the kill -9 check: for iterating on a few with `--reuse`.
    #[arg(long = "scenario", value_name = "TEXT")]
    scenarios: Vec<String>,
}

impl Cli {
    fn shrink_for_smoke(&mut self) {
        if self.smoke {
            self.conversations = self.conversations.min(400);
            self.small_conversations = self.small_conversations.min(100);
            self.messages = self.messages.min(2_000);
            self.seconds = self.seconds.min(0.5);
            self.writers = self.writers.min(16);
        }
    }

    fn measured(&self) -> Duration {
        Duration::from_secs_f64(self.seconds)
    }

    fn warmup(&self) -> Duration {
        Duration::from_secs_f64(self.seconds / 5.0)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut cli = Cli::parse();
    cli.shrink_for_smoke();
    anyhow::ensure!(
        cli.server.exists(),
        "no server binary at {} (build it: cargo build --release -p convo)",
        cli.server.display()
    );
    std::fs::create_dir_all(&cli.out)?;
    let scratch = tempfile::tempdir()?;
    let mut runs = Vec::new();
    for database in &cli.databases {
        let url = if database == "sqlite" {
            scratch
                .path()
                .join(format!("bench-{}.db", runs.len()))
                .to_string_lossy()
                .into_owned()
        } else {
            database.clone()
        };
        if let Some(count) = cli.ingest {
            let rate = ingest_only(&cli, &url, count).await?;
            println!("{database}: {rate:.0} messages/s through the store");
            continue;
        }
        runs.push(run_backend(&cli, &url).await?);
    }
    if cli.ingest.is_some() {
        return Ok(());
    }
    let report = report::Report::new(&cli, runs);
    let markdown = report.markdown();
    std::fs::write(cli.out.join("report.md"), &markdown)?;
    std::fs::write(
        cli.out.join("report.json"),
        serde_json::to_vec_pretty(&report)?,
    )?;
    println!("{markdown}");
    eprintln!(
        "wrote {} and {}",
        cli.out.join("report.md").display(),
        cli.out.join("report.json").display()
    );
    if cli.smoke {
        report.ensure_every_scenario_worked()?;
    }
    Ok(())
}

/// The backend's name in reports and file names.
fn backend_name(settings: &Settings) -> &'static str {
    if settings.is_postgres() {
        "postgres"
    } else {
        "sqlite"
    }
}

/// The data set in `url`: loaded now, or the one an earlier run left there (`--reuse`).
async fn data_set(cli: &Cli, url: &str) -> anyhow::Result<dataset::Manifest> {
    let settings = Settings::new(url);
    let backend = backend_name(&settings);
    let manifest_path = cli.out.join(format!("dataset-{backend}.json"));
    let known: Option<dataset::Manifest> = std::fs::read(&manifest_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .filter(|m: &dataset::Manifest| cli.reuse && m.database == url);
    match known {
        Some(manifest) => {
            eprintln!(
                "== {backend}: reusing the data set of {}",
                manifest_path.display()
            );
            Ok(manifest)
        }
        None => {
            eprintln!("== {backend}: loading the data set");
            // The builder's own connections skip waiting for each commit's fsync on
            // PostgreSQL: a data set, not the server under test (which keeps the default).
            let loader = if settings.is_postgres() {
                let separator = if url.contains('?') { '&' } else { '?' };
                Settings::new(format!(
                    "{url}{separator}options=-c%20synchronous_commit%3Doff"
                ))
            } else {
                settings.clone()
            };
            let store = open_store(&loader).await?;
            let small = dataset::organization(store.clone(), cli.small_conversations).await?;
            let large = dataset::organization(store.clone(), cli.conversations).await?;
            dataset::settle(url).await?;
            let rate = dataset::messages(
                store.clone(),
                &large,
                cli.messages,
                dataset::MESSAGES_PER_TRANSACTION,
            )
            .await?;
            dataset::settle(url).await?;
            let manifest = dataset::Manifest {
                database: url.to_owned(),
                conversations: cli.conversations,
                small_conversations: cli.small_conversations,
                messages: cli.messages,
                store_ingest_per_second: rate,
                small_secret: small.secret,
                large_secret: large.secret,
                conversation_ids: large.conversations,
            };
            std::fs::write(&manifest_path, serde_json::to_vec(&manifest)?)?;
            Ok(manifest)
        }
    }
}

/// `--ingest`: adds `count` messages to the data set through the store and answers the rate.
async fn ingest_only(cli: &Cli, url: &str, count: usize) -> anyhow::Result<f64> {
    let manifest = data_set(cli, url).await?;
    let store = open_store(&Settings::new(url)).await?;
    let key = store
        .find_api_key_by_hash(&convo_core::auth::hash_secret(&manifest.large_secret))
        .await?
        .context("the data set's admin key is gone")?;
    let org = dataset::Organization {
        admin: (&key).into(),
        secret: manifest.large_secret,
        conversations: manifest.conversation_ids,
    };
    dataset::messages(store, &org, count, dataset::MESSAGES_PER_TRANSACTION).await
}

/// One backend: load, serve, measure every scenario, then the kill -9 check.
async fn run_backend(cli: &Cli, url: &str) -> anyhow::Result<report::BackendRun> {
    let settings = Settings::new(url);
    let backend = backend_name(&settings);
    let manifest = data_set(cli, url).await?;

    let log = cli.out.join(format!("server-{backend}.log"));
    let server = server::Server::start(&cli.server, url, &log).await?;
    // On PostgreSQL, a second node on the same database: signals cross between nodes.
    let other = if backend == "postgres" {
        let log = cli.out.join(format!("server-{backend}-2.log"));
        Some(server::Server::start(&cli.server, url, &log).await?)
    } else {
        None
    };
    eprintln!("== {backend}: measuring {}", server.base);
    let bench = scenarios::Bench {
        large: Arc::new(load::Load::new(
            server.base.clone(),
            manifest.large_secret.clone(),
        )),
        small: Arc::new(load::Load::new(
            server.base.clone(),
            manifest.small_secret.clone(),
        )),
        conversations: Arc::new(manifest.conversation_ids.clone()),
        clients: cli.clients,
        search_clients: cli.search_clients,
        writers: cli.writers,
        warmup: cli.warmup(),
        measured: cli.measured(),
        only: cli.scenarios.clone(),
        server_pid: server.pid(),
        other_node: other.as_ref().map(|o| o.base.clone()),
    };
    let rows = bench.run_all().await?;
    let peak_rss_mib = server.peak_rss_mib();
    if let Some(other) = other {
        other.kill().await?;
    }

    let durability = if cli.scenarios.is_empty() {
        eprintln!("== {backend}: kill -9 while {} clients post", cli.writers);
        let restart = async || server::Server::start(&cli.server, url, &log).await;
        Some(bench.durability(server, restart).await?)
    } else {
        server.kill().await?;
        None
    };
    Ok(report::BackendRun {
        backend: backend.into(),
        conversations: manifest.conversations,
        small_conversations: manifest.small_conversations,
        messages: manifest.messages,
        store_ingest_per_second: manifest.store_ingest_per_second,
        peak_rss_mib,
        durability,
        rows,
    })
}
