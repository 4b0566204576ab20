//! Messages and video calls; new messages go through the group commit.

mod group;
mod group_commit;
mod rows;

pub(crate) use group::*;
pub(crate) use group_commit::*;
pub(crate) use rows::*;

use crate::sql::prelude::*;

fn push_message_filters(qb: &mut QueryBuilder<'_, Db>, filter: &MessageFilter) {
    if let Some(status) = filter.status {
        qb.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(message_type) = filter.message_type {
        qb.push(" AND message_type = ")
            .push_bind(message_type.as_str());
    }
}

#[async_trait]
impl MessageStore for SqlStore {
    async fn create_message(
        &self,
        message: &Message,
        after: Option<MessageId>,
        event: &EventMeta,
    ) -> Result<MessageWrite> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let queued = QueuedMessage {
            message: message.clone(),
            event: event.clone(),
            words: message_words(message),
            after,
            reply,
        };
        self.group_commit
            .send(queued)
            .await
            .map_err(|_| Error::internal("the message writer has stopped"))?;
        answer
            .await
            .map_err(|_| Error::internal("the message writer has stopped"))?
    }

    async fn create_messages(
        &self,
        messages: &[Message],
        event: &EventMeta,
    ) -> Result<Vec<MessageWrite>> {
        run(async {
            let words: Vec<String> = messages.iter().map(message_words).collect();
            let items: Vec<NewMessage<'_>> = messages
                .iter()
                .zip(&words)
                .map(|(message, words)| NewMessage {
                    message,
                    event,
                    words,
                    after: None,
                })
                .collect();
            let mut tx = self.writer.begin().await?;
            let added = add_messages(&mut tx, &items).await?;
            let written = added.results.into_iter().collect::<Result<Vec<_>>>()?;
            tx.commit().await?;
            wake_organizations(&self.wakeups, &added.organizations);
            Ok(written)
        })
        .await
    }

    async fn get_message(&self, org: OrganizationId, id: MessageId) -> Result<MessageRecord> {
        run(async {
            let mut conn = self.reader.acquire().await?;
            let message = fetch_message(&mut conn, org.as_uuid(), id.as_uuid()).await?;
            let unit: Option<(Uuid,)> = sqlx::query_as(
                "SELECT business_unit_id FROM conversations WHERE id = $1 AND deleted_at IS NULL",
            )
            .bind(message.conversation_id.as_uuid())
            .fetch_optional(&mut *conn)
            .await?;
            let (unit,) = found("message")(unit)?;
            Ok(MessageRecord {
                message,
                business_unit_id: unit.into(),
            })
        })
        .await
    }

    async fn list_messages(
        &self,
        org: OrganizationId,
        conversation: ConversationId,
        filter: &MessageFilter,
        page: &DirectoryPage,
    ) -> Result<Rows<Message>> {
        run(async {
            let (comparison, direction) = match filter.order {
                SortOrder::Oldest => (">", "ASC"),
                SortOrder::Recent => ("<", "DESC"),
            };
            let mut qb = QueryBuilder::<Db>::new(format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.organization_id = "
            ));
            qb.push_bind(org.as_uuid());
            qb.push(" AND m.conversation_id = ")
                .push_bind(conversation.as_uuid());
            push_message_filters(&mut qb, filter);
            if let PageStart::After(Some(after)) = page.start {
                qb.push(format!(" AND m.id {comparison} ")).push_bind(after);
            }
            qb.push(format!(" ORDER BY m.id {direction} LIMIT "))
                .push_bind(i64::from(page.limit) + 1);
            if let PageStart::Offset(offset) = page.start {
                qb.push(" OFFSET ").push_bind(offset as i64);
            }
            let rows: Vec<MessageRow> = qb.build_query_as().fetch_all(&self.reader).await?;
            let mut count =
                QueryBuilder::<Db>::new("SELECT COUNT(*) FROM messages WHERE organization_id = ");
            count.push_bind(org.as_uuid());
            count
                .push(" AND conversation_id = ")
                .push_bind(conversation.as_uuid());
            push_message_filters(&mut count, filter);
            Ok(Rows {
                items: rows
                    .into_iter()
                    .map(Message::try_from)
                    .collect::<StoreResult<_>>()?,
                total: self.total(count, page.include_total).await?,
            })
        })
        .await
    }

    async fn update_message(
        &self,
        org: OrganizationId,
        id: MessageId,
        change: MessageChange<'_>,
        event: &EventMeta,
    ) -> Result<Message> {
        run(async {
            let org = org.as_uuid();
            let mut tx = self.writer.begin().await?;
            let before = fetch_message(&mut tx, org, id.as_uuid()).await?;
            let record =
                fetch_conversation(&mut tx, org, before.conversation_id.as_uuid(), true).await?;
            let mut message = before.clone();
            if change(&mut message)? == Change::Unchanged {
                return Ok(before);
            }
            let now = Timestamp::now();
            message.updated_at = now;
            sqlx::query(
                "UPDATE messages SET content = $1, metadata = $2, search_text = $3, updated_at = \
                 $4, status = $7, error = $8 WHERE organization_id = $5 AND id = $6",
            )
            .bind(&message.content)
            .bind(Json(&message.metadata))
            .bind(message_search_text(org, &message, &message_words(&message)))
            .bind(now.as_millis())
            .bind(org)
            .bind(id.as_uuid())
            .bind(message.status.as_str())
            .bind(message.error.as_ref().map(Json))
            .execute(&mut *tx)
            .await?;
            if record
                .conversation
                .last_message
                .as_ref()
                .is_some_and(|last| last.id == id)
            {
                sqlx::query(
                    "UPDATE conversations SET last_message = $1, updated_at = $2, version = \
                     version + 1 WHERE organization_id = $3 AND id = $4",
                )
                .bind(Json(last_message(&message)))
                .bind(now.as_millis())
                .bind(org)
                .bind(record.conversation.id.as_uuid())
                .execute(&mut *tx)
                .await?;
            }
            record_event_about(&mut tx, org, event, &record.conversation, &message, now).await?;
            self.commit_and_wake(tx, org).await?;
            Ok(message)
        })
        .await
    }

    async fn delete_message(
        &self,
        org: OrganizationId,
        id: MessageId,
        event: &EventMeta,
    ) -> Result<()> {
        run(async {
            let org = org.as_uuid();
            let mut tx = self.writer.begin().await?;
            let message = fetch_message(&mut tx, org, id.as_uuid()).await?;
            let conversation = message.conversation_id.as_uuid();
            let record = fetch_conversation(&mut tx, org, conversation, true).await?;
            release_attachments(
                &mut tx,
                org,
                Released::Message(id.as_uuid()),
                Timestamp::now(),
            )
            .await?;
            sqlx::query("DELETE FROM messages WHERE organization_id = $1 AND id = $2")
                .bind(org)
                .bind(id.as_uuid())
                .execute(&mut *tx)
                .await?;
            let latest: Option<MessageRow> = sqlx::query_as(&format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = $1 ORDER BY \
                 m.id DESC LIMIT 1"
            ))
            .bind(conversation)
            .fetch_optional(&mut *tx)
            .await?;
            let latest = latest.map(Message::try_from).transpose()?;
            let now = Timestamp::now();
            let activity_at = latest
                .as_ref()
                .map_or(record.conversation.created_at, |m| m.created_at);
            sqlx::query(
                "UPDATE conversations SET message_count = message_count - 1, last_message = $1, \
                 activity_at = $2, updated_at = $3, version = version + 1, incoming_count = \
                 incoming_count - $6 WHERE organization_id = $4 AND id = $5",
            )
            .bind(latest.as_ref().map(|m| Json(last_message(m))))
            .bind(activity_at.as_millis())
            .bind(now.as_millis())
            .bind(org)
            .bind(conversation)
            .bind(i64::from(message.message_type == MessageType::Incoming))
            .execute(&mut *tx)
            .await?;
            if message.message_type == MessageType::Incoming {
                // One incoming message fewer: a member may have read all there is now.
                let mut after = record.conversation.clone();
                after.counts.incoming -= 1;
                move_counters(&mut tx, org, Some(&record.conversation), Some(&after)).await?;
            }
            record_event_about(&mut tx, org, event, &record.conversation, &message, now).await?;
            self.commit_and_wake(tx, org).await
        })
        .await
    }

    async fn start_video_call(
        &self,
        call: &VideoCall,
        activity: &Message,
        event: &EventMeta,
        activity_event: &EventMeta,
    ) -> Result<ConversationRecord> {
        run(async {
            let words = message_words(activity);
            let mut tx = self.writer.begin().await?;
            add_messages(
                &mut tx,
                &[NewMessage {
                    message: activity,
                    event: activity_event,
                    words: &words,
                    after: None,
                }],
            )
            .await?
            .results
            .pop()
            .ok_or(Error::NotFound("conversation"))??;
            let record = fetch_locked_records(&mut tx, &[call.conversation_id.as_uuid()])
                .await?
                .pop()
                .ok_or(Error::NotFound("conversation"))?;
            let org = record.conversation.organization_id.as_uuid();
            sqlx::query(
                "INSERT INTO video_calls (organization_id, id, conversation_id, room, join_url, \
                 started_by, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(org)
            .bind(call.id.as_uuid())
            .bind(call.conversation_id.as_uuid())
            .bind(&call.room)
            .bind(&call.join_url)
            .bind(call.started_by.as_uuid())
            .bind(call.started_at.as_millis())
            .execute(&mut *tx)
            .await?;
            record_event_about(
                &mut tx,
                org,
                event,
                &record.conversation,
                call,
                call.started_at,
            )
            .await?;
            self.commit_and_wake(tx, org).await?;
            Ok(record)
        })
        .await
    }
}
