//! Webhooks and their durable, leased deliveries.

mod rows;

use rows::*;

use crate::sql::prelude::*;

#[async_trait]
impl WebhookStore for SqlStore {
    async fn insert_webhook(&self, webhook: &convo_types::Webhook, secret: &str) -> Result<()> {
        run(async {
            // Deliveries start with the next event.
            sqlx::query(&format!(
                "INSERT INTO webhooks ({WEBHOOK_COLUMNS}, cursor) VALUES ($1, $2, $3, $4, $5, $6, \
                 NULL, NULL, $7, $8, (SELECT event_seq FROM organizations WHERE id = $1))"
            ))
            .bind(webhook.organization_id.as_uuid())
            .bind(webhook.id.as_uuid())
            .bind(&webhook.url)
            .bind(Json(&webhook.event_types))
            .bind(webhook.active)
            .bind(secret)
            .bind(webhook.created_at.as_millis())
            .bind(webhook.updated_at.as_millis())
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn get_webhook(
        &self,
        org: OrganizationId,
        id: convo_types::WebhookId,
    ) -> Result<WebhookRecord> {
        run(async {
            let mut conn = self.reader.acquire().await?;
            fetch_webhook(&mut conn, org.as_uuid(), id.as_uuid()).await
        })
        .await
    }

    async fn list_webhooks(
        &self,
        org: OrganizationId,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::Webhook>> {
        run(async {
            self.list_directory(
                "webhooks",
                WEBHOOK_COLUMNS,
                org,
                |_| {},
                page,
                |r: WebhookRow| Ok(WebhookRecord::from(r).webhook),
            )
            .await
        })
        .await
    }

    async fn update_webhook(&self, webhook: &convo_types::Webhook) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE webhooks SET url = $1, event_types = $2, active = $3, updated_at = $4 \
                 WHERE organization_id = $5 AND id = $6",
            )
            .bind(&webhook.url)
            .bind(Json(&webhook.event_types))
            .bind(webhook.active)
            .bind(webhook.updated_at.as_millis())
            .bind(webhook.organization_id.as_uuid())
            .bind(webhook.id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("webhook", result.rows_affected())
        })
        .await
    }

    async fn rotate_webhook_secret(
        &self,
        org: OrganizationId,
        id: convo_types::WebhookId,
        secret: &str,
        previous_expires_at: Timestamp,
    ) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE webhooks SET previous_secret = secret, previous_expires_at = $1, secret = \
                 $2, updated_at = $3 WHERE organization_id = $4 AND id = $5",
            )
            .bind(previous_expires_at.as_millis())
            .bind(secret)
            .bind(Timestamp::now().as_millis())
            .bind(org.as_uuid())
            .bind(id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("webhook", result.rows_affected())
        })
        .await
    }

    async fn delete_webhook(&self, org: OrganizationId, id: convo_types::WebhookId) -> Result<()> {
        Ok(self
            .delete_row("webhooks", "webhook", org, id.as_uuid())
            .await?)
    }

    async fn enqueue_deliveries(&self, limit: u32) -> Result<usize> {
        run(async {
            let hooks: Vec<(Uuid, Uuid, Json<Vec<EventType>>, i64)> = sqlx::query_as(
                "SELECT organization_id, id, event_types, cursor FROM webhooks WHERE active = $1",
            )
            .bind(true)
            .fetch_all(&self.reader)
            .await?;
            let mut made = 0;
            for (org, hook, types, cursor) in hooks {
                let events: Vec<(i64, String, Option<Uuid>)> = sqlx::query_as(
                    "SELECT id, type, conversation_id FROM events WHERE organization_id = $1 AND \
                     id > $2 ORDER BY id LIMIT $3",
                )
                .bind(org)
                .bind(cursor)
                .bind(i64::from(limit))
                .fetch_all(&self.reader)
                .await?;
                let Some(&(last, _, _)) = events.last() else {
                    continue;
                };
                let now = Timestamp::now().as_millis();
                let mut tx = self.writer.begin().await?;
                for (event, kind, conversation) in events {
                    let wanted = types.0.is_empty() || types.0.iter().any(|t| t.as_str() == kind);
                    if !wanted {
                        continue;
                    }
                    made += sqlx::query(
                        "INSERT INTO webhook_deliveries (organization_id, id, webhook_id, \
                         event_id, event_type, conversation_id, status, attempts, \
                         next_attempt_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, \
                         'pending', 0, $7, $7, $7) ON CONFLICT (webhook_id, event_id) DO NOTHING",
                    )
                    .bind(org)
                    .bind(Uuid::now_v7())
                    .bind(hook)
                    .bind(event)
                    .bind(kind)
                    .bind(conversation)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected() as usize;
                }
                sqlx::query("UPDATE webhooks SET cursor = $1 WHERE id = $2 AND cursor < $1")
                    .bind(last)
                    .bind(hook)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            Ok(made)
        })
        .await
    }

    async fn pending_deliveries(&self) -> Result<u64> {
        run(async {
            let (count,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'")
                    .fetch_one(&self.reader)
                    .await?;
            Ok(u64::try_from(count).unwrap_or(0))
        })
        .await
    }

    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<DueDelivery>> {
        run(async {
            let due: Vec<(Uuid, Uuid, Uuid, i64, i64, i64)> = sqlx::query_as(
                "SELECT d.id, d.organization_id, d.webhook_id, d.event_id, d.attempts, d.created_at
             FROM webhook_deliveries d
             WHERE d.status = 'pending' AND d.next_attempt_at <= $1
               AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                               WHERE e.webhook_id = d.webhook_id AND e.status = 'pending'
                                 AND e.conversation_id = d.conversation_id
                                 AND e.event_id < d.event_id)
             ORDER BY d.next_attempt_at, d.event_id LIMIT $2",
            )
            .bind(now.as_millis())
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await?;
            let mut claimed = Vec::new();
            for (id, org, hook, event_id, attempts, created_at) in due {
                let taken = sqlx::query(
                    "UPDATE webhook_deliveries SET next_attempt_at = $1 WHERE id = $2 AND status \
                     = 'pending' AND next_attempt_at <= $3",
                )
                .bind(lease_until.as_millis())
                .bind(id)
                .bind(now.as_millis())
                .execute(&self.writer)
                .await?
                .rows_affected();
                if taken == 0 {
                    continue; // another node took it
                }
                let mut conn = self.reader.acquire().await?;
                let webhook = fetch_webhook(&mut conn, org, hook).await?;
                let event: Option<EventRow> = sqlx::query_as(
                    "SELECT id, type, actor_type, actor_id, conversation_id, data, changes, \
                     created_at FROM events WHERE organization_id = $1 AND id = $2",
                )
                .bind(org)
                .bind(event_id)
                .fetch_optional(&mut *conn)
                .await?;
                let mut secrets = vec![webhook.secret];
                if let (Some(previous), Some(until)) =
                    (webhook.previous_secret, webhook.previous_expires_at)
                {
                    if until > now {
                        secrets.push(previous);
                    }
                }
                claimed.push(DueDelivery {
                    id: id.into(),
                    organization_id: org.into(),
                    webhook_id: hook.into(),
                    url: webhook.webhook.url,
                    secrets,
                    event: found("event")(event)?.try_into()?,
                    attempts,
                    created_at: Timestamp::from_millis(created_at),
                });
            }
            Ok(claimed)
        })
        .await
    }

    async fn finish_attempt(
        &self,
        id: convo_types::DeliveryId,
        attempt: &convo_types::DeliveryAttempt,
        outcome: DeliveryOutcome,
    ) -> Result<()> {
        run(async {
            let mut tx = self.writer.begin().await?;
            sqlx::query(
                "INSERT INTO webhook_attempts (delivery_id, attempt, at, status_code, error, \
                 duration_ms, response) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT \
                 (delivery_id, attempt) DO NOTHING",
            )
            .bind(id.as_uuid())
            .bind(attempt.attempt)
            .bind(attempt.at.as_millis())
            .bind(attempt.status_code)
            .bind(&attempt.error)
            .bind(attempt.duration_ms)
            .bind(&attempt.response)
            .execute(&mut *tx)
            .await?;
            let (status, next) = match outcome {
                DeliveryOutcome::Delivered => ("delivered", None),
                DeliveryOutcome::RetryAt(at) => ("pending", Some(at.as_millis())),
                DeliveryOutcome::GaveUp => ("failed", None),
            };
            sqlx::query(
                "UPDATE webhook_deliveries SET status = $1, next_attempt_at = $2, attempts = \
                 attempts + 1, updated_at = $3 WHERE id = $4",
            )
            .bind(status)
            .bind(next)
            .bind(attempt.at.as_millis())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await?;
            Ok(tx.commit().await?)
        })
        .await
    }

    async fn list_deliveries(
        &self,
        org: OrganizationId,
        webhook: convo_types::WebhookId,
        page: &DirectoryPage,
    ) -> Result<Rows<convo_types::WebhookDelivery>> {
        run(async {
            let mut qb = QueryBuilder::<Db>::new(
                "SELECT id, webhook_id, event_id, event_type, status, next_attempt_at, \
                 created_at, updated_at FROM webhook_deliveries WHERE organization_id = ",
            );
            qb.push_bind(org.as_uuid());
            qb.push(" AND webhook_id = ").push_bind(webhook.as_uuid());
            if let PageStart::After(Some(after)) = page.start {
                qb.push(" AND id < ").push_bind(after);
            }
            qb.push(" ORDER BY id DESC LIMIT ")
                .push_bind(i64::from(page.limit) + 1);
            if let PageStart::Offset(offset) = page.start {
                qb.push(" OFFSET ").push_bind(offset as i64);
            }
            let rows: Vec<DeliveryRow> = qb.build_query_as().fetch_all(&self.reader).await?;
            let mut attempts: HashMap<Uuid, Vec<convo_types::DeliveryAttempt>> = HashMap::new();
            if !rows.is_empty() {
                let mut qb = QueryBuilder::<Db>::new(
                    "SELECT delivery_id, attempt, at, status_code, error, duration_ms, response \
                     FROM webhook_attempts WHERE delivery_id IN (",
                );
                let mut list = qb.separated(", ");
                for row in &rows {
                    list.push_bind(row.id);
                }
                list.push_unseparated(") ORDER BY attempt");
                let found: Vec<AttemptRow> = qb.build_query_as().fetch_all(&self.reader).await?;
                for a in found {
                    attempts
                        .entry(a.delivery_id)
                        .or_default()
                        .push(convo_types::DeliveryAttempt {
                            attempt: a.attempt,
                            at: Timestamp::from_millis(a.at),
                            status_code: a.status_code,
                            error: a.error,
                            duration_ms: a.duration_ms,
                            response: a.response,
                        });
                }
            }
            let mut count = QueryBuilder::<Db>::new(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE organization_id = ",
            );
            count.push_bind(org.as_uuid());
            count
                .push(" AND webhook_id = ")
                .push_bind(webhook.as_uuid());
            let items = rows
                .into_iter()
                .map(|r| {
                    Ok(convo_types::WebhookDelivery {
                        object_name: "webhook_delivery".into(),
                        attempts: attempts.remove(&r.id).unwrap_or_default(),
                        id: r.id.into(),
                        webhook_id: r.webhook_id.into(),
                        event_id: r.event_id,
                        event_type: parse_text(&r.event_type, EventType::parse)?,
                        status: parse_text(&r.status, convo_types::DeliveryStatus::parse)?,
                        next_attempt_at: r.next_attempt_at.map(Timestamp::from_millis),
                        created_at: Timestamp::from_millis(r.created_at),
                        updated_at: Timestamp::from_millis(r.updated_at),
                    })
                })
                .collect::<StoreResult<_>>()?;
            Ok(Rows {
                items,
                total: self.total(count, page.include_total).await?,
            })
        })
        .await
    }

    async fn replay_delivery(
        &self,
        org: OrganizationId,
        webhook: convo_types::WebhookId,
        id: convo_types::DeliveryId,
        now: Timestamp,
    ) -> Result<()> {
        run(async {
            let result = sqlx::query(
                "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1, \
                 updated_at = $1 WHERE organization_id = $2 AND webhook_id = $3 AND id = $4",
            )
            .bind(now.as_millis())
            .bind(org.as_uuid())
            .bind(webhook.as_uuid())
            .bind(id.as_uuid())
            .execute(&self.writer)
            .await?;
            affected("delivery", result.rows_affected())
        })
        .await
    }
}
