-- Team workflow: accent-free user search, and the counters behind the inbox views.

ALTER TABLE users ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
UPDATE users SET search_text = lower(name || ' ' || coalesce(email, ''));

CREATE INDEX conversations_agent ON conversations(organization_id, agent_id) WHERE agent_id IS NOT NULL;
CREATE INDEX conversations_assignment ON conversations(organization_id, assignment_id) WHERE assignment_id IS NOT NULL;

-- Live conversations per (unit, first channel, status, assigned?, top level?), kept exact in
-- the transaction of every change, so the views count reads a handful of rows instead of
-- counting the organization's conversations. channel_id is the zero uuid when there is none.
CREATE TABLE conversation_counters (
    organization_id BLOB NOT NULL,
    business_unit_id BLOB NOT NULL,
    channel_id BLOB NOT NULL,
    status TEXT NOT NULL,
    assigned INTEGER NOT NULL,
    top_level INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (organization_id, business_unit_id, channel_id, status, assigned, top_level)
);

-- The same per team member, for the `mine` view.
CREATE TABLE member_counters (
    organization_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    business_unit_id BLOB NOT NULL,
    channel_id BLOB NOT NULL,
    status TEXT NOT NULL,
    top_level INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (organization_id, user_id, business_unit_id, channel_id, status, top_level)
);

INSERT INTO conversation_counters
SELECT organization_id, business_unit_id, coalesce(channel_id, zeroblob(16)), status,
       member_count > 0, parent_id IS NULL, COUNT(*)
FROM conversations WHERE deleted_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO member_counters
SELECT c.organization_id, m.user_id, c.business_unit_id, coalesce(c.channel_id, zeroblob(16)), c.status,
       c.parent_id IS NULL, COUNT(*)
FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
WHERE c.deleted_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6;
