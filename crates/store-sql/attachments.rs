//! Stored files: uploads, the bytes they share (once per organization and content), which
//! messages use them, and the queue of objects to remove from storage.

use convo_core::{AttachmentRecord, AttachmentStore, Thumbnail};
use convo_types::AttachmentId;

use crate::sql::prelude::*;

const ATTACHMENT_COLUMNS: &str = "a.organization_id, a.id, a.filename, a.content_type, a.size, \
     a.sha256, a.width, a.height, a.created_at, a.expires_at, f.storage_key, f.thumbnail_key, \
     f.thumbnail_type, f.thumbnail_size";

#[derive(FromRow)]
struct AttachmentRow {
    organization_id: Uuid,
    id: Uuid,
    filename: String,
    content_type: String,
    size: i64,
    sha256: String,
    width: Option<i64>,
    height: Option<i64>,
    created_at: i64,
    expires_at: Option<i64>,
    storage_key: String,
    thumbnail_key: Option<String>,
    thumbnail_type: Option<String>,
    thumbnail_size: Option<i64>,
}

impl AttachmentRow {
    fn into_record(self, used_in: Vec<BusinessUnitId>) -> AttachmentRecord {
        let thumbnail = match (self.thumbnail_key, self.thumbnail_type, self.thumbnail_size) {
            (Some(storage_key), Some(content_type), Some(size)) => Some(Thumbnail {
                storage_key,
                content_type,
                size,
            }),
            _ => None,
        };
        AttachmentRecord {
            id: self.id.into(),
            organization_id: self.organization_id.into(),
            filename: self.filename,
            content_type: self.content_type,
            size: self.size,
            sha256: self.sha256,
            width: self.width,
            height: self.height,
            created_at: Timestamp::from_millis(self.created_at),
            expires_at: self.expires_at.map(Timestamp::from_millis),
            storage_key: self.storage_key,
            thumbnail,
            used_in,
        }
    }
}

