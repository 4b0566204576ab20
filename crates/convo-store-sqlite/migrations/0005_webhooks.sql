-- Webhooks. Delivery state lives here, so a restart or a killed process loses nothing:
-- `cursor` is the last event turned into deliveries, and a delivery is pending until a try
-- succeeds or retries have gone on for a day.

CREATE TABLE webhooks (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    url TEXT NOT NULL,
    event_types TEXT NOT NULL,
    active INTEGER NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_expires_at INTEGER,
    cursor INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX webhooks_org ON webhooks(organization_id, id);

CREATE TABLE webhook_deliveries (
    organization_id BLOB NOT NULL,
    id BLOB PRIMARY KEY,
    webhook_id BLOB NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    conversation_id BLOB,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT webhook_deliveries_event_key UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries(webhook_id, conversation_id, event_id) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    delivery_id BLOB NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    at INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    response TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
