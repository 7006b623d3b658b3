//! Repository functions against a real database, on both backends.

mod common;

use common::TestDb;
use tonghop::{
    db::{agencies, plans, submissions, users},
    demo,
    ingest::pipeline,
};

on_both_backends! {
    demo_loads_once_with_every_part => demo_loads_once_with_every_part;
    originals_are_kept_byte_for_byte_and_versioned => originals_are_kept_byte_for_byte_and_versioned;
    agencies_resolve_by_any_spelling => agencies_resolve_by_any_spelling;
    unknown_agencies_in_a_plan_become_unconfirmed_with_a_finding => unknown_agencies_in_a_plan_become_unconfirmed_with_a_finding;
    concurrent_uploads_are_each_stored_once => concurrent_uploads_are_each_stored_once;
    report_rows_are_stored_whole_across_insert_chunks => report_rows_are_stored_whole_across_insert_chunks;
    report_rows_keep_their_keys => report_rows_keep_their_keys;
    rows_of_uploads_left_unfinished_are_swept => rows_of_uploads_left_unfinished_are_swept;
}

fn demo_loads_once_with_every_part(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let first = demo::load(&mut conn).unwrap();
    assert!(!first.already_loaded);
    assert!(
        first.agencies >= 20,
        "a province's agencies: {}",
        first.agencies
    );
    assert_eq!(first.tasks, 12);
    assert!(first.submissions > 10);
    let second = demo::load(&mut conn).unwrap();
    assert!(second.already_loaded);
    assert_eq!(second.plan_id, first.plan_id);

    let plan = plans::find(&mut conn, "13/KH-UBND").unwrap();
    assert_eq!(plan.province, "Trà Vinh");
    assert_eq!(plan.status, "active");
    assert_eq!(plans::tasks_of(&mut conn, plan.id).unwrap().len(), 12);
    assert_eq!(
        tonghop::db::periods::list(&mut conn, plan.id)
            .unwrap()
            .len(),
        3
    );
    for account in &demo::DEMO_ACCOUNTS {
        let user = users::find_by_login(&mut conn, account.login)
            .unwrap()
            .unwrap();
        assert!(users::verify_password(
            &user.password_hash,
            account.password
        ));
        assert_eq!(user.role(), Some(account.role));
        assert_eq!(user.agency_id.is_some(), account.agency.is_some());
    }
    let listed = submissions::list_for_period(&mut conn, plan.id, "2022-11").unwrap();
    assert!(!listed.is_empty());
    let rows = submissions::rows_of(&mut conn, listed[0].id).unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.task_id.is_some()));
}

fn originals_are_kept_byte_for_byte_and_versioned(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let (plan, agency) = demo_plan_and_agency(&mut conn);
    // Every byte value, a NUL in the middle, and non-UTF-8 sequences.
    let bytes: Vec<u8> = (0..=255u8).chain([0, 0xff, 0xfe, 0x00, 0xc3]).collect();
    let new = |bytes: &'static [u8]| submissions::NewSubmission {
        plan_id: plan.id,
        agency_id: agency.id,
        period: "2022-12",
        uploaded_by: None,
        file_name: "BC Sở Y tế T12.xlsx",
        content_type: "application/octet-stream",
        bytes,
    };
    let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
    let first = submissions::store_original(&mut conn, &new(bytes)).unwrap();
    assert_eq!((first.version, first.duplicate), (1, false));
    assert_eq!(first.sha256, submissions::sha256_hex(bytes));
    assert_eq!(
        submissions::original_bytes(&mut conn, first.id).unwrap(),
        bytes
    );

    let again = submissions::store_original(&mut conn, &new(bytes)).unwrap();
    assert!(again.duplicate);
    assert_eq!(again.id, first.id);

    let second = submissions::store_original(&mut conn, &new(b"phien ban 2")).unwrap();
    assert_eq!((second.version, second.duplicate), (2, false));
    assert_eq!(
        submissions::original_bytes(&mut conn, second.id).unwrap(),
        b"phien ban 2"
    );
    assert_eq!(
        submissions::original_bytes(&mut conn, first.id).unwrap(),
        bytes,
        "earlier versions stay"
    );
    let stored = submissions::get(&mut conn, second.id).unwrap();
    assert_eq!(stored.file_name, "BC Sở Y tế T12.xlsx");
    assert_eq!(stored.size_bytes, 11);
}

