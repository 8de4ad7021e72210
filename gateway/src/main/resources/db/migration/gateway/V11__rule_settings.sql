-- Operator settings for detection rules, shared by every node: a rule switched off, or its
-- threshold overridden. A rule without a row runs as shipped (or as its rules-directory file
-- says). Nodes apply changes without a restart, announced on the change feed.
CREATE TABLE rule_settings (
    rule_id    text        PRIMARY KEY,
    enabled    boolean     NOT NULL DEFAULT true,
    threshold  bigint      CHECK (threshold IS NULL OR threshold > 0),
    updated_by text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
