-- Report rows are written a whole upload at a time, by COPY. PostgreSQL checks a foreign key
-- row by row (a query and a lock on the parent row for every row written): the two keys of
-- report_rows took two thirds of the time of storing a 100k-row upload (1.15 s of COPY
-- against 0.38 s without them, on the 2-core machine). The same two keys are enforced here
-- once per statement instead, over the rows the statement wrote (its transition table), with
-- the meaning the declared keys had:
--   * a row's submission must exist and a row's task, when it has one, must exist; the
--     parents are locked FOR KEY SHARE, as a key check locks them, so that they cannot be
--     deleted or re-keyed before the writing transaction ends;
--   * deleting a submission deletes its rows (ON DELETE CASCADE);
--   * a submission or task that rows refer to cannot be deleted or change its id (NO ACTION).
-- Violations raise SQLSTATE 23503 (foreign_key_violation), as a declared key does. TRUNCATE
-- fires no row or statement check: a TRUNCATE of submissions or tasks (which their other
-- keys only allow together with submission_files or task_assignments) must name
-- report_rows too.
-- SQLite keeps its declared keys: it checks them through an index lookup, at no extra cost.
--
-- The index on report_rows (task_id) goes, on both backends: rows are only ever read by
-- submission, and the index served the key's check when a task is deleted, which the
-- application never does (plans are re-imported in place). Keeping it up cost a sixth of
-- the COPY (0.40 s against 0.33 s per 100k rows). Deleting a task by hand now scans the
-- report rows once per task.

ALTER TABLE report_rows DROP CONSTRAINT report_rows_submission_id_fkey;
ALTER TABLE report_rows DROP CONSTRAINT report_rows_task_id_fkey;
DROP INDEX report_rows_task;

CREATE FUNCTION report_rows_check_parents() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted_submissions BIGINT[];
    wanted_tasks BIGINT[];
    found INTEGER;
BEGIN
    SELECT array_agg(DISTINCT submission_id),
           array_agg(DISTINCT task_id) FILTER (WHERE task_id IS NOT NULL)
      INTO wanted_submissions, wanted_tasks
      FROM written_rows;
    IF wanted_submissions IS NOT NULL THEN
        SELECT count(*) INTO found FROM (
            SELECT 1 FROM submissions WHERE id = ANY (wanted_submissions) FOR KEY SHARE
        ) locked;
        IF found <> cardinality(wanted_submissions) THEN
            RAISE EXCEPTION USING
                ERRCODE = 'foreign_key_violation',
                MESSAGE = 'report_rows refer to a submission that does not exist',
                TABLE = 'report_rows',
                CONSTRAINT = 'report_rows_submission_id_fkey';
        END IF;
    END IF;
    IF wanted_tasks IS NOT NULL THEN
        SELECT count(*) INTO found FROM (
            SELECT 1 FROM tasks WHERE id = ANY (wanted_tasks) FOR KEY SHARE
        ) locked;
        IF found <> cardinality(wanted_tasks) THEN
            RAISE EXCEPTION USING
                ERRCODE = 'foreign_key_violation',
                MESSAGE = 'report_rows refer to a task that does not exist',
                TABLE = 'report_rows',
                CONSTRAINT = 'report_rows_task_id_fkey';
        END IF;
    END IF;
    RETURN NULL;
END
$$;

-- A trigger with a transition table takes one event: one for INSERT (and COPY), one for UPDATE.
CREATE TRIGGER report_rows_parents_on_insert
    AFTER INSERT ON report_rows
    REFERENCING NEW TABLE AS written_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_rows_check_parents();
CREATE TRIGGER report_rows_parents_on_update
    AFTER UPDATE ON report_rows
    REFERENCING NEW TABLE AS written_rows
    FOR EACH STATEMENT EXECUTE FUNCTION report_rows_check_parents();

CREATE FUNCTION report_rows_delete_with_submissions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM report_rows WHERE submission_id IN (SELECT id FROM deleted_submissions);
    RETURN NULL;
END
$$;

CREATE TRIGGER submissions_delete_report_rows
    AFTER DELETE ON submissions
    REFERENCING OLD TABLE AS deleted_submissions
    FOR EACH STATEMENT EXECUTE FUNCTION report_rows_delete_with_submissions();

CREATE FUNCTION report_rows_keep_parent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM report_rows
         WHERE (TG_TABLE_NAME = 'submissions' AND submission_id = OLD.id)
            OR (TG_TABLE_NAME = 'tasks' AND task_id = OLD.id)
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'foreign_key_violation',
            MESSAGE = format('%s %s is still referred to by report_rows', TG_TABLE_NAME, OLD.id),
            TABLE = 'report_rows',
            CONSTRAINT = 'report_rows_' || CASE TG_TABLE_NAME
                WHEN 'submissions' THEN 'submission_id' ELSE 'task_id' END || '_fkey';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER submissions_rekey_keeps_report_rows
    AFTER UPDATE OF id ON submissions
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION report_rows_keep_parent();
CREATE TRIGGER tasks_delete_keeps_report_rows
    AFTER DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION report_rows_keep_parent();
CREATE TRIGGER tasks_rekey_keeps_report_rows
    AFTER UPDATE OF id ON tasks
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION report_rows_keep_parent();
