-- Workspaces, the metadata of issued tokens, Gatehouse's signing keys and external issuers.
-- A token itself is never stored: only its jti and what it grants.

CREATE TABLE workspaces (
    id         UUID        PRIMARY KEY,
    name       TEXT        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
    status     TEXT        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'locked')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_at  TIMESTAMPTZ
);

CREATE TABLE tokens (
    jti           TEXT        PRIMARY KEY,
    workspace_id  UUID        NOT NULL REFERENCES workspaces (id),
    subject       TEXT        NOT NULL,
    scopes        TEXT[]      NOT NULL,
    description   TEXT,
    issued_at     TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL,
    revoked_at    TIMESTAMPTZ,
    revoke_reason TEXT,
    CHECK (expires_at > issued_at)
);
CREATE INDEX tokens_workspace ON tokens (workspace_id);
CREATE INDEX tokens_subject ON tokens (subject);
-- Revocations that still matter: every node loads these at start.
CREATE INDEX tokens_revoked_live ON tokens (expires_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE signing_keys (
    kid                TEXT        PRIMARY KEY,
    alg                TEXT        NOT NULL CHECK (alg IN ('ES256', 'EdDSA')),
    public_jwk         TEXT        NOT NULL,
    private_jwk_sealed TEXT        NOT NULL,
    state              TEXT        NOT NULL CHECK (state IN ('active', 'verify-only', 'retired')),
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at         TIMESTAMPTZ
);
-- At most one key signs at any time.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys (state) WHERE state = 'active';

CREATE TABLE issuers (
    iss             TEXT        PRIMARY KEY,
    jwks_url        TEXT        NOT NULL,
    audience        TEXT        NOT NULL,
    workspace_claim TEXT        NOT NULL,
    scope_claim     TEXT        NOT NULL,
    allowed_algs    TEXT[]      NOT NULL CHECK (cardinality(allowed_algs) > 0),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
