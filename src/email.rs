//! Outgoing email: askama templates render the subject, text and HTML; the
//! Mailer sends through SMTP, writes .eml files, or keeps them in memory for tests.
//! Email is only ever sent by the `send_email` job, enqueued in the same
//! transaction as the change it reports.

use askama::Template;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::config::Config;

/// A rendered email, as stored in the job payload.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Whether the email also lands in its recipient's 消息中心; not part of
    /// the job's payload (the copy is written when the email is enqueued).
    #[serde(skip)]
    pub inbox: Inbox,
}

/// Whether an email is copied to its recipient's 消息中心, and the link to the
/// object it is about.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Inbox {
    /// An email that carries a secret (a one-time link or a code): no copy.
    #[default]
    None,
    Copy {
        link: Option<String>,
    },
}

/// An email template: a `.txt` askama file with a `subject` block and a `body`
/// block (the text part); the HTML part is the shared layout around the body.
pub trait EmailTemplate {
    fn subject(&self) -> askama::Result<String>;
    fn body(&self) -> askama::Result<String>;
    /// The link the email's button points to, if any.
    fn action(&self) -> Option<(&str, &str)>;
    /// Whether the email carries a secret (a one-time link or a code). Such an
    /// email makes no copy in the recipient's 消息中心, where an open session
    /// would be enough to use it.
    fn secret(&self) -> bool {
        false
    }
    /// The page of the object the email is about (the need, the offer, the
    /// dispute), for its copy in 消息中心: the button's link unless the template says otherwise.
    fn object_link(&self) -> Option<&str> {
        self.action().map(|(_, link)| link)
    }
}

#[derive(Template)]
#[template(path = "emails/layout.html")]
struct EmailLayout<'a> {
    subject: &'a str,
    paragraphs: Vec<&'a str>,
    action: Option<(&'a str, &'a str)>,
}

impl Email {
    pub fn render(to: &str, template: &impl EmailTemplate) -> anyhow::Result<Email> {
        let subject = template.subject()?.trim().to_string();
        let text = template.body()?.trim().to_string();
        let html = EmailLayout {
            subject: &subject,
            paragraphs: text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect(),
            action: template.action(),
        }
        .render()?;
        let inbox = if template.secret() {
            Inbox::None
        } else {
            Inbox::Copy { link: template.object_link().map(str::to_string) }
        };
        Ok(Email { to: to.to_string(), subject, text, html, inbox })
    }
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>),
    Memory(Arc<Mutex<Vec<Email>>>),
}

/// The longest one send may take, the whole SMTP conversation included: a
/// server that accepts the connection and never answers costs this much.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
    send_timeout: Duration,
}

impl Mailer {
    /// SMTP when `SMTP_URL` is set, otherwise .eml files under `data/mail/`.
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        Mailer::with_send_timeout(config, SEND_TIMEOUT)
    }

    /// [`Mailer::from_config`] with a bound on each send other than [`SEND_TIMEOUT`].
    pub fn with_send_timeout(config: &Config, send_timeout: Duration) -> anyhow::Result<Mailer> {
        let from: Mailbox = config.mail_from.parse()?;
        let transport = match &config.smtp_url {
            // lettre's own timeout bounds each command; the send as a whole is bounded below.
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.timeout(Some(send_timeout)).build(),
            ),
            None => {
                let dir = config.mail_dir();
                std::fs::create_dir_all(&dir)?;
                Transport::File(AsyncFileTransport::new(dir))
            }
        };
        Ok(Mailer { from, transport, send_timeout })
    }

    /// A mailer that keeps what it sends, for tests.
    pub fn memory() -> Mailer {
        Mailer {
            from: "信易贷 <noreply@xinyidai.local>".parse().expect("valid mailbox"),
            transport: Transport::Memory(Arc::new(Mutex::new(Vec::new()))),
            send_timeout: SEND_TIMEOUT,
        }
    }

    /// What a memory mailer has sent so far (empty for the other backends).
    pub fn sent(&self) -> Vec<Email> {
        match &self.transport {
            Transport::Memory(sent) => sent.lock().expect("mailer lock").clone(),
            _ => Vec::new(),
        }
    }

    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::File(_) => "files".into(),
            Transport::Memory(_) => "memory".into(),
        }
    }

    /// Sends one email, giving up after the send timeout. The message id
    /// derives from the job, so a receiver can recognise a resend after a crash
    /// (or after a timeout that hid a success) as the same message.
    pub async fn send(&self, email: &Email, message_key: &str) -> anyhow::Result<()> {
        match tokio::time::timeout(self.send_timeout, self.send_unbounded(email, message_key)).await {
            Ok(sent) => sent,
            Err(_) => anyhow::bail!("the mail server did not finish within {} s", self.send_timeout.as_secs()),
        }
    }

    async fn send_unbounded(&self, email: &Email, message_key: &str) -> anyhow::Result<()> {
        let host = self.from.email.domain().to_string();
        let message = Message::builder()
            .from(self.from.clone())
            .to(email.to.parse()?)
            .subject(&email.subject)
            .message_id(Some(format!("<{message_key}@{host}>")))
            .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()))?;
        match &self.transport {
            Transport::Smtp(smtp) => {
                smtp.send(message).await?;
            }
            Transport::File(file) => {
                file.send(message).await?;
            }
            Transport::Memory(sent) => sent.lock().expect("mailer lock").push(email.clone()),
        }
        Ok(())
    }
}
