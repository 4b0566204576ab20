-- Webhooks. Delivery state lives here, so a restart or a killed process loses nothing:
-- `cursor` is the last event turned into deliveries, and a delivery is pending until a try
-- succeeds or retries have gone on for a day.

CREATE TABLE webhooks (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    url TEXT NOT NULL,
    event_types JSONB NOT NULL,
    active BOOLEAN NOT NULL,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_expires_at BIGINT,
    cursor BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX webhooks_org ON webhooks(organization_id, id);

CREATE TABLE webhook_deliveries (
    organization_id UUID NOT NULL,
    id UUID PRIMARY KEY,
    webhook_id UUID NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL,
    event_type TEXT NOT NULL,
    conversation_id UUID,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT webhook_deliveries_event_key UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_order ON webhook_deliveries(webhook_id, conversation_id, event_id) WHERE status = 'pending';

CREATE TABLE webhook_attempts (
    delivery_id UUID NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt BIGINT NOT NULL,
    at BIGINT NOT NULL,
    status_code BIGINT,
    error TEXT,
    duration_ms BIGINT NOT NULL,
    response TEXT,
    PRIMARY KEY (delivery_id, attempt)
);
