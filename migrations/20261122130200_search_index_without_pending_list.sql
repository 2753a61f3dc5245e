-- The search index is written only by the background indexer, in batches, so it gains nothing
-- from GIN's pending list (fastupdate), which exists to make single inserts cheap; every search
-- would scan that unsorted list once per chat probed instead (measured: 110 ms instead of
-- 16 ms for a common word over 50 chats, docs/search.md).
ALTER INDEX message_search_chat_doc_idx SET (fastupdate = off);
SELECT gin_clean_pending_list('message_search_chat_doc_idx'::regclass);
