-- Messages, full-text search and video calls.
--
-- search_text holds text normalised by convo-core (the same on every backend) plus tokens for
-- the organization and conversation, indexed as a 'simple' tsvector (no stemming or stop
-- words: convo-core did the language work).

CREATE TABLE messages (
    organization_id UUID NOT NULL,
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_type TEXT NOT NULL,
    sender_type TEXT NOT NULL,
    sender_id TEXT,
    content TEXT NOT NULL,
    content_type TEXT NOT NULL,
    attachments JSONB NOT NULL,
    metadata JSONB NOT NULL,
    external_id TEXT,
    search_text TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT messages_external_id_key UNIQUE (conversation_id, external_id)
);
CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE INDEX messages_search ON messages USING GIN (to_tsvector('simple', search_text));

ALTER TABLE conversations ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
CREATE INDEX conversations_search ON conversations USING GIN (to_tsvector('simple', search_text));

CREATE TABLE video_calls (
    organization_id UUID NOT NULL,
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    room TEXT NOT NULL UNIQUE,
    join_url TEXT NOT NULL,
    started_by UUID NOT NULL,
    started_at BIGINT NOT NULL
);
CREATE INDEX video_calls_conversation ON video_calls(conversation_id);
