-- The request's W3C trace id, recorded only when the gateway traces requests. Nullable: events
-- written before, or without tracing, have none (and their chain hashes do not cover it).
ALTER TABLE audit_events ADD COLUMN trace_id text;
