-- Messages, full-text search and video calls.
--
-- search_text holds text normalised by convo-core (the same on every backend) plus tokens for
-- the organization and conversation, so an index lookup never wanders into other tenants.

CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    organization_id BLOB NOT NULL,
    id BLOB NOT NULL UNIQUE,
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_type TEXT NOT NULL,
    sender_type TEXT NOT NULL,
    sender_id TEXT,
    content TEXT NOT NULL,
    content_type TEXT NOT NULL,
    attachments TEXT NOT NULL,
    metadata TEXT NOT NULL,
    external_id TEXT,
    search_text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT messages_external_id_key UNIQUE (conversation_id, external_id)
);
CREATE INDEX messages_conversation ON messages(conversation_id, id);

ALTER TABLE conversations ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

CREATE VIRTUAL TABLE message_search USING fts5(
    search_text, content = 'messages', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
    INSERT INTO message_search (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER messages_search_update AFTER UPDATE OF search_text ON messages BEGIN
    INSERT INTO message_search (message_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    INSERT INTO message_search (rowid, search_text) VALUES (new.seq, new.search_text);
END;

CREATE VIRTUAL TABLE conversation_search USING fts5(
    search_text, content = 'conversations', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER conversations_search_insert AFTER INSERT ON conversations BEGIN
    INSERT INTO conversation_search (rowid, search_text) VALUES (new.seq, new.search_text);
END;
CREATE TRIGGER conversations_search_delete AFTER DELETE ON conversations BEGIN
    INSERT INTO conversation_search (conversation_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
END;
CREATE TRIGGER conversations_search_update AFTER UPDATE OF search_text ON conversations BEGIN
    INSERT INTO conversation_search (conversation_search, rowid, search_text) VALUES ('delete', old.seq, old.search_text);
    INSERT INTO conversation_search (rowid, search_text) VALUES (new.seq, new.search_text);
END;

CREATE TABLE video_calls (
    organization_id BLOB NOT NULL,
    id BLOB PRIMARY KEY,
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    room TEXT NOT NULL UNIQUE,
    join_url TEXT NOT NULL,
    started_by BLOB NOT NULL,
    started_at INTEGER NOT NULL
);
CREATE INDEX video_calls_conversation ON video_calls(conversation_id);
