// One portable schema for both backends. It must match `migrations/sqlite` and
// `migrations/postgres`; `tests/schema_matches_migrations.rs` checks it against both.

diesel::table! {
    agencies (id) {
        id -> BigInt,
        province -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        kind -> Text,
        emails -> Text,
        head_email -> Nullable<Text>,
        active_from -> Nullable<Date>,
        active_to -> Nullable<Date>,
        successor_id -> Nullable<BigInt>,
        successor_from -> Nullable<Date>,
        confirmed -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    agency_aliases (id) {
        id -> BigInt,
        province -> Text,
        folded -> Text,
        written -> Text,
        agency_id -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        login -> Text,
        password_hash -> Text,
        display_name -> Text,
        role -> Text,
        agency_id -> Nullable<BigInt>,
        active -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    plans (id) {
        id -> BigInt,
        province -> Text,
        number -> Nullable<Text>,
        issued_on -> Nullable<Date>,
        title -> Text,
        report_rule -> Nullable<Text>,
        report_rules -> Text,
        status -> Text,
        source_file_name -> Nullable<Text>,
        created_at -> Timestamp,
        activated_at -> Nullable<Timestamp>,
        reminder_ladder -> Nullable<Text>,
    }
}

diesel::table! {
    task_groups (id) {
        id -> BigInt,
        plan_id -> BigInt,
        code -> Text,
        title -> Text,
        position -> Integer,
    }
}

diesel::table! {
    tasks (id) {
        id -> BigInt,
        plan_id -> BigInt,
        group_id -> Nullable<BigInt>,
        code -> Text,
        title -> Text,
        due_kind -> Text,
        due_end -> Nullable<Date>,
        due_text -> Text,
        kpi -> Text,
        position -> Integer,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    task_assignments (id) {
        id -> BigInt,
        task_id -> BigInt,
        agency_id -> BigInt,
        role -> Text,
    }
}

diesel::table! {
    reporting_periods (id) {
        id -> BigInt,
        plan_id -> BigInt,
        period -> Text,
        cutoff_start -> Date,
        cutoff_end -> Date,
        deadline -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    submissions (id) {
        id -> BigInt,
        plan_id -> BigInt,
        agency_id -> BigInt,
        period -> Text,
        version -> Integer,
        uploaded_by -> Nullable<BigInt>,
        uploaded_at -> Timestamp,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        outcome -> Text,
        outcome_message -> Nullable<Text>,
        findings -> Text,
    }
}

diesel::table! {
    submission_files (submission_id) {
        submission_id -> BigInt,
        bytes -> Binary,
    }
}

diesel::table! {
    report_rows (id) {
        id -> BigInt,
        submission_id -> BigInt,
        task_id -> Nullable<BigInt>,
        sheet -> Text,
        source_row -> Integer,
        status -> Nullable<Text>,
        progress_percent -> Nullable<Integer>,
        result -> Text,
        difficulties -> Text,
        proposals -> Text,
        match_method -> Nullable<Text>,
        match_score -> Nullable<Integer>,
    }
}

diesel::table! {
    reminders (id) {
        id -> BigInt,
        plan_id -> BigInt,
        agency_id -> BigInt,
        period -> Text,
        step -> Text,
        idempotency_key -> Text,
        state -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        due_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claimed_by -> Nullable<Text>,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        recipients -> Text,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        user_id -> Nullable<BigInt>,
        actor -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        detail -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        token_hash -> Text,
        user_id -> BigInt,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        login -> Text,
        address -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        prefix -> Text,
        user_id -> BigInt,
        name -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    plan_imports (plan_id) {
        plan_id -> BigInt,
        source_file_name -> Text,
        findings -> Text,
        imported_by -> Nullable<BigInt>,
        imported_at -> Timestamp,
    }
}

diesel::joinable!(agency_aliases -> agencies (agency_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(task_groups -> plans (plan_id));
diesel::joinable!(tasks -> plans (plan_id));
diesel::joinable!(tasks -> task_groups (group_id));
diesel::joinable!(task_assignments -> tasks (task_id));
diesel::joinable!(task_assignments -> agencies (agency_id));
diesel::joinable!(reporting_periods -> plans (plan_id));
diesel::joinable!(submissions -> plans (plan_id));
diesel::joinable!(submissions -> agencies (agency_id));
diesel::joinable!(submissions -> users (uploaded_by));
diesel::joinable!(submission_files -> submissions (submission_id));
diesel::joinable!(report_rows -> submissions (submission_id));
diesel::joinable!(report_rows -> tasks (task_id));
diesel::joinable!(reminders -> plans (plan_id));
diesel::joinable!(reminders -> agencies (agency_id));
diesel::joinable!(audit_log -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(plan_imports -> plans (plan_id));
diesel::joinable!(plan_imports -> users (imported_by));

diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    agency_aliases,
    users,
    plans,
    task_groups,
    tasks,
    task_assignments,
    reporting_periods,
    submissions,
    submission_files,
    report_rows,
    reminders,
    audit_log,
    sessions,
    login_failures,
    api_tokens,
    plan_imports,
);
