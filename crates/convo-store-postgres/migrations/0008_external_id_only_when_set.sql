-- Most messages carry no external_id, yet each had an entry in the (conversation_id,
-- external_id) unique index: one more index insert per message. The index now holds only
-- messages that have one.

CREATE UNIQUE INDEX messages_external_id ON messages(conversation_id, external_id) WHERE external_id IS NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_external_id_key;
