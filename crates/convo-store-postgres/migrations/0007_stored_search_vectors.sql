-- The search documents are stored, not recomputed. With only an expression index, every row
-- a plan touches outside the index (ranking a window, walking recent messages for a common
-- word, re-checking a lossy bitmap page) ran to_tsvector again: a rare word planned as a
-- walk over recent messages cost seconds at a million messages. A stored tsvector is computed
-- once, on write, and the planner gathers statistics on its words.
--
-- Adding a stored generated column rewrites each table once (under an exclusive lock): plan
-- the upgrade of a large installation for a quiet moment.

ALTER TABLE messages
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
DROP INDEX messages_search;
CREATE INDEX messages_search ON messages USING GIN (search_vector);

ALTER TABLE conversations
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED;
DROP INDEX conversations_search;
CREATE INDEX conversations_search ON conversations USING GIN (search_vector);

-- Plans for a word come from these columns' statistics: at the default target PostgreSQL keeps
-- only the ~100 most common words, guesses 0.5% of rows for any other (5,000 of a million
-- messages), and walks recent messages looking for a rare word instead of asking the index. At
-- 1000 it keeps thousands, and a word it has not kept is known to be rare.
ALTER TABLE messages ALTER COLUMN search_vector SET STATISTICS 1000;
ALTER TABLE conversations ALTER COLUMN search_vector SET STATISTICS 1000;

ANALYZE messages;
ANALYZE conversations;
