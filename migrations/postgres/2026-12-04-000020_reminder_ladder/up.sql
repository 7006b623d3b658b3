-- A plan's own reminder ladder ("-3,-1,0,+1,+3!"); NULL: the configured default.
ALTER TABLE plans ADD COLUMN reminder_ladder TEXT;
-- Who a reminder goes to ({"to": [...], "cc": [...]}), for the secretariat's reminder log.
-- Why a step was skipped is kept in last_error, beside the errors of failed sends.
ALTER TABLE reminders ADD COLUMN recipients TEXT NOT NULL DEFAULT '{}';
