//! Stored files: where their bytes go ([`FileStorage`]), what they are (read from the bytes,
//! never from what the client declares), an image's size and thumbnail, and the signed links
//! that let a browser fetch one without a key.

use std::ops::Range;
use std::pin::Pin;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use bytes::Bytes;
use convo_types::{Attachment, AttachmentId, Event, Message, Timestamp};
use futures_util::Stream;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// The bytes of a stored object, as they arrive.
pub type ByteStream = Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;

/// Where the bytes of stored files live: a folder or an S3 bucket. Keys are written once
/// (a new key for new bytes) and never rewritten in place.
#[async_trait::async_trait]
pub trait FileStorage: Send + Sync {
    /// Starts a new object at `key`: nothing is readable under it until the writer finishes,
    /// and an aborted writer leaves nothing behind.
    async fn create(&self, key: &str) -> Result<Box<dyn FileWriter>>;
    /// A whole small object (a thumbnail) at once.
    async fn put(&self, key: &str, bytes: Bytes) -> Result<()>;
    /// The bytes of `range` (all of them with `None`).
    async fn read(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream>;
    /// Removes the object; one already gone is not an error.
    async fn delete(&self, key: &str) -> Result<()>;
    /// What the operator reads in the logs: `folder /var/lib/convo-files`, `s3://bucket/prefix`.
    fn describe(&self) -> String;
}

/// An object being written: chunks in order, then `finish` or `abort`.
#[async_trait::async_trait]
pub trait FileWriter: Send {
    async fn write(&mut self, chunk: Bytes) -> Result<()>;
    /// Makes the object readable under its key, durably.
    async fn finish(self: Box<Self>) -> Result<()>;
    /// Drops what was written; never fails (what it cannot remove is logged).
    async fn abort(self: Box<Self>);
}

/// The first bytes of a file kept while it streams by: enough to tell its type and, for an
/// image, its size.
pub const HEAD_BYTES: usize = 64 * 1024;

/// Images larger than this are refused before anything decodes them: a few kilobytes can
/// claim 50,000 × 50,000 pixels (a decompression bomb).
pub const MAX_IMAGE_PIXELS: u64 = 100_000_000;

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_SIDE: u32 = 320;

/// What `GET /v1/attachments/{id}/content` serves: the file or its thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Thumbnail,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Variant::Original => "original",
            Variant::Thumbnail => "thumbnail",
        }
    }
}

/// The type of a file, from its first bytes. A recognised format wins over the declared
/// type; unrecognised text keeps a declared textual type (`text/csv`), anything else is
/// `text/plain` when it is UTF-8 and `application/octet-stream` when it is not. A declared
/// image, video or HTML type is never kept on bytes that do not show it.
pub fn content_type(head: &[u8], declared: Option<&str>) -> String {
    if let Some(kind) = infer::get(head) {
        return kind.mime_type().to_owned();
    }
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        // A multi-byte character cut at the end of the head is still text.
        Err(e) => e.error_len().is_none() && head.len() >= HEAD_BYTES,
    };
    if !text {
        return "application/octet-stream".to_owned();
    }
    let declared = declared
        .and_then(|d| d.split(';').next())
        .map(|d| d.trim().to_ascii_lowercase());
    match declared {
        Some(d) if is_plain_text_type(&d) => d,
        _ => "text/plain".to_owned(),
    }
}

/// Types that a browser never runs or renders as a page: kept when declared for text.
fn is_plain_text_type(t: &str) -> bool {
    matches!(
        t,
        "text/plain"
            | "text/csv"
            | "text/markdown"
            | "text/calendar"
            | "text/vcard"
            | "text/tab-separated-values"
            | "application/json"
    )
}

