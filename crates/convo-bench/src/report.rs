//! The report: every backend's figures side by side, and the targets each meets or misses.

use anyhow::Context;
use serde::Serialize;

use crate::scenarios::{Durability, Row};
use crate::Cli;

#[derive(Debug, Serialize)]
pub struct BackendRun {
    pub backend: String,
    pub conversations: usize,
    pub small_conversations: usize,
    pub messages: usize,
    /// The data-set builder's rate (`messages::create_many`, 500 per transaction).
    pub store_ingest_per_second: f64,
    pub peak_rss_mib: Option<f64>,
    /// `None` when only some scenarios were measured (`--scenario`).
    pub durability: Option<Durability>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Serialize)]
pub struct Target {
    pub target: String,
    pub backend: String,
    pub measured: String,
    pub met: bool,
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub cores: usize,
    pub seconds_per_scenario: f64,
    pub clients: usize,
    pub search_clients: usize,
    pub writers: usize,
    pub smoke: bool,
    pub runs: Vec<BackendRun>,
    pub targets: Vec<Target>,
}

impl BackendRun {
    fn row(&self, prefix: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.scenario.starts_with(prefix))
    }

    fn targets(&self) -> Vec<Target> {
        let mut out = Vec::new();
        let mut target = |target: &str, measured: String, met: bool| {
            out.push(Target {
                target: target.into(),
                backend: self.backend.clone(),
                measured,
                met,
            })
        };
        if let Some(r) = self.row("GET conversation") {
            target(
                "GET conversation ≥ 0.35× /healthz",
                format!("{:.2}×", r.ratio_to_healthz),
                r.ratio_to_healthz >= 0.35,
            );
        }
        if let Some(r) = self.row("list open") {
            target(
                "list open ≥ 0.15× /healthz, p99 ≤ 10 ms",
                format!("{:.2}×, p99 {:.2} ms", r.ratio_to_healthz, r.figures.p99_ms),
                r.ratio_to_healthz >= 0.15 && r.figures.p99_ms <= 10.0,
            );
        }
        if let (Some(small), Some(large)) = (
            self.row("views count, small"),
            self.row("views count, large"),
        ) {
            let ratio = large.figures.p99_ms / small.figures.p99_ms.max(f64::MIN_POSITIVE);
            target(
                "views count p99 ≤ 5 ms at the large size and ≤ 1.5× the small one",
                format!("p99 {:.2} ms, {ratio:.2}×", large.figures.p99_ms),
                large.figures.p99_ms <= 5.0 && ratio <= 1.5,
            );
        }
        let searches: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.scenario.starts_with("search") && !r.scenario.contains("throughput"))
            .collect();
        if !searches.is_empty() {
            let worst = searches
                .iter()
                .map(|r| r.figures.p99_ms)
                .fold(0.0, f64::max);
            target(
                "search p99 ≤ 50 ms (every language)",
                format!("worst p99 {worst:.2} ms"),
                worst <= 50.0,
            );
        }
        let selective: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.scenario.starts_with("search, "))
            .collect();
        if !selective.is_empty() {
            let worst = selective
                .iter()
                .map(|r| r.figures.p99_ms)
                .fold(0.0, f64::max);
            target(
                "search with no match or one match p99 ≤ 5 ms",
                format!("worst p99 {worst:.2} ms"),
                worst <= 5.0,
            );
        }
        if let (Some(r), Some(d)) = (self.row("post message"), &self.durability) {
            target(
                "message ingest ≥ 15k/s, every acknowledged message surviving kill -9",
                format!(
                    "{:.0}/s; {} of {} found after kill -9",
                    r.figures.per_second, d.found_after_restart, d.acknowledged
                ),
                r.figures.per_second >= 15_000.0 && d.found_after_restart == d.acknowledged,
            );
        }
        let deep = self
            .rows
            .iter()
            .find(|r| r.scenario.starts_with("cursor page ") && r.scenario != "cursor page 1");
        if let (Some(first), Some(deep)) = (self.row("cursor page 1"), deep) {
            let ratio = deep.figures.p50_ms / first.figures.p50_ms.max(f64::MIN_POSITIVE);
            target(
                "cursor page 1000 ≤ 1.2× page 1 (p50)",
                format!("{}: {ratio:.2}×", deep.scenario),
                ratio <= 1.2,
            );
        }
        if let Some(rss) = self.peak_rss_mib {
            target(
                "peak RSS ≤ 150 MB",
                format!("{:.0} MB", rss * 1.048_576),
                rss * 1.048_576 <= 150.0,
            );
        }
        out
    }
}

