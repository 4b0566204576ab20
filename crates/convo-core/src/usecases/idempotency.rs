//! `Idempotency-Key`: the same key and request within 24 hours answers the first response.

use convo_types::Timestamp;
use sha2::{Digest, Sha256};

use crate::IdempotencyStore;
use crate::{auth, IdempotencyState, Result};

pub const RETENTION_MILLIS: i64 = 24 * 60 * 60 * 1000;
pub const MAX_KEY_CHARS: usize = 255;

/// What a key may be, as [`KEY_PATTERN`] says for the document: 1 to [`MAX_KEY_CHARS`] of
/// what a header value may hold (visible ASCII, spaces and tabs).
pub fn is_key(key: &[u8]) -> bool {
    (1..=MAX_KEY_CHARS).contains(&key.len())
        && key
            .iter()
            .all(|&b| b.is_ascii_graphic() || b == b' ' || b == b'\t')
}

/// [`is_key`] as a regular expression; an empty header counts as no key.
pub const KEY_PATTERN: &str = "^[\t -~]{0,255}$";

/// Identifies "the same request": method, target (the path and the query string, which some
/// creates read, as the admin API's `tenant_id`) and body.
pub fn request_hash(method: &str, target: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update([0]);
    hasher.update(target.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Keys are scoped by the API key that sent them (its hash, so no lookup is needed).
pub fn scope_of(bearer_secret: &str) -> String {
    auth::hash_secret(bearer_secret)
}

pub async fn begin(
    store: &(impl IdempotencyStore + ?Sized),
    scope: &str,
    key: &str,
    request_hash: &str,
) -> Result<IdempotencyState> {
    let expired_before = Timestamp::from_millis(Timestamp::now().as_millis() - RETENTION_MILLIS);
    store
        .idempotency_begin(scope, key, request_hash, expired_before)
        .await
}
