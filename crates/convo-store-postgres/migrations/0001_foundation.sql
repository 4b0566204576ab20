-- The foundation schema. Every table carries organization_id and every key starts with it.
-- Ids are UUIDv7 stored as uuid; times are Unix milliseconds.

CREATE TABLE organizations (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    event_seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE business_units (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    metadata JSONB NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX business_units_org ON business_units(organization_id, id);

CREATE TABLE users (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    avatar_url TEXT,
    business_unit_ids JSONB NOT NULL,
    active BOOLEAN NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX users_org ON users(organization_id, id);

CREATE TABLE api_keys (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    scopes JSONB NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id),
    business_unit_ids JSONB NOT NULL,
    last_used_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX api_keys_org ON api_keys(organization_id, id);

CREATE TABLE channels (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    business_unit_id UUID NOT NULL REFERENCES business_units(id),
    type TEXT NOT NULL,
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    metadata JSONB NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT channels_identifier_key UNIQUE (organization_id, type, identifier)
);
CREATE INDEX channels_org ON channels(organization_id, id);

CREATE TABLE contacts (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    external_id TEXT,
    name TEXT,
    email TEXT,
    phone TEXT,
    image TEXT,
    metadata JSONB NOT NULL,
    addresses JSONB NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT contacts_external_id_key UNIQUE (organization_id, external_id)
);
CREATE INDEX contacts_org ON contacts(organization_id, id);

CREATE TABLE conversations (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    public_id TEXT NOT NULL,
    business_unit_id UUID NOT NULL REFERENCES business_units(id),
    channel_id UUID REFERENCES channels(id),
    channel_type TEXT,
    channel_ids JSONB NOT NULL,
    contact_id UUID REFERENCES contacts(id),
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    name TEXT NOT NULL,
    detail TEXT NOT NULL,
    metadata JSONB NOT NULL,
    inputs JSONB NOT NULL,
    agent_id TEXT,
    assignment_id TEXT,
    owner_type TEXT,
    owner_id TEXT,
    dialog_id TEXT,
    self_address JSONB,
    peer JSONB,
    parent_id UUID REFERENCES conversations(id) ON DELETE SET NULL,
    snoozed_until BIGINT,
    member_count BIGINT NOT NULL DEFAULT 0,
    message_count BIGINT NOT NULL DEFAULT 0,
    children_count BIGINT NOT NULL DEFAULT 0,
    last_message JSONB,
    activity_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    deleted_at BIGINT,
    created_by_key_id UUID,
    version BIGINT NOT NULL DEFAULT 1,
    CONSTRAINT conversations_public_id_key UNIQUE (organization_id, public_id)
);
-- Keyset paging: (activity_at, id) under each common filter, live rows only.
CREATE INDEX conversations_recent ON conversations(organization_id, activity_at, id) WHERE deleted_at IS NULL;
CREATE INDEX conversations_status ON conversations(organization_id, status, activity_at, id) WHERE deleted_at IS NULL;
CREATE INDEX conversations_unit ON conversations(organization_id, business_unit_id, activity_at, id) WHERE deleted_at IS NULL;
CREATE INDEX conversations_contact ON conversations(organization_id, contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX conversations_parent ON conversations(organization_id, parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX conversations_owner ON conversations(organization_id, owner_id) WHERE owner_id IS NOT NULL;
CREATE INDEX conversations_channel ON conversations(channel_id) WHERE channel_id IS NOT NULL;

CREATE TABLE conversation_members (
    organization_id UUID NOT NULL,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id),
    added_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members(organization_id, user_id, conversation_id);

-- The activity log and the source of truth for the live stream and webhooks.
CREATE TABLE events (
    organization_id UUID NOT NULL,
    id BIGINT NOT NULL,
    type TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    conversation_id UUID,
    business_unit_id UUID,
    data JSONB NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX events_conversation ON events(organization_id, conversation_id, id);

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status BIGINT,
    body BYTEA,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (scope, key)
);
