-- Full-text search moves off the send path. The generated 'simple' tsvector and its GIN index
-- were computed inside every message insert and could not find words in scripts written
-- without spaces. Instead a background indexer (chatd/src/search/indexer.rs) reads the chat
-- event log after each chat's indexed watermark and writes one row per live message here,
-- with lexemes made in Rust by one tokenizer for every script (docs/search.md).

DROP INDEX IF EXISTS messages_search_idx;
ALTER TABLE messages DROP COLUMN IF EXISTS search_vector;

-- Lets one GIN index answer "this chat AND these words" without visiting other chats' rows.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE message_search (
    message_id      uuid PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    chat_id         uuid NOT NULL,
    sender_id       uuid,
    created_at      timestamptz NOT NULL,
    doc             tsvector NOT NULL
);
CREATE INDEX message_search_chat_doc_idx ON message_search USING gin (chat_id, doc);

-- Per chat: every event with seq <= indexed_seq is reflected in message_search.
CREATE TABLE search_progress (
    chat_id         uuid PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
    indexed_seq     bigint NOT NULL DEFAULT 0
);
