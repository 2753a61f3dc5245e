-- Contacts, blocks, per-user events, notifications, do-not-disturb, push devices.

-- One row per pair, whichever side asked: a request and the reverse request cannot both
-- exist (a reverse request accepts the pending one instead).
CREATE UNIQUE INDEX contacts_pair_unordered_key
    ON contacts (LEAST(requester_id, addressee_id), GREATEST(requester_id, addressee_id));
CREATE INDEX contacts_requester_idx ON contacts (requester_id, status);

-- Events of one user (contact requests and answers, blocks, notifications), numbered per
-- user like chat events are per chat: gap-free and in commit order, for sync by userSeq.
CREATE TABLE user_event_heads (
    user_id         uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    last_seq        bigint NOT NULL DEFAULT 0
);

CREATE TABLE user_events (
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    seq             bigint NOT NULL,
    kind            text NOT NULL,
    payload         jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, seq)
);

CREATE TABLE notifications (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('mention', 'reply', 'contact_request',
                                                  'contact_accepted', 'group_invite')),
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    chat_id         uuid REFERENCES chats (id) ON DELETE CASCADE,
    message_id      uuid REFERENCES messages (id) ON DELETE CASCADE,
    contact_id      uuid,
    silent          boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;

-- Do-not-disturb until then ('9999-12-31 23:59:59+00' stands for forever).
ALTER TABLE users ADD COLUMN dnd_until timestamptz;

CREATE TABLE push_devices (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    endpoint        text NOT NULL,
    name            text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_success_at timestamptz,
    failures        integer NOT NULL DEFAULT 0,
    CONSTRAINT push_devices_endpoint_key UNIQUE (user_id, endpoint)
);
