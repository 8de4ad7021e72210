-- A deleted workspace keeps its row (audit events, tokens and ownership rows name its id, and an
-- id is never reused) but can never be used or unlocked again; its runtime's data is erased.
-- Message servers are no longer created per workspace: every workspace works in its runtime's
-- default message server.
ALTER TABLE workspaces DROP CONSTRAINT workspaces_status_check;
ALTER TABLE workspaces ADD CONSTRAINT workspaces_status_check CHECK (status IN ('active', 'locked', 'deleted'));
ALTER TABLE workspaces ADD COLUMN deleted_at TIMESTAMPTZ;
DROP INDEX resources_one_message_server;
