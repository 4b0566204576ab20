//! Webhook delivery: turns events into deliveries and sends them, retrying with backoff.
//! All of its state is in the database, so any node may pick up where another stopped.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use convo_core::files::UrlSigner;
use convo_core::sealed::SecretBox;
use convo_core::usecases::webhooks::{check_target, is_private, next_attempt, signature, Egress};
use convo_core::{DeliveryOutcome, DueDelivery, Store};
use convo_types::{DeliveryAttempt, Timestamp};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::metrics::Metrics;
use crate::Settings;

/// Deliveries sent at once by one node.
const BATCH: u32 = 32;
/// Events turned into deliveries per webhook per round.
const ENQUEUE: u32 = 500;
/// How much of a receiver's answer is kept.
const RESPONSE_BYTES: usize = 1024;
/// Looks again this often even without a wake-up (retries fall due on their own).
const TICK: Duration = Duration::from_millis(500);

pub fn spawn(
    store: Arc<dyn Store>,
    settings: Arc<Settings>,
    secrets: Arc<SecretBox>,
    signer: Arc<UrlSigner>,
    metrics: Arc<Metrics>,
    mut stopping: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(settings.webhook_timeout_ms))
        .dns_resolver(Arc::new(PublicOnly(settings.egress())))
        // A redirect could lead anywhere, private addresses included: not followed.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("convo-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let lease = Duration::from_millis(settings.webhook_timeout_ms) * 3;
    tokio::spawn(async move {
        let mut wakeups = store.event_wakeups();
        while !*stopping.borrow() {
            if let Err(error) = store.enqueue_deliveries(ENQUEUE).await {
                tracing::warn!(%error, "could not queue webhook deliveries");
            }
            let now = Timestamp::now();
            let lease_until = Timestamp::from_millis(now.as_millis() + lease.as_millis() as i64);
            let due = match store.claim_deliveries(now, lease_until, BATCH).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(%error, "could not claim webhook deliveries");
                    Vec::new()
                }
            };
            let busy = !due.is_empty();
            let mut sending = JoinSet::new();
            for delivery in due {
                sending.spawn(deliver(
                    store.clone(),
                    http.clone(),
                    settings.clone(),
                    secrets.clone(),
                    signer.clone(),
                    metrics.clone(),
                    delivery,
                ));
            }
            while sending.join_next().await.is_some() {}
            if busy {
                continue;
            }
            tokio::select! {
                _ = wakeups.recv() => {}
                () = tokio::time::sleep(TICK) => {}
                _ = stopping.changed() => {}
            }
        }
    });
    Ok(())
}

/// Resolves webhook hosts to their public addresses only (all of them, unless the operator
/// allows private ones), so the client connects to addresses that passed the check: a name
/// that points inside between the check and the connection (DNS rebinding) fails to connect.
/// Address literals need no resolving and are checked by `check_target`.
struct PublicOnly(Egress);

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.0.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private && found.iter().any(|address| is_private(address.ip())) {
                return Err(format!("`{host}` resolves to a private or loopback address").into());
            }
            let addresses: Addrs = Box::new(found.into_iter());
            Ok(addresses)
        })
    }
}

/// One try: sign, POST, record the answer, and schedule the next try or give up.
async fn deliver(
    store: Arc<dyn Store>,
    http: reqwest::Client,
    settings: Arc<Settings>,
    secrets: Arc<SecretBox>,
    signer: Arc<UrlSigner>,
    metrics: Arc<Metrics>,
    mut delivery: DueDelivery,
) {
    let started = Instant::now();
    let at = Timestamp::now();
    // A message's stored attachments get links fresh for this attempt.
    signer.sign_event(&mut delivery.event, at);
    let (status_code, error, response) =
        match send(&http, settings.egress(), &secrets, &delivery).await {
            Ok((status, body)) => {
                let error = (!(200..300).contains(&status)).then(|| format!("answered {status}"));
                (Some(i64::from(status)), error, Some(body))
            }
            Err(error) => (None, Some(error), None),
        };
    let attempt = DeliveryAttempt {
        attempt: delivery.attempts + 1,
        at,
        status_code,
        error: error.clone(),
        duration_ms: started.elapsed().as_millis() as i64,
        response,
    };
    let outcome = match error {
        None => DeliveryOutcome::Delivered,
        Some(_) => match next_attempt(
            delivery.attempts + 1,
            delivery.created_at,
            Timestamp::now(),
            settings.webhook_retry_base_ms,
        ) {
            Some(next) => DeliveryOutcome::RetryAt(next),
            None => DeliveryOutcome::GaveUp,
        },
    };
    metrics.webhook_attempt(match outcome {
        DeliveryOutcome::Delivered => "delivered",
        DeliveryOutcome::RetryAt(_) => "retry",
        DeliveryOutcome::GaveUp => "gave_up",
    });
    tracing::info!(delivery_id = %delivery.id, webhook_id = %delivery.webhook_id, event_id = delivery.event.id, ?outcome, "webhook delivery attempt");
    if let Err(error) = store.finish_attempt(delivery.id, &attempt, outcome).await {
        // The lease runs out and the delivery is tried again: at least once, never lost.
        tracing::warn!(%error, "could not record a webhook delivery attempt");
    }
}

async fn send(
    http: &reqwest::Client,
    egress: Egress,
    secrets: &SecretBox,
    delivery: &DueDelivery,
) -> Result<(u16, String), String> {
    // The name may point elsewhere now than when the webhook was saved.
    check_target(&delivery.url, egress)
        .await
        .map_err(|e| format!("refused: {e}"))?;
    let body = serde_json::to_vec(&delivery.event).map_err(|e| e.to_string())?;
    let signing_secrets = delivery
        .secrets
        .iter()
        .map(|stored| secrets.open(stored))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let message_id = format!("msg_{}", delivery.id.as_uuid().simple());
    let timestamp = Timestamp::now().as_millis() / 1000;
    let response = http
        .post(&delivery.url)
        .header("content-type", "application/json")
        .header("webhook-id", &message_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header(
            "webhook-signature",
            signature(&signing_secrets, &message_id, timestamp, &body),
        )
        .body(body)
        .send()
        .await
        .map_err(|e| {
            if e.is_timeout() {
                "timed out".to_owned()
            } else {
                format!("could not deliver: {e}")
            }
        })?;
    let status = response.status().as_u16();
    let text = response.text().await.unwrap_or_default();
    Ok((status, text.chars().take(RESPONSE_BYTES).collect()))
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[tokio::test]
    async fn the_client_resolves_only_to_public_addresses() {
        let localhost = || Name::from_str("localhost").unwrap();
        let strict = PublicOnly(Egress {
            allow_private: false,
        });
        assert!(strict.resolve(localhost()).await.is_err());
        let open = PublicOnly(Egress {
            allow_private: true,
        });
        let addresses: Vec<SocketAddr> = open.resolve(localhost()).await.unwrap().collect();
        assert!(addresses.iter().all(|a| a.ip().is_loopback()) && !addresses.is_empty());
    }
}
