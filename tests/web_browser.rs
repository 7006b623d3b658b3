//! End to end in a real headless Chromium (Debian's `chromium` and `chromium-driver`,
//! driven over WebDriver), on both backends: the secretariat sees the demo clerk's agency
//! missing for the open period; the clerk signs in, downloads the pre-filled template,
//! uploads it filled in and sees the findings; the secretariat then sees the agency on time
//! and downloads the consolidated workbook. Screenshots of each step are kept under
//! `target/test-artifacts/web_browser/<backend>/`.

mod common;
#[path = "support/web_client.rs"]
mod web_client;
#[path = "support/webdriver.rs"]
mod webdriver;

use std::{io::Cursor, path::PathBuf};

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use chrono::Duration;
use common::{Backend, TestApp, TestDb};
use tonghop::{
    db::{
        agencies, now_utc, periods,
        users::{self, Role},
    },
    demo,
    domain::period::{to_local, to_utc, Month},
};
use web_client::fill_template;
use webdriver::Browser;

on_both_backends! {
    clerk_uploads_and_secretariat_sees_it_on_time => clerk_uploads_and_secretariat_sees_it_on_time;
}

fn artifacts(backend: Backend) -> PathBuf {
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let dir = target
        .join("test-artifacts/web_browser")
        .join(format!("{backend:?}").to_lowercase());
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn sign_in(browser: &Browser, address: &str, login: &str, password: &str) {
    browser.goto(&format!("{address}/"));
    browser.goto(&format!("{address}/dang-nhap"));
    browser.type_into("input[name=login]", login);
    browser.type_into("input[name=password]", password);
    browser.click("form button[type=submit]");
}

fn clerk_uploads_and_secretariat_sees_it_on_time(db: TestDb) {
    let mut config = db.config();
    config.upload.reader_program = Some(PathBuf::from(env!("CARGO_BIN_EXE_tonghop")));
    let app = TestApp::spawn(config);
    // The demo, plus an open period this month whose deadline is three days away.
    let (month, agency) = {
        let mut conn = app.db.get().unwrap();
        let plan_id = demo::load(&mut conn).unwrap().plan_id;
        let month = Month::of(to_local(now_utc()).date());
        let last_day = (to_local(now_utc()) + Duration::days(3)).date();
        let deadline = to_utc(last_day.and_hms_opt(23, 59, 59).unwrap());
        periods::upsert(
            &mut conn,
            plan_id,
            &month.to_string(),
            month.cutoff_window(),
            deadline,
        )
        .unwrap();
        // Sở TT&TT, the demo clerk's agency, reports through its 2025 successor now: this
        // month's clerk is one of Sở Y tế.
        let agency = agencies::find_by_spelling(&mut conn, "Trà Vinh", "Sở Y tế")
            .unwrap()
            .unwrap()
            .id;
        users::create(
            &mut conn,
            "vanthu.syt",
            "vanthu-syt-mat-khau",
            "Văn thư Sở Y tế",
            Role::Clerk,
            Some(agency),
        )
        .unwrap();
        (month, agency)
    };
    let dir = artifacts(db.backend);
    let mut browser = Browser::start(&dir.join("downloads"), &dir);
    let row = format!("tr[data-agency=\"{agency}\"]");

    // 1. The secretariat: the agency has not reported this month.
    sign_in(&browser, &app.address, "thuongtruc", "thuongtruc-demo");
    browser.wait_url("/thuong-truc");
    assert!(browser
        .source()
        .contains(&format!("Tình hình báo cáo {}", month.label())));
    assert!(
        browser.text_of(&row).contains("Chưa báo cáo"),
        "{}",
        browser.text_of(&row)
    );
    browser.screenshot("thuong-truc-truoc");
    browser.click("nav button.link");
    browser.wait_url("/dang-nhap");

    // 2. The clerk: a page request while signed out lands on the sign-in form.
    browser.goto(&format!("{}/van-thu", app.address));
    browser.wait_url("/dang-nhap?tiep=/van-thu");
    browser.type_into("input[name=login]", "vanthu.syt");
    browser.type_into("input[name=password]", "vanthu-syt-mat-khau");
    browser.screenshot("dang-nhap");
    browser.click("form button[type=submit]");
    assert!(browser.wait_url("/van-thu").ends_with("/van-thu"));
    let home = browser.source();
    assert!(home.contains("Hạn gửi: trước ngày"), "{home}");
    assert!(
        home.contains("còn 4 ngày") || home.contains("còn 3 ngày"),
        "{home}"
    );
    assert!(home.contains("Chưa báo cáo") || home.contains("chưa gửi báo cáo"));
    browser.screenshot("van-thu");
    browser.set_size(390, 844);
    browser.screenshot("van-thu-dien-thoai");
    browser.set_size(1200, 900);

    // 3. The template, downloaded by the browser.
    browser.click("a[href^=\"/van-thu/mau\"]");
    let (name, template) = browser.wait_download("Mau_BC_", ".xlsx");
    assert!(name.starts_with("Mau_BC_"), "{name}");
    assert!(template.starts_with(b"PK"));

    // 4. Filled in and uploaded through the plain form.
    let filled = fill_template(&template, "Đã triển khai <b>đầy đủ</b> & đúng hạn");
    let upload = dir.join("BC_SYT_da_dien.xlsx");
    std::fs::write(&upload, &filled).unwrap();
    browser.type_into("input[type=file]", &upload.display().to_string());
    browser.click("form.upload button[type=submit]");
    browser.wait_url("/bao-cao/");
    let result = browser.source();
    assert!(result.contains("Đã nhận tệp"), "{result}");
    assert!(result.contains("Cần xem lại"), "{result}");
    assert!(
        result.contains("150"),
        "the out-of-range progress is a finding: {result}"
    );
    assert!(
        result.contains("&lt;b&gt;đầy đủ&lt;/b&gt; &amp; đúng hạn"),
        "{result}"
    );
    browser.screenshot("ket-qua");
    browser.click("nav button.link");
    browser.wait_url("/dang-nhap");

    // 5. The secretariat: the agency is now on time; the consolidated workbook downloads.
    sign_in(&browser, &app.address, "thuongtruc", "thuongtruc-demo");
    browser.wait_url("/thuong-truc");
    let text = browser.text_of(&row);
    assert!(text.contains("Đúng hạn"), "{text}");
    assert!(text.contains("Sở Y tế"), "{text}");
    browser.screenshot("thuong-truc-sau");
    browser.click("a[href^=\"/thuong-truc/tong-hop\"]");
    let (name, workbook) = browser.wait_download("Tong_hop_", &format!("_{month}.xlsx"));
    assert!(name.starts_with("Tong_hop_"), "{name}");
    let mut xlsx: Xlsx<_> = open_workbook_from_rs(Cursor::new(workbook)).unwrap();
    let mut found = false;
    for sheet in xlsx.sheet_names() {
        let range = xlsx.worksheet_range(&sheet).unwrap();
        let cells: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
        if cells.iter().any(|c| c.contains("Sở Y tế")) {
            found = true;
        }
    }
    assert!(found, "the consolidated workbook names the agency");
    browser.click(&format!("{row} a"));
    browser.wait_url("/bao-cao/");
    assert!(browser.source().contains("Tải tệp gốc"));
    browser.screenshot("chi-tiet");

    // 6. The reminder page: who would be reminded now, and the period's log.
    browser.click("nav a[href=\"/thuong-truc/nhac-bao-cao\"]");
    browser.wait_url("/thuong-truc/nhac-bao-cao");
    let reminders = browser.source();
    assert!(reminders.contains("Nếu gửi ngay bây giờ"), "{reminders}");
    assert!(reminders.contains("Các thư nhắc của kỳ"), "{reminders}");
    browser.screenshot("nhac-bao-cao");
}
