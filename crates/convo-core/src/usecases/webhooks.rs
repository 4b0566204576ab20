//! Webhooks: endpoints, their signing secrets, deliveries and the rules of retrying.

use std::net::IpAddr;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use convo_types::{
    CreateWebhook, DeliveryId, List, Scope, Timestamp, UpdateWebhook, Webhook, WebhookDelivery,
    WebhookId,
};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;

use crate::auth::Principal;
use crate::paging::PagingParams;
use crate::rules::{Checks, MAX_URL_CHARS};
use crate::sealed::SecretBox;
use crate::WebhookStore;
use crate::{Error, Result};

/// Retries go on for at least this long before a delivery is given up.
pub const RETRY_FOR_MILLIS: i64 = 24 * 60 * 60 * 1000;
/// The longest wait between two tries.
pub const MAX_BACKOFF_MILLIS: i64 = 6 * 60 * 60 * 1000;
/// A rotated-out secret keeps signing this long, so receivers can switch over.
pub const SECRET_GRACE_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// How deliveries may leave this server.
#[derive(Debug, Clone, Copy)]
pub struct Egress {
    /// Allow private, loopback and link-local targets (tests, closed networks).
    pub allow_private: bool,
}

/// A new signing secret: `whsec_` and 32 random bytes in base64, as Standard Webhooks has it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` for each secret, space-separated.
pub fn signature(secrets: &[String], message_id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets
        .iter()
        .filter_map(|secret| {
            let key = STANDARD
                .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
                .ok()?;
            let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
            mac.update(format!("{message_id}.{timestamp}.").as_bytes());
            mac.update(body);
            Some(format!(
                "v1,{}",
                STANDARD.encode(mac.finalize().into_bytes())
            ))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// When to try again after `attempts` tries, with exponential backoff from `base_millis`
/// (doubling, at most 6 hours) and ±20% jitter; `None` once retries have gone on for 24 hours.
pub fn next_attempt(
    attempts: i64,
    created_at: Timestamp,
    now: Timestamp,
    base_millis: i64,
) -> Option<Timestamp> {
    if now.as_millis() - created_at.as_millis() >= RETRY_FOR_MILLIS {
        return None;
    }
    let exponent = u32::try_from(attempts.clamp(0, 30)).unwrap_or(30);
    let backoff = base_millis
        .saturating_mul(1i64 << exponent.min(30))
        .min(MAX_BACKOFF_MILLIS);
    let jitter = (rand::random::<f64>() * 0.4 - 0.2) * backoff as f64;
    Some(Timestamp::from_millis(
        now.as_millis() + backoff + jitter as i64,
    ))
}

/// Whether an address is one a webhook must not reach without the operator's say-so: any
/// address of the IANA special-purpose registries (RFC 6890: private, loopback, link-local,
/// shared, benchmarking, documentation, protocol assignments, ...) and multicast. An IPv6
/// address that carries an IPv4 one (mapped, compatible, NAT64, 6to4) is judged by that.
pub fn is_private(ip: IpAddr) -> bool {
    if let IpAddr::V6(v6) = ip {
        if let Some(v4) = embedded_ipv4(v6) {
            return is_private(IpAddr::V4(v4));
        }
    }
    ip.is_multicast() || iprfc::RFC6890.contains(&ip)
}

/// The IPv4 address inside an IPv6 one that carries it: `::ffff:a.b.c.d` (mapped),
/// `::ffff:0:a.b.c.d` (translated), `::a.b.c.d` (compatible), `64:ff9b::a.b.c.d` (NAT64) and
/// `2002:aabb:ccdd::/48` (6to4).
fn embedded_ipv4(v6: std::net::Ipv6Addr) -> Option<std::net::Ipv4Addr> {
    let s = v6.segments();
    let low = std::net::Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        [0, 0, 0, 0, 0, 0xffff, _, _] | [0, 0, 0, 0, 0xffff, 0, _, _] => Some(low),
        // `::` and `::1` are themselves, not IPv4 addresses.
        [0, 0, 0, 0, 0, 0, _, _] if s[6] != 0 => Some(low),
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(low),
        [0x2002, a, b, ..] => Some(std::net::Ipv4Addr::new(
            (a >> 8) as u8,
            a as u8,
            (b >> 8) as u8,
            b as u8,
        )),
        _ => None,
    }
}

/// Checks a target URL: http(s), a host, and (unless allowed) no private address behind it.
/// Deliveries check again, so a name that later points inside is refused too.
pub async fn check_target(url: &str, egress: Egress) -> Result<()> {
    let invalid = |message: &str| Error::invalid("url", message);
    let parsed = crate::rules::http_url(url).map_err(invalid)?;
    if egress.allow_private {
        return Ok(());
    }
    let private =
        || invalid("points to a private or loopback address; webhooks may only reach public hosts");
    // The host as the WHATWG parser (and so the HTTP client) reads it: an address literal is
    // judged as it is, a name by every address it resolves to.
    let port = parsed.port_or_known_default().unwrap_or(80);
    let addresses: Vec<IpAddr> = match parsed.host() {
        Some(url::Host::Ipv4(ip)) => vec![IpAddr::V4(ip)],
        Some(url::Host::Ipv6(ip)) => vec![IpAddr::V6(ip)],
        Some(url::Host::Domain(name)) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| invalid("the host does not resolve"))?
            .map(|address| address.ip())
            .collect(),
        None => return Err(invalid("needs a host")),
    };
    if addresses.iter().any(|ip| is_private(*ip)) {
        return Err(private());
    }
    Ok(())
}

fn check_fields(checks: &mut Checks, url: Option<&str>) {
    checks.text("url", url, MAX_URL_CHARS, url.is_some());
}

/// A webhook; its signing secret is answered once, and stored sealed by `secrets`.
pub async fn create(
    store: &(impl WebhookStore + ?Sized),
    caller: &Principal,
    egress: Egress,
    secrets: &SecretBox,
    req: CreateWebhook,
) -> Result<Webhook> {
    caller.require(Scope::Admin)?;
    let mut checks = Checks::new();
    check_fields(&mut checks, Some(&req.url));
    checks.count("event_types", req.event_types.as_ref().map_or(0, Vec::len));
    checks.finish()?;
    check_target(&req.url, egress).await?;
    let now = Timestamp::now();
    let secret = new_secret();
    let mut webhook = Webhook {
        object_name: "webhook".into(),
        id: WebhookId::new(),
        organization_id: caller.organization_id,
        url: req.url,
        event_types: req.event_types.unwrap_or_default(),
        active: req.active.unwrap_or(true),
        created_at: now,
        updated_at: now,
        secret: None,
    };
    store
        .insert_webhook(&webhook, &secrets.seal(&secret)?)
        .await?;
    webhook.secret = Some(secret);
    Ok(webhook)
}

pub async fn get(
    store: &(impl WebhookStore + ?Sized),
    caller: &Principal,
    id: WebhookId,
) -> Result<Webhook> {
    caller.require(Scope::Admin)?;
    Ok(store.get_webhook(caller.organization_id, id).await?.webhook)
}

pub async fn list(
    store: &(impl WebhookStore + ?Sized),
    caller: &Principal,
    paging: PagingParams,
) -> Result<List<Webhook>> {
    caller.require(Scope::Admin)?;
    let page = paging.into_request()?;
    let rows = store.list_webhooks(caller.organization_id, &page).await?;
    Ok(rows.into_list(page.limit, |w| w.id.as_uuid()))
}

pub async fn update(
    store: &(impl WebhookStore + ?Sized),
    caller: &Principal,
    egress: Egress,
    id: WebhookId,
    req: UpdateWebhook,
) -> Result<Webhook> {
    caller.require(Scope::Admin)?;
    let mut webhook = store.get_webhook(caller.organization_id, id).await?.webhook;
    let mut checks = Checks::new();
    check_fields(&mut checks, req.url.as_deref());
    checks.count("event_types", req.event_types.as_ref().map_or(0, Vec::len));
    checks.finish()?;
    if let Some(url) = req.url {
        check_target(&url, egress).await?;
        webhook.url = url;
    }
    if let Some(types) = req.event_types {
        webhook.event_types = types;
    }
    if let Some(active) = req.active {
        webhook.active = active;
    }
    webhook.updated_at = Timestamp::now();
    store.update_webhook(&webhook).await?;
    Ok(webhook)
}

/// A new secret, shown once; the old one keeps signing for 24 hours.
pub async fn rotate_secret(
    store: &(impl WebhookStore + ?Sized),
    caller: &Principal,
    secrets: &SecretBox,
    id: WebhookId,
) -> Result<Webhook> {
    caller.require(Scope::Admin)?;
    let mut webhook = store.get_webhook(caller.organization_id, id).await?.webhook;
    let secret = new_secret();
    let grace = Timestamp::from_millis(Timestamp::now().as_millis() + SECRET_GRACE_MILLIS);
    store
        .rotate_webhook_secret(caller.organization_id, id, &secrets.seal(&secret)?, grace)
        .await?;
    webhook.secret = Some(secret);
    Ok(webhook)
}

pub async fn delete(
    store: &(impl WebhookStore + ?Sized),
    caller: &Principal,
    id: WebhookId,
) -> Result<()> {
    caller.require(Scope::Admin)?;
    store.delete_webhook(caller.organization_id, id).await
}

/// Deliveries with every attempt and answer, newest first.
pub async fn deliveries(
    store: &(impl WebhookStore + ?Sized),
    caller: &Principal,
    id: WebhookId,
    paging: PagingParams,
) -> Result<List<WebhookDelivery>> {
    caller.require(Scope::Admin)?;
    store.get_webhook(caller.organization_id, id).await?;
    let page = paging.into_request()?;
    let rows = store
        .list_deliveries(caller.organization_id, id, &page)
        .await?;
    Ok(rows.into_list(page.limit, |d| d.id.as_uuid()))
}

pub async fn replay(
    store: &(impl WebhookStore + ?Sized),
    caller: &Principal,
    id: WebhookId,
    delivery: DeliveryId,
) -> Result<()> {
    caller.require(Scope::Admin)?;
    store
        .replay_delivery(caller.organization_id, id, delivery, Timestamp::now())
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_recognised() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            // IPv6 forms that carry a private IPv4 address.
            "::7f00:1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::",
            "::ffff:0:7f00:1",
            // Special-purpose ranges beyond the private ones.
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "203.0.113.9",
            "240.0.0.1",
            "255.255.255.255",
            "2001:db8::1",
            "224.0.0.1",
            "ff02::1",
        ] {
            assert!(is_private(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            // A public IPv4 address reached over NAT64 or 6to4 is public.
            "64:ff9b::808:808",
            "2002:808:808::1",
        ] {
            assert!(!is_private(ip.parse().unwrap()), "{ip}");
        }
    }

    #[tokio::test]
    async fn targets_are_checked() {
        let strict = Egress {
            allow_private: false,
        };
        assert!(check_target("http://127.0.0.1:8080/hook", strict)
            .await
            .is_err());
        assert!(check_target("http://localhost/hook", strict).await.is_err());
        // Read as the HTTP client reads it: the host is 127.0.0.1, not example.com.
        assert!(check_target("http://127.0.0.1\\@example.com/", strict)
            .await
            .is_err());
        assert!(check_target("http://[::1]:8080/hook", strict)
            .await
            .is_err());
        assert!(check_target("http://[::ffff:10.0.0.1]/hook", strict)
            .await
            .is_err());
        // A public IPv6 address is a fine target (no lookup needed for a literal).
        assert!(check_target("http://[2606:4700:4700::1111]/hook", strict)
            .await
            .is_ok());
        assert!(check_target("ftp://example.com", strict).await.is_err());
        assert!(check_target(
            "http://127.0.0.1:8080/hook",
            Egress {
                allow_private: true
            }
        )
        .await
        .is_ok());
    }

    #[test]
    fn retries_back_off_and_stop_after_a_day() {
        let start = Timestamp::from_millis(0);
        let first = next_attempt(0, start, start, 10_000).unwrap().as_millis();
        assert!((8_000..=12_000).contains(&first));
        let later = next_attempt(20, start, start, 10_000).unwrap().as_millis();
        assert!(later <= MAX_BACKOFF_MILLIS * 12 / 10);
        assert!(next_attempt(3, start, Timestamp::from_millis(RETRY_FOR_MILLIS), 10_000).is_none());
    }

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The example of the Standard Webhooks specification.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned();
        let sig = signature(
            &[secret],
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
