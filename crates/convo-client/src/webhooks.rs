//! Verifying what convo's webhooks POST, with the public Standard Webhooks library.

use convo_types::Event;
use reqwest::header::HeaderMap;

use crate::{Error, Result};

/// The event a webhook request carries, once its signature (`webhook-id`,
/// `webhook-timestamp`, `webhook-signature`) is checked against the endpoint's `whsec_`
/// secret. Fails when the signature is wrong or the timestamp is more than five minutes off.
/// Pass the body exactly as received.
pub fn verify_webhook(body: &[u8], headers: &HeaderMap, secret: &str) -> Result<Event> {
    let webhook = standardwebhooks::Webhook::new(secret)
        .map_err(|e| Error::Config(format!("the webhook secret is not usable: {e}")))?;
    webhook
        .verify(body, headers)
        .map_err(|e| Error::Webhook(e.to_string()))?;
    serde_json::from_slice(body).map_err(|e| Error::Webhook(format!("not an event: {e}")))
}
