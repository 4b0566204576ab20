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
-- A user's horizons, deleted with the user.
CREATE INDEX conversation_reads_user ON conversation_reads(user_id, conversation_id);

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

-- Each member's tallies gain whether the conversation holds incoming messages they have not
-- read, so the views count's `unread` is read from them too. Rebuilt from the conversations.
DROP TABLE member_counters;
CREATE TABLE member_counters (
    organization_id UUID NOT NULL,
    user_id UUID NOT NULL,
    business_unit_id UUID NOT NULL,
    channel_id UUID NOT NULL,
    status TEXT NOT NULL,
    top_level BOOLEAN NOT NULL,
    control_type TEXT NOT NULL,
    handoff_pending BOOLEAN NOT NULL,
    unread BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (organization_id, user_id, business_unit_id, channel_id, status, top_level, control_type, handoff_pending, unread)
);
INSERT INTO member_counters
SELECT c.organization_id, m.user_id, c.business_unit_id, coalesce(c.channel_id, '00000000-0000-0000-0000-000000000000'::uuid), c.status,
       c.parent_id IS NULL, c.control_type, c.handoff IS NOT NULL,
       c.incoming_count > coalesce(r.seen_incoming, 0), COUNT(*)
FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
LEFT JOIN conversation_reads r ON r.conversation_id = m.conversation_id AND r.user_id = m.user_id
WHERE c.deleted_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
