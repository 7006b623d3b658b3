//! Load benchmark of the deadline-day spike: many clients uploading typical monthly reports
//! at once through the real HTTP upload (`POST /api/v1/submissions` with each agency clerk's
//! API token), against the real application booted on a free port.
//!
//! `cargo bench --bench upload_load` runs it on SQLite (a temporary file) and, when
//! `TONGHOP_BENCH_POSTGRES_URL` or `TONGHOP_TEST_POSTGRES_URL` is set (a URL allowed to
//! create databases), on PostgreSQL too. The application runs with its production defaults
//! (pool of 8 connections, one HTTP worker per core, the isolated reader process per upload).
//!
//! Every upload is a distinct generated workbook ([`tonghop::bench::generate_report`], the
//! generator of `tonghop bench ingest`) for its own (agency, period), as when a province's
//! agencies each send their month. Printed: uploads per second, latency percentiles, errors;
//! then a verification that every original is stored byte-identical (bytes and SHA-256 in
//! `submission_files`/`submissions`) and counted exactly once. Goals of issue 8: ≥ 100
//! uploads/s on 2 cores, p99 ≤ 1 s, zero errors.
//!
//! Knobs: `TONGHOP_BENCH_CLIENTS` (100), `TONGHOP_BENCH_UPLOADS` per client (5),
//! `TONGHOP_BENCH_ROWS` per report (150).

#[path = "../tests/common/mod.rs"]
mod common;

use std::{
    collections::HashSet,
    io::Read,
    path::PathBuf,
    sync::{Arc, Barrier},
    time::{Duration, Instant},
};

use common::{Backend, TestApp, TestDb};
use diesel::prelude::*;
use tonghop::{
    config::Config,
    db::{
        agencies, api_tokens, plans,
        schema::{submission_files, submissions},
        submissions::sha256_hex,
        users::{self, Role},
    },
    demo,
};

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&v| v > 0)
        .unwrap_or(default)
}

/// One planned upload.
struct Job {
    token: usize,
    agency_id: i64,
    period: String,
    bytes: Vec<u8>,
}

/// What one upload gave.
struct Outcome {
    job: usize,
    latency: Duration,
    result: Result<(i64, String), String>,
}

