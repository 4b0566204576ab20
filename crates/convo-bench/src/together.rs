//! Working together: the views count with saved views, a bulk change of 100 conversations,
//! and how long a person's typing takes to reach another person's stream (on another node,
//! when there is one).

use std::time::{Duration, Instant};

use rand::seq::SliceRandom;
use serde_json::json;

use crate::load::{figures, Call, Load};
use crate::scenarios::{Bench, Row};

/// Saved views counted in one request, as an inbox's sidebar shows them.
const SAVED_VIEWS: usize = 20;
/// Typing reports measured one after another.
const ACTIVITY_ROUNDS: usize = 300;

impl Bench {
    /// The views count with `SAVED_VIEWS` saved views over filters the counters hold (status,
    /// inbox view, who is in control, pending handoffs), every client; then one saved view by
    /// priority, which the counters do not hold (its count is a pass over the conversations
    /// it matches, as the same filter costs on the built-in views count).
    pub async fn saved_views(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        let counted = [
            json!({"status": "open"}),
            json!({"status": "pending"}),
            json!({"view": "unassigned"}),
            json!({"view": "mine", "status": "open"}),
            json!({"control_type": "human", "statuses": "open,pending"}),
            json!({"handoff_pending": true}),
        ];
        let name = format!("views count with {SAVED_VIEWS} saved views");
        if self.wanted(&name) {
            let filters = (0..SAVED_VIEWS).map(|i| counted[i % counted.len()].clone());
            if let Some(path) = self.count_path(filters).await {
                let count = crate::scenarios::pick(move |_| Call::Get(path.clone()));
                rows.extend(
                    self.measure(&self.large, &name, self.clients, count, false)
                        .await
                        .map(|m| m.0),
                );
            }
        }
        let name = "views count with a saved view by priority";
        if self.wanted(name) {
            let filters = std::iter::once(json!({"priority": "urgent,high"}));
            if let Some(path) = self.count_path(filters).await {
                let count = crate::scenarios::pick(move |_| Call::Get(path.clone()));
                rows.extend(
                    self.measure(&self.large, name, self.clients, count, false)
                        .await
                        .map(|m| m.0),
                );
            }
        }
        rows
    }

    /// Saves a shared view for each filter set; the views count path that counts them all.
    async fn count_path(&self, filters: impl Iterator<Item = serde_json::Value>) -> Option<String> {
        let mut ids = Vec::new();
        for (i, filters) in filters.enumerate() {
            let body = json!({"name": format!("view {i}"), "filters": filters, "shared": true});
            let view = self
                .large
                .json(Call::Post("/v1/views".into(), body))
                .await
                .ok()?;
            ids.push(view["id"].as_str()?.to_owned());
        }
        Some(format!(
            "/v1/conversations/views/count?view_ids={}",
            ids.join(",")
        ))
    }

    /// One client resolving 100 conversations a request (chosen at random each time).
    pub async fn bulk_resolve(&self) -> Option<Row> {
        let name = "bulk resolve 100 conversations";
        let ids = self.conversations.clone();
        let bulk = crate::scenarios::pick(move |rng| {
            let chosen: Vec<_> = ids.choose_multiple(rng, 100).collect();
            Call::Post(
                "/v1/conversations/bulk".into(),
                json!({"ids": chosen, "set": {"status": "resolved"}}),
            )
        });
        self.measure(&self.large, name, 1, bulk, false)
            .await
            .map(|m| m.0)
    }

    /// From `POST .../activity` on this node to the `conversation.activity` signal on a stream
    /// of `other` (another node on the same database, or this one), one report at a time.
    pub async fn activity(&self, other: Option<&str>) -> Option<Row> {
        let name = if other.is_some() {
            "typing, to a stream on another node"
        } else {
            "typing, to a stream"
        };
        if !self.wanted(name) {
            return None;
        }
        let watcher = Load::new(
            other.unwrap_or(&self.large.base).to_owned(),
            self.large.key.clone(),
        );
        let mut stream = watcher
            .http
            .get(format!("{}/v1/events/stream?signals=true", watcher.base))
            .bearer_auth(&watcher.key)
            .timeout(Duration::from_secs(3600))
            .send()
            .await
            .ok()?
            .error_for_status()
            .ok()?;
        let conversation = self.conversations[0];
        let path = format!("/v1/conversations/{conversation}/activity");
        let (mut samples, mut errors, mut buffer) = (Vec::new(), 0, String::new());
        let started = Instant::now();
        for _ in 0..ACTIVITY_ROUNDS {
            let sent = Instant::now();
            let call = Call::Post(path.clone(), json!({"activity": "typing"}));
            if self.large.json_or_empty(call).await.is_err() {
                errors += 1;
                continue;
            }
            let heard = tokio::time::timeout(Duration::from_secs(5), async {
                loop {
                    if let Some(end) = buffer.find("event: conversation.activity") {
                        buffer.drain(..end + 1);
                        return true;
                    }
                    match stream.chunk().await {
                        Ok(Some(bytes)) => buffer.push_str(&String::from_utf8_lossy(&bytes)),
                        _ => return false,
                    }
                }
            })
            .await;
            match heard {
                Ok(true) => samples.push(sent.elapsed()),
                _ => errors += 1,
            }
        }
        let figures = figures(samples, errors, started.elapsed());
        eprintln!(
            "{name}: p50 {:.2} ms, p99 {:.2} ms, {} errors",
            figures.p50_ms, figures.p99_ms, figures.errors
        );
        Some(Row {
            scenario: name.to_owned(),
            clients: 1,
            figures,
            ratio_to_healthz: 0.0,
            check: None,
        })
    }
}
