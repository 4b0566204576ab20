-- Stored files. The bytes are kept once per organization and content (attachment_files);
-- each upload is an attachment that names them; message_attachments says which messages use
-- which attachments; file_removals is the durable queue of objects to remove from storage.

CREATE TABLE attachment_files (
    organization_id UUID NOT NULL,
    sha256 TEXT NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    size BIGINT NOT NULL,
    thumbnail_key TEXT,
    thumbnail_type TEXT,
    thumbnail_size BIGINT,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (organization_id, sha256)
);

CREATE TABLE attachments (
    organization_id UUID NOT NULL,
    id UUID PRIMARY KEY,
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    width BIGINT,
    height BIGINT,
    created_at BIGINT NOT NULL,
    -- When it goes unless a message takes it; NULL while a message uses it.
    expires_at BIGINT,
    FOREIGN KEY (organization_id, sha256) REFERENCES attachment_files (organization_id, sha256)
);
CREATE INDEX attachments_due ON attachments (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX attachments_file ON attachments (organization_id, sha256);

CREATE TABLE message_attachments (
    organization_id UUID NOT NULL,
    message_id UUID NOT NULL,
    attachment_id UUID NOT NULL REFERENCES attachments (id),
    conversation_id UUID NOT NULL,
    PRIMARY KEY (message_id, attachment_id)
);
CREATE INDEX message_attachments_attachment ON message_attachments (attachment_id);
CREATE INDEX message_attachments_conversation ON message_attachments (conversation_id);

CREATE TABLE file_removals (
    storage_key TEXT PRIMARY KEY,
    lease_until BIGINT NOT NULL
);
CREATE INDEX file_removals_due ON file_removals (lease_until);
