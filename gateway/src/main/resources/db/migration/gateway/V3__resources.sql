-- Ownership registry: which workspace owns each runtime resource the gateway has seen created
-- (or listed under a resource the workspace owns). A row is never moved to another workspace;
-- deleting a resource in the runtime leaves its row, so the id can never be claimed again.

CREATE TABLE resources (
    kind         TEXT        NOT NULL CHECK (kind ~ '^[a-z][a-z-]{0,31}$'),
    id           TEXT        NOT NULL CHECK (length(id) BETWEEN 1 AND 256),
    workspace_id UUID        NOT NULL REFERENCES workspaces (id),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, id)
);
CREATE INDEX resources_workspace ON resources (workspace_id, kind);

-- The runtime message server of each workspace (one per workspace, created on first use).
CREATE UNIQUE INDEX resources_one_message_server ON resources (workspace_id) WHERE kind = 'message-server';
