//! `GET /metrics` in the Prometheus text format, with prometheus-client: requests and their
//! latency per route and status, the database pools and the group-commit writer, the webhook
//! backlog and attempts, live-stream followers and rate-limit refusals.

use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use convo_core::Store;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::AppState;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The node's metrics. Cheap handles (`Counter`, `Gauge`) are cloned into the parts that
/// count.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    webhook_attempts: Family<OutcomeLabels, Counter>,
    webhook_backlog: Gauge,
    /// Live-stream connections open now.
    pub stream_followers: Gauge,
    /// Requests refused with `429`.
    pub rate_limited: Counter,
    /// Files uploaded, and their bytes (before identical bytes are kept once).
    pub uploads: Counter,
    pub uploaded_bytes: Counter,
    /// Objects the file sweep removed from storage.
    pub files_removed: Counter,
    stored_bytes: Gauge,
}

impl Metrics {
    pub fn new(store: Arc<dyn Store>) -> Self {
        let mut registry = Registry::with_prefix("convo");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by method, route and status",
            requests.clone(),
        );
        let latency: LatencyFamily = Family::new_with_constructor(|| {
            // 0.5 ms to about 16 s.
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request (until its headers), by method and route",
            latency.clone(),
        );
        let webhook_attempts = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts, by outcome (delivered, retry, gave_up)",
            webhook_attempts.clone(),
        );
        let webhook_backlog = Gauge::default();
        registry.register(
            "webhook_backlog",
            "Webhook deliveries waiting to be delivered (every node sees the same)",
            webhook_backlog.clone(),
        );
        let stream_followers = Gauge::default();
        registry.register(
            "stream_followers",
            "Live-stream connections open on this node",
            stream_followers.clone(),
        );
        let rate_limited = Counter::default();
        registry.register(
            "rate_limited",
            "Requests refused with 429 by the rate limits",
            rate_limited.clone(),
        );
        let uploads = Counter::default();
        registry.register("uploads", "Files uploaded", uploads.clone());
        let uploaded_bytes = Counter::default();
        registry.register(
            "uploaded_bytes",
            "Bytes of the files uploaded",
            uploaded_bytes.clone(),
        );
        let files_removed = Counter::default();
        registry.register(
            "files_removed",
            "Stored objects removed because nothing used them",
            files_removed.clone(),
        );
        let stored_bytes = Gauge::default();
        registry.register(
            "stored_bytes",
            "Bytes of stored files, identical bytes of an organization counted once (every node sees the same)",
            stored_bytes.clone(),
        );
        registry.register_collector(Box::new(StoreCollector(store)));
        Metrics {
            registry,
            requests,
            latency,
            webhook_attempts,
            webhook_backlog,
            stream_followers,
            rate_limited,
            uploads,
            uploaded_bytes,
            files_removed,
            stored_bytes,
        }
    }

    /// Counts one webhook attempt: `delivered`, `retry` or `gave_up`.
    pub fn webhook_attempt(&self, outcome: &'static str) {
        self.webhook_attempts
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    /// The text exposition, with the webhook backlog read now.
    async fn render(&self, store: &dyn Store) -> Result<String, fmt::Error> {
        match store.pending_deliveries().await {
            Ok(backlog) => {
                self.webhook_backlog
                    .set(i64::try_from(backlog).unwrap_or(i64::MAX));
            }
            Err(error) => tracing::warn!(%error, "could not count the webhook backlog"),
        }
        match store.stored_bytes().await {
            Ok(bytes) => {
                self.stored_bytes.set(bytes);
            }
            Err(error) => tracing::warn!(%error, "could not count the stored bytes"),
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Middleware: counts and times every answer by its route template (`/v1/conversations/{id}`,
/// so ids do not make a series each); what no route matched is `unmatched`.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let metrics = &state.metrics;
    let route = RouteLabels { method, route };
    metrics
        .latency
        .get_or_create(&route)
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method: route.method,
            route: route.route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// `GET /metrics`.
pub async fn serve_metrics(State(state): State<AppState>) -> Response {
    match state.metrics.render(state.store.as_ref()).await {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Serves `/metrics` alone on `address` (`--metrics-listen`) until the server stops.
pub async fn serve_apart(address: std::net::SocketAddr, state: AppState) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    tracing::info!(address = %listener.local_addr()?, "metrics are served apart");
    let mut stopping = state.stopping.clone();
    let app = axum::Router::new()
        .route("/metrics", axum::routing::get(serve_metrics))
        .with_state(state);
    tokio::spawn(async move {
        let stopped = async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        };
        if let Err(error) = axum::serve(listener, app)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::warn!(%error, "the metrics listener stopped");
        }
    });
    Ok(())
}

/// The store's pools and group-commit writer, read at each scrape.
struct StoreCollector(Arc<dyn Store>);

impl fmt::Debug for StoreCollector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreCollector")
    }
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolLabels {
    pool: &'static str,
    state: &'static str,
}

impl Collector for StoreCollector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let stats = self.0.stats();
        let gauge = ConstGauge::new(0i64);
        let mut pools = encoder.encode_descriptor(
            "db_connections",
            "Database connections by pool (reader, writer; one pool on PostgreSQL) and state",
            None,
            gauge.metric_type(),
        )?;
        for (pool, state, value) in [
            ("reader", "open", stats.reader_connections),
            ("reader", "idle", stats.reader_idle),
            ("writer", "open", stats.writer_connections),
            ("writer", "idle", stats.writer_idle),
        ] {
            ConstGauge::new(i64::from(value))
                .encode(pools.encode_family(&PoolLabels { pool, state })?)?;
        }
        let queued = ConstGauge::new(i64::try_from(stats.queued_messages).unwrap_or(i64::MAX));
        queued.encode(encoder.encode_descriptor(
            "message_queue",
            "Messages waiting for the group-commit writer",
            None,
            queued.metric_type(),
        )?)?;
        for (name, help, value) in [
            (
                "message_groups",
                "Transactions the group-commit writer committed",
                stats.message_groups,
            ),
            (
                "grouped_messages",
                "Messages the group-commit writer committed (divided by message_groups: the mean group size)",
                stats.grouped_messages,
            ),
        ] {
            let counter = ConstCounter::new(value);
            counter.encode(encoder.encode_descriptor(name, help, None, counter.metric_type())?)?;
        }
        Ok(())
    }
}
