//! Answers stored under `Idempotency-Key`s, scoped by the API key that sent them.

use crate::sql::prelude::*;

#[async_trait]
impl IdempotencyStore for SqlStore {
    async fn idempotency_begin(
        &self,
        scope: &str,
        key: &str,
        request_hash: &str,
        expired_before: Timestamp,
    ) -> Result<IdempotencyState> {
        run(async {
            let mut tx = self.writer.begin().await?;
            sqlx::query(
                "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at < $3",
            )
            .bind(scope)
            .bind(key)
            .bind(expired_before.as_millis())
            .execute(&mut *tx)
            .await?;
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (scope, key, request_hash, created_at) VALUES ($1, \
                 $2, $3, $4) ON CONFLICT (scope, key) DO NOTHING",
            )
            .bind(scope)
            .bind(key)
            .bind(request_hash)
            .bind(Timestamp::now().as_millis())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let state = if inserted == 1 {
                IdempotencyState::Started
            } else {
                let (stored_hash, status, body): (String, Option<i64>, Option<Vec<u8>>) =
                    sqlx::query_as(
                        "SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 \
                         AND key = $2",
                    )
                    .bind(scope)
                    .bind(key)
                    .fetch_one(&mut *tx)
                    .await?;
                match status {
                    _ if stored_hash != request_hash => IdempotencyState::Mismatch,
                    None => IdempotencyState::InProgress,
                    Some(status) => IdempotencyState::Completed {
                        request_hash: stored_hash,
                        status: status as u16,
                        body: body.unwrap_or_default(),
                    },
                }
            };
            tx.commit().await?;
            Ok(state)
        })
        .await
    }

    async fn idempotency_complete(
        &self,
        scope: &str,
        key: &str,
        status: u16,
        body: &[u8],
    ) -> Result<()> {
        run(async {
            sqlx::query(
                "UPDATE idempotency_keys SET status = $1, body = $2 WHERE scope = $3 AND key = $4",
            )
            .bind(i64::from(status))
            .bind(body)
            .bind(scope)
            .bind(key)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }

    async fn idempotency_abandon(&self, scope: &str, key: &str) -> Result<()> {
        run(async {
            sqlx::query(
                "DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status IS NULL",
            )
            .bind(scope)
            .bind(key)
            .execute(&self.writer)
            .await?;
            Ok(())
        })
        .await
    }
}
