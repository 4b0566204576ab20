//! Stored files: upload (streamed, hashed and typed on the way), the object, its bytes and
//! thumbnail, and the sweep that removes what no message uses.

use bytes::Bytes;
use convo_types::{AttachmentId, Scope, StoredAttachment, Timestamp};
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};

use crate::auth::Principal;
use crate::clock::Clock;
use crate::files::{self, FileStorage, Signature, UrlSigner, Variant, HEAD_BYTES};
use crate::rules::MAX_IDENTIFIER_CHARS;
use crate::{AttachmentRecord, AttachmentStore, Error, Result, Thumbnail};

/// How long an upload no message uses is kept.
pub const UNUSED_FOR_MILLIS: i64 = 24 * 3600 * 1000;

/// A file arriving: its name and declared type as the client gave them, and its bytes.
pub struct Upload<S> {
    pub filename: Option<String>,
    pub declared_type: Option<String>,
    pub body: S,
}

/// The name kept for an upload: the last part of a path (some clients send the whole path),
/// `file` when none is given.
fn clean_filename(given: Option<&str>) -> Result<String> {
    let name = given
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).trim())
        .filter(|n| !n.is_empty())
        .unwrap_or("file");
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "filename",
            "must not contain control characters",
        ));
    }
    if name.chars().count() > MAX_IDENTIFIER_CHARS {
        return Err(Error::invalid(
            "filename",
            format!("must be at most {MAX_IDENTIFIER_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// `POST /v1/attachments`: streams the body to storage (never whole in memory), refusing it
/// as soon as it passes `limit` bytes; the type comes from the bytes, an image's size from
/// its header (a decompression bomb is refused here). Nothing is left behind on failure.
pub async fn upload<S>(
    store: &(impl AttachmentStore + ?Sized),
    storage: &dyn FileStorage,
    clock: &dyn Clock,
    caller: &Principal,
    limit: u64,
    upload: Upload<S>,
) -> Result<AttachmentRecord>
where
    S: Stream<Item = Result<Bytes>> + Send + Unpin,
{
    caller.require(Scope::MessagesWrite)?;
    let filename = clean_filename(upload.filename.as_deref())?;
    let key = format!(
        "{}/{}",
        caller.organization_id.as_uuid().simple(),
        uuid::Uuid::now_v7().simple()
    );
    let mut writer = storage.create(&key).await?;
    let mut body = upload.body;
    let mut hasher = Sha256::new();
    let mut head: Vec<u8> = Vec::new();
    let mut size: u64 = 0;
    let written: Result<()> = async {
        while let Some(chunk) = body.next().await {
            let chunk = chunk?;
            size += chunk.len() as u64;
            if size > limit {
                return Err(Error::TooLarge(format!(
                    "a file may have at most {limit} bytes"
                )));
            }
            hasher.update(&chunk);
            if head.len() < HEAD_BYTES {
                let take = (HEAD_BYTES - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            writer.write(chunk).await?;
        }
        Ok(())
    }
    .await;
    let content_type = files::content_type(&head, upload.declared_type.as_deref());
    let checked = written
        .and_then(|()| match size {
            0 => Err(Error::invalid(
                "file",
                "is empty: send the file's bytes as the body",
            )),
            _ => Ok(()),
        })
        .and_then(|()| files::image_size(&head, &content_type));
    let dimensions = match checked {
        Ok(dimensions) => dimensions,
        Err(error) => {
            writer.abort().await;
            return Err(error);
        }
    };
    writer.finish().await?;
    let now = clock.now();
    let record = AttachmentRecord {
        id: AttachmentId::new(),
        organization_id: caller.organization_id,
        filename,
        content_type,
        size: i64::try_from(size).unwrap_or(i64::MAX),
        sha256: files::hex_digest(hasher),
        width: dimensions.map(|(w, _)| i64::from(w)),
        height: dimensions.map(|(_, h)| i64::from(h)),
        created_at: now,
        expires_at: Some(Timestamp::from_millis(now.as_millis() + UNUSED_FOR_MILLIS)),
        storage_key: key.clone(),
        thumbnail: None,
        used_in: Vec::new(),
    };
    match store.create_attachment(&record).await {
        Ok(stored) => {
            if stored.storage_key != key {
                // The same bytes were stored already: ours go now (the queue the store wrote
                // them to retries if this fails).
                if let Err(error) = storage.delete(&key).await {
                    tracing::warn!(%error, key, "could not remove a duplicate upload");
                }
            }
            Ok(stored)
        }
        Err(error) => {
            if let Err(cleanup) = storage.delete(&key).await {
                tracing::warn!(%cleanup, key, "could not remove the bytes of a failed upload");
            }
            Err(error)
        }
    }
}

/// An attachment the caller may read (or send with a message): of their organization, and,
/// for a caller limited to some business units, unused or used in a conversation of one of
/// them.
pub(crate) async fn visible(
    store: &(impl AttachmentStore + ?Sized),
    caller: &Principal,
    id: AttachmentId,
) -> Result<AttachmentRecord> {
    let record = store.get_attachment(id).await?;
    let sees = record.organization_id == caller.organization_id
        && (record.used_in.is_empty()
            || record
                .used_in
                .iter()
                .any(|unit| caller.sees_business_unit(*unit)));
    if sees {
        Ok(record)
    } else {
        Err(Error::NotFound("attachment"))
    }
}

/// `GET /v1/attachments/{id}`.
pub async fn get(
    store: &(impl AttachmentStore + ?Sized),
    caller: &Principal,
    id: AttachmentId,
) -> Result<AttachmentRecord> {
    caller.require(Scope::MessagesRead)?;
    visible(store, caller, id).await
}

/// The wire object, with its signed links.
pub fn object(record: &AttachmentRecord, signer: &UrlSigner, now: Timestamp) -> StoredAttachment {
    StoredAttachment {
        object_name: "attachment".into(),
        id: record.id,
        filename: record.filename.clone(),
        content_type: record.content_type.clone(),
        size: record.size,
        sha256: record.sha256.clone(),
        width: record.width,
        height: record.height,
        url: signer.url(record.id, Variant::Original, now),
        thumbnail_url: files::is_image(&record.content_type)
            .then(|| signer.url(record.id, Variant::Thumbnail, now)),
        unused: record.used_in.is_empty(),
        created_at: record.created_at,
    }
}

/// Who asks for the bytes: a caller with a key or a session, or a signed link.
pub enum Access<'a> {
    Caller(&'a Principal),
    Signed(&'a Signature),
}

/// What to serve: the object to read and how to describe it.
#[derive(Debug, Clone)]
pub struct Content {
    pub storage_key: String,
    pub content_type: String,
    pub size: u64,
    /// Strong: the bytes of an attachment never change.
    pub etag: String,
    pub filename: String,
    /// Shown in the browser (an image) rather than downloaded.
    pub inline: bool,
}

/// `GET /v1/attachments/{id}/content`: the file or its thumbnail (made on first request and
/// kept). A signed link is checked for this attachment and variant, and for its expiry.
pub async fn content(
    store: &(impl AttachmentStore + ?Sized),
    storage: &dyn FileStorage,
    signer: &UrlSigner,
    now: Timestamp,
    access: Access<'_>,
    id: AttachmentId,
    variant: Variant,
) -> Result<Content> {
    let record = match access {
        Access::Caller(caller) => {
            caller.require(Scope::MessagesRead)?;
            visible(store, caller, id).await?
        }
        Access::Signed(signature) => {
            if !signer.verify(id, variant, signature, now) {
                return Err(Error::Forbidden {
                    code: convo_types::ErrorCode::Forbidden,
                    message: "the link is expired or its signature is not right; ask for the \
                              attachment again for a new one"
                        .into(),
                });
            }
            store.get_attachment(id).await?
        }
    };
    let inline = files::is_image(&record.content_type);
    match variant {
        Variant::Original => Ok(Content {
            storage_key: record.storage_key.clone(),
            content_type: record.content_type.clone(),
            size: u64::try_from(record.size).unwrap_or(0),
            etag: format!("\"{}\"", record.sha256),
            filename: record.filename,
            inline,
        }),
        Variant::Thumbnail if !inline => Err(Error::NotFound("thumbnail")),
        Variant::Thumbnail => {
            let thumbnail = match record.thumbnail.clone() {
                Some(kept) => kept,
                None => make_thumbnail(store, storage, &record).await?,
            };
            Ok(Content {
                storage_key: thumbnail.storage_key,
                content_type: thumbnail.content_type,
                size: u64::try_from(thumbnail.size).unwrap_or(0),
                etag: format!("\"{}-thumbnail\"", record.sha256),
                filename: format!("thumbnail-{}", record.filename),
                inline: true,
            })
        }
    }
}

async fn read_all(storage: &dyn FileStorage, key: &str) -> Result<Vec<u8>> {
    let mut stream = storage.read(key, None).await?;
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        bytes.extend_from_slice(&chunk.map_err(Error::internal)?);
    }
    Ok(bytes)
}

async fn make_thumbnail(
    store: &(impl AttachmentStore + ?Sized),
    storage: &dyn FileStorage,
    record: &AttachmentRecord,
) -> Result<Thumbnail> {
    let bytes = read_all(storage, &record.storage_key).await?;
    let (thumbnail, content_type) = tokio::task::spawn_blocking(move || files::thumbnail(&bytes))
        .await
        .map_err(Error::internal)??;
    let key = format!(
        "{}/{}-thumbnail",
        record.organization_id.as_uuid().simple(),
        uuid::Uuid::now_v7().simple()
    );
    let made = Thumbnail {
        storage_key: key,
        content_type: content_type.to_owned(),
        size: thumbnail.len() as i64,
    };
    storage
        .put(&made.storage_key, Bytes::from(thumbnail))
        .await?;
    store
        .set_thumbnail(record.organization_id, &record.sha256, &made)
        .await
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    pub attachments: u64,
    pub objects: usize,
}

/// Removes attachments no message used within their time (and those whose messages or
/// conversations were deleted), then the objects no attachment uses. Leased, so several
/// nodes may sweep at once; an object whose removal failed is retried after its lease.
pub async fn sweep(
    store: &(impl AttachmentStore + ?Sized),
    storage: &dyn FileStorage,
    clock: &dyn Clock,
) -> Result<Swept> {
    const BATCH: i64 = 500;
    const LEASE_MILLIS: i64 = 5 * 60 * 1000;
    let now = clock.now();
    let attachments = store.retire_attachments(now, BATCH).await?;
    let keys = store
        .claim_file_removals(
            now,
            Timestamp::from_millis(now.as_millis() + LEASE_MILLIS),
            BATCH,
        )
        .await?;
    let mut removed = Vec::with_capacity(keys.len());
    for key in keys {
        match storage.delete(&key).await {
            Ok(()) => removed.push(key),
            Err(error) => {
                tracing::warn!(%error, key, "could not remove a stored file; retried later")
            }
        }
    }
    store.finish_file_removals(&removed).await?;
    Ok(Swept {
        attachments,
        objects: removed.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_keep_their_last_part() {
        assert_eq!(
            clean_filename(Some("C:\\Users\\a\\photo.png")).unwrap(),
            "photo.png"
        );
        assert_eq!(clean_filename(Some("../../etc/passwd")).unwrap(), "passwd");
        assert_eq!(clean_filename(None).unwrap(), "file");
        assert_eq!(clean_filename(Some("  ")).unwrap(), "file");
        assert!(clean_filename(Some("a\0b")).is_err());
        assert!(clean_filename(Some(&"x".repeat(300))).is_err());
    }
}
