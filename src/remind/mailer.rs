//! Sending over SMTP with lettre: plain, STARTTLS or TLS, credentials, a small connection
//! pool, and a bound on the whole send.
//!
//! lettre's own timeout applies to each socket operation; a server that answers slowly line
//! after line could still hold a send for long. Each send therefore runs on a helper thread
//! and is given up after the configured time (the thread ends on its own when the socket
//! times out). Failures are sorted for the outbox: a 5xx answer is permanent (retrying the
//! same message will not help); everything else — 4xx answers, refused or dropped
//! connections, timeouts — is temporary and retried later.

use std::{sync::mpsc, thread, time::Duration};

use lettre::{
    message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart},
    transport::smtp::{authentication::Credentials, PoolConfig},
    Message, SmtpTransport, Transport,
};

use super::{email::EmailText, planner::Recipients};
use crate::{
    config::{SmtpConfig, SmtpSecurity},
    error::{AppError, AppResult},
};

/// Why a send did not go through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure {
    /// Worth retrying later.
    pub temporary: bool,
    /// Vietnamese, for the reminder log.
    pub message: String,
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct AttachedFile {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The configured SMTP server.
#[derive(Clone)]
pub struct Mailer {
    transport: SmtpTransport,
    from: Mailbox,
    timeout: Duration,
    server: String,
}

impl Mailer {
    /// The mailer of the configuration; None when no SMTP host is set.
    pub fn from_config(config: &SmtpConfig) -> AppResult<Option<Mailer>> {
        let Some(host) = config.host.as_deref().filter(|h| !h.trim().is_empty()) else {
            return Ok(None);
        };
        let bad = |e: lettre::transport::smtp::Error| {
            AppError::Config(format!("máy chủ thư {host} không dùng được: {e}"))
        };
        let builder = match config.security {
            SmtpSecurity::None => SmtpTransport::builder_dangerous(host),
            SmtpSecurity::Starttls => SmtpTransport::starttls_relay(host).map_err(bad)?,
            SmtpSecurity::Tls => SmtpTransport::relay(host).map_err(bad)?,
        };
        let timeout = Duration::from_secs(config.timeout_secs.max(1));
        let mut builder = builder
            .port(config.port)
            .timeout(Some(timeout))
            .pool_config(PoolConfig::new().max_size(4));
        if let (Some(user), Some(password)) = (&config.username, &config.password) {
            builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
        }
        let from: Mailbox = config.from.parse().map_err(|e| {
            AppError::Config(format!(
                "địa chỉ người gửi {:?} không hợp lệ ({e}); ví dụ đúng: tonghop <no-reply@travinh.gov.vn>",
                config.from
            ))
        })?;
        Ok(Some(Mailer {
            transport: builder.build(),
            from,
            timeout,
            server: format!("{host}:{}", config.port),
        }))
    }

    /// Builds and sends one message; the whole send is bounded by the configured timeout.
    pub fn send(
        &self,
        recipients: &Recipients,
        text: &EmailText,
        attachment: Option<AttachedFile>,
    ) -> Result<(), SendFailure> {
        let message = build_message(&self.from, recipients, text, attachment)?;
        let transport = self.transport.clone();
        let (tx, rx) = mpsc::channel();
        let spawned = thread::Builder::new()
            .name("smtp-send".into())
            .spawn(move || {
                let _ = tx.send(transport.send(&message));
            });
        if let Err(e) = spawned {
            return Err(SendFailure {
                temporary: true,
                message: format!("không tạo được luồng gửi thư: {e}"),
            });
        }
        match rx.recv_timeout(self.timeout) {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(classify(&self.server, &e)),
            Err(_) => Err(SendFailure {
                temporary: true,
                message: format!(
                    "máy chủ thư {} không trả lời sau {} giây",
                    self.server,
                    self.timeout.as_secs()
                ),
            }),
        }
    }
}

fn classify(server: &str, e: &lettre::transport::smtp::Error) -> SendFailure {
    let detail = e
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if e.is_permanent() {
        SendFailure {
            temporary: false,
            message: format!("máy chủ thư {server} từ chối thư: {detail}"),
        }
    } else if e.is_transient() {
        SendFailure {
            temporary: true,
            message: format!("máy chủ thư {server} tạm thời chưa nhận thư: {detail}"),
        }
    } else {
        SendFailure {
            temporary: true,
            message: format!("không gửi được tới máy chủ thư {server}: {detail}"),
        }
    }
}

/// The MIME message: plain text and HTML alternatives, and the attachment.
pub fn build_message(
    from: &Mailbox,
    recipients: &Recipients,
    text: &EmailText,
    attachment: Option<AttachedFile>,
) -> Result<Message, SendFailure> {
    let address = |a: &String| -> Result<Mailbox, SendFailure> {
        a.parse().map_err(|_| SendFailure {
            temporary: false,
            message: format!("địa chỉ thư \"{a}\" không hợp lệ; hãy sửa trong danh bạ cơ quan"),
        })
    };
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(text.subject.clone());
    for to in &recipients.to {
        builder = builder.to(address(to)?);
    }
    for cc in &recipients.cc {
        builder = builder.cc(address(cc)?);
    }
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(text.text.clone()))
        .singlepart(SinglePart::html(text.html.clone()));
    let body = match attachment {
        Some(file) => {
            let content_type = ContentType::parse(&file.content_type)
                .unwrap_or(ContentType::parse("application/octet-stream").expect("valid type"));
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(Attachment::new(file.name).body(file.bytes, content_type))
        }
        None => alternative,
    };
    builder.multipart(body).map_err(|e| SendFailure {
        temporary: false,
        message: format!("không tạo được thư: {e}"),
    })
}
