-- The initial schema: everything the product stores. Append-only: fix forward in a new file.
-- Constraint names are stable: the store maps them to domain errors.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Accounts -------------------------------------------------------------------

CREATE TABLE users (
    id              uuid PRIMARY KEY,
    username        text NOT NULL,
    password_hash   text NOT NULL,
    display_name    text,
    status_message  text,
    is_admin        boolean NOT NULL DEFAULT false,
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_username_format CHECK (username ~ '^[a-z0-9_.-]{3,32}$')
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE INDEX users_username_prefix_idx ON users (username text_pattern_ops);
CREATE INDEX users_display_name_prefix_idx ON users (lower(display_name) text_pattern_ops);

-- A session is one login on one device; its refresh tokens form one rotation family.
CREATE TABLE sessions (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent      text,
    ip              text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    revoke_reason   text
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens are stored only as SHA-256 hashes. A token with rotated_at set has been
-- used; presenting it again revokes its whole session.
CREATE TABLE refresh_tokens (
    token_hash      bytea PRIMARY KEY,
    session_id      uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    rotated_at      timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

CREATE TABLE invites (
    code_hash       bytea PRIMARY KEY,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    max_uses        integer NOT NULL CHECK (max_uses > 0),
    uses            integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    CONSTRAINT invites_uses_within_max CHECK (uses <= max_uses)
);

-- Contacts and blocking -------------------------------------------------------

-- One row per ordered pair: requester -> addressee. Accepted contacts are symmetric in
-- meaning; the row's direction records who asked.
CREATE TABLE contacts (
    id              uuid PRIMARY KEY,
    requester_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    addressee_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status          text NOT NULL CHECK (status IN ('pending', 'accepted', 'declined')),
    message         text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    responded_at    timestamptz,
    CONSTRAINT contacts_not_self CHECK (requester_id <> addressee_id),
    CONSTRAINT contacts_pair_key UNIQUE (requester_id, addressee_id)
);
CREATE INDEX contacts_addressee_idx ON contacts (addressee_id, status);

CREATE TABLE blocks (
    blocker_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CONSTRAINT blocks_not_self CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id);

-- Chats -----------------------------------------------------------------------

-- last_seq is the chat's event counter: every event (message, edit, delete, reaction,
-- membership change) takes the next value in the transaction that writes it, so the
-- sequence is gap-free and in commit order per chat.
CREATE TABLE chats (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('direct', 'group')),
    name            text,
    slug            text,
    -- For direct chats: the two members in a canonical order, so a pair has one chat.
    direct_user_lo  uuid REFERENCES users (id) ON DELETE SET NULL,
    direct_user_hi  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    last_seq        bigint NOT NULL DEFAULT 0,
    last_message_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    CONSTRAINT chats_group_has_name CHECK (kind = 'direct' OR name IS NOT NULL)
);
CREATE UNIQUE INDEX chats_slug_key ON chats (lower(slug)) WHERE slug IS NOT NULL;
CREATE UNIQUE INDEX chats_direct_pair_key ON chats (direct_user_lo, direct_user_hi)
    WHERE kind = 'direct';

CREATE TABLE chat_members (
    chat_id             uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role                text NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
    joined_at           timestamptz NOT NULL DEFAULT now(),
    joined_seq          bigint NOT NULL DEFAULT 0,
    left_at             timestamptz,
    left_seq            bigint,
    last_read_seq       bigint NOT NULL DEFAULT 0,
    last_delivered_seq  bigint NOT NULL DEFAULT 0,
    muted_until         timestamptz,
    PRIMARY KEY (chat_id, user_id)
);
CREATE INDEX chat_members_user_idx ON chat_members (user_id) WHERE left_at IS NULL;

-- Messages --------------------------------------------------------------------

CREATE TABLE messages (
    id              uuid PRIMARY KEY,
    chat_id         uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    seq             bigint NOT NULL,
    sender_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    client_id       text,
    content         text,
    content_type    text NOT NULL DEFAULT 'text',
    -- Formatting ranges and other client metadata, e.g. {"formatting": [{"start":0,"end":4,"style":"bold"}]}.
    metadata        jsonb NOT NULL DEFAULT '{}'::jsonb,
    reply_to_id     uuid REFERENCES messages (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    edited_at       timestamptz,
    deleted_at      timestamptz,
    -- 'simple' keeps every language's words (no English stemming or stop words).
    search_vector   tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(content, ''))) STORED,
    CONSTRAINT messages_chat_seq_key UNIQUE (chat_id, seq),
    CONSTRAINT messages_client_id_key UNIQUE (sender_id, client_id),
    CONSTRAINT messages_deleted_has_no_content CHECK (deleted_at IS NULL OR content IS NULL)
);
CREATE INDEX messages_search_idx ON messages USING gin (search_vector);
CREATE INDEX messages_content_trgm_idx ON messages USING gin (content gin_trgm_ops);
CREATE INDEX messages_reply_idx ON messages (reply_to_id) WHERE reply_to_id IS NOT NULL;

CREATE TABLE message_mentions (
    message_id      uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX message_mentions_user_idx ON message_mentions (user_id);

CREATE TABLE reactions (
    message_id      uuid NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    emoji           text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_id, user_id, emoji)
);

-- Every event of a chat under its seq, for resync: a client that holds seq N reads
-- everything after N here, in order, exactly once.
CREATE TABLE chat_events (
    chat_id         uuid NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
    seq             bigint NOT NULL,
    kind            text NOT NULL,
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    message_id      uuid REFERENCES messages (id) ON DELETE CASCADE,
    payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chat_id, seq)
);

CREATE TABLE attachments (
    id              uuid PRIMARY KEY,
    uploader_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    message_id      uuid REFERENCES messages (id) ON DELETE SET NULL,
    file_name       text NOT NULL,
    content_type    text NOT NULL,
    size_bytes      bigint NOT NULL CHECK (size_bytes >= 0),
    width           integer,
    height          integer,
    sha256          bytea NOT NULL,
    storage_key     text NOT NULL,
    thumbnail_key   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);
CREATE INDEX attachments_message_idx ON attachments (message_id) WHERE message_id IS NOT NULL;

-- Audit -----------------------------------------------------------------------

CREATE TABLE audit_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              timestamptz NOT NULL DEFAULT now(),
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    action          text NOT NULL,
    target_type     text,
    target_id       text,
    ip              text,
    details         jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);