fn agencies_resolve_by_any_spelling(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    demo::load(&mut conn).unwrap();
    let canonical =
        agencies::find_by_spelling(&mut conn, "Trà Vinh", "Sở Thông tin và Truyền thông")
            .unwrap()
            .unwrap();
    for spelling in [
        "SỞ THÔNG TIN VÀ TRUYỀN THÔNG",
        "so thong tin va truyen thong",
        "Sở TT&TT",
        "STTTT",
    ] {
        let found = agencies::find_by_spelling(&mut conn, "Trà Vinh", spelling).unwrap();
        assert_eq!(found.map(|a| a.id), Some(canonical.id), "{spelling}");
    }
    assert!(
        agencies::find_by_spelling(&mut conn, "Bắc Giang", "Sở TT&TT")
            .unwrap()
            .is_none()
    );
    // The 2025 merger: the old department points at its successor.
    let successor =
        agencies::get(&mut conn, canonical.successor_id.expect("merged in 2025")).unwrap();
    assert_eq!(successor.name, "Sở Khoa học và Công nghệ");
    assert_eq!(canonical.successor_from.unwrap().to_string(), "2025-03-01");
}

fn unknown_agencies_in_a_plan_become_unconfirmed_with_a_finding(db: TestDb) {
    use tonghop::domain::{due::Due, plan::*};
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let draft = PlanDraft {
        plan: PlanHeader {
            province: Some("Khánh Hòa".into()),
            number: Some("99/KH-UBND".into()),
            title: "Thử".into(),
            ..PlanHeader::default()
        },
        tasks: vec![TaskDraft {
            code: "1".into(),
            title: "Nhiệm vụ thử".into(),
            group: String::new(),
            lead: vec!["Ban Quản lý dự án Chuyển đổi số".into()],
            coordinating: vec![],
            due: Due::unspecified(""),
            kpi: vec![],
        }],
        findings: vec![],
    };
    let stored = plans::store_draft(&mut conn, &draft, None, false).unwrap();
    assert_eq!(stored.findings.len(), 1);
    assert!(stored.findings[0].message.contains("chờ xác nhận"));
    let agency =
        agencies::find_by_spelling(&mut conn, "Khánh Hòa", "Ban quản lý dự án chuyển đổi số")
            .unwrap()
            .unwrap();
    assert!(!agency.confirmed);
    let tasks = plans::tasks_of_agency(&mut conn, stored.plan_id, agency.id).unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].1, "lead");
}

fn concurrent_uploads_are_each_stored_once(db: TestDb) {
    let pool = db.open();
    demo::load(&mut pool.get().unwrap()).unwrap();
    let plan = plans::find(&mut pool.get().unwrap(), "13/KH-UBND").unwrap();
    let agency = agencies::find_by_spelling(&mut pool.get().unwrap(), "Trà Vinh", "Công an tỉnh")
        .unwrap()
        .unwrap();
    // Four clerks' browsers at once, all for the same agency and period: every distinct
    // file becomes its own version, none is lost, none is counted twice.
    std::thread::scope(|scope| {
        for t in 0..4 {
            let pool = pool.clone();
            scope.spawn(move || {
                let mut conn = pool.get().unwrap();
                for i in 0..10 {
                    let bytes = format!("tệp {t}-{i}").into_bytes();
                    submissions::store_original(
                        &mut conn,
                        &submissions::NewSubmission {
                            plan_id: plan.id,
                            agency_id: agency.id,
                            period: "2023-01",
                            uploaded_by: None,
                            file_name: "bc.xlsx",
                            content_type: "application/octet-stream",
                            bytes: &bytes,
                        },
                    )
                    .unwrap();
                }
            });
        }
    });
    let stored =
        submissions::list_for_period(&mut pool.get().unwrap(), plan.id, "2023-01").unwrap();
    assert_eq!(stored.len(), 40);
    let mut versions: Vec<i32> = stored.iter().map(|s| s.version).collect();
    versions.sort_unstable();
    assert_eq!(versions, (1..=40).collect::<Vec<_>>());
}

