//! Read horizons: a user's in `conversation_reads` (with the incoming messages it covers, so
//! unread counts are a subtraction), the contact's on the conversation.

use crate::sql::prelude::*;

#[async_trait]
impl ReadStore for SqlStore {
    async fn mark_read(
        &self,
        org: OrganizationId,
        id: ConversationId,
        reader: Reader,
        message: Option<MessageId>,
        event: &EventMeta,
    ) -> Result<ConversationRecord> {
        run(async {
            let org = org.as_uuid();
            let conversation = id.as_uuid();
            let mut tx = self.writer.begin().await?;
            let mut record = fetch_conversation(&mut tx, org, conversation, true).await?;
            let horizon: Option<(Uuid,)> = match message {
                Some(message) => {
                    let row = sqlx::query_as(
                        "SELECT id FROM messages WHERE conversation_id = $1 AND id = $2",
                    )
                    .bind(conversation)
                    .bind(message.as_uuid())
                    .fetch_optional(&mut *tx)
                    .await?;
                    if row.is_none() {
                        return Err(Error::invalid(
                            "message_id",
                            format!("{message} is not a message of this conversation"),
                        )
                        .into());
                    }
                    row
                }
                None => {
                    sqlx::query_as(
                        "SELECT id FROM messages WHERE conversation_id = $1 ORDER BY id DESC \
                         LIMIT 1",
                    )
                    .bind(conversation)
                    .fetch_optional(&mut *tx)
                    .await?
                }
            };
            // Nothing written yet: nothing to have read.
            let Some((horizon,)) = horizon else {
                return Ok(record);
            };
            let now = Timestamp::now();
            match reader {
                Reader::User(user) => {
                    let before: Option<(Uuid, i64)> = sqlx::query_as(
                        "SELECT message_id, seen_incoming FROM conversation_reads WHERE \
                         conversation_id = $1 AND user_id = $2",
                    )
                    .bind(conversation)
                    .bind(user.as_uuid())
                    .fetch_optional(&mut *tx)
                    .await?;
                    if before.is_some_and(|(read, _)| read >= horizon) {
                        return Ok(record);
                    }
                    let seen_before = before.map_or(0, |(_, seen)| seen);
                    let (seen,): (i64,) = sqlx::query_as(
                        "SELECT COUNT(*) FROM messages WHERE conversation_id = $1 AND id <= $2 \
                         AND message_type = 'incoming'",
                    )
                    .bind(conversation)
                    .bind(horizon)
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO conversation_reads (organization_id, conversation_id, \
                         user_id, message_id, seen_incoming, read_at) VALUES ($1, $2, $3, $4, \
                         $5, $6) ON CONFLICT (conversation_id, user_id) DO UPDATE SET message_id \
                         = excluded.message_id, seen_incoming = excluded.seen_incoming, read_at \
                         = excluded.read_at",
                    )
                    .bind(org)
                    .bind(conversation)
                    .bind(user.as_uuid())
                    .bind(horizon)
                    .bind(seen)
                    .bind(now.as_millis())
                    .execute(&mut *tx)
                    .await?;
                    // A team member's tallies say whether they have unread messages in it.
                    let c = &record.conversation;
                    let incoming = c.counts.incoming;
                    let (was, is) = (
                        has_unread(incoming, seen_before),
                        has_unread(incoming, seen),
                    );
                    if was != is && c.users.iter().any(|u| u.id == user) {
                        let key = count_key(c);
                        let member = Some(user.as_uuid());
                        let changes = vec![
                            counter_change(&key, member, was, -1),
                            counter_change(&key, member, is, 1),
                        ];
                        apply_counter_changes(&mut tx, org, changes).await?;
                    }
                    tx.commit().await?;
                }
                Reader::Contact => {
                    let c = &mut record.conversation;
                    if c.contact_read
                        .as_ref()
                        .is_some_and(|read| read.message_id.as_uuid() >= horizon)
                    {
                        return Ok(record);
                    }
                    c.contact_read = Some(ReadMarker {
                        message_id: horizon.into(),
                        read_at: now,
                    });
                    c.updated_at = now;
                    record.version += 1;
                    sqlx::query(
                        "UPDATE conversations SET contact_read = $1, updated_at = $2, version = \
                         version + 1 WHERE organization_id = $3 AND id = $4",
                    )
                    .bind(Json(&c.contact_read))
                    .bind(now.as_millis())
                    .bind(org)
                    .bind(conversation)
                    .execute(&mut *tx)
                    .await?;
                    record_event(&mut tx, org, event, &record.conversation, now).await?;
                    self.commit_and_wake(tx, org).await?;
                }
            }
            Ok(record)
        })
        .await
    }

    async fn seen_incoming(
        &self,
        org: OrganizationId,
        user: UserId,
        ids: &[ConversationId],
    ) -> Result<HashMap<ConversationId, i64>> {
        run(async {
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT conversation_id, seen_incoming FROM conversation_reads WHERE \
                 organization_id = ",
            );
            qb.push_bind(org.as_uuid())
                .push(" AND user_id = ")
                .push_bind(user.as_uuid());
            push_in_ids(
                &mut qb,
                "conversation_id",
                ids.iter().map(|id| id.as_uuid()),
            );
            let rows: Vec<(Uuid, i64)> = qb.build_query_as().fetch_all(&self.reader).await?;
            Ok(rows.into_iter().map(|(id, n)| (id.into(), n)).collect())
        })
        .await
    }
}
