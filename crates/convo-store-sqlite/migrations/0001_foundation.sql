-- The foundation schema. Every table carries organization_id and every key starts with it.
-- Ids are UUIDv7 stored as 16-byte blobs; times are Unix milliseconds.

CREATE TABLE organizations (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    event_seq INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE business_units (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX business_units_org ON business_units(organization_id, id);

CREATE TABLE users (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    kind TEXT NOT NULL,
    role TEXT NOT NULL,
    avatar_url TEXT,
    business_unit_ids TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users(organization_id, id);

CREATE TABLE api_keys (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    prefix TEXT NOT NULL,
    scopes TEXT NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id),
    business_unit_ids TEXT NOT NULL,
    last_used_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX api_keys_org ON api_keys(organization_id, id);

CREATE TABLE channels (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    business_unit_id BLOB NOT NULL REFERENCES business_units(id),
    type TEXT NOT NULL,
    identifier TEXT NOT NULL,
    name TEXT NOT NULL,
    metadata TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT channels_identifier_key UNIQUE (organization_id, type, identifier)
);
CREATE INDEX channels_org ON channels(organization_id, id);

CREATE TABLE contacts (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    external_id TEXT,
    name TEXT,
    email TEXT,
    phone TEXT,
    image TEXT,
    metadata TEXT NOT NULL,
    addresses TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT contacts_external_id_key UNIQUE (organization_id, external_id)
);
CREATE INDEX contacts_org ON contacts(organization_id, id);

-- `seq` is a stable integer key for the full-text index (an implicit rowid may change on
-- VACUUM); everything else refers to `id`.
CREATE TABLE conversations (
    seq INTEGER PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB NOT NULL UNIQUE,
    public_id TEXT NOT NULL,
    business_unit_id BLOB NOT NULL REFERENCES business_units(id),
    channel_id BLOB REFERENCES channels(id),
    channel_type TEXT,
    channel_ids TEXT NOT NULL,
    contact_id BLOB REFERENCES contacts(id),
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    name TEXT NOT NULL,
    detail TEXT NOT NULL,
    metadata TEXT NOT NULL,
    inputs TEXT NOT NULL,
    agent_id TEXT,
    assignment_id TEXT,
    owner_type TEXT,
    owner_id TEXT,
    dialog_id TEXT,
    self_address TEXT,
    peer TEXT,
    parent_id BLOB REFERENCES conversations(id) ON DELETE SET NULL,
    snoozed_until INTEGER,
    member_count INTEGER NOT NULL DEFAULT 0,
    message_count INTEGER NOT NULL DEFAULT 0,
    children_count INTEGER NOT NULL DEFAULT 0,
    last_message TEXT,
    activity_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    deleted_at INTEGER,
    created_by_key_id BLOB,
    version INTEGER NOT NULL DEFAULT 1,
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
    organization_id BLOB NOT NULL,
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members(organization_id, user_id, conversation_id);

-- The activity log and the source of truth for the live stream and webhooks.
CREATE TABLE events (
    organization_id BLOB NOT NULL,
    id INTEGER NOT NULL,
    type TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    conversation_id BLOB,
    business_unit_id BLOB,
    data TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX events_conversation ON events(organization_id, conversation_id, id);

CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER,
    body BLOB,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (scope, key)
);
