//! The binary as an operator runs it: `tonghop demo` (README's first command) and
//! `TONGHOP_DATABASE_URL=… tonghop serve`, answering `/readyz` on each backend.

mod common;

use std::{
    io::Read,
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use common::TestDb;

on_both_backends! {
    serve_answers_ready => serve_answers_ready;
    demo_command_loads_and_serves => demo_command_loads_and_serves;
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(db: &TestDb, args: &[&str]) -> (Running, u16) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_tonghop"))
        .args(args)
        .current_dir(db.dir.path())
        .env("TONGHOP_DATABASE_URL", &db.url)
        .env("TONGHOP_LISTEN", format!("127.0.0.1:{port}"))
        .env("TONGHOP_WORKERS", "1")
        .env("TONGHOP_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start tonghop");
    (Running(child), port)
}

fn wait_ready(running: &mut Running, port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = ureq::get(&format!("http://127.0.0.1:{port}/readyz"))
            .timeout(Duration::from_secs(2))
            .call()
        {
            assert_eq!(response.status(), 200);
            return;
        }
        if let Ok(Some(status)) = running.0.try_wait() {
            let mut stderr = String::new();
            running
                .0
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            panic!("tonghop exited with {status}: {stderr}");
        }
        assert!(Instant::now() < deadline, "not ready within 60 s");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn serve_answers_ready(db: TestDb) {
    let (mut running, port) = start(&db, &["serve"]);
    wait_ready(&mut running, port);
}

fn demo_command_loads_and_serves(db: TestDb) {
    let (mut running, port) = start(&db, &["demo"]);
    wait_ready(&mut running, port);
    let page = ureq::get(&format!("http://127.0.0.1:{port}/"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(page.contains("13/KH-UBND"));
    // Stop it and read what it printed: the URL and the demo logins.
    let _ = running.0.kill();
    let mut stdout = String::new();
    running
        .0
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert!(
        stdout.contains(&format!("http://127.0.0.1:{port}")),
        "{stdout}"
    );
    for account in &tonghop::demo::DEMO_ACCOUNTS {
        assert!(
            stdout.contains(account.login) && stdout.contains(account.password),
            "{stdout}"
        );
    }
}
