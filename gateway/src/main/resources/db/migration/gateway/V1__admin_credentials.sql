-- Admin-plane credentials. Only a SHA-256 of each token is stored, never the token.
CREATE TABLE admin_credentials (
    name         TEXT        PRIMARY KEY,
    token_sha256 BYTEA       NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ
);
