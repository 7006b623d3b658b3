//! The real application on a free port, against a fresh database on each backend.

mod common;

use common::{TestApp, TestDb};

on_both_backends! {
    health_and_readiness => health_and_readiness;
    home_page_lists_the_demo_plan => home_page_lists_the_demo_plan;
    unknown_paths_are_404 => unknown_paths_are_404;
}

fn health_and_readiness(db: TestDb) {
    let app = TestApp::spawn(db.config());
    let health = app.get("/healthz");
    assert_eq!(health.status(), 200);
    let ready = app.get("/readyz");
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = serde_json::from_str(&ready.into_string().unwrap()).unwrap();
    assert_eq!(body["status"], "ready");
    let expected = match db.backend {
        common::Backend::Sqlite => "SQLite",
        common::Backend::Postgres => "PostgreSQL",
    };
    assert_eq!(body["database"], expected);
}

fn home_page_lists_the_demo_plan(db: TestDb) {
    let app = TestApp::spawn(db.config());
    let before = app.get("/").into_string().unwrap();
    assert!(before.contains("Chưa có kế hoạch nào"), "{before}");
    tonghop::demo::load(&mut app.db.get().unwrap()).unwrap();
    let response = app.get("/");
    assert_eq!(response.status(), 200);
    assert!(response.content_type().starts_with("text/html"));
    let page = response.into_string().unwrap();
    assert!(page.contains("13/KH-UBND"), "{page}");
    assert!(page.contains("Trà Vinh"));
    assert!(page.contains("lang=\"vi\""));
}

fn unknown_paths_are_404(db: TestDb) {
    let app = TestApp::spawn(db.config());
    assert_eq!(app.get("/khong-co").status(), 404);
}

on_both_backends! {
    readiness_fails_while_migrations_are_pending => readiness_fails_while_migrations_are_pending;
}

fn readiness_fails_while_migrations_are_pending(db: TestDb) {
    use diesel::connection::SimpleConnection;
    let app = TestApp::spawn(db.config());
    assert_eq!(app.get("/readyz").status(), 200);
    tonghop::with_backend!(&mut *app.db.get().unwrap(), |c| {
        c.batch_execute("DELETE FROM __diesel_schema_migrations")
            .unwrap()
    });
    let response = app.get("/readyz");
    assert_eq!(response.status(), 503);
    let body = response.into_string().unwrap();
    assert!(body.contains("tonghop migrate"), "{body}");
    assert_eq!(
        app.get("/healthz").status(),
        200,
        "liveness does not depend on the database"
    );
}
