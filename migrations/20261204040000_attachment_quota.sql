-- Files of any type (issue 17): a user's stored bytes are summed for the quota on every
-- upload, over their live attachments only.
CREATE INDEX attachments_uploader_live_idx ON attachments (uploader_id) WHERE deleted_at IS NULL;
