-- Email (issue 16): an address per user (verified or not), single-use tokens for
-- verification and password reset (stored hashed), the outgoing mail queue (so pending
-- mail survives a restart), and the per-user missed-message digest setting.

ALTER TABLE users ADD COLUMN email text;
ALTER TABLE users ADD COLUMN email_verified_at timestamptz;
ALTER TABLE users ADD COLUMN email_digest text NOT NULL DEFAULT 'mentions_and_direct'
    CONSTRAINT users_email_digest_kind CHECK (email_digest IN ('off', 'mentions_and_direct'));
-- When the last digest was mailed (at most one per email.digest_interval_mins).
ALTER TABLE users ADD COLUMN email_digest_at timestamptz;
-- An address belongs to at most one account once verified, compared case-insensitively.
CREATE UNIQUE INDEX users_verified_email_key ON users (lower(email))
    WHERE email_verified_at IS NOT NULL;

CREATE TABLE email_tokens (
    token_hash      bytea PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose         text NOT NULL CONSTRAINT email_tokens_purpose CHECK (purpose IN ('verify', 'reset')),
    -- For 'verify': the address the token verifies (the user may have changed it since).
    email           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);

-- Mail waiting to be sent. A row is deleted once the SMTP server took it; one that failed
-- email.max_attempts times keeps failed_at and its last error for the operator.
CREATE TABLE email_outbox (
    id              uuid PRIMARY KEY,
    recipient       text NOT NULL,
    subject         text NOT NULL,
    body            text NOT NULL,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    failed_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) WHERE failed_at IS NULL;
