//! Webhooks: events POSTed to your URL, signed the Standard Webhooks way.

use serde::{Deserialize, Serialize};

use crate::wire_enum::wire_enum;
use crate::{DeliveryId, EventType, OrganizationId, Timestamp, WebhookId};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Webhook {
    pub object_name: String,
    pub id: WebhookId,
    pub organization_id: OrganizationId,
    pub url: String,
    /// The event types sent; empty for all.
    pub event_types: Vec<EventType>,
    pub active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// `whsec_...`: present only when the webhook is created or its secret rotated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateWebhook {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::http_url))]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub event_types: Option<Vec<EventType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateWebhook {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::schema::optional_http_url))]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub event_types: Option<Vec<EventType>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

wire_enum!(
    /// `pending` (waiting for its turn or its next try), `delivered`, or `failed` (gave up
    /// after retrying for more than 24 hours; replay it to try again).
    DeliveryStatus { Pending = "pending", Delivered = "delivered", Failed = "failed" }
);

/// One try to deliver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeliveryAttempt {
    pub attempt: i64,
    pub at: Timestamp,
    /// The receiver's HTTP status, when it answered.
    pub status_code: Option<i64>,
    /// Why it failed, when it did (time-out, refused, ...).
    pub error: Option<String>,
    pub duration_ms: i64,
    /// The first kilobyte of the answer.
    pub response: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookDelivery {
    pub object_name: String,
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub event_id: i64,
    pub event_type: EventType,
    pub status: DeliveryStatus,
    pub attempts: Vec<DeliveryAttempt>,
    pub next_attempt_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
