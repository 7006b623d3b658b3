CREATE INDEX report_rows_task ON report_rows (task_id);
