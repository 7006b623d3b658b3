//! Test harness: a fresh database per test (a temporary SQLite file, or a new PostgreSQL
//! database that is dropped afterwards) and the real application booted on a free port.
//!
//! PostgreSQL tests use `TONGHOP_TEST_POSTGRES_URL` (a URL with rights to create
//! databases, e.g. `postgres://postgres@127.0.0.1:5432/postgres`). Outside CI a test skips
//! with a printed reason when it is unset; with `CI=true` a missing PostgreSQL fails.

#![allow(dead_code)]

use std::{
    sync::atomic::{AtomicU32, Ordering},
    sync::mpsc,
    thread,
    time::Duration,
};

use diesel::{connection::SimpleConnection, Connection, PgConnection};
use tonghop::{app::Application, config::Config, db::Db};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| v == "true" || v == "1")
        .unwrap_or(false)
}

impl TestDb {
    pub fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite()),
            Backend::Postgres => TestDb::postgres(),
        }
    }

    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("tonghop.db").display());
        TestDb {
            backend: Backend::Sqlite,
            url,
            dir,
            pg: None,
        }
    }

    /// A new, empty PostgreSQL database; None (with a printed reason) when PostgreSQL is not
    /// configured outside CI.
    pub fn postgres() -> Option<TestDb> {
        let admin_url = match std::env::var("TONGHOP_TEST_POSTGRES_URL") {
            Ok(url) if !url.is_empty() => url,
            _ if in_ci() => panic!(
                "CI=true but TONGHOP_TEST_POSTGRES_URL is not set: PostgreSQL tests must run in CI"
            ),
            _ => {
                eprintln!("skipped: TONGHOP_TEST_POSTGRES_URL is not set, so the PostgreSQL variant of this test did not run");
                return None;
            }
        };
        let name = format!(
            "tonghop_test_{}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let mut admin = PgConnection::establish(&admin_url)
            .unwrap_or_else(|e| panic!("cannot connect to TONGHOP_TEST_POSTGRES_URL: {e}"));
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create test database");
        let url = replace_database(&admin_url, &name);
        let dir = tempfile::tempdir().expect("temporary directory");
        Some(TestDb {
            backend: Backend::Postgres,
            url,
            dir,
            pg: Some((admin_url, name)),
        })
    }

    /// A configuration for the application on this database, listening on a free port.
    pub fn config(&self) -> Config {
        let mut config = Config::default();
        config.database.url = Some(self.url.clone());
        config.database.pool_size = 4;
        config.server.listen = "127.0.0.1:0".into();
        config.server.workers = Some(2);
        config.storage.data_dir = self.dir.path().join("data");
        config.log.filter = "warn".into();
        config
    }

    /// A connection pool on this database, migrated.
    pub fn open(&self) -> Db {
        tonghop::app::open_database(&self.config()).expect("open test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg {
            if let Ok(mut admin) = PgConnection::establish(admin_url) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// Replaces the database name in a PostgreSQL URL, keeping the query string.
pub fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// The real application, running in its own thread and actix system until dropped.
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: Db,
    handle: actix_web::dev::ServerHandle,
    thread: Option<thread::JoinHandle<()>>,
}

impl TestApp {
    pub fn spawn(config: Config) -> TestApp {
        let (tx, rx) = mpsc::channel();
        let thread = thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                match Application::build(config) {
                    Ok(app) => {
                        tx.send(Ok((app.port(), app.db().clone(), app.handle())))
                            .unwrap();
                        app.run_until_stopped().await.expect("server ran");
                    }
                    Err(e) => tx.send(Err(e.to_string())).unwrap(),
                }
            })
        });
        let (port, db, handle) = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("application started in time")
            .unwrap_or_else(|e| panic!("application failed to start: {e}"));
        TestApp {
            address: format!("http://127.0.0.1:{port}"),
            port,
            db,
            handle,
            thread: Some(thread),
        }
    }

    pub fn get(&self, path: &str) -> ureq::Response {
        match ureq::get(&format!("{}{path}", self.address))
            .timeout(Duration::from_secs(30))
            .call()
        {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(e) => panic!("GET {path}: {e}"),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let stop = self.handle.stop(true);
        actix_web::rt::System::new().block_on(stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Declares one test per backend: `mod NAME { fn sqlite(); fn postgres(); }`, both calling
/// `BODY(TestDb)`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident => $body:ident;)+) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    let db = $crate::common::TestDb::new($crate::common::Backend::Sqlite).unwrap();
                    super::$body(db);
                }
                #[test]
                fn postgres() {
                    if let Some(db) = $crate::common::TestDb::new($crate::common::Backend::Postgres) {
                        super::$body(db);
                    }
                }
            }
        )+
    };
}
