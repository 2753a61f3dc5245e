-- Avatars (issue 16): the two PNG sizes in PostgreSQL rather than the attachment store. They
-- are small (at most 256x256), so they go with the account's row in the one transaction
-- that deletes it, and in every backup. users.avatar_id names the current one (its ETag and
-- the version in avatarUrl).
ALTER TABLE users ADD COLUMN avatar_id uuid;

CREATE TABLE avatars (
    user_id     uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    small       bytea NOT NULL,
    large       bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
