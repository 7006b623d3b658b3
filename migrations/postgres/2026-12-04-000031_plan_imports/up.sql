-- A plan imported through the administrators' page keeps what the importer found, so the
-- draft's review page can list those findings until (and after) the plan is activated.
CREATE TABLE plan_imports (
    plan_id BIGINT PRIMARY KEY REFERENCES plans (id) ON DELETE CASCADE,
    source_file_name TEXT NOT NULL,
    findings TEXT NOT NULL,
    imported_by BIGINT REFERENCES users (id),
    imported_at TIMESTAMP NOT NULL
);
