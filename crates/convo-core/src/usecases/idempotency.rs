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

/// What the replay of an answer may keep: a secret is shown once, so nothing at rest for a
/// replay holds one in the clear.
#[derive(Debug, PartialEq, Eq)]
pub enum Replay {
    /// The answer as it was (no secret in it).
    Whole(Vec<u8>),
    /// The answer with its secrets set to `null` (API keys', webhooks' and a new
    /// organization's admin key's `secret`, an invitation's `token` and `url`).
    Withheld(Vec<u8>),
    /// An answer that is nothing but secrets (two factors' setup, recovery codes): not kept,
    /// so the key is freed and a retry runs again.
    NotKept,
}

/// Objects that are only secrets, never stored for a replay.
const ONLY_SECRETS: [&str; 2] = ["totp_setup", "recovery_codes"];

/// What of `body` (a JSON answer) may be stored to be replayed.
pub fn replayable(body: &[u8]) -> Replay {
    let Ok(mut answer) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Replay::Whole(body.to_vec());
    };
    if ONLY_SECRETS.contains(&answer["object_name"].as_str().unwrap_or_default()) {
        return Replay::NotKept;
    }
    if !withhold(&mut answer) {
        return Replay::Whole(body.to_vec());
    }
    Replay::Withheld(serde_json::to_vec(&answer).unwrap_or_default())
}

/// Whether a stored answer had secrets withheld (they are `null` where answers have them).
pub fn was_withheld(stored: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(stored)
        .is_ok_and(|answer| has_withheld_secret(&answer))
}

/// Sets every secret of `value` to `null`; answers whether there was one.
fn withhold(value: &mut serde_json::Value) -> bool {
    let mut found = false;
    match value {
        serde_json::Value::Object(object) => {
            let invitation =
                object.get("object_name").and_then(|n| n.as_str()) == Some("invitation");
            for (name, field) in object.iter_mut() {
                let secret = name == "secret" || (invitation && (name == "token" || name == "url"));
                if secret && !field.is_null() {
                    *field = serde_json::Value::Null;
                    found = true;
                } else {
                    found |= withhold(field);
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                found |= withhold(item);
            }
        }
        _ => {}
    }
    found
}

fn has_withheld_secret(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(object) => {
            let invitation =
                object.get("object_name").and_then(|n| n.as_str()) == Some("invitation");
            object.iter().any(|(name, field)| {
                ((name == "secret" || (invitation && name == "token")) && field.is_null())
                    || has_withheld_secret(field)
            })
        }
        serde_json::Value::Array(items) => items.iter().any(has_withheld_secret),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_withheld_from_what_is_kept_for_replays() {
        let key = br#"{"object_name":"api_key","id":"k","prefix":"convo_sk_ab","secret":"convo_sk_abcdef"}"#;
        let Replay::Withheld(kept) = replayable(key) else {
            panic!("the key's secret must be withheld");
        };
        assert!(!String::from_utf8_lossy(&kept).contains("convo_sk_abcdef"));
        assert!(was_withheld(&kept));

        let organization = br#"{"organization":{"id":"o"},"admin_key":{"object_name":"api_key","secret":"convo_sk_zz"}}"#;
        let Replay::Withheld(kept) = replayable(organization) else {
            panic!("the admin key's secret must be withheld");
        };
        assert!(!String::from_utf8_lossy(&kept).contains("convo_sk_zz"));

        let invitation = br#"{"object_name":"invitation","token":"convo_inv_x","url":"http://h/inbox/invitation#token=convo_inv_x","email":"a@b.c"}"#;
        let Replay::Withheld(kept) = replayable(invitation) else {
            panic!("the invitation's token must be withheld");
        };
        assert!(!String::from_utf8_lossy(&kept).contains("convo_inv_x"));
        assert!(was_withheld(&kept));

        let message = br#"{"object_name":"message","content":"a secret? no","url":"http://x"}"#;
        assert_eq!(replayable(message), Replay::Whole(message.to_vec()));
        assert!(!was_withheld(message));
        assert_eq!(
            replayable(br#"{"object_name":"recovery_codes","recovery_codes":["a"]}"#),
            Replay::NotKept
        );
        assert_eq!(
            replayable(br#"{"object_name":"totp_setup","secret":"S"}"#),
            Replay::NotKept
        );
    }
}
