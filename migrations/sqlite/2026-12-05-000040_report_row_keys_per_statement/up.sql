-- PostgreSQL enforces report_rows' two foreign keys once per statement from this migration
-- on (see its up.sql); SQLite keeps the declared keys, whose check is an index lookup.
-- The index on report_rows (task_id) goes on both backends: rows are only ever read by
-- submission, and the index served only the key's check when a task is deleted, which the
-- application never does. Deleting a task by hand now scans the report rows.
DROP INDEX report_rows_task;
