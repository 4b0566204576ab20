//! The scenarios of the report, in the order they run (reads before the writes that change
//! what they read).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use convo_types::ConversationId;
use rand::rngs::StdRng;
use rand::Rng;
use serde::Serialize;
use serde_json::json;

use crate::dataset::{message_text, NO_MATCH, ONE_MATCH, QUERIES};
use crate::load::{Call, Figures, Load, Pick};
use crate::server::Server;

/// The ceiling every scenario is compared with, always measured first.
const HEALTHZ: &str = "GET /healthz";

/// One measured scenario.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub scenario: String,
    pub clients: usize,
    #[serde(flatten)]
    pub figures: Figures,
    /// Throughput over `/healthz`'s in the same run.
    pub ratio_to_healthz: f64,
    /// What the scenario checked besides timing (e.g. distinct conversations created).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}

/// The kill -9 check: messages acknowledged before the kill, and how many a restarted server
/// still has.
#[derive(Debug, Clone, Serialize)]
pub struct Durability {
    pub acknowledged: usize,
    pub found_after_restart: usize,
}

pub struct Bench {
    /// Clients of the large organization.
    pub large: Arc<Load>,
    /// Clients of the small organization.
    pub small: Arc<Load>,
    pub conversations: Arc<Vec<ConversationId>>,
    pub clients: usize,
    pub search_clients: usize,
    pub writers: usize,
    pub warmup: Duration,
    pub measured: Duration,
    /// Only scenarios whose names contain one of these (all when empty); `/healthz` always.
    pub only: Vec<String>,
    /// The server's process, whose memory the upload scenarios watch.
    pub server_pid: Option<u32>,
    /// Another node on the same database (PostgreSQL), for signals between nodes.
    pub other_node: Option<String>,
}

pub(crate) fn pick(f: impl Fn(&mut StdRng) -> Call + Send + Sync + 'static) -> Pick {
    Arc::new(f)
}

