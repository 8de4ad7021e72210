-- Workspaces whose runtime runs elsewhere (an operator's orchestrator): the runtime's base URL and
-- its API key, sealed by the secrets module (blob name gateway/runtime-key/<workspace id>).
-- A workspace without a row uses the gateway's own runtime tier.
CREATE TABLE runtime_placements (
    workspace_id UUID        PRIMARY KEY REFERENCES workspaces (id),
    url          TEXT        NOT NULL,
    key_sealed   TEXT        NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
