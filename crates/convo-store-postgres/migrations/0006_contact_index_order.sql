-- A customer's newest conversation (get-or-create) is read in (activity_at, id) order: with id
-- in the index too, the index answers the ORDER BY, so no planner walks the organization's
-- whole recent-activity index instead.
DROP INDEX conversations_contact_top;
CREATE INDEX conversations_contact_top ON conversations(organization_id, contact_id, activity_at, id)
    WHERE parent_id IS NULL AND deleted_at IS NULL;
