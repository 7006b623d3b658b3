//! A small HTTP client for the web tests: keeps cookies like a browser, never follows
//! redirects (the tests look at them), builds multipart uploads; and a clerk's filled-in
//! template.

#![allow(dead_code)]

use std::{collections::BTreeMap, collections::HashMap, time::Duration};

use tonghop::{
    ingest::{
        layout,
        read::{self, ReadLimits},
    },
    round_trip::{layout::Field, layout::TemplateLayout, rebuild},
};

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub disposition: Option<String>,
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
}

/// One user agent with its cookie jar.
pub struct Client {
    pub base: String,
    agent: ureq::Agent,
    pub cookies: BTreeMap<String, String>,
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client {
            base: base.to_string(),
            agent: ureq::AgentBuilder::new()
                .redirects(0)
                .timeout(Duration::from_secs(60))
                .build(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn finish(&mut self, result: Result<ureq::Response, ureq::Error>) -> Page {
        let response = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("request failed: {e}"),
        };
        for header in response.all("set-cookie") {
            let pair = header.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() || header.contains("Max-Age=0") {
                    self.cookies.remove(k.trim());
                } else {
                    self.cookies.insert(k.trim().to_string(), v.to_string());
                }
            }
        }
        let status = response.status();
        let location = response.header("location").map(str::to_string);
        let content_type = response.content_type().to_string();
        let disposition = response.header("content-disposition").map(str::to_string);
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).unwrap();
        Page {
            status,
            location,
            content_type,
            disposition,
            bytes,
        }
    }

    pub fn get(&mut self, path: &str) -> Page {
        let request = self
            .agent
            .get(&format!("{}{path}", self.base))
            .set("Cookie", &self.cookie_header());
        let result = request.call();
        self.finish(result)
    }

    pub fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let request = self
            .agent
            .post(&format!("{}{path}", self.base))
            .set("Cookie", &self.cookie_header());
        let result = request.send_form(fields);
        self.finish(result)
    }

    pub fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: (&str, &str, &[u8]),
    ) -> Page {
        let (body, content_type) = multipart(fields, file);
        let request = self
            .agent
            .post(&format!("{}{path}", self.base))
            .set("Cookie", &self.cookie_header())
            .set("Content-Type", &content_type);
        let result = request.send_bytes(&body);
        self.finish(result)
    }

    /// Signs in through the form (with its CSRF cookie); returns the final response.
    pub fn login(&mut self, login: &str, password: &str) -> Page {
        let form = self.get("/dang-nhap");
        assert_eq!(form.status, 200);
        let csrf = hidden(&form.text(), "csrf").expect("sign-in form has a CSRF token");
        self.post_form(
            "/dang-nhap",
            &[
                ("csrf", &csrf),
                ("login", login),
                ("password", password),
                ("tiep", ""),
            ],
        )
    }

    /// The CSRF token of the signed-in user, from any page with a form.
    pub fn csrf(&mut self, page_path: &str) -> String {
        let page = self.get(page_path);
        hidden(&page.text(), "csrf").expect("page has a CSRF token")
    }
}

/// The value of a hidden input named `name`.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

pub fn multipart(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (Vec<u8>, String) {
    let boundary = "----tonghopTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    let (name, file_name, bytes) = file;
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

/// Fills a downloaded template the way a clerk would: every cell kept, a result, status word
/// and progress on each task row. The first row's result is `first_result`; the last row's
/// progress is 150 (out of range), which the pipeline must flag.
pub fn fill_template(bytes: &[u8], first_result: &str) -> Vec<u8> {
    let layout = TemplateLayout::load().unwrap();
    let grid = read::parse(bytes, &ReadLimits::default()).unwrap().grid;
    let table = layout::find_table(&grid).expect("the template is recognised");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for sheet in &grid.sheets {
        let ws = workbook.add_worksheet();
        rebuild::write_sheet(ws, sheet, &HashMap::new(), 0).unwrap();
        if sheet.name != table.sheet {
            continue;
        }
        let col = |field: Field| layout.position(field).unwrap();
        let last = table.rows.len() - 1;
        for (i, row) in table.rows.iter().enumerate() {
            let r = row.source_row - 1;
            let result = if i == 0 {
                first_result.to_string()
            } else {
                format!("Kết quả nhiệm vụ {}: đã triển khai.", row.number)
            };
            ws.write_string(r, col(Field::Result), result).unwrap();
            ws.write_string(r, col(Field::Status), "Đang thực hiện")
                .unwrap();
            ws.write_number(
                r,
                col(Field::Progress),
                if i == last { 150.0 } else { 50.0 },
            )
            .unwrap();
        }
    }
    workbook.save_to_buffer().unwrap()
}
