-- The inbox model: priority, who is in control (AI agent or human) with pending handoffs,
-- labels, and when the contact last wrote (for inactivity timers).

ALTER TABLE conversations ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN control_type TEXT NOT NULL DEFAULT 'none';
ALTER TABLE conversations ADD COLUMN control TEXT;
ALTER TABLE conversations ADD COLUMN handoff TEXT;
ALTER TABLE conversations ADD COLUMN last_incoming_at INTEGER;

-- `order=priority` walks this index: deep pages cost what the first does.
CREATE INDEX conversations_priority ON conversations(organization_id, priority, activity_at, id) WHERE deleted_at IS NULL;
CREATE INDEX conversations_control ON conversations(organization_id, control_type, activity_at, id) WHERE deleted_at IS NULL;
-- The timers: snoozes that are due, and conversations the contact left quiet.
CREATE INDEX conversations_snoozed ON conversations(snoozed_until) WHERE status = 'snoozed' AND deleted_at IS NULL;
CREATE INDEX conversations_quiet ON conversations(business_unit_id, status, coalesce(last_incoming_at, created_at)) WHERE deleted_at IS NULL;

ALTER TABLE business_units ADD COLUMN auto_resolve_after INTEGER;
-- The few units with a timer: where each round of the timers starts.
CREATE INDEX business_units_timed ON business_units(id) WHERE auto_resolve_after IS NOT NULL;

CREATE TABLE labels (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    color TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT labels_name_key UNIQUE (organization_id, name_key)
);
CREATE INDEX labels_org ON labels(organization_id, id);

CREATE TABLE conversation_labels (
    organization_id BLOB NOT NULL,
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    label_id BLOB NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, label_id)
);
CREATE INDEX conversation_labels_label ON conversation_labels(label_id, conversation_id);

-- The views-count tallies gain who is in control and whether a handoff waits, so those
-- filters are counted from them too. They are rebuilt from the conversations.
DROP TABLE conversation_counters;
DROP TABLE member_counters;

CREATE TABLE conversation_counters (
    organization_id BLOB NOT NULL,
    business_unit_id BLOB NOT NULL,
    channel_id BLOB NOT NULL,
    status TEXT NOT NULL,
    assigned INTEGER NOT NULL,
    top_level INTEGER NOT NULL,
    control_type TEXT NOT NULL,
    handoff_pending INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (organization_id, business_unit_id, channel_id, status, assigned, top_level, control_type, handoff_pending)
);

CREATE TABLE member_counters (
    organization_id BLOB NOT NULL,
    user_id BLOB NOT NULL,
    business_unit_id BLOB NOT NULL,
    channel_id BLOB NOT NULL,
    status TEXT NOT NULL,
    top_level INTEGER NOT NULL,
    control_type TEXT NOT NULL,
    handoff_pending INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (organization_id, user_id, business_unit_id, channel_id, status, top_level, control_type, handoff_pending)
);

INSERT INTO conversation_counters
SELECT organization_id, business_unit_id, coalesce(channel_id, zeroblob(16)), status,
       member_count > 0, parent_id IS NULL, control_type, handoff IS NOT NULL, COUNT(*)
FROM conversations WHERE deleted_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

INSERT INTO member_counters
SELECT c.organization_id, m.user_id, c.business_unit_id, coalesce(c.channel_id, zeroblob(16)), c.status,
       c.parent_id IS NULL, c.control_type, c.handoff IS NOT NULL, COUNT(*)
FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
WHERE c.deleted_at IS NULL
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
