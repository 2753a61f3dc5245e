-- The indexer writes one `message_search` row per indexed message, and its foreign key to
-- `messages` ran a trigger per row that took a KEY SHARE lock on the message: a write to the
-- messages heap and to the WAL for every indexed message, competing with the send path's
-- commits for the same disk. Messages are never deleted as rows (see
-- 20261122150000_send_path_without_foreign_keys.sql), so the key protected nothing.
ALTER TABLE message_search DROP CONSTRAINT IF EXISTS message_search_message_id_fkey;

-- Rows go into the GIN pending list again, and the indexer merges the list into the index at
-- the end of every round, in the same transaction (chatd/src/store/search.rs, `merge_pending`):
-- a sorted bulk merge costs a fraction of row-by-row tree inserts, and searches still find
-- the list empty. 20261122130200 turned it off when nothing merged it but autovacuum.
ALTER INDEX message_search_chat_doc_idx SET (fastupdate = on);