/// Images convo reads the size of and makes thumbnails for (and a browser shows inline).
/// SVG is not one: it can carry scripts, so it is served as a download.
pub fn is_image(content_type: &str) -> bool {
    matches!(
        content_type,
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// An image's width and height from its first bytes, or why it is refused. `Ok(None)`: not
/// an image, or its size is not in the first bytes.
pub fn image_size(head: &[u8], content_type: &str) -> Result<Option<(u32, u32)>> {
    if !is_image(content_type) {
        return Ok(None);
    }
    // The header alone, however little of the rest has arrived (`imagesize` reads only it).
    let Ok(size) = imagesize::blob_size(head) else {
        return Ok(None);
    };
    let (Ok(width), Ok(height)) = (u32::try_from(size.width), u32::try_from(size.height)) else {
        return Ok(None);
    };
    if u64::from(width) * u64::from(height) > MAX_IMAGE_PIXELS {
        return Err(Error::Rejected {
            code: convo_types::ErrorCode::ValidationFailed,
            message: format!(
                "the image claims {width} × {height} pixels; at most {} million are accepted",
                MAX_IMAGE_PIXELS / 1_000_000
            ),
            field: Some("file".into()),
        });
    }
    Ok(Some((width, height)))
}

/// A thumbnail of an image's bytes: at most [`THUMBNAIL_SIDE`] pixels a side, JPEG, or WebP
/// (lossless) when the image has transparency. Decoding is bounded (size and memory), so a
/// file whose header lied about its size is refused, not decoded. CPU-bound: run it on a
/// blocking thread.
pub fn thumbnail(bytes: &[u8]) -> Result<(Vec<u8>, &'static str)> {
    let unreadable = |e: image::ImageError| Error::Rejected {
        code: convo_types::ErrorCode::ValidationFailed,
        message: format!("the image cannot be read: {e}"),
        field: None,
    };
    let mut reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(Error::internal)?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(unreadable)?;
    // Never larger than the image itself (`thumbnail` fits the box either way).
    let small = if image.width() > THUMBNAIL_SIDE || image.height() > THUMBNAIL_SIDE {
        image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE)
    } else {
        image
    };
    let mut out = std::io::Cursor::new(Vec::new());
    if small.color().has_alpha() {
        small
            .to_rgba8()
            .write_to(&mut out, image::ImageFormat::WebP)
            .map_err(Error::internal)?;
        Ok((out.into_inner(), "image/webp"))
    } else {
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82);
        small
            .to_rgb8()
            .write_with_encoder(encoder)
            .map_err(Error::internal)?;
        Ok((out.into_inner(), "image/jpeg"))
    }
}

/// Hex SHA-256, as the attachment's `sha256` shows it.
pub fn hex_digest(hasher: Sha256) -> String {
    format!("{:x}", hasher.finalize())
}

/// Signs and checks the links to stored files: HMAC-SHA256 over the attachment, the variant
/// and the expiry, with a key derived from the server's secret key. Links are made for
/// windows of half their lifetime, so the same file has the same link for a while (a
/// browser's cache keeps working) and every link lasts between half and all of `ttl`.
#[derive(Clone)]
pub struct UrlSigner {
    /// Keyed once; each link clones it.
    mac: Hmac<Sha256>,
    base: String,
    ttl_millis: i64,
}

impl std::fmt::Debug for UrlSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UrlSigner")
            .field("base", &self.base)
            .field("ttl_millis", &self.ttl_millis)
            .finish_non_exhaustive()
    }
}

/// The query of a signed link, as the server reads it back.
#[derive(Debug, Clone)]
pub struct Signature {
    pub expires: i64,
    pub signature: String,
}

impl UrlSigner {
    /// `secret`: the server's key material; `base`: where clients reach the server (no
    /// trailing slash).
    pub fn new(secret: &[u8], base: &str, ttl: std::time::Duration) -> Self {
        // HMAC pads a key to its 64-byte block with zeros: padded here, it is keyed without
        // a fallible length check.
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(
            &Sha256::new()
                .chain_update(b"convo attachment links v1\0")
                .chain_update(secret)
                .finalize(),
        );
        UrlSigner {
            mac: <Hmac<Sha256> as hmac::digest::KeyInit>::new(&block.into()),
            base: base.trim_end_matches('/').to_owned(),
            ttl_millis: i64::try_from(ttl.as_millis())
                .unwrap_or(i64::MAX / 4)
                .max(2_000),
        }
    }