fn search_path(q: &str) -> String {
    let url = reqwest::Url::parse_with_params(
        "http://bench/v1/conversations/search",
        &[("q", q), ("limit", "20")],
    )
    .expect("a constant base URL parses");
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

impl Bench {
    fn any_conversation(&self) -> impl Fn(&mut StdRng) -> ConversationId + Send + Sync {
        let ids = self.conversations.clone();
        move |rng| ids[rng.gen_range(0..ids.len())]
    }

    fn post_message(&self) -> Pick {
        let any = self.any_conversation();
        pick(move |rng| {
            let n = rng.gen_range(0..usize::MAX / 2);
            Call::Post(
                format!("/v1/conversations/{}/messages", any(rng)),
                json!({"content": message_text(rng, n), "message_type": "incoming"}),
            )
        })
    }

    pub(crate) fn wanted(&self, name: &str) -> bool {
        name == HEALTHZ || self.only.is_empty() || self.only.iter().any(|s| name.contains(s))
    }

    /// The scenario's figures (and its answers when kept), or `None` when it is not wanted.
    pub(crate) async fn measure(
        &self,
        load: &Arc<Load>,
        name: &str,
        clients: usize,
        pick: Pick,
        keep_answers: bool,
    ) -> Option<(Row, Vec<serde_json::Value>)> {
        if !self.wanted(name) {
            return None;
        }
        let (figures, answers) = load
            .run(pick, clients, self.warmup, self.measured, keep_answers)
            .await;
        eprintln!(
            "{name}: {:.0}/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
            figures.per_second, figures.p50_ms, figures.p99_ms, figures.errors
        );
        let row = Row {
            scenario: name.to_owned(),
            clients,
            figures,
            ratio_to_healthz: 0.0,
            check: None,
        };
        Some((row, answers))
    }

    /// The cursor of page `page` (1-based) of the conversation list, 20 to a page.
    async fn cursor_of_page(&self, page: usize) -> anyhow::Result<Option<String>> {
        let mut cursor: Option<String> = None;
        for _ in 1..page {
            let path = match &cursor {
                Some(c) => format!("/v1/conversations?limit=20&cursor={c}"),
                None => "/v1/conversations?limit=20".to_owned(),
            };
            let list = self.large.json(Call::Get(path)).await?;
            match list["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_owned()),
                None => break,
            }
        }
        Ok(cursor)
    }

    pub async fn run_all(&self) -> anyhow::Result<Vec<Row>> {
        let mut rows = Vec::new();
        let c = self.clients;
        let healthz = pick(|_| Call::Get("/healthz".into()));
        rows.extend(
            self.measure(&self.large, HEALTHZ, c, healthz, false)
                .await
                .map(|m| m.0),
        );

        let any = self.any_conversation();
        let get = pick(move |rng| Call::Get(format!("/v1/conversations/{}", any(rng))));
        rows.extend(
            self.measure(&self.large, "GET conversation", c, get, false)
                .await
                .map(|m| m.0),
        );
        let list_open = pick(|_| Call::Get("/v1/conversations?status=open&limit=20".into()));
        let name = "list open (20 items)";
        rows.extend(
            self.measure(&self.large, name, c, list_open, false)
                .await
                .map(|m| m.0),
        );

        let first = pick(|_| Call::Get("/v1/conversations?limit=20".into()));
        rows.extend(
            self.measure(&self.large, "cursor page 1", c, first, false)
                .await
                .map(|m| m.0),
        );
        let deep = (self.conversations.len() / 20).clamp(2, 1000);
        let name = format!("cursor page {deep}");
        if self.wanted(&name) {
            let cursor = self.cursor_of_page(deep).await?.unwrap_or_default();
            let page =
                pick(move |_| Call::Get(format!("/v1/conversations?limit=20&cursor={cursor}")));
            rows.extend(
                self.measure(&self.large, &name, c, page, false)
                    .await
                    .map(|m| m.0),
            );
        }

        let count = || pick(|_| Call::Get("/v1/conversations/views/count".into()));
        for (load, name) in [
            (&self.small, "views count, small organization"),
            (&self.large, "views count, large organization"),
        ] {
            rows.extend(
                self.measure(load, name, c, count(), false)
                    .await
                    .map(|m| m.0),
            );
        }

        rows.extend(self.saved_views().await);
        rows.extend(self.activity(None).await);
        if let Some(other) = self.other_node.clone() {
            rows.extend(self.activity(Some(&other)).await);
        }

        // Search latency with one request in flight per core (queueing behind other clients
        // is not search's cost), then its throughput with every read client.
        for (language, q) in QUERIES {
            let path = search_path(q);
            let search = pick(move |_| Call::Get(path.clone()));
            let name = format!("search {language} \"{q}\"");
            let measured = self.measure(&self.large, &name, self.search_clients, search, false);
            rows.extend(measured.await.map(|m| m.0));
        }
        // A word in no message (a typo in the search box) and one in a single message: both
        // must cost index look-ups, not a walk over the organization's conversations.
        for (name, q, expected) in [
            ("search, no match", NO_MATCH, 0),
            ("search, one match", ONE_MATCH, 1),
        ] {
            let path = search_path(q);
            let search = pick(move |_| Call::Get(path.clone()));
            let name = format!("{name} \"{q}\"");
            let measured = self.measure(&self.large, &name, self.search_clients, search, true);
            if let Some((mut row, answers)) = measured.await {
                let wrong = answers
                    .iter()
                    .filter(|a| a["data"].as_array().map(Vec::len) != Some(expected))
                    .count();
                row.check = Some(format!(
                    "{wrong} of {} answers without exactly {expected} hit(s)",
                    answers.len()
                ));
                rows.push(row);
            }
        }
        let path = search_path(QUERIES[4].1);
        let search = pick(move |_| Call::Get(path.clone()));
        let name = "search throughput (en)";
        rows.extend(
            self.measure(&self.large, name, c, search, false)
                .await
                .map(|m| m.0),
        );

        let create = pick(|rng| {
            Call::Post(
                "/v1/conversations".into(),
                json!({"name": format!("created {}", rng.gen_range(0..u32::MAX))}),
            )
        });
        let name = "create conversation";
        rows.extend(
            self.measure(&self.large, name, c, create, false)
                .await
                .map(|m| m.0),
        );

        // Every client asks for one of eight customers' conversations at once.
        let keys = 8;
        let contended = pick(move |rng| {
            Call::Post(
                "/v1/conversations/get-or-create".into(),
                json!({"customer": {"external_id": format!("contended-{}", rng.gen_range(0..keys))}}),
            )
        });
        let name = "get-or-create under contention";
        if let Some((mut row, answers)) = self
            .measure(&self.large, name, self.writers, contended, true)
            .await
        {
            let distinct: HashSet<&str> = answers.iter().filter_map(|a| a["id"].as_str()).collect();
            row.check = Some(format!(
                "{} conversations for {keys} customers",
                distinct.len()
            ));
            rows.push(row);
        }

        let post = self.post_message();
        if let Some((mut row, answers)) = self
            .measure(&self.large, "post message", self.writers, post, true)
            .await
        {
            let ids: HashSet<&str> = answers.iter().filter_map(|a| a["id"].as_str()).collect();
            row.check = Some(format!("{} distinct messages acknowledged", ids.len()));
            rows.push(row);
        }

        rows.extend(self.bulk_resolve().await);
        rows.extend(self.uploads().await);

        let name = "mixed inbox (80% reads)";
        rows.extend(
            self.measure(&self.large, name, c, self.mixed(), false)
                .await
                .map(|m| m.0),
        );

        let healthz = rows[0].figures.per_second.max(f64::MIN_POSITIVE);
        for row in &mut rows {
            row.ratio_to_healthz = row.figures.per_second / healthz;
        }
        Ok(rows)
    }

    /// An agent's inbox: 80% reads (a conversation, the open list, the counts, a conversation's
    /// messages), 20% writes (a message, a status change).
    fn mixed(&self) -> Pick {
        let any = self.any_conversation();
        let post = self.post_message();
        pick(move |rng| match rng.gen_range(0..100) {
            0..40 => Call::Get(format!("/v1/conversations/{}", any(rng))),
            40..60 => Call::Get("/v1/conversations?status=open&limit=20".into()),
            60..70 => Call::Get("/v1/conversations/views/count".into()),
            70..80 => Call::Get(format!(
                "/v1/conversations/{}/messages?order=recent&limit=20",
                any(rng)
            )),
            80..95 => post(rng),
            _ => {
                let status = if rng.gen_bool(0.5) { "open" } else { "pending" };
                Call::Patch(
                    format!("/v1/conversations/{}/status", any(rng)),
                    json!({ "status": status }),
                )
            }
        })
    }

    /// Posts messages from every writer, kills the server with SIGKILL mid-stream, restarts it
    /// and looks up every message that was acknowledged before the kill.
    pub async fn durability(
        &self,
        server: Server,
        restart: impl AsyncFnOnce() -> anyhow::Result<Server>,
    ) -> anyhow::Result<Durability> {
        let running = self.measured.max(Duration::from_secs(1));
        let posting = {
            let (load, pick, writers) = (self.large.clone(), self.post_message(), self.writers);
            tokio::spawn(async move {
                load.run(pick, writers, Duration::ZERO, running, true)
                    .await
                    .1
            })
        };
        tokio::time::sleep(running / 2).await;
        server.kill().await?;
        let answers = posting.await?;
        let acknowledged: Vec<String> = answers
            .iter()
            .filter_map(|a| a["id"].as_str().map(str::to_owned))
            .collect();
        let restarted = restart().await?;
        let after = Load::new(restarted.base.clone(), self.large.key.clone());
        let mut found = 0;
        for id in &acknowledged {
            if after
                .json(Call::Get(format!("/v1/messages/{id}")))
                .await
                .is_ok()
            {
                found += 1;
            }
        }
        eprintln!(
            "kill -9: {found} of {} acknowledged messages found after restart",
            acknowledged.len()
        );
        restarted.kill().await?;
        Ok(Durability {
            acknowledged: acknowledged.len(),
            found_after_restart: found,
        })
    }
}
