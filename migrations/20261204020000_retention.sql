-- Retention (docs/operations.md#retention): a group owner's shorter per-chat policy, and
-- each chat's prune floor: every message at or below `pruned_seq` has been pruned (its slot
-- kept as a tombstone), so the job finds the next candidate through the (chat_id, seq) key
-- instead of an index on created_at that every send would pay for.
ALTER TABLE chats
    ADD COLUMN retention_days integer CHECK (retention_days IS NULL OR retention_days > 0),
    ADD COLUMN pruned_seq bigint NOT NULL DEFAULT 0;