async fn fetch_attachment(conn: &mut Conn, id: Uuid) -> StoreResult<AttachmentRecord> {
    let row: Option<AttachmentRow> = sqlx::query_as(&format!(
        "SELECT {ATTACHMENT_COLUMNS} FROM attachments a JOIN attachment_files f ON \
         f.organization_id = a.organization_id AND f.sha256 = a.sha256 WHERE a.id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let row = found("attachment")(row)?;
    let units: Vec<(Uuid,)> = sqlx::query_as(
        "SELECT DISTINCT c.business_unit_id FROM message_attachments ma JOIN conversations c ON \
         c.id = ma.conversation_id WHERE ma.attachment_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(row.into_record(units.into_iter().map(|(u,)| u.into()).collect()))
}

/// Queues objects for removal (due at once).
async fn queue_removals(conn: &mut Conn, keys: &[String]) -> StoreResult<()> {
    for chunk in keys.chunks(ROWS_PER_INSERT) {
        let mut qb =
            QueryBuilder::<Db>::new("INSERT INTO file_removals (storage_key, lease_until) ");
        qb.push_values(chunk, |mut row, key| {
            row.push_bind(key).push_bind(0_i64);
        });
        qb.push(" ON CONFLICT (storage_key) DO NOTHING");
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// The stored attachments `ids` of a new message become used: none of them may have gone
/// meanwhile (the sweep and the message take the row's lock in turn). Records which messages
/// use them.
pub(crate) async fn use_attachments(
    conn: &mut Conn,
    org: Uuid,
    messages: &[&Message],
) -> StoreResult<()> {
    let mut links: Vec<(Uuid, Uuid, Uuid)> = Vec::new();
    for m in messages {
        for a in &m.attachments {
            if let Some(id) = a.id {
                links.push((m.id.as_uuid(), id.as_uuid(), m.conversation_id.as_uuid()));
            }
        }
    }
    if links.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<Uuid> = links.iter().map(|(_, a, _)| *a).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut qb = QueryBuilder::<Db>::new(
        "UPDATE attachments SET expires_at = NULL WHERE organization_id = ",
    );
    qb.push_bind(org);
    push_in_ids(&mut qb, "id", ids.iter().copied());
    qb.push(" RETURNING id");
    let kept: Vec<(Uuid,)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    if kept.len() != ids.len() {
        let gone = ids
            .iter()
            .find(|id| !kept.iter().any(|(k,)| k == *id))
            .copied()
            .unwrap_or_default();
        return Err(Error::invalid("attachments", format!("attachment {gone} is gone")).into());
    }
    for chunk in links.chunks(ROWS_PER_INSERT) {
        let mut qb = QueryBuilder::<Db>::new(
            "INSERT INTO message_attachments (organization_id, message_id, attachment_id, \
             conversation_id) ",
        );
        qb.push_values(chunk, |mut row, (message, attachment, conversation)| {
            row.push_bind(org)
                .push_bind(*message)
                .push_bind(*attachment)
                .push_bind(*conversation);
        });
        qb.push(" ON CONFLICT (message_id, attachment_id) DO NOTHING");
        qb.build().execute(&mut *conn).await?;
    }
    Ok(())
}

/// What a deletion releases: the links of one message, or of every message of some
/// conversations. Attachments no message uses any more are due for removal at once.
pub(crate) enum Released<'a> {
    Message(Uuid),
    Conversations(&'a [Uuid]),
}

pub(crate) async fn release_attachments(
    conn: &mut Conn,
    org: Uuid,
    released: Released<'_>,
    now: Timestamp,
) -> StoreResult<()> {
    let (column, ids): (&str, Vec<Uuid>) = match released {
        Released::Message(id) => ("message_id", vec![id]),
        Released::Conversations(ids) => ("conversation_id", ids.to_vec()),
    };
    let mut qb = QueryBuilder::<Db>::new(
        "SELECT DISTINCT attachment_id FROM message_attachments WHERE organization_id = ",
    );
    qb.push_bind(org);
    push_in_ids(&mut qb, column, ids.iter().copied());
    let used: Vec<(Uuid,)> = qb.build_query_as().fetch_all(&mut *conn).await?;
    if used.is_empty() {
        return Ok(());
    }
    let mut qb =
        QueryBuilder::<Db>::new("DELETE FROM message_attachments WHERE organization_id = ");
    qb.push_bind(org);
    push_in_ids(&mut qb, column, ids.iter().copied());
    qb.build().execute(&mut *conn).await?;
    let mut qb = QueryBuilder::<Db>::new("UPDATE attachments SET expires_at = ");
    qb.push_bind(now.as_millis())
        .push(" WHERE organization_id = ")
        .push_bind(org);
    push_in_ids(&mut qb, "id", used.iter().map(|(id,)| *id));
    qb.push(
        " AND NOT EXISTS (SELECT 1 FROM message_attachments ma WHERE ma.attachment_id = \
         attachments.id)",
    );
    qb.build().execute(&mut *conn).await?;
    Ok(())
}

#[async_trait]
impl AttachmentStore for SqlStore {
    async fn create_attachment(&self, record: &AttachmentRecord) -> Result<AttachmentRecord> {
        run(async {
            let org = record.organization_id.as_uuid();
            let mut tx = self.writer.begin().await?;
            // The file of these bytes: ours, or the one already kept (locked, so a sweep
            // cannot remove it under us; a sweep that removed it first leaves none, and ours
            // goes in on the next turn).
            let mut kept: Option<String> = None;
            for _ in 0..3 {
                sqlx::query(
                    "INSERT INTO attachment_files (organization_id, sha256, storage_key, size, \
                     created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, \
                     sha256) DO NOTHING",
                )
                .bind(org)
                .bind(&record.sha256)
                .bind(&record.storage_key)
                .bind(record.size)
                .bind(record.created_at.as_millis())
                .execute(&mut *tx)
                .await?;
                kept = sqlx::query_scalar(&format!(
                    "SELECT storage_key FROM attachment_files WHERE organization_id = $1 AND \
                     sha256 = $2{LOCK_FOR_UPDATE}"
                ))
                .bind(org)
                .bind(&record.sha256)
                .fetch_optional(&mut *tx)
                .await?;
                if kept.is_some() {
                    break;
                }
            }
            let Some(kept) = kept else {
                return Err(Error::internal("the stored file kept disappearing").into());
            };
            if kept != record.storage_key {
                queue_removals(&mut tx, std::slice::from_ref(&record.storage_key)).await?;
            }
            sqlx::query(
                "INSERT INTO attachments (organization_id, id, sha256, filename, content_type, \
                 size, width, height, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, \
                 $7, $8, $9, $10)",
            )
            .bind(org)
            .bind(record.id.as_uuid())
            .bind(&record.sha256)
            .bind(&record.filename)
            .bind(&record.content_type)
            .bind(record.size)
            .bind(record.width)
            .bind(record.height)
            .bind(record.created_at.as_millis())
            .bind(record.expires_at.map(Timestamp::as_millis))
            .execute(&mut *tx)
            .await?;
            let stored = fetch_attachment(&mut tx, record.id.as_uuid()).await?;
            tx.commit().await?;
            Ok(stored)
        })
        .await
    }

    async fn get_attachment(&self, id: AttachmentId) -> Result<AttachmentRecord> {
        run(async {
            let mut conn = self.reader.acquire().await?;
            fetch_attachment(&mut conn, id.as_uuid()).await
        })
        .await
    }

    async fn set_thumbnail(
        &self,
        org: OrganizationId,
        sha256: &str,
        thumbnail: &Thumbnail,
    ) -> Result<Thumbnail> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let set = sqlx::query(
                "UPDATE attachment_files SET thumbnail_key = $1, thumbnail_type = $2, \
                 thumbnail_size = $3 WHERE organization_id = $4 AND sha256 = $5 AND \
                 thumbnail_key IS NULL",
            )
            .bind(&thumbnail.storage_key)
            .bind(&thumbnail.content_type)
            .bind(thumbnail.size)
            .bind(org.as_uuid())
            .bind(sha256)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let kept = if set == 1 {
                thumbnail.clone()
            } else {
                queue_removals(&mut tx, std::slice::from_ref(&thumbnail.storage_key)).await?;
                let row: Option<(Option<String>, Option<String>, Option<i64>)> = sqlx::query_as(
                    "SELECT thumbnail_key, thumbnail_type, thumbnail_size FROM attachment_files \
                     WHERE organization_id = $1 AND sha256 = $2",
                )
                .bind(org.as_uuid())
                .bind(sha256)
                .fetch_optional(&mut *tx)
                .await?;
                match row {
                    Some((Some(storage_key), Some(content_type), Some(size))) => Thumbnail {
                        storage_key,
                        content_type,
                        size,
                    },
                    _ => return Err(Error::NotFound("attachment").into()),
                }
            };
            tx.commit().await?;
            Ok(kept)
        })
        .await
    }

    async fn retire_attachments(&self, now: Timestamp, limit: i64) -> Result<u64> {
        run(async {
            let mut tx = self.writer.begin().await?;
            let mut gone: Vec<(Uuid, String)> = sqlx::query_as(
                "DELETE FROM attachments WHERE id IN (SELECT id FROM attachments WHERE \
                 expires_at <= $1 ORDER BY expires_at LIMIT $2) AND expires_at <= $1 AND NOT \
                 EXISTS (SELECT 1 FROM message_attachments ma WHERE ma.attachment_id = \
                 attachments.id) RETURNING organization_id, sha256",
            )
            .bind(now.as_millis())
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
            let retired = gone.len() as u64;
            // Their files, in a fixed order (two sweeps lock them alike): each locked, then
            // removed when no attachment names it, as a statement after the lock sees every
            // upload committed meanwhile (an upload locks its file too). In the same
            // transaction, so no file is left behind by a crash.
            gone.sort();
            gone.dedup();
            let mut removals: Vec<String> = Vec::new();
            for (org, sha256) in gone {
                let locked: Option<(String,)> = sqlx::query_as(&format!(
                    "SELECT storage_key FROM attachment_files WHERE organization_id = $1 AND \
                     sha256 = $2{LOCK_FOR_UPDATE}"
                ))
                .bind(org)
                .bind(&sha256)
                .fetch_optional(&mut *tx)
                .await?;
                if locked.is_none() {
                    continue;
                }
                let removed: Option<(String, Option<String>)> = sqlx::query_as(
                    "DELETE FROM attachment_files WHERE organization_id = $1 AND sha256 = $2 AND \
                     NOT EXISTS (SELECT 1 FROM attachments a WHERE a.organization_id = $1 AND \
                     a.sha256 = $2) RETURNING storage_key, thumbnail_key",
                )
                .bind(org)
                .bind(&sha256)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some((key, thumbnail)) = removed {
                    removals.push(key);
                    removals.extend(thumbnail);
                }
            }
            queue_removals(&mut tx, &removals).await?;
            tx.commit().await?;
            Ok(retired)
        })
        .await
    }

    async fn claim_file_removals(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: i64,
    ) -> Result<Vec<String>> {
        run(async {
            let keys: Vec<(String,)> = sqlx::query_as(
                "UPDATE file_removals SET lease_until = $1 WHERE storage_key IN (SELECT \
                 storage_key FROM file_removals WHERE lease_until <= $2 ORDER BY lease_until \
                 LIMIT $3) AND lease_until <= $2 RETURNING storage_key",
            )
            .bind(lease_until.as_millis())
            .bind(now.as_millis())
            .bind(limit)
            .fetch_all(&self.writer)
            .await?;
            Ok(keys.into_iter().map(|(k,)| k).collect())
        })
        .await
    }

    async fn finish_file_removals(&self, keys: &[String]) -> Result<()> {
        run(async {
            for chunk in keys.chunks(ROWS_PER_INSERT) {
                let mut qb =
                    QueryBuilder::<Db>::new("DELETE FROM file_removals WHERE storage_key IN (");
                let mut list = qb.separated(", ");
                for key in chunk {
                    list.push_bind(key);
                }
                qb.push(")");
                qb.build().execute(&self.writer).await?;
            }
            Ok(())
        })
        .await
    }

    async fn stored_bytes(&self) -> Result<i64> {
        run(async {
            let total: Option<i64> =
                sqlx::query_scalar("SELECT CAST(SUM(size) AS BIGINT) FROM attachment_files")
                    .fetch_one(&self.reader)
                    .await?;
            Ok(total.unwrap_or(0))
        })
        .await
    }
}
