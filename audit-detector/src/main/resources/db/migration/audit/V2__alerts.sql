-- Detector findings as alerts, their history, suppressions and the detector's read position.
--
-- One alert per (rule, entity) while it is not resolved (partial unique index): later findings
-- for the same pair raise its count and extend it. Evidence holds references to audit events
-- ({"node","seq","event_id"}), never event contents. Responses hold what was done or suggested.

CREATE TABLE alerts (
    id           uuid             PRIMARY KEY,
    rule_id      text COLLATE "C" NOT NULL,
    rule_version integer          NOT NULL,
    title        text             NOT NULL,
    severity     text             NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    attack       text             NOT NULL,
    runbook      text             NOT NULL,
    entity       text COLLATE "C" NOT NULL,
    workspace    text COLLATE "C",
    status       text             NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
    disposition  text             CHECK (disposition IN ('true_positive', 'benign', 'false_positive')),
    count        bigint           NOT NULL CHECK (count >= 1),
    first_seen   timestamptz      NOT NULL,
    last_seen    timestamptz      NOT NULL,
    created_at   timestamptz      NOT NULL DEFAULT now(),
    updated_at   timestamptz      NOT NULL DEFAULT now(),
    evidence     jsonb            NOT NULL,
    responses    jsonb            NOT NULL DEFAULT '[]'::jsonb,
    CHECK ((status = 'resolved') = (disposition IS NOT NULL))
);
CREATE UNIQUE INDEX alerts_unresolved_per_rule_entity ON alerts (rule_id, entity) WHERE status <> 'resolved';
CREATE INDEX alerts_created ON alerts (created_at DESC, id DESC);
CREATE INDEX alerts_workspace_created ON alerts (workspace, created_at DESC);

CREATE TABLE alert_history (
    id          bigserial        PRIMARY KEY,
    alert_id    uuid             NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    at          timestamptz      NOT NULL DEFAULT now(),
    actor       text             NOT NULL,
    action      text             NOT NULL CHECK (action IN ('opened', 'updated', 'acknowledged', 'resolved', 'response')),
    from_status text,
    to_status   text,
    disposition text,
    note        text
);
CREATE INDEX alert_history_alert ON alert_history (alert_id, id);

CREATE TABLE alert_suppressions (
    id         uuid             PRIMARY KEY,
    rule_id    text COLLATE "C" NOT NULL,
    entity     text COLLATE "C",
    workspace  text COLLATE "C",
    reason     text             NOT NULL,
    created_by text             NOT NULL,
    created_at timestamptz      NOT NULL DEFAULT now(),
    expires_at timestamptz      NOT NULL,
    hits       bigint           NOT NULL DEFAULT 0,
    last_hit   timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX alert_suppressions_rule ON alert_suppressions (rule_id, expires_at);

-- Per recording node: every event up to seq has been evaluated by the detector.
CREATE TABLE detector_cursors (
    node_id    text COLLATE "C" PRIMARY KEY,
    seq        bigint           NOT NULL CHECK (seq >= 0),
    updated_at timestamptz      NOT NULL DEFAULT now()
);
