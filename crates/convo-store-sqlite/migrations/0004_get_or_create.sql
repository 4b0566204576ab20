-- get-or-create: a conversation made by it carries the key it is found by again (the customer,
-- or the set of members), unique among live top-level conversations, so concurrent identical
-- calls make exactly one.
ALTER TABLE conversations ADD COLUMN reuse_key TEXT;
CREATE UNIQUE INDEX conversations_reuse ON conversations(organization_id, reuse_key)
    WHERE reuse_key IS NOT NULL AND parent_id IS NULL AND deleted_at IS NULL;
CREATE INDEX conversations_contact_top ON conversations(organization_id, contact_id, activity_at)
    WHERE parent_id IS NULL AND deleted_at IS NULL;