impl Report {
    pub fn new(cli: &Cli, runs: Vec<BackendRun>) -> Self {
        let targets = runs.iter().flat_map(BackendRun::targets).collect();
        Report {
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            seconds_per_scenario: cli.seconds,
            clients: cli.clients,
            search_clients: cli.search_clients,
            writers: cli.writers,
            smoke: cli.smoke,
            runs,
            targets,
        }
    }

    /// What the smoke run checks (no timings): every scenario answered without an error, and
    /// every message acknowledged before the kill -9 was there after the restart.
    pub fn ensure_every_scenario_worked(&self) -> anyhow::Result<()> {
        for run in &self.runs {
            for row in &run.rows {
                anyhow::ensure!(
                    row.figures.requests > 0 && row.figures.errors == 0,
                    "{} on {}: {} answered, {} errors",
                    row.scenario,
                    run.backend,
                    row.figures.requests,
                    row.figures.errors
                );
            }
            let d = run
                .durability
                .as_ref()
                .context("the kill -9 check did not run")?;
            anyhow::ensure!(
                d.acknowledged > 0 && d.found_after_restart == d.acknowledged,
                "kill -9 on {}: {} of {} acknowledged messages found",
                run.backend,
                d.found_after_restart,
                d.acknowledged
            );
        }
        Ok(())
    }

    pub fn markdown(&self) -> String {
        let mut out = String::from("# convo benchmark report\n\n");
        out.push_str(&format!(
            "{} cores; load generator on the same machine; {} s per scenario after a warm-up; \
             {} clients for reads, {} for search latency, {} for write contention.{}\n\n",
            self.cores,
            self.seconds_per_scenario,
            self.clients,
            self.search_clients,
            self.writers,
            if self.smoke {
                " **Smoke run: tiny data, figures mean nothing.**"
            } else {
                ""
            }
        ));
        for run in &self.runs {
            out.push_str(&format!(
                "## {}\n\n{} conversations ({} in the small organization), {} messages; \
                 data-set builder ingest {:.0} messages/s; peak RSS {}; kill -9: {}.\n\n",
                run.backend,
                run.conversations,
                run.small_conversations,
                run.messages,
                run.store_ingest_per_second,
                run.peak_rss_mib
                    .map_or("unknown".into(), |m| format!("{:.0} MB", m * 1.048_576)),
                run.durability
                    .as_ref()
                    .map_or("not run".into(), |d| format!(
                        "{} of {} acknowledged messages found after restart",
                        d.found_after_restart, d.acknowledged
                    )),
            ));
            out.push_str("| scenario | clients | req/s | × healthz | p50 ms | p99 ms | max ms | errors | check |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
            for r in &run.rows {
                out.push_str(&format!(
                    "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} |\n",
                    r.scenario,
                    r.clients,
                    r.figures.per_second,
                    r.ratio_to_healthz,
                    r.figures.p50_ms,
                    r.figures.p99_ms,
                    r.figures.max_ms,
                    r.figures.errors,
                    r.check.as_deref().unwrap_or(""),
                ));
            }
            out.push('\n');
        }
        if self.runs.len() > 1 {
            out.push_str("## Side by side (req/s, p99 ms)\n\n| scenario |");
            for run in &self.runs {
                out.push_str(&format!(" {0} req/s | {0} p99 |", run.backend));
            }
            out.push_str("\n|---|");
            for _ in &self.runs {
                out.push_str("---:|---:|");
            }
            out.push('\n');
            for (i, r) in self.runs[0].rows.iter().enumerate() {
                out.push_str(&format!("| {} |", r.scenario));
                for run in &self.runs {
                    match run.rows.get(i) {
                        Some(x) => out.push_str(&format!(
                            " {:.0} | {:.2} |",
                            x.figures.per_second, x.figures.p99_ms
                        )),
                        None => out.push_str(" | |"),
                    }
                }
                out.push('\n');
            }
            out.push('\n');
        }
        out.push_str("## Targets\n\n| target | backend | measured | met |\n|---|---|---|---|\n");
        for t in &self.targets {
            out.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                t.target,
                t.backend,
                t.measured,
                if t.met { "yes" } else { "**no**" }
            ));
        }
        out
    }
}
