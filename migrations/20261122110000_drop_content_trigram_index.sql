-- The trigram index on message content costs about a fifth of every send's database time
-- and no query uses it yet; full-text search chooses its own index for scripts without
-- spaces when it lands. The 'simple' tsvector index stays.
DROP INDEX IF EXISTS messages_content_trgm_idx;
