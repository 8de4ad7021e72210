-- An external issuer speaks only for the workspaces and scopes it was granted. Issuers registered
-- before this migration get empty lists, so their tokens are refused until an operator registers
-- them again with their allowlists (fail closed rather than keep trusting them with everything).
ALTER TABLE issuers ADD COLUMN allowed_workspaces UUID[] NOT NULL DEFAULT '{}';
ALTER TABLE issuers ADD COLUMN allowed_scopes     TEXT[] NOT NULL DEFAULT '{}';

-- Revocations of tokens Gatehouse did not issue (and so has no row for): one token by its issuer
-- and jti, or every token of an issuer's subject issued at or before revoked_at. A row matters
-- until expires_at, after which no token it covers can still be within tokens.maxTtl.
CREATE TABLE external_revocations (
    id         BIGSERIAL   PRIMARY KEY,
    iss        TEXT        NOT NULL,
    jti        TEXT,
    subject    TEXT,
    reason     TEXT        NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    CHECK ((jti IS NULL) <> (subject IS NULL)),
    CHECK (expires_at > revoked_at)
);
CREATE INDEX external_revocations_live ON external_revocations (expires_at);
