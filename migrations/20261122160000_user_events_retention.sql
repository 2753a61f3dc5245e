-- The per-user event log is pruned by age (sync.user_events_retention_days); the index
-- keeps each pruning round from reading the whole table.
CREATE INDEX user_events_created_at_idx ON user_events (created_at);
