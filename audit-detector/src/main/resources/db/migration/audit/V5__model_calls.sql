-- What a model call through the egress listener used: set on egress events only, null on every
-- other event (whose chain hashes do not cover these columns). Never prompt or completion text.
ALTER TABLE audit_events
  ADD COLUMN agent text,
  ADD COLUMN provider text,
  ADD COLUMN model text,
  ADD COLUMN tokens_in bigint,
  ADD COLUMN tokens_out bigint,
  ADD COLUMN cost_micros bigint;
