-- Client addresses refused before anything else, until the block expires. Addresses are
-- canonical IP literals (as the gateway resolves the client address, trusted proxies included).
CREATE TABLE address_blocks (
    address    text        PRIMARY KEY,
    reason     text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    CHECK (expires_at > created_at)
);
CREATE INDEX address_blocks_expiry ON address_blocks (expires_at);
