//! The reminder's words: subject, plain-text and HTML bodies rendered from
//! `report_templates/email/` (minijinja), so that a secretariat can change them without a
//! rebuild. The texts are compiled in as defaults; a file of the same name under
//! `report_templates/email/` in the working directory replaces its default.

use std::path::Path;

use minijinja::Environment;
use serde::Serialize;

use super::ladder::StepKind;

const ROOT: &str = "report_templates/email";

/// (path under `report_templates/email/`, built-in text).
const BUILT_IN: [(&str, &str); 10] = [
    (
        "_body.txt",
        include_str!("../../report_templates/email/_body.txt"),
    ),
    (
        "_body.html",
        include_str!("../../report_templates/email/_body.html"),
    ),
    (
        "before/subject.txt",
        include_str!("../../report_templates/email/before/subject.txt"),
    ),
    (
        "before/opening.txt",
        include_str!("../../report_templates/email/before/opening.txt"),
    ),
    (
        "deadline/subject.txt",
        include_str!("../../report_templates/email/deadline/subject.txt"),
    ),
    (
        "deadline/opening.txt",
        include_str!("../../report_templates/email/deadline/opening.txt"),
    ),
    (
        "after/subject.txt",
        include_str!("../../report_templates/email/after/subject.txt"),
    ),
    (
        "after/opening.txt",
        include_str!("../../report_templates/email/after/opening.txt"),
    ),
    (
        "escalation/subject.txt",
        include_str!("../../report_templates/email/escalation/subject.txt"),
    ),
    (
        "escalation/opening.txt",
        include_str!("../../report_templates/email/escalation/opening.txt"),
    ),
];

/// One task line of the message.
#[derive(Debug, Clone, Serialize)]
pub struct TaskLine {
    pub code: String,
    pub title: String,
    /// "Chủ trì" or "Phối hợp".
    pub role: String,
    pub due: String,
}

/// The values the templates see.
#[derive(Debug, Clone, Serialize)]
pub struct EmailContext {
    pub agency: String,
    pub plan_number: String,
    pub plan_title: String,
    pub period_label: String,
    pub cutoff_start: String,
    pub cutoff_end: String,
    pub deadline_text: String,
    pub days: i32,
    pub step: String,
    pub tasks: Vec<TaskLine>,
    pub upload_link: String,
    pub attachment_name: String,
    pub secretariat: String,
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailText {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders the step's message; the error names the template that failed, in Vietnamese.
pub fn render(kind: StepKind, context: &EmailContext) -> Result<EmailText, String> {
    render_with(kind, context, &|name| override_text(name))
}

/// [`render`] with the deployment's files read through `read` (tests pass their own).
pub fn render_with(
    kind: StepKind,
    context: &EmailContext,
    read: &dyn Fn(&str) -> Option<String>,
) -> Result<EmailText, String> {
    let env = Environment::new();
    let source = |name: &str| -> String {
        read(name).unwrap_or_else(|| {
            BUILT_IN
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, text)| text.to_string())
                .unwrap_or_default()
        })
    };
    let render_one = |name: &str, extra: &[(&str, String)]| -> Result<String, String> {
        let text = source(name);
        let template = env
            .template_from_named_str(name, &text)
            .map_err(|e| format!("mẫu thư {ROOT}/{name} không hợp lệ: {e}"))?;
        let mut value = serde_json::to_value(context).expect("the context serialises");
        for (key, v) in extra {
            value[*key] = serde_json::Value::String(v.clone());
        }
        template
            .render(&value)
            .map_err(|e| format!("không điền được mẫu thư {ROOT}/{name}: {e}"))
    };
    let folder = kind.folder();
    let subject = render_one(&format!("{folder}/subject.txt"), &[])?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let opening = render_one(&format!("{folder}/opening.txt"), &[])?
        .trim()
        .to_string();
    let extra = [("subject", subject.clone()), ("opening", opening)];
    let text = render_one("_body.txt", &extra)?;
    let html = render_one("_body.html", &extra)?;
    Ok(EmailText {
        subject,
        text,
        html,
    })
}

fn override_text(name: &str) -> Option<String> {
    let path = Path::new(ROOT).join(name);
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> EmailContext {
        EmailContext {
            agency: "Sở Thông tin và Truyền thông".into(),
            plan_number: "13/KH-UBND".into(),
            plan_title: "Triển khai Đề án 06".into(),
            period_label: "11/2022".into(),
            cutoff_start: "15/10/2022".into(),
            cutoff_end: "14/11/2022".into(),
            deadline_text: "Thứ Năm, 17/11/2022".into(),
            days: -3,
            step: "3 ngày làm việc trước hạn".into(),
            tasks: vec![TaskLine {
                code: "7.a.1".into(),
                title: "Rà soát <dữ liệu> & cập nhật".into(),
                role: "Chủ trì".into(),
                due: "Thường xuyên".into(),
            }],
            upload_link: "http://127.0.0.1:8080/van-thu".into(),
            attachment_name: "mau-bao-cao.xlsx".into(),
            secretariat: "Thường trực Tổ công tác Đề án 06 tỉnh".into(),
        }
    }

    #[test]
    fn every_step_renders_in_vietnamese_with_the_tasks_and_link() {
        for kind in [
            StepKind::Before,
            StepKind::Deadline,
            StepKind::After,
            StepKind::Escalation,
        ] {
            let email = render_with(kind, &context(), &|_| None).unwrap();
            assert!(
                email.subject.contains("Sở Thông tin và Truyền thông"),
                "{kind:?}"
            );
            assert!(!email.subject.contains('\n'));
            assert!(email.text.contains("Thứ Năm, 17/11/2022"), "{}", email.text);
            assert!(email.text.contains("7.a.1. Rà soát <dữ liệu> & cập nhật"));
            assert!(email.text.contains("http://127.0.0.1:8080/van-thu"));
            // HTML escapes what came from the plan.
            assert!(email
                .html
                .contains("Rà soát &lt;dữ liệu&gt; &amp; cập nhật"));
        }
        let before = render_with(StepKind::Before, &context(), &|_| None).unwrap();
        assert!(
            before.text.contains("còn 3 ngày làm việc"),
            "{}",
            before.text
        );
    }

    #[test]
    fn a_deployment_file_replaces_the_default_and_a_broken_one_says_which() {
        let custom = |name: &str| {
            (name == "before/subject.txt").then(|| "Nhắc {{ agency | upper }}".to_string())
        };
        let email = render_with(StepKind::Before, &context(), &custom).unwrap();
        assert_eq!(email.subject, "Nhắc SỞ THÔNG TIN VÀ TRUYỀN THÔNG");
        let broken = |name: &str| (name == "_body.txt").then(|| "{% for %}".to_string());
        let err = render_with(StepKind::After, &context(), &broken).unwrap_err();
        assert!(err.contains("_body.txt"), "{err}");
    }
}
