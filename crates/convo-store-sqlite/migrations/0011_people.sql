-- People sign in: passwords and two factors beside their user, sessions, one-time reset
-- tokens, recovery codes and the audit log. Secrets are stored only as hashes (TOTP secrets
-- sealed with the server key when one is set).

-- An organization may require every person to use two factors.
ALTER TABLE organizations ADD COLUMN require_totp INTEGER NOT NULL DEFAULT 0;

-- The sign-in email, folded (trimmed, NFKC, lower case): written with every user.
ALTER TABLE users ADD COLUMN email_key TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN password_changed_at INTEGER;
ALTER TABLE users ADD COLUMN locale TEXT;
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;
UPDATE users SET email_key = lower(trim(email)) WHERE email IS NOT NULL;
-- One person per sign-in email, server-wide (a sign-in names no organization).
CREATE UNIQUE INDEX users_sign_in ON users(email_key) WHERE password_hash IS NOT NULL;
CREATE INDEX users_email_key ON users(email_key) WHERE email_key IS NOT NULL;

CREATE TABLE sessions (
    organization_id BLOB NOT NULL,
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    user_agent TEXT,
    ip TEXT
);
CREATE INDEX sessions_user ON sessions(organization_id, user_id, id);

CREATE TABLE password_tokens (
    organization_id BLOB NOT NULL,
    token_hash TEXT PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX password_tokens_user ON password_tokens(organization_id, user_id);

CREATE TABLE recovery_codes (
    organization_id BLOB NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE audit_log (
    organization_id BLOB NOT NULL,
    id BLOB PRIMARY KEY,
    action TEXT NOT NULL,
    actor_type TEXT NOT NULL,
    actor_id TEXT,
    target_type TEXT,
    target_id TEXT,
    ip TEXT,
    user_agent TEXT,
    detail TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX audit_log_org ON audit_log(organization_id, id);
CREATE INDEX audit_log_actor ON audit_log(organization_id, actor_id, id);

CREATE TABLE invitations (
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    id BLOB PRIMARY KEY,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    name TEXT,
    role TEXT NOT NULL,
    business_unit_ids TEXT NOT NULL,
    invited_by BLOB,
    token_hash TEXT NOT NULL UNIQUE,
    mailed INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX invitations_org ON invitations(organization_id, id);
CREATE INDEX invitations_email ON invitations(email_key);
