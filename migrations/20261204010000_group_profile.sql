-- Group profiles (issue 17): a description, a visibility for the public directory, a member
-- cap below the server's 300, and an avatar stored like users' (two PNG sizes in
-- PostgreSQL, chats.avatar_id naming the current one).
ALTER TABLE chats
    ADD COLUMN description text,
    ADD COLUMN visibility text NOT NULL DEFAULT 'private'
        CONSTRAINT chats_visibility_check CHECK (visibility IN ('private', 'public')),
    ADD COLUMN max_members integer NOT NULL DEFAULT 300
        CONSTRAINT chats_max_members_check CHECK (max_members BETWEEN 2 AND 300),
    ADD COLUMN avatar_id uuid;

-- The directory pages public groups in id order.
CREATE INDEX chats_public_idx ON chats (id) WHERE visibility = 'public' AND deleted_at IS NULL;

CREATE TABLE chat_avatars (
    chat_id     uuid PRIMARY KEY REFERENCES chats (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    small       bytea NOT NULL,
    large       bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
