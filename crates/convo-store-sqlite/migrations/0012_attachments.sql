-- Stored files. The bytes are kept once per organization and content (attachment_files);
-- each upload is an attachment that names them; message_attachments says which messages use
-- which attachments; file_removals is the durable queue of objects to remove from storage.

CREATE TABLE attachment_files (
    organization_id BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    thumbnail_key TEXT,
    thumbnail_type TEXT,
    thumbnail_size INTEGER,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (organization_id, sha256)
);

CREATE TABLE attachments (
    organization_id BLOB NOT NULL,
    id BLOB PRIMARY KEY,
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    width INTEGER,
    height INTEGER,
    created_at INTEGER NOT NULL,
    -- When it goes unless a message takes it; NULL while a message uses it.
    expires_at INTEGER,
    FOREIGN KEY (organization_id, sha256) REFERENCES attachment_files (organization_id, sha256)
);
CREATE INDEX attachments_due ON attachments (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX attachments_file ON attachments (organization_id, sha256);

CREATE TABLE message_attachments (
    organization_id BLOB NOT NULL,
    message_id BLOB NOT NULL,
    attachment_id BLOB NOT NULL REFERENCES attachments (id),
    conversation_id BLOB NOT NULL,
    PRIMARY KEY (message_id, attachment_id)
);
CREATE INDEX message_attachments_attachment ON message_attachments (attachment_id);
CREATE INDEX message_attachments_conversation ON message_attachments (conversation_id);

CREATE TABLE file_removals (
    storage_key TEXT PRIMARY KEY,
    lease_until INTEGER NOT NULL
);
CREATE INDEX file_removals_due ON file_removals (lease_until);
