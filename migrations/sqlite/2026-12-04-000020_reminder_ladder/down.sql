ALTER TABLE reminders DROP COLUMN recipients;
ALTER TABLE plans DROP COLUMN reminder_ladder;
