-- Most messages carry no external_id, yet each had an entry in the (conversation_id,
-- external_id) unique index: one more page written at random per message, a fifth of what a
-- batch of messages wrote. The index now holds only messages that have one. SQLite cannot
-- change a table's inline constraint, so the table is rebuilt (rowids kept, so the search
-- index, which refers to them, stays valid).

CREATE TABLE messages_rebuilt (
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
    updated_at INTEGER NOT NULL
);
INSERT INTO messages_rebuilt (seq, organization_id, id, conversation_id, message_type, sender_type, sender_id, content, content_type, attachments, metadata, external_id, search_text, created_at, updated_at)
    SELECT seq, organization_id, id, conversation_id, message_type, sender_type, sender_id, content, content_type, attachments, metadata, external_id, search_text, created_at, updated_at FROM messages;
-- Dropping a table fires none of its triggers: the search index is left as it is.
DROP TABLE messages;
ALTER TABLE messages_rebuilt RENAME TO messages;

CREATE INDEX messages_conversation ON messages(conversation_id, id);
CREATE UNIQUE INDEX messages_external_id ON messages(conversation_id, external_id) WHERE external_id IS NOT NULL;

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
