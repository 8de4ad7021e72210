-- Alerts can be assigned to the analyst who works on them: an 'assigned' history entry whose note
-- names the assignee (the latest one counts).
ALTER TABLE alert_history DROP CONSTRAINT alert_history_action_check;
ALTER TABLE alert_history ADD CONSTRAINT alert_history_action_check
    CHECK (action IN ('opened', 'updated', 'acknowledged', 'resolved', 'response', 'assigned'));
