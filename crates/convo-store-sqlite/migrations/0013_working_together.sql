-- Working together: each person's drafts, the canned responses and the saved views.

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
