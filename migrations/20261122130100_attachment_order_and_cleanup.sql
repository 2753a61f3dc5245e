-- Attachments keep the order the sender named them in, and unattached uploads (garbage after
-- a day) and deleted ones are found without scanning the table.
ALTER TABLE attachments ADD COLUMN position smallint NOT NULL DEFAULT 0;
CREATE INDEX attachments_unattached_idx ON attachments (created_at) WHERE message_id IS NULL;
CREATE INDEX attachments_deleted_idx ON attachments (deleted_at) WHERE deleted_at IS NOT NULL;
