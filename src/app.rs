//! Building and running the application: database, migrations, HTTP server.
//!
//! [`Application::build`] binds the listener and returns the port it got, so tests can ask
//! for port 0 and boot the real application beside each other.

use std::{net::TcpListener, path::Path};

use actix_web::{dev::Server, middleware, web, App, HttpServer};

use crate::{
    config::Config,
    db::{migrations, Db},
    error::{AppError, AppResult},
    web::{routes, AppState, RequestLog},
};

pub struct Application {
    port: u16,
    server: Server,
    db: Db,
}

impl Application {
    /// Opens the database (running pending migrations), binds the listen address and
    /// prepares the server. Must be called inside an actix system.
    pub fn build(config: Config) -> AppResult<Application> {
        let db = open_database_for_uploads(&config)?;
        let addr = config.listen_addr()?;
        let listener = TcpListener::bind(addr).map_err(|e| {
            AppError::Config(format!(
                "không mở được cổng {addr}: {e} (cổng đã bị dùng hoặc không có quyền)"
            ))
        })?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(AppState::new(db.clone(), config.clone()));
        let max_bytes = config.upload.max_bytes;
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(max_bytes))
                .wrap(middleware::Compress::default())
                .wrap(RequestLog)
                .configure(routes)
        })
        .shutdown_timeout(10);
        if let Some(workers) = config.server.workers {
            server = server.workers(workers.max(1));
        }
        let server = server.listen(listener)?.run();
        Ok(Application { port, server, db })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn db(&self) -> &Db {
        &self.db
    }

    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT/SIGTERM (graceful: in-flight requests finish) or `handle().stop()`.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Checks the data directory, connects, and applies pending migrations.
pub fn open_database(config: &Config) -> AppResult<Db> {
    ensure_data_dir(&config.storage.data_dir)?;
    let db = Db::connect(&config.database_url(), config.database.pool_size)?;
    let applied = migrations::run_pending(&mut *db.get()?)?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied database migrations");
    }
    Ok(db)
}

/// [`open_database`] for a process that stores uploads (the service, `tonghop ingest`,
/// `tonghop ingest-dir`): also deletes the rows that uploads a crash left unfinished had
/// stored as they read ([`crate::ingest::pipeline::sweep_abandoned_rows`]).
pub fn open_database_for_uploads(config: &Config) -> AppResult<Db> {
    let db = open_database(config)?;
    let swept = crate::ingest::pipeline::sweep_abandoned_rows(&mut *db.get()?)?;
    if swept > 0 {
        tracing::info!(rows = swept, "deleted the rows of uploads left unfinished");
    }
    Ok(db)
}

/// The data directory must exist (it is created) and be writable.
pub fn ensure_data_dir(dir: &Path) -> AppResult<()> {
    let fail = |detail: String| AppError::DataDir {
        path: dir.display().to_string(),
        detail,
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
    let probe = dir.join(format!(".tonghop-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"ok").map_err(|e| fail(format!("không ghi được ({e})")))?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}