/// SQLite stores rows in multi-row INSERTs of fixed sizes (90, then 64, 32, …, 1 rows),
/// each statement prepared once and reused; PostgreSQL COPYs them. Either way every row
/// comes back whole and in order, also the second time the reused statement runs.
fn report_rows_are_stored_whole_across_insert_chunks(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let (plan, agency) = demo_plan_and_agency(&mut conn);
    let task_ids: Vec<i64> = plans::tasks_of(&mut conn, plan.id)
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    for (period, count) in [("2023-05", 181usize), ("2023-06", 257)] {
        let stored_id = store_submission(&mut conn, plan.id, agency.id, period);
        let rows: Vec<submissions::NewReportRow> = (0..count)
            .map(|i| submissions::NewReportRow {
                submission_id: stored_id,
                task_id: (i % 4 != 3).then(|| task_ids[i % task_ids.len()]),
                sheet: "Báo cáo".into(),
                source_row: 6 + i as i32,
                status: (i % 2 == 0).then(|| "in_progress".into()),
                progress_percent: (i % 3 == 0).then_some((i % 101) as i32),
                result: format!("Kết quả dòng {i}"),
                difficulties: if i % 5 == 0 {
                    "Thiếu kinh phí".into()
                } else {
                    String::new()
                },
                proposals: String::new(),
                match_method: Some("code".into()),
                match_score: Some(i as i32),
            })
            .collect();
        submissions::insert_rows(&mut conn, &rows).unwrap();
        let back = submissions::rows_of(&mut conn, stored_id).unwrap();
        assert_eq!(back.len(), count);
        for (want, got) in rows.iter().zip(&back) {
            assert_eq!(
                (
                    got.task_id,
                    got.source_row,
                    &got.status,
                    got.progress_percent,
                    &got.result,
                    &got.difficulties,
                    got.match_score
                ),
                (
                    want.task_id,
                    want.source_row,
                    &want.status,
                    want.progress_percent,
                    &want.result,
                    &want.difficulties,
                    want.match_score
                )
            );
        }
    }
}

/// Report rows refer to their submission and task as foreign keys do, whether the database
/// declares the keys (SQLite) or checks them once per statement (PostgreSQL, whose per-row
/// key checks made COPY three times slower): a row of a missing submission or task is
/// refused with the key's error and nothing of its statement is kept; deleting a submission
/// deletes its rows; a task or submission that rows refer to cannot be deleted or re-keyed.
fn report_rows_keep_their_keys(db: TestDb) {
    use diesel::{
        result::{DatabaseErrorKind, Error as DieselError},
        RunQueryDsl,
    };
    use tonghop::{db::DbConnection, error::AppError};

    fn is_key_violation(result: Result<impl std::fmt::Debug, AppError>) -> bool {
        matches!(
            result,
            Err(AppError::Database(DieselError::DatabaseError(
                DatabaseErrorKind::ForeignKeyViolation,
                _
            )))
        )
    }
    fn sql(conn: &mut DbConnection, statement: &str) -> Result<usize, AppError> {
        tonghop::with_backend!(conn, |c| { diesel::sql_query(statement).execute(c) })
            .map_err(AppError::from)
    }
    fn count_rows(conn: &mut DbConnection) -> i64 {
        use diesel::QueryDsl;
        use tonghop::db::schema::report_rows;
        tonghop::with_backend!(conn, |c| { report_rows::table.count().get_result(c) }).unwrap()
    }

    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let (plan, agency) = demo_plan_and_agency(&mut conn);
    let tasks = plans::tasks_of(&mut conn, plan.id).unwrap();
    let demo_rows = count_rows(&mut conn);
    let kept = store_submission(&mut conn, plan.id, agency.id, "2023-05");
    let dropped = store_submission(&mut conn, plan.id, agency.id, "2023-06");
    let good = [report_row(kept, Some(tasks[0].id)), report_row(kept, None)];
    submissions::insert_rows(&mut conn, &good).unwrap();
    submissions::insert_rows(&mut conn, &[report_row(dropped, Some(tasks[1].id))]).unwrap();
    assert_eq!(count_rows(&mut conn), demo_rows + 3);

    let missing = i64::MAX - 7;
    for bad in [
        vec![
            report_row(kept, Some(tasks[0].id)),
            report_row(missing, None),
        ],
        vec![report_row(kept, None), report_row(kept, Some(missing))],
    ] {
        let refused = submissions::insert_rows(&mut conn, &bad);
        assert!(is_key_violation(refused), "{bad:?}");
        assert_eq!(
            count_rows(&mut conn),
            demo_rows + 3,
            "nothing of a refused statement is kept"
        );
    }
    let moved = sql(
        &mut conn,
        &format!("UPDATE report_rows SET task_id = {missing} WHERE submission_id = {kept}"),
    );
    assert!(is_key_violation(moved));

    let task_in_use = sql(
        &mut conn,
        &format!("DELETE FROM tasks WHERE id = {}", tasks[0].id),
    );
    assert!(is_key_violation(task_in_use));
    // The other keys on these parents would refuse a new id on their own: drop what they
    // guard, so that only the report rows stand in the way.
    sql(
        &mut conn,
        &format!(
            "DELETE FROM task_assignments WHERE task_id = {}",
            tasks[1].id
        ),
    )
    .unwrap();
    sql(
        &mut conn,
        &format!("DELETE FROM submission_files WHERE submission_id = {kept}"),
    )
    .unwrap();
    let task_rekeyed = sql(
        &mut conn,
        &format!("UPDATE tasks SET id = {missing} WHERE id = {}", tasks[1].id),
    );
    assert!(is_key_violation(task_rekeyed));
    let submission_rekeyed = sql(
        &mut conn,
        &format!("UPDATE submissions SET id = {missing} WHERE id = {kept}"),
    );
    assert!(is_key_violation(submission_rekeyed));

    sql(
        &mut conn,
        &format!("DELETE FROM submissions WHERE id = {dropped}"),
    )
    .unwrap();
    assert_eq!(
        count_rows(&mut conn),
        demo_rows + 2,
        "a submission's rows go with it"
    );
    assert_eq!(submissions::rows_of(&mut conn, kept).unwrap().len(), 2);
}

