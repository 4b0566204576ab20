-- Reply times, read markers, delivery receipts, and contacts that can be searched and merged.

ALTER TABLE conversations ADD COLUMN first_reply_at BIGINT;
ALTER TABLE conversations ADD COLUMN waiting_since BIGINT;
ALTER TABLE conversations ADD COLUMN last_outgoing_at BIGINT;
-- Incoming messages so far: a reader's unread count is this less what they had seen.
ALTER TABLE conversations ADD COLUMN incoming_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN contact_read JSONB;

UPDATE conversations SET
    incoming_count = (SELECT COUNT(*) FROM messages m WHERE m.conversation_id = conversations.id AND m.message_type = 'incoming'),
    first_reply_at = (SELECT MIN(created_at) FROM messages m WHERE m.conversation_id = conversations.id AND m.message_type = 'outgoing'),
    last_outgoing_at = (SELECT MAX(created_at) FROM messages m WHERE m.conversation_id = conversations.id AND m.message_type = 'outgoing');
UPDATE conversations SET waiting_since = (
    SELECT MIN(created_at) FROM messages m WHERE m.conversation_id = conversations.id
    AND m.message_type = 'incoming' AND m.created_at > coalesce(conversations.last_outgoing_at, -1));

-- `order=waiting_since`: who has waited longest, walked in index order.
CREATE INDEX conversations_waiting ON conversations(organization_id, waiting_since, id) WHERE waiting_since IS NOT NULL AND deleted_at IS NULL;

-- Each user's read horizon in a conversation, with the incoming messages it covers.
CREATE TABLE conversation_reads (
    organization_id UUID NOT NULL,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL,
    message_id UUID NOT NULL,
    seen_incoming BIGINT NOT NULL,
    read_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

ALTER TABLE messages ADD COLUMN status TEXT NOT NULL DEFAULT 'sent';
ALTER TABLE messages ADD COLUMN error JSONB;

-- A merged contact stays (its external id still finds the survivor) but answers 404.
ALTER TABLE contacts ADD COLUMN merged_into UUID;
ALTER TABLE contacts ADD COLUMN indexed BIGINT NOT NULL DEFAULT 0;
-- Folded words of each contact's name, email, phone digits and external id: `?q=` finds
-- contacts by word prefix in this index.
CREATE TABLE contact_terms (
    organization_id UUID NOT NULL,
    term TEXT COLLATE "C" NOT NULL,
    contact_id UUID NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    PRIMARY KEY (organization_id, term, contact_id)
);
CREATE INDEX contact_terms_contact ON contact_terms(contact_id, term);
CREATE INDEX contacts_unindexed ON contacts(id) WHERE indexed = 0;

-- What an event moved, `{field: {from, to}}` (a transfer's business unit, a merge's contact).
ALTER TABLE events ADD COLUMN changes JSONB;