    fn mac(&self, id: AttachmentId, variant: Variant, expires: i64) -> String {
        let mut mac = self.mac.clone();
        mac.update(format!("{id}\n{}\n{expires}", variant.as_str()).as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// The link to `variant` of the attachment, valid for at least half the lifetime.
    pub fn url(&self, id: AttachmentId, variant: Variant, now: Timestamp) -> String {
        let half = self.ttl_millis / 2;
        let expires = (now.as_millis() / half) * half + self.ttl_millis;
        let size = match variant {
            Variant::Original => "",
            Variant::Thumbnail => "size=thumbnail&",
        };
        format!(
            "{}/v1/attachments/{id}/content?{size}expires={expires}&signature={}",
            self.base,
            self.mac(id, variant, expires)
        )
    }

    /// Fills in the links of a stored attachment (one hosted elsewhere keeps its `url`).
    pub fn sign_attachment(&self, attachment: &mut Attachment, now: Timestamp) {
        let Some(id) = attachment.id else {
            return;
        };
        attachment.url = self.url(id, Variant::Original, now);
        attachment.thumbnail_url = attachment
            .mime_type
            .as_deref()
            .is_some_and(is_image)
            .then(|| self.url(id, Variant::Thumbnail, now));
    }

    /// Fills in the links of a message's stored attachments: every answer carrying a
    /// message passes through here, so links are fresh whenever it is read.
    pub fn sign_message(&self, message: &mut Message, now: Timestamp) {
        for attachment in &mut message.attachments {
            self.sign_attachment(attachment, now);
        }
    }

    /// The same for an event's object when it is a message (read from the event log, where
    /// no link is kept: links expire, the log does not).
    pub fn sign_event(&self, event: &mut Event, now: Timestamp) {
        let Some(attachments) = event
            .data
            .get_mut("attachments")
            .and_then(serde_json::Value::as_array_mut)
        else {
            return;
        };
        for item in attachments {
            let Ok(mut attachment) = serde_json::from_value::<Attachment>(item.clone()) else {
                continue;
            };
            if attachment.id.is_some() {
                self.sign_attachment(&mut attachment, now);
                if let Ok(signed) = serde_json::to_value(&attachment) {
                    *item = signed;
                }
            }
        }
    }

    /// Whether the link is this server's and has not expired (compared in constant time).
    pub fn verify(
        &self,
        id: AttachmentId,
        variant: Variant,
        signature: &Signature,
        now: Timestamp,
    ) -> bool {
        signature.expires >= now.as_millis()
            && crate::people::same_secret(
                &self.mac(id, variant, signature.expires),
                &signature.signature,
            )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bytes_decide_the_type() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        assert_eq!(content_type(png, Some("text/html")), "image/png");
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        assert_eq!(content_type(html, Some("image/png")), "text/html");
        assert_eq!(content_type(b"a,b\n1,2\n", Some("text/csv")), "text/csv");
        assert_eq!(content_type(b"just words", Some("image/png")), "text/plain");
        assert_eq!(content_type(b"just words", Some("text/html")), "text/plain");
        assert_eq!(
            content_type(&[0xff, 0x00, 0x13, 0x37], Some("image/png")),
            "application/octet-stream"
        );
    }

    #[test]
    fn thumbnails_fit_320_pixels_and_never_grow() {
        let png = |w, h| {
            let mut out = std::io::Cursor::new(Vec::new());
            image::RgbImage::new(w, h)
                .write_to(&mut out, image::ImageFormat::Png)
                .unwrap();
            out.into_inner()
        };
        for ((w, h), expected) in [((1000, 500), (320, 160)), ((200, 120), (200, 120))] {
            let (bytes, content_type) = thumbnail(&png(w, h)).unwrap();
            assert_eq!(content_type, "image/jpeg");
            let made = image::load_from_memory(&bytes).unwrap();
            assert_eq!((made.width(), made.height()), expected);
        }
    }

    #[test]
    fn a_bomb_is_refused_by_its_header() {
        // A PNG header claiming 50,000 × 50,000 pixels.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&50_000u32.to_be_bytes());
        png.extend_from_slice(&50_000u32.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0]);
        png.extend_from_slice(&crc(&png[12..]).to_be_bytes());
        assert!(image_size(&png, "image/png").is_err());
    }

    fn crc(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn links_expire_and_cannot_be_altered() {
        let signer = UrlSigner::new(b"secret", "http://x", std::time::Duration::from_secs(3600));
        let id = AttachmentId::new();
        let now = Timestamp::from_millis(1_000_000_000);
        let url = signer.url(id, Variant::Original, now);
        let query = url.split_once('?').unwrap().1;
        let mut expires = 0;
        let mut sig = String::new();
        for pair in query.split('&') {
            match pair.split_once('=').unwrap() {
                ("expires", v) => expires = v.parse().unwrap(),
                ("signature", v) => sig = v.to_owned(),
                _ => {}
            }
        }
        let s = Signature {
            expires,
            signature: sig,
        };
        assert!(signer.verify(id, Variant::Original, &s, now));
        assert!(!signer.verify(id, Variant::Thumbnail, &s, now));
        assert!(!signer.verify(AttachmentId::new(), Variant::Original, &s, now));
        assert!(!signer.verify(
            id,
            Variant::Original,
            &s,
            Timestamp::from_millis(expires + 1)
        ));
        let longer = Signature {
            expires: expires + 1,
            ..s.clone()
        };
        assert!(!signer.verify(id, Variant::Original, &longer, now));
        // Between half and all of the lifetime.
        assert!(expires - now.as_millis() >= 1_800_000 && expires - now.as_millis() <= 3_600_000);
        let other = UrlSigner::new(b"other", "http://x", std::time::Duration::from_secs(3600));
        assert!(!other.verify(id, Variant::Original, &s, now));
    }
}
