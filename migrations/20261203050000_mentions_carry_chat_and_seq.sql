-- Mentions carry their message's chat and seq, so that a chat's unread-mention count reads
-- only that chat's mentions after the read watermark (through the index) instead of every
-- mention the user ever received.
ALTER TABLE message_mentions ADD COLUMN chat_id uuid, ADD COLUMN seq bigint;
UPDATE message_mentions mm SET chat_id = m.chat_id, seq = m.seq
  FROM messages m WHERE m.id = mm.message_id;
ALTER TABLE message_mentions ALTER COLUMN chat_id SET NOT NULL, ALTER COLUMN seq SET NOT NULL;
DROP INDEX message_mentions_user_idx;
CREATE INDEX message_mentions_user_chat_seq_idx ON message_mentions (user_id, chat_id, seq);
