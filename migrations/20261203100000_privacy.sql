-- Privacy settings of each account (issue 16). Columns on users rather than a table of
-- their own: search filters on one of them and presence reads them on every change.
ALTER TABLE users
    ADD COLUMN privacy_presence text NOT NULL DEFAULT 'everyone'
        CONSTRAINT users_privacy_presence_check
        CHECK (privacy_presence IN ('everyone', 'contacts', 'nobody')),
    ADD COLUMN privacy_direct_chats text NOT NULL DEFAULT 'everyone'
        CONSTRAINT users_privacy_direct_chats_check
        CHECK (privacy_direct_chats IN ('everyone', 'contacts')),
    ADD COLUMN privacy_searchable boolean NOT NULL DEFAULT true,
    ADD COLUMN privacy_contact_requests text NOT NULL DEFAULT 'everyone'
        CONSTRAINT users_privacy_contact_requests_check
        CHECK (privacy_contact_requests IN ('everyone', 'nobody'));
