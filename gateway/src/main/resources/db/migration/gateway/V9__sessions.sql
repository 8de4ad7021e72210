-- Browser sessions: a person signed in once (with a Gatehouse or external token) and holds only an
-- opaque cookie. Only the SHA-256 of the session id is stored. A session speaks for the principal
-- of the token it was made from (its jti, so revoking that token ends the session too).
CREATE TABLE sessions (
    id_sha256       BYTEA       PRIMARY KEY,
    subject         TEXT        NOT NULL,
    workspace_id    UUID        NOT NULL,
    scopes          TEXT[]      NOT NULL,
    jti             TEXT        NOT NULL,
    issuer          TEXT        NOT NULL,
    token_issued_at TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    last_seen_at    TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_expiry ON sessions (expires_at);
