-- Every search reads both full-text indexes' pending lists whole (migration 0009 bounded them
-- to 256 kB). Measured on 1M messages after the benchmark's writes (14 and 18 pending pages):
-- a search for a word in no message ran 0.3 to 1.1 ms, 0.08 ms with the lists merged. 64 kB,
-- the smallest limit PostgreSQL accepts, keeps the read under a tenth of a millisecond; inserts
-- merge a smaller batch four times as often.
ALTER INDEX messages_search SET (gin_pending_list_limit = 64);
ALTER INDEX conversations_search SET (gin_pending_list_limit = 64);
