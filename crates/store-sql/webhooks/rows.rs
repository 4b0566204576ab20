//! The rows of webhooks, their deliveries and attempts.

use crate::sql::prelude::*;

pub(crate) const WEBHOOK_COLUMNS: &str = "organization_id, id, url, event_types, active, secret, \
                                          previous_secret, previous_expires_at, created_at, \
                                          updated_at";

#[derive(FromRow)]
pub(crate) struct WebhookRow {
    pub(crate) organization_id: Uuid,
    pub(crate) id: Uuid,
    pub(crate) url: String,
    pub(crate) event_types: Json<Vec<EventType>>,
    pub(crate) active: bool,
    pub(crate) secret: String,
    pub(crate) previous_secret: Option<String>,
    pub(crate) previous_expires_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

impl From<WebhookRow> for WebhookRecord {
    fn from(r: WebhookRow) -> Self {
        WebhookRecord {
            webhook: convo_types::Webhook {
                object_name: "webhook".into(),
                id: r.id.into(),
                organization_id: r.organization_id.into(),
                url: r.url,
                event_types: r.event_types.0,
                active: r.active,
                created_at: Timestamp::from_millis(r.created_at),
                updated_at: Timestamp::from_millis(r.updated_at),
                secret: None,
            },
            secret: r.secret,
            previous_secret: r.previous_secret,
            previous_expires_at: r.previous_expires_at.map(Timestamp::from_millis),
        }
    }
}

#[derive(FromRow)]
pub(crate) struct DeliveryRow {
    pub(crate) id: Uuid,
    pub(crate) webhook_id: Uuid,
    pub(crate) event_id: i64,
    pub(crate) event_type: String,
    pub(crate) status: String,
    pub(crate) next_attempt_at: Option<i64>,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
}

#[derive(FromRow)]
pub(crate) struct AttemptRow {
    pub(crate) delivery_id: Uuid,
    pub(crate) attempt: i64,
    pub(crate) at: i64,
    pub(crate) status_code: Option<i64>,
    pub(crate) error: Option<String>,
    pub(crate) duration_ms: i64,
    pub(crate) response: Option<String>,
}

pub(crate) async fn fetch_webhook(
    conn: &mut Conn,
    org: Uuid,
    id: Uuid,
) -> StoreResult<WebhookRecord> {
    let row: Option<WebhookRow> = sqlx::query_as(&format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE organization_id = $1 AND id = $2"
    ))
    .bind(org)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    found("webhook")(row).map(Into::into)
}
