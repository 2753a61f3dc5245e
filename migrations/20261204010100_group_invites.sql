-- Invite links of groups (issue 17): random tokens stored as SHA-256, counted in the join's
-- transaction (uses < max_uses in the UPDATE's WHERE, so racing joins cannot overshoot).
CREATE TABLE chat_invites (
    id          uuid PRIMARY KEY,
    chat_id     uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL CONSTRAINT chat_invites_token_hash_key UNIQUE,
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz,
    max_uses    integer CONSTRAINT chat_invites_max_uses_check CHECK (max_uses > 0),
    uses        integer NOT NULL DEFAULT 0,
    revoked_at  timestamptz
);

CREATE INDEX chat_invites_chat_idx ON chat_invites (chat_id, created_at);