/// Rows stored as an upload was read count only once it is processed; those of an upload
/// the process left `received` long ago are swept when a process that stores uploads opens
/// the database, and nothing else is.
fn rows_of_uploads_left_unfinished_are_swept(db: TestDb) {
    let pool = db.open();
    let mut conn = pool.get().unwrap();
    let (plan, agency) = demo_plan_and_agency(&mut conn);
    let long_ago = tonghop::db::now_utc() - chrono::TimeDelta::hours(3);
    let abandoned = store_submission(&mut conn, plan.id, agency.id, "2023-05");
    submissions::set_uploaded_at(&mut conn, abandoned, long_ago).unwrap();
    let reading = store_submission(&mut conn, plan.id, agency.id, "2023-06");
    let processed = store_submission(&mut conn, plan.id, agency.id, "2023-07");
    submissions::set_uploaded_at(&mut conn, processed, long_ago).unwrap();
    submissions::set_outcome(&mut conn, processed, "processed", None, "[]").unwrap();
    for id in [abandoned, reading, processed] {
        submissions::insert_rows(&mut conn, &[report_row(id, None), report_row(id, None)]).unwrap();
    }
    let shown = |conn: &mut tonghop::db::DbConnection, id: i64| {
        let submission = submissions::get(conn, id).unwrap();
        submissions::processed_rows_of(conn, &submission)
            .unwrap()
            .len()
    };
    assert_eq!(shown(&mut conn, reading), 0, "not processed yet");
    assert_eq!(shown(&mut conn, processed), 2);

    // Opening the database to read leaves them; a process that stores uploads (the
    // service, `tonghop ingest`, `tonghop ingest-dir`) sweeps them as it opens it.
    tonghop::app::open_database(&db.config()).unwrap();
    assert_eq!(submissions::rows_of(&mut conn, abandoned).unwrap().len(), 2);
    tonghop::app::open_database_for_uploads(&db.config()).unwrap();
    assert_eq!(submissions::rows_of(&mut conn, abandoned).unwrap().len(), 0);
    assert_eq!(submissions::rows_of(&mut conn, reading).unwrap().len(), 2);
    assert_eq!(submissions::rows_of(&mut conn, processed).unwrap().len(), 2);
    assert_eq!(pipeline::sweep_abandoned_rows(&mut conn).unwrap(), 0);
}

/// The demo data loaded: its plan and one of its agencies (Sở Y tế).
fn demo_plan_and_agency(
    conn: &mut tonghop::db::DbConnection,
) -> (tonghop::db::plans::Plan, tonghop::db::agencies::Agency) {
    demo::load(conn).unwrap();
    let plan = plans::find(conn, "13/KH-UBND").unwrap();
    let agency = agencies::find_by_spelling(conn, "Trà Vinh", "Sở Y tế")
        .unwrap()
        .unwrap();
    (plan, agency)
}

/// A report row of `submission_id` on `task_id`.
fn report_row(submission_id: i64, task_id: Option<i64>) -> submissions::NewReportRow {
    submissions::NewReportRow {
        submission_id,
        task_id,
        sheet: "Báo cáo".into(),
        source_row: 6,
        status: None,
        progress_percent: None,
        result: "Kết quả".into(),
        difficulties: String::new(),
        proposals: String::new(),
        match_method: None,
        match_score: None,
    }
}

/// A new submission of `period` whose original is the period's text: its id.
fn store_submission(
    conn: &mut tonghop::db::DbConnection,
    plan_id: i64,
    agency_id: i64,
    period: &str,
) -> i64 {
    submissions::store_original(
        conn,
        &submissions::NewSubmission {
            plan_id,
            agency_id,
            period,
            uploaded_by: None,
            file_name: "bc.xlsx",
            content_type: "application/octet-stream",
            bytes: period.as_bytes(),
        },
    )
    .unwrap()
    .id
}
