//! The load generator: closed-loop HTTP clients on loopback, each sending its next request as
//! soon as the previous one is answered, for a fixed time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng;
use serde::Serialize;

/// One request of a scenario.
pub enum Call {
    Get(String),
    Post(String, serde_json::Value),
    Patch(String, serde_json::Value),
    /// A file as the raw body of a `POST`.
    Upload(String, Vec<u8>),
}

/// Picks the next request (each client has its own seeded random source).
pub type Pick = Arc<dyn Fn(&mut StdRng) -> Call + Send + Sync>;

/// What a scenario run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub requests: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// Answers of successful `POST`s (their JSON bodies), kept when a scenario asks for them.
pub type Answers = Vec<serde_json::Value>;

pub struct Load {
    pub http: reqwest::Client,
    pub base: String,
    pub key: String,
}

impl Load {
    pub fn new(base: String, key: String) -> Self {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("the HTTP client builds with these settings");
        Load { http, base, key }
    }

    async fn send(&self, call: &Call) -> Result<reqwest::Response, reqwest::Error> {
        let request = match call {
            Call::Get(path) => self.http.get(format!("{}{path}", self.base)),
            Call::Post(path, body) => self.http.post(format!("{}{path}", self.base)).json(body),
            Call::Patch(path, body) => self.http.patch(format!("{}{path}", self.base)).json(body),
            Call::Upload(path, bytes) => self
                .http
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/octet-stream")
                .body(bytes.clone()),
        };
        request.bearer_auth(&self.key).send().await
    }

    /// Sends one request that may answer without a body (`204`).
    pub async fn json_or_empty(&self, call: Call) -> anyhow::Result<()> {
        self.send(&call).await?.error_for_status()?;
        Ok(())
    }

    /// Sends one request and returns its JSON answer (data-set discovery, checks).
    pub async fn json(&self, call: Call) -> anyhow::Result<serde_json::Value> {
        let response = self.send(&call).await?.error_for_status()?;
        Ok(response.json().await?)
    }

    /// Runs `clients` closed-loop clients for `warmup` (not measured) and then `duration`.
    /// Each client's first answer is part of its warm-up however long it takes (a search's
    /// first Chinese query loads the segmenter's dictionary): its window then starts when that
    /// answer arrives, so every client measures a whole `duration`.
    /// With `keep_answers`, the JSON bodies of successful answers are returned too.
    pub async fn run(
        self: &Arc<Self>,
        pick: Pick,
        clients: usize,
        warmup: Duration,
        duration: Duration,
        keep_answers: bool,
    ) -> (Figures, Answers) {
        let started = Instant::now();
        let mut tasks = Vec::with_capacity(clients);
        for client in 0..clients {
            let (load, pick) = (self.clone(), pick.clone());
            tasks.push(tokio::spawn(async move {
                let mut rng = StdRng::seed_from_u64(client as u64);
                let mut samples = Vec::new();
                let mut errors = 0usize;
                let mut answers = Vec::new();
                let mut measure_from = started + warmup;
                let mut until = measure_from + duration;
                let mut first = true;
                loop {
                    let call = pick(&mut rng);
                    let sent = Instant::now();
                    if sent >= until {
                        break;
                    }
                    let outcome = match load.send(&call).await {
                        Ok(response) if response.status().is_success() => {
                            if keep_answers {
                                response.json::<serde_json::Value>().await.ok()
                            } else {
                                response.bytes().await.ok().map(|_| serde_json::Value::Null)
                            }
                        }
                        Ok(response) => {
                            let _ = response.bytes().await;
                            None
                        }
                        Err(_) => None,
                    };
                    if std::mem::take(&mut first) {
                        let answered = Instant::now();
                        if answered > measure_from {
                            measure_from = answered;
                            until = answered + duration;
                        }
                        continue;
                    }
                    if sent < measure_from {
                        continue;
                    }
                    match outcome {
                        Some(answer) => {
                            samples.push(sent.elapsed());
                            if keep_answers {
                                answers.push(answer);
                            }
                        }
                        None => errors += 1,
                    }
                }
                (samples, errors, answers)
            }));
        }
        let mut samples = Vec::new();
        let mut errors = 0;
        let mut answers = Vec::new();
        for task in tasks {
            if let Ok((mine, failed, kept)) = task.await {
                samples.extend(mine);
                errors += failed;
                answers.extend(kept);
            }
        }
        (figures(samples, errors, duration), answers)
    }
}

pub fn figures(mut samples: Vec<Duration>, errors: usize, elapsed: Duration) -> Figures {
    samples.sort();
    let at = |q: f64| {
        if samples.is_empty() {
            return 0.0;
        }
        samples[((samples.len() as f64 - 1.0) * q).round() as usize].as_secs_f64() * 1000.0
    };
    Figures {
        requests: samples.len(),
        errors,
        per_second: samples.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: at(1.0),
    }
}
