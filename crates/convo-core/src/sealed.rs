//! Secrets at rest: webhook signing secrets must be recoverable (they sign every delivery),
//! so they cannot be hashed like API keys. With a server key (`CONVO_SECRET_KEY`, 32 random
//! bytes in base64) they are stored sealed with ChaCha20-Poly1305, so a copy of the database
//! alone (a backup, a replica, read access to a table) does not give them away.
//!
//! Stored form: `sealed:v1:<base64 of the 12-byte nonce and the ciphertext>`. Text without
//! that prefix is a secret stored before a key was set, read as it is.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;

use crate::{Error, Result};

const PREFIX: &str = "sealed:v1:";
const NONCE_BYTES: usize = 12;

/// Seals secrets with the current key and opens them with the current or the previous one
/// (so the server key can be rotated).
#[derive(Clone, Default)]
pub struct SecretBox {
    current: Option<ChaCha20Poly1305>,
    previous: Option<ChaCha20Poly1305>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretBox")
            .field("sealing", &self.current.is_some())
            .field("previous_key", &self.previous.is_some())
            .finish()
    }
}

impl SecretBox {
    /// From the keys as configured: each 32 bytes in base64; `None` stores secrets as they are.
    pub fn new(current: Option<&str>, previous: Option<&str>) -> std::result::Result<Self, String> {
        Ok(SecretBox {
            current: current.map(cipher).transpose()?,
            previous: previous.map(cipher).transpose()?,
        })
    }

    /// The form to store. Never falls back to the plain secret when a key is set.
    pub fn seal(&self, secret: &str) -> Result<String> {
        let Some(cipher) = &self.current else {
            return Ok(secret.to_owned());
        };
        let mut nonce = [0u8; NONCE_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), secret.as_bytes())
            .map_err(|_| Error::internal("could not seal a webhook secret"))?;
        Ok(format!(
            "{PREFIX}{}",
            STANDARD.encode([&nonce[..], &sealed].concat())
        ))
    }

    /// The secret from its stored form.
    pub fn open(&self, stored: &str) -> Result<String> {
        let Some(encoded) = stored.strip_prefix(PREFIX) else {
            return Ok(stored.to_owned());
        };
        let unreadable = || {
            Error::internal(
                "a sealed webhook secret does not open with CONVO_SECRET_KEY or CONVO_SECRET_KEY_PREVIOUS",
            )
        };
        let bytes = STANDARD.decode(encoded).map_err(|_| unreadable())?;
        if bytes.len() <= NONCE_BYTES {
            return Err(unreadable());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        [&self.current, &self.previous]
            .into_iter()
            .flatten()
            .find_map(|cipher| cipher.decrypt(Nonce::from_slice(nonce), sealed).ok())
            .and_then(|plain| String::from_utf8(plain).ok())
            .ok_or_else(unreadable)
    }
}

fn cipher(key: &str) -> std::result::Result<ChaCha20Poly1305, String> {
    let bytes = STANDARD
        .decode(key.trim())
        .map_err(|_| "the secret key must be base64 (`openssl rand -base64 32`)".to_owned())?;
    if bytes.len() != 32 {
        return Err(format!(
            "the secret key must be 32 bytes (`openssl rand -base64 32`), not {}",
            bytes.len()
        ));
    }
    Ok(ChaCha20Poly1305::new(Key::from_slice(&bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY_A: &str = "3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    const KEY_B: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    #[test]
    fn sealed_secrets_open_with_the_current_or_previous_key_only() {
        let a = SecretBox::new(Some(KEY_A), None).unwrap();
        let sealed = a.seal("whsec_abc").unwrap();
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("abc"));
        assert_ne!(
            a.seal("whsec_abc").unwrap(),
            sealed,
            "a fresh nonce each time"
        );
        assert_eq!(a.open(&sealed).unwrap(), "whsec_abc");
        let rotated = SecretBox::new(Some(KEY_B), Some(KEY_A)).unwrap();
        assert_eq!(rotated.open(&sealed).unwrap(), "whsec_abc");
        assert!(SecretBox::new(Some(KEY_B), None)
            .unwrap()
            .open(&sealed)
            .is_err());
        assert!(SecretBox::default().open(&sealed).is_err());
    }

    #[test]
    fn without_a_key_secrets_are_stored_as_they_are() {
        let plain = SecretBox::default();
        assert_eq!(plain.seal("whsec_abc").unwrap(), "whsec_abc");
        let a = SecretBox::new(Some(KEY_A), None).unwrap();
        assert_eq!(
            a.open("whsec_old").unwrap(),
            "whsec_old",
            "stored before a key was set"
        );
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert!(SecretBox::new(Some("short"), None).is_err());
        assert!(SecretBox::new(Some("c2hvcnQ="), None).is_err());
    }
}
