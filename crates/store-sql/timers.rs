//! The timers' look-ups: due snoozes and quiet conversations, across organizations. Each
//! walks a partial index of its own (`conversations_snoozed`, `conversations_quiet`), so a
//! round costs what is due, not what is stored.

use crate::sql::prelude::*;

#[async_trait]
impl TimerStore for SqlStore {
    async fn due_snoozes(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<(OrganizationId, ConversationId)>> {
        run(async {
            // The status is written out, not bound: the partial index's condition must be
            // visible in the statement for the planner to use it.
            let rows: Vec<(Uuid, Uuid)> = sqlx::query_as(
                "SELECT organization_id, id FROM conversations WHERE status = 'snoozed' AND \
                 deleted_at IS NULL AND snoozed_until <= $1 ORDER BY snoozed_until LIMIT $2",
            )
            .bind(now.as_millis())
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(org, id)| (org.into(), id.into()))
                .collect())
        })
        .await
    }

    /// The units with a timer first (`CROSS JOIN` keeps that order on SQLite), then each
    /// one's quiet conversations by `conversations_quiet`: a round reads what is due.
    async fn quiet_conversations(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> Result<Vec<QuietConversation>> {
        run(async {
            let rows: Vec<(Uuid, Uuid, i64)> = sqlx::query_as(
                "SELECT c.organization_id, c.id, u.auto_resolve_after FROM business_units u CROSS \
                 JOIN conversations c WHERE c.business_unit_id = u.id AND u.auto_resolve_after IS \
                 NOT NULL AND c.deleted_at IS NULL AND c.status IN ('open', 'pending') AND \
                 coalesce(c.last_incoming_at, c.created_at) <= $1 - u.auto_resolve_after * 1000 \
                 LIMIT $2",
            )
            .bind(now.as_millis())
            .bind(i64::from(limit))
            .fetch_all(&self.reader)
            .await?;
            Ok(rows
                .into_iter()
                .map(|(org, id, after_seconds)| QuietConversation {
                    organization_id: org.into(),
                    id: id.into(),
                    after_seconds,
                })
                .collect())
        })
        .await
    }
}
