-- Working together: presence, each person's notifications and drafts, the canned responses
-- and the saved views.

CREATE TABLE drafts (
    organization_id BLOB NOT NULL,
    -- Gone with the conversation or the person.
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_type TEXT NOT NULL,
    content TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX drafts_user ON drafts (user_id);

CREATE TABLE canned_responses (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    short_code TEXT NOT NULL,
    -- Folded, so short codes are unique and found ignoring case and accents.
    short_code_key TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    business_unit_id BLOB REFERENCES business_units(id) ON DELETE CASCADE,
    user_id BLOB REFERENCES users(id) ON DELETE CASCADE,
    -- ' ' + the search terms of the title and content + ' ': a word's start is ' ' + term.
    search_words TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT canned_responses_short_code UNIQUE (organization_id, short_code_key)
);

CREATE TABLE saved_views (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    filters TEXT NOT NULL,
    shared INTEGER NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX saved_views_org ON saved_views (organization_id, id);

-- Presence: what each person shows now (`presence`), what they said (`presence_said`: NULL
-- lets their streams decide) and when a node last saw a stream of theirs open.
ALTER TABLE users ADD COLUMN presence TEXT NOT NULL DEFAULT 'offline';
ALTER TABLE users ADD COLUMN presence_said TEXT;
ALTER TABLE users ADD COLUMN presence_seen_at INTEGER;
CREATE INDEX users_presence_seen ON users (presence_seen_at) WHERE presence <> 'offline';

CREATE TABLE notifications (
    organization_id BLOB NOT NULL,
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    notification_type TEXT NOT NULL,
    conversation_id BLOB NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_id BLOB,
    actor TEXT NOT NULL,
    read_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Only people who changed a default have a row.
CREATE TABLE notification_settings (
    organization_id BLOB NOT NULL,
    user_id BLOB PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    mention INTEGER NOT NULL,
    assigned INTEGER NOT NULL,
    handoff_requested INTEGER NOT NULL,
    message_in_assigned INTEGER NOT NULL
);
CREATE INDEX notification_settings_messages ON notification_settings (user_id)
    WHERE message_in_assigned;
