-- Every sent message inserted one `messages` row and one `chat_events` row, and each ran
-- five foreign-key triggers: each a query that also takes a KEY SHARE row lock on the chat
-- or user it points at (for busy chats, multixacts on one hot row). Together they were about
-- 60% of the send statement's database time.
--
-- Chats are never deleted as rows (a deleted group keeps its row with `deleted_at`) and
-- messages are never deleted as rows (a deleted message keeps its slot), so the chat and
-- message references can only dangle if a row is removed by hand. The one row that is
-- deleted, a user (`chatctl user delete`), clears its references in the same transaction
-- (see `Store::delete_user`), which did the schema's ON DELETE SET NULL before.
ALTER TABLE chat_events
    DROP CONSTRAINT IF EXISTS chat_events_chat_id_fkey,
    DROP CONSTRAINT IF EXISTS chat_events_actor_id_fkey,
    DROP CONSTRAINT IF EXISTS chat_events_message_id_fkey;

ALTER TABLE messages
    DROP CONSTRAINT IF EXISTS messages_chat_id_fkey,
    DROP CONSTRAINT IF EXISTS messages_sender_id_fkey;
