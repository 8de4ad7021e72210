-- Egress: per-agent credentials for the model-provider listener, the workspaces' provider keys
-- (sealed by the secrets module), budgets and one row per forwarded model call. A credential
-- itself is never stored: only its public id and the SHA-256 of the whole credential.

CREATE TABLE egress_credentials (
    public_id    TEXT        PRIMARY KEY,
    secret_hash  BYTEA       NOT NULL,
    workspace_id UUID        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    agent_id     TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at   TIMESTAMPTZ
);
CREATE INDEX egress_credentials_agent ON egress_credentials (workspace_id, agent_id);

CREATE TABLE egress_provider_keys (
    workspace_id UUID        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    provider     TEXT        NOT NULL CHECK (provider IN ('openai', 'anthropic')),
    key_sealed   TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, provider)
);

-- A budget of a workspace (agent_id '') or of one agent: limits per fixed window aligned to the
-- epoch. A null limit does not apply.
CREATE TABLE egress_budgets (
    workspace_id   UUID        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    agent_id       TEXT        NOT NULL,
    window_seconds BIGINT      NOT NULL CHECK (window_seconds > 0),
    max_requests   BIGINT      CHECK (max_requests IS NULL OR max_requests >= 0),
    max_tokens     BIGINT      CHECK (max_tokens IS NULL OR max_tokens >= 0),
    max_cost_micros BIGINT     CHECK (max_cost_micros IS NULL OR max_cost_micros >= 0),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, agent_id)
);

-- One row per call the budget admitted. Until settled_at is set the row is a reservation of its
-- worst case (reserved_tokens, reserved_cost_micros) that counts until expires_at; once settled it
-- counts what the provider reported.
CREATE TABLE egress_calls (
    id                   UUID        PRIMARY KEY,
    workspace_id         UUID        NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    agent_id             TEXT        NOT NULL,
    provider             TEXT        NOT NULL,
    model                TEXT        NOT NULL,
    started_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at           TIMESTAMPTZ NOT NULL,
    reserved_tokens      BIGINT      NOT NULL,
    reserved_cost_micros BIGINT      NOT NULL,
    settled_at           TIMESTAMPTZ,
    status               INTEGER,
    tokens_in            BIGINT      NOT NULL DEFAULT 0,
    tokens_out           BIGINT      NOT NULL DEFAULT 0,
    cost_micros          BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX egress_calls_workspace ON egress_calls (workspace_id, started_at);
CREATE INDEX egress_calls_agent ON egress_calls (workspace_id, agent_id, started_at);
