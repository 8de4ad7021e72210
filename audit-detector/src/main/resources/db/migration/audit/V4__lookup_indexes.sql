-- Direct lookups: one event by its id, the events of one request, and searches by client
-- address (the form alert evidence and runbooks pivot on). A lookup by node and sequence uses
-- the (node_id, seq, ts) unique constraint.
CREATE INDEX audit_events_event_id_idx ON audit_events (event_id);
CREATE INDEX audit_events_request_id_idx ON audit_events (request_id);
CREATE INDEX audit_events_client_address_idx ON audit_events (client_address, ts);
