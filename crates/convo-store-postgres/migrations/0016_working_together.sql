-- Working together: presence, each person's notifications and drafts, the canned responses
-- and the saved views.

CREATE TABLE drafts (
    organization_id UUID NOT NULL,
    -- Gone with the conversation or the person.
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    message_type TEXT NOT NULL,
    content TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX drafts_user ON drafts (user_id);

CREATE TABLE canned_responses (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    short_code TEXT NOT NULL,
    -- Folded, so short codes are unique and found ignoring case and accents.
    short_code_key TEXT NOT NULL,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    business_unit_id UUID REFERENCES business_units(id) ON DELETE CASCADE,
    user_id UUID REFERENCES users(id) ON DELETE CASCADE,
    -- ' ' + the search terms of the title and content + ' ': a word's start is ' ' + term.
    search_words TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CONSTRAINT canned_responses_short_code UNIQUE (organization_id, short_code_key)
);

CREATE TABLE saved_views (
    organization_id UUID NOT NULL REFERENCES organizations(id),
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    filters JSONB NOT NULL,
    shared BOOLEAN NOT NULL,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX saved_views_org ON saved_views (organization_id, id);

-- Presence: what each person shows now (`presence`), what they said (`presence_said`: NULL
-- lets their streams decide) and when a node last saw a stream of theirs open.
ALTER TABLE users ADD COLUMN presence TEXT NOT NULL DEFAULT 'offline';
ALTER TABLE users ADD COLUMN presence_said TEXT;
ALTER TABLE users ADD COLUMN presence_seen_at BIGINT;
CREATE INDEX users_presence_seen ON users (presence_seen_at) WHERE presence <> 'offline';

CREATE TABLE notifications (
    organization_id UUID NOT NULL,
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    notification_type TEXT NOT NULL,
    conversation_id UUID NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    message_id UUID,
    actor JSONB NOT NULL,
    read_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

-- Only people who changed a default have a row.
CREATE TABLE notification_settings (
    organization_id UUID NOT NULL,
    user_id UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    mention BOOLEAN NOT NULL,
    assigned BOOLEAN NOT NULL,
    handoff_requested BOOLEAN NOT NULL,
    message_in_assigned BOOLEAN NOT NULL
);
CREATE INDEX notification_settings_messages ON notification_settings (user_id)
    WHERE message_in_assigned;
