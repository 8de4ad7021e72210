-- Sign-ins through an external OpenID provider in progress: one row from the redirect to the
-- provider until the browser comes back (or picks a workspace), at most a few minutes, used once.
-- Keyed by the SHA-256 of the random value in the browser's sign-in cookie, so only the browser
-- that started a sign-in can finish it; state and nonce are compared, never looked up.
CREATE TABLE sign_in_attempts (
    binding_sha256  BYTEA       PRIMARY KEY,
    state           TEXT        NOT NULL,
    nonce           TEXT        NOT NULL,
    code_verifier   TEXT        NOT NULL,
    next_path       TEXT        NOT NULL,
    -- Set once the provider vouched for a person who may pick one of several workspaces.
    issuer          TEXT,
    subject         TEXT,
    workspaces      TEXT[],
    scopes          TEXT[],
    issued_at       TIMESTAMPTZ,
    expires_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_attempts_expiry ON sign_in_attempts (expires_at);
