//! A minimal W3C WebDriver client over `ureq`, driving Debian's chromedriver and headless
//! Chromium — lighter than a Node toolchain for the few commands the end-to-end test needs.

#![allow(dead_code)]

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A chromedriver process and one browser session; both end when dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    pub downloads: PathBuf,
    pub artifacts: PathBuf,
    shots: usize,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn call(method: &str, url: &str, body: Option<Value>) -> Value {
    let request = ureq::request(method, url).timeout(Duration::from_secs(90));
    let result = match body {
        Some(b) => request
            .set("Content-Type", "application/json")
            .send_string(&b.to_string()),
        None => request.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("WebDriver {method} {url}: {e}"),
    };
    let status = response.status();
    let value: Value = serde_json::from_str(&response.into_string().unwrap()).unwrap();
    assert!(status < 300, "WebDriver {method} {url}: {status} {value}");
    value["value"].clone()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium that saves downloads in `downloads`.
    pub fn start(downloads: &Path, artifacts: &Path) -> Browser {
        std::fs::create_dir_all(downloads).unwrap();
        std::fs::create_dir_all(artifacts).unwrap();
        let port = free_port();
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed (apt-get install chromium-driver)");
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if let Ok(r) = ureq::get(&format!("{base}/status")).call() {
                let v: Value = serde_json::from_str(&r.into_string().unwrap()).unwrap();
                if v["value"]["ready"] == json!(true) {
                    break;
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1200,900", "--lang=vi"],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                    "safebrowsing.enabled": false
                }
            }
        }}});
        let session = call("POST", &format!("{base}/session"), Some(capabilities));
        let session = session["sessionId"].as_str().unwrap().to_string();
        Browser {
            driver,
            base,
            session,
            downloads: downloads.to_path_buf(),
            artifacts: artifacts.to_path_buf(),
            shots: 0,
        }
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/session/{}{tail}", self.base, self.session)
    }

    pub fn goto(&self, url: &str) {
        call("POST", &self.url("/url"), Some(json!({ "url": url })));
    }

    /// Resizes the window (a phone is about 390 × 844).
    pub fn set_size(&self, width: u32, height: u32) {
        call(
            "POST",
            &self.url("/window/rect"),
            Some(json!({ "width": width, "height": height })),
        );
    }

    pub fn current_url(&self) -> String {
        call("GET", &self.url("/url"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Waits until the current page's path contains `part` (a click's navigation may still
    /// be under way when the click returns); returns the URL. The query string counts only
    /// when `part` has one: waiting for "/van-thu" must not stop at
    /// "/dang-nhap?tiep=/van-thu", the page the click is leaving.
    pub fn wait_url(&self, part: &str) -> String {
        let started = Instant::now();
        loop {
            let url = self.current_url();
            if path_of(&url, part.contains('?')).contains(part) {
                return url;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "still at {url}, expected {part}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn source(&self) -> String {
        call("GET", &self.url("/source"), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    pub fn find(&self, css: &str) -> String {
        let v = call(
            "POST",
            &self.url("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    pub fn click(&self, css: &str) {
        let id = self.find(css);
        call(
            "POST",
            &self.url(&format!("/element/{id}/click")),
            Some(json!({})),
        );
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        call(
            "POST",
            &self.url(&format!("/element/{id}/value")),
            Some(json!({ "text": text })),
        );
    }

    pub fn text_of(&self, css: &str) -> String {
        let id = self.find(css);
        call("GET", &self.url(&format!("/element/{id}/text")), None)
            .as_str()
            .unwrap()
            .to_string()
    }

    /// Saves a PNG of the viewport as `NN-name.png` among the artifacts.
    pub fn screenshot(&mut self, name: &str) -> PathBuf {
        let data = call("GET", &self.url("/screenshot"), None);
        let png = base64_decode(data.as_str().unwrap());
        assert!(png.starts_with(b"\x89PNG"));
        self.shots += 1;
        let path = self.artifacts.join(format!("{:02}-{name}.png", self.shots));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// Waits for a finished download named `prefix….suffix`; returns its name and bytes.
    pub fn wait_download(&self, prefix: &str, suffix: &str) -> (String, Vec<u8>) {
        let started = Instant::now();
        loop {
            for entry in std::fs::read_dir(&self.downloads).unwrap().flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with(prefix) && name.ends_with(suffix) {
                    let bytes = std::fs::read(entry.path()).unwrap();
                    if !bytes.is_empty() {
                        return (name, bytes);
                    }
                }
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "no download {prefix}…{suffix}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&self.url("")).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

pub fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// The path of `url` without scheme and host, with its query string when `with_query`.
fn path_of(url: &str, with_query: bool) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |slash| &after_scheme[slash..]);
    if with_query {
        path
    } else {
        path.split(['?', '#']).next().unwrap_or("")
    }
}