fn main() {
    if let Ok(url) = std::env::var("TONGHOP_BENCH_POSTGRES_URL") {
        // Read by the test harness's TestDb; set before any thread starts.
        std::env::set_var("TONGHOP_TEST_POSTGRES_URL", url);
    }
    let clients = knob("TONGHOP_BENCH_CLIENTS", 100);
    let per_client = knob("TONGHOP_BENCH_UPLOADS", 5);
    let rows = knob("TONGHOP_BENCH_ROWS", 150);
    println!(
        "upload_load: {clients} concurrent clients × {per_client} uploads of {rows}-row reports, {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    eprintln!("generating {} reports…", clients * per_client);
    let reports: Vec<Vec<u8>> = (0..clients * per_client)
        .map(|seed| tonghop::bench::generate_report(rows, seed).expect("report generated"))
        .collect();
    let distinct: HashSet<String> = reports.iter().map(|r| sha256_hex(r)).collect();
    assert_eq!(distinct.len(), reports.len(), "every report is distinct");
    let mut failed = false;
    let mut backends = vec![Backend::Sqlite];
    if std::env::var("TONGHOP_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()) {
        backends.push(Backend::Postgres);
    } else {
        println!(
            "PostgreSQL: skipped (set TONGHOP_BENCH_POSTGRES_URL or TONGHOP_TEST_POSTGRES_URL)"
        );
    }
    for backend in backends {
        let db = TestDb::new(backend).expect("database");
        failed |= !run(&db, &reports, clients, per_client);
    }
    if failed {
        std::process::exit(1);
    }
}

/// Runs the load on one backend; returns whether every upload succeeded and verified.
fn run(db: &TestDb, reports: &[Vec<u8>], clients: usize, per_client: usize) -> bool {
    let mut config: Config = db.config();
    let defaults = Config::default();
    config.database.pool_size = defaults.database.pool_size;
    config.server.workers = defaults.server.workers;
    config.upload.reader_program = Some(PathBuf::from(env!("CARGO_BIN_EXE_tonghop")));
    let app = TestApp::spawn(config);
    let (tokens, agency_ids, before) = {
        let mut conn = app.db.get().unwrap();
        let plan_id = demo::load(&mut conn).unwrap().plan_id;
        // One clerk (and token) per agency with tasks in the plan; agencies merged into a
        // successor are left out (their reports go to the successor).
        let mut tokens = Vec::new();
        let mut ids = Vec::new();
        for agency_id in plans::assigned_agency_ids(&mut conn, plan_id).unwrap() {
            let agency = agencies::get(&mut conn, agency_id).unwrap();
            if agency.successor_id.is_some() {
                continue;
            }
            let login = format!("bench.{agency_id}");
            let user = users::create(
                &mut conn,
                &login,
                "mat-khau-bench-dai",
                &agency.name,
                Role::Clerk,
                Some(agency_id),
            )
            .unwrap();
            tokens.push(api_tokens::create(&mut conn, user, "bench").unwrap().token);
            ids.push(agency_id);
        }
        let before: i64 = submissions::table.count().get_result(&mut conn).unwrap();
        (tokens, ids, before)
    };
    // Every upload its own (agency, period): client c reports for agency c mod N, in
    // periods that no other client of that agency uses.
    let n = agency_ids.len();
    println!(
        "{:<10} {n} agencies with a clerk's API token each",
        match db.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    );
    let jobs: Vec<Job> = (0..clients * per_client)
        .map(|j| {
            let (c, i) = (j / per_client, j % per_client);
            let slot = (c / n) * per_client + i;
            Job {
                token: c % n,
                agency_id: agency_ids[c % n],
                period: format!("{}-{:02}", 2030 + slot / 12, slot % 12 + 1),
                bytes: reports[j].clone(),
            }
        })
        .collect();
    let jobs = Arc::new(jobs);
    let tokens = Arc::new(tokens);
    let barrier = Arc::new(Barrier::new(clients + 1));
    let plan = demo::DEMO_PLAN_NUMBER.replace('/', "%2F");
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (jobs, tokens, barrier) = (jobs.clone(), tokens.clone(), barrier.clone());
            let base = format!("{}/api/v1/submissions?plan={plan}", app.address);
            std::thread::spawn(move || {
                let agent = ureq::AgentBuilder::new()
                    .timeout(Duration::from_secs(120))
                    .build();
                barrier.wait();
                (c * per_client..(c + 1) * per_client)
                    .map(|j| {
                        let job = &jobs[j];
                        let started = Instant::now();
                        let sent = agent
                            .post(&format!("{base}&period={}", job.period))
                            .set("Authorization", &format!("Bearer {}", tokens[job.token]))
                            .set("Content-Type", "application/octet-stream")
                            .set("X-File-Name", &format!("BC_{j}.xlsx"))
                            .send_bytes(&job.bytes);
                        let result = match sent {
                            Ok(response) if response.status() == 201 => {
                                let mut body = String::new();
                                response
                                    .into_reader()
                                    .read_to_string(&mut body)
                                    .map_err(|e| e.to_string())
                                    .and_then(|_| {
                                        let v: serde_json::Value = serde_json::from_str(&body)
                                            .map_err(|e| e.to_string())?;
                                        let id = v["submission"]["id"].as_i64();
                                        let sha = v["submission"]["sha256"].as_str();
                                        let rows = v["rows"].as_array().map_or(0, Vec::len);
                                        match (id, sha, v["submission"]["outcome"].as_str()) {
                                            (Some(id), Some(sha), Some("processed"))
                                                if rows > 0 =>
                                            {
                                                Ok((id, sha.to_string()))
                                            }
                                            _ => Err(format!("unexpected answer: {body:.300}")),
                                        }
                                    })
                            }
                            Ok(response) => Err(format!("status {}", response.status())),
                            Err(ureq::Error::Status(code, response)) => Err(format!(
                                "status {code}: {:.300}",
                                response.into_string().unwrap_or_default()
                            )),
                            Err(e) => Err(e.to_string()),
                        };
                        Outcome {
                            job: j,
                            latency: started.elapsed(),
                            result,
                        }
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let outcomes: Vec<Outcome> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("client finished"))
        .collect();
    let wall = started.elapsed();
    let ok: Vec<&Outcome> = outcomes.iter().filter(|o| o.result.is_ok()).collect();
    let errors: Vec<&Outcome> = outcomes.iter().filter(|o| o.result.is_err()).collect();
    let mut latencies: Vec<Duration> = outcomes.iter().map(|o| o.latency).collect();
    latencies.sort();
    let pct = |p: f64| {
        latencies[((latencies.len() as f64 * p).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    let rate = ok.len() as f64 / wall.as_secs_f64();
    println!(
        "{:<10} {} uploads in {:.2} s: {:.1} uploads/s; latency p50 {} ms, p95 {} ms, p99 {} ms, max {} ms; errors {}",
        match db.backend {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        },
        outcomes.len(),
        wall.as_secs_f64(),
        rate,
        pct(0.50).as_millis(),
        pct(0.95).as_millis(),
        pct(0.99).as_millis(),
        latencies.last().map_or(0, |d| d.as_millis()),
        errors.len()
    );
    for e in errors.iter().take(5) {
        println!(
            "  error (upload {}): {}",
            e.job,
            e.result.as_ref().unwrap_err()
        );
    }
    // Verification: every original byte-identical, each counted exactly once.
    let mut conn = app.db.get().unwrap();
    let after: i64 = submissions::table.count().get_result(&mut conn).unwrap();
    let mut problems = Vec::new();
    if after - before != ok.len() as i64 {
        problems.push(format!(
            "{} submissions stored for {} successful uploads",
            after - before,
            ok.len()
        ));
    }
    let ids: HashSet<i64> = ok.iter().map(|o| o.result.as_ref().unwrap().0).collect();
    if ids.len() != ok.len() {
        problems.push(format!(
            "{} distinct ids for {} uploads",
            ids.len(),
            ok.len()
        ));
    }
    for o in &ok {
        let (id, sha) = o.result.as_ref().unwrap();
        let job = &jobs[o.job];
        let (agency_id, period, stored_sha, version): (i64, String, String, i32) =
            submissions::table
                .find(id)
                .select((
                    submissions::agency_id,
                    submissions::period,
                    submissions::sha256,
                    submissions::version,
                ))
                .first(&mut conn)
                .unwrap();
        let bytes: Vec<u8> = submission_files::table
            .find(id)
            .select(submission_files::bytes)
            .first(&mut conn)
            .unwrap();
        let expected = sha256_hex(&job.bytes);
        if bytes != job.bytes || stored_sha != expected || *sha != expected {
            problems.push(format!("upload {}: stored original differs", o.job));
        }
        if agency_id != job.agency_id || period != job.period || version != 1 {
            problems.push(format!(
                "upload {}: stored as agency {agency_id} period {period} version {version}",
                o.job
            ));
        }
    }
    let verified = problems.is_empty();
    println!(
        "{:<10} verification: {} originals compared byte for byte and by SHA-256, {} new submissions for {} uploads: {}",
        "",
        ok.len(),
        after - before,
        ok.len(),
        if verified { "all identical, each counted once" } else { "FAILED" }
    );
    for p in problems.iter().take(10) {
        println!("  {p}");
    }
    drop(conn);
    verified && errors.is_empty()
}
