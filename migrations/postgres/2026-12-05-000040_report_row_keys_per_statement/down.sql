DROP TRIGGER tasks_rekey_keeps_report_rows ON tasks;
DROP TRIGGER tasks_delete_keeps_report_rows ON tasks;
DROP TRIGGER submissions_rekey_keeps_report_rows ON submissions;
DROP FUNCTION report_rows_keep_parent();
DROP TRIGGER submissions_delete_report_rows ON submissions;
DROP FUNCTION report_rows_delete_with_submissions();
DROP TRIGGER report_rows_parents_on_update ON report_rows;
DROP TRIGGER report_rows_parents_on_insert ON report_rows;
DROP FUNCTION report_rows_check_parents();
ALTER TABLE report_rows
    ADD CONSTRAINT report_rows_submission_id_fkey
        FOREIGN KEY (submission_id) REFERENCES submissions (id) ON DELETE CASCADE,
    ADD CONSTRAINT report_rows_task_id_fkey
        FOREIGN KEY (task_id) REFERENCES tasks (id);
CREATE INDEX report_rows_task ON report_rows (task_id);
