-- tonghop initial schema. Portable types only (Diesel MultiConnection): BIGINT ids, TEXT,
-- INTEGER, BOOLEAN, DATE, TIMESTAMP (always UTC), BLOB for original file bytes.
-- JSON values (reporting rules, KPI targets, findings, emails) are stored as TEXT.

CREATE TABLE agencies (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    province TEXT NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT,
    kind TEXT NOT NULL,
    emails TEXT NOT NULL DEFAULT '[]',
    head_email TEXT,
    active_from DATE,
    active_to DATE,
    successor_id BIGINT REFERENCES agencies (id) ON DELETE SET NULL,
    successor_from DATE,
    confirmed BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (province, name)
);

CREATE TABLE agency_aliases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    province TEXT NOT NULL,
    folded TEXT NOT NULL,
    written TEXT NOT NULL,
    agency_id BIGINT NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
    UNIQUE (province, folded)
);
CREATE INDEX agency_aliases_agency ON agency_aliases (agency_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('clerk', 'secretariat', 'admin')),
    agency_id BIGINT REFERENCES agencies (id),
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    CHECK (role <> 'clerk' OR agency_id IS NOT NULL)
);

CREATE TABLE plans (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    province TEXT NOT NULL,
    number TEXT,
    issued_on DATE,
    title TEXT NOT NULL,
    report_rule TEXT,
    report_rules TEXT NOT NULL DEFAULT '[]',
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
    source_file_name TEXT,
    created_at TIMESTAMP NOT NULL,
    activated_at TIMESTAMP,
    UNIQUE (province, number)
);

CREATE TABLE task_groups (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (plan_id, code)
);

CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    group_id BIGINT REFERENCES task_groups (id) ON DELETE SET NULL,
    code TEXT NOT NULL,
    title TEXT NOT NULL,
    due_kind TEXT NOT NULL,
    due_end DATE,
    due_text TEXT NOT NULL,
    kpi TEXT NOT NULL DEFAULT '[]',
    position INTEGER NOT NULL,
    retired_at TIMESTAMP,
    UNIQUE (plan_id, code)
);
CREATE INDEX tasks_group ON tasks (group_id);

CREATE TABLE task_assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id BIGINT NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    role TEXT NOT NULL CHECK (role IN ('lead', 'coordinating')),
    UNIQUE (task_id, agency_id)
);
CREATE INDEX task_assignments_agency ON task_assignments (agency_id);

CREATE TABLE reporting_periods (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    cutoff_start DATE NOT NULL,
    cutoff_end DATE NOT NULL,
    deadline TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (plan_id, period)
);

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES plans (id),
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    period TEXT NOT NULL,
    version INTEGER NOT NULL,
    uploaded_by BIGINT REFERENCES users (id),
    uploaded_at TIMESTAMP NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'received' CHECK (outcome IN ('received', 'processed', 'rejected')),
    outcome_message TEXT,
    findings TEXT NOT NULL DEFAULT '[]',
    UNIQUE (plan_id, agency_id, period, version)
);
CREATE INDEX submissions_period ON submissions (plan_id, period);
CREATE INDEX submissions_sha256 ON submissions (sha256);

-- The original bytes live beside the submission, one to one, so that listing submissions
-- never drags file contents along.
CREATE TABLE submission_files (
    submission_id BIGINT PRIMARY KEY REFERENCES submissions (id) ON DELETE CASCADE,
    bytes BLOB NOT NULL
);

CREATE TABLE report_rows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id BIGINT NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
    task_id BIGINT REFERENCES tasks (id),
    sheet TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    status TEXT CHECK (status IN ('done', 'in_progress', 'not_started', 'ongoing')),
    progress_percent INTEGER,
    result TEXT NOT NULL DEFAULT '',
    difficulties TEXT NOT NULL DEFAULT '',
    proposals TEXT NOT NULL DEFAULT '',
    match_method TEXT CHECK (match_method IN ('code', 'text')),
    match_score INTEGER
);
CREATE INDEX report_rows_submission ON report_rows (submission_id);
CREATE INDEX report_rows_task ON report_rows (task_id);

CREATE TABLE reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    plan_id BIGINT NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    agency_id BIGINT NOT NULL REFERENCES agencies (id),
    period TEXT NOT NULL,
    step TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL DEFAULT 'planned' CHECK (state IN ('planned', 'sending', 'sent', 'failed', 'skipped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    due_at TIMESTAMP NOT NULL,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_by TEXT,
    claimed_until TIMESTAMP,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reminders_pending ON reminders (state, next_attempt_at);
CREATE INDEX reminders_agency_period ON reminders (plan_id, agency_id, period);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    user_id BIGINT REFERENCES users (id),
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id TEXT,
    detail TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
