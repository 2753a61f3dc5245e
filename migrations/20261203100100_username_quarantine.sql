-- Usernames of deleted accounts, taken until `until` (accounts.username_quarantine_days),
-- so that nobody registers the name of someone who just left.
CREATE TABLE username_quarantine (
    username    text PRIMARY KEY,
    until       timestamptz NOT NULL
);
