-- Audit trail: one row per gateway decision, chained per node, partitioned by UTC day.
--
-- Indexed identifier columns use the "C" collation: byte-order comparisons keep index
-- maintenance cheap whatever the database locale, and identifiers need no linguistic order.
--
-- PostgreSQL requires every unique constraint of a partitioned table to include the partition
-- key, so uniqueness is (node_id, seq, ts). A replayed event is byte-identical to its first
-- insert (same ts), so ON CONFLICT DO NOTHING still drops every duplicate; a forged row reusing
-- a sequence number with another timestamp is reported by the chain verifier.

CREATE TABLE audit_events (
    node_id        text COLLATE "C" NOT NULL,
    seq            bigint           NOT NULL,
    ts             timestamptz      NOT NULL,
    event_id       uuid             NOT NULL,
    kind           text             NOT NULL,
    request_id     text             NOT NULL,
    decision       text             NOT NULL,
    reason_key     text             NOT NULL,
    status         integer,
    subject        text COLLATE "C",
    workspace      text COLLATE "C",
    jti            text COLLATE "C",
    client_address text,
    user_agent     text,
    method         text,
    route_id       text,
    path_template  text,
    resource_ids   jsonb            NOT NULL,
    message_type   text,
    latency_us     bigint           NOT NULL,
    bytes_in       bigint           NOT NULL,
    bytes_out      bigint           NOT NULL,
    prev_hash      bytea            NOT NULL,
    hash           bytea            NOT NULL,
    CONSTRAINT audit_events_node_seq_key UNIQUE (node_id, seq, ts)
) PARTITION BY RANGE (ts);

-- Catches rows for days whose partition does not exist yet, so an insert never fails for
-- want of a partition; audit_ensure_partition moves such rows into the day's partition.
CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;

CREATE INDEX audit_events_ts_idx ON audit_events (ts, node_id, seq);
CREATE INDEX audit_events_workspace_idx ON audit_events (workspace, ts);
CREATE INDEX audit_events_subject_idx ON audit_events (subject, ts);
CREATE INDEX audit_events_jti_idx ON audit_events (jti, ts);

-- Signed checkpoints: (node, seq, hash) signed with the gateway's signing key.
CREATE TABLE audit_checkpoints (
    node_id    text COLLATE "C" NOT NULL,
    seq        bigint      NOT NULL,
    hash       bytea       NOT NULL,
    created_at timestamptz NOT NULL,
    key_id     text        NOT NULL,
    signature  bytea       NOT NULL,
    PRIMARY KEY (node_id, seq)
);

-- Creates the partition audit_events_pYYYYMMDD for one UTC day unless it exists, moving any
-- rows for that day out of the default partition first. Returns the partition name if it was
-- created, NULL otherwise.
CREATE FUNCTION audit_ensure_partition(day date) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    part  text := 'audit_events_p' || to_char(day, 'YYYYMMDD');
    lower timestamptz := (day::timestamp AT TIME ZONE 'UTC');
    upper timestamptz := ((day + 1)::timestamp AT TIME ZONE 'UTC');
BEGIN
    IF to_regclass(part) IS NOT NULL THEN
        RETURN NULL;
    END IF;
    IF EXISTS (SELECT 1 FROM audit_events_default WHERE ts >= lower AND ts < upper) THEN
        EXECUTE format('CREATE TABLE %I (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
        EXECUTE format('WITH moved AS (DELETE FROM audit_events_default WHERE ts >= %L AND ts < %L RETURNING *) '
                       'INSERT INTO %I SELECT * FROM moved', lower, upper, part);
        EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       part, lower, upper);
    ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
                       part, lower, upper);
    END IF;
    RETURN part;
END;
$$;

-- Drops every daily partition whose whole day lies before cutoff, deletes older rows from the
-- default partition and older checkpoints. Returns the names of the dropped partitions.
CREATE FUNCTION audit_drop_partitions_before(cutoff date) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    part        text;
    cutoff_time timestamptz := (cutoff::timestamp AT TIME ZONE 'UTC');
BEGIN
    FOR part IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'audit_events'::regclass
          AND c.relname ~ '^audit_events_p[0-9]{8}$'
          AND to_date(substring(c.relname FROM 15), 'YYYYMMDD') < cutoff
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %I', part);
        RETURN NEXT part;
    END LOOP;
    DELETE FROM audit_events_default WHERE ts < cutoff_time;
    DELETE FROM audit_checkpoints WHERE created_at < cutoff_time;
    RETURN;
END;
$$;

SELECT audit_ensure_partition(((now() AT TIME ZONE 'UTC')::date + d))
FROM generate_series(-1, 3) AS d;
