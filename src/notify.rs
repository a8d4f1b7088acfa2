//! The outbox, and email about a need. Every email is a `send_email` job
//! enqueued in the transaction of the change it reports, so it goes out
//! exactly when the change commits; the worker (`jobs`) only sends what is
//! here. Every change of a need or offer tells the people concerned what
//! happened and when the next step is due.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::email::{Email, EmailTemplate, Inbox};
use crate::jobs::queue;
use crate::models::message;
use crate::schema::users;

/// The job kind of an email in the outbox.
pub const SEND_EMAIL: &str = "send_email";

/// How long an email is retried (every hour at most, once the backoff is
/// capped) before it is marked failed and listed for the credit office to resend.
pub const MAIL_RETRY_HORIZON: chrono::Duration = chrono::Duration::days(3);

/// Enqueues an email, retried for [`MAIL_RETRY_HORIZON`], and its copy in the
/// recipient's 消息中心; call inside the transaction of the change it reports.
pub fn enqueue_email(conn: &mut DbConn, email: &Email, now: NaiveDateTime) -> QueryResult<i64> {
    copy_to_messages(conn, email, now)?;
    queue::enqueue_with(conn, SEND_EMAIL, email, now, now, queue::Retry::Until(now + MAIL_RETRY_HORIZON))
}

/// Enqueues an email that a deadline depends on (retried until it is sent,
/// however long the mail server is away) and its copy in 消息中心.
pub fn enqueue_deadline_email(conn: &mut DbConn, email: &Email, now: NaiveDateTime) -> QueryResult<i64> {
    copy_to_messages(conn, email, now)?;
    queue::enqueue_with(conn, SEND_EMAIL, email, now, now, queue::Retry::Forever)
}

/// Every email to an account's address also lands in its 消息中心, unless it carries a secret.
fn copy_to_messages(conn: &mut DbConn, email: &Email, now: NaiveDateTime) -> QueryResult<()> {
    if let Inbox::Copy { link } = &email.inbox {
        message::copy_email(conn, &email.to, &email.subject, &email.text, link.as_deref(), now)?;
    }
    Ok(())
}

#[derive(askama::Template)]
#[template(path = "emails/need_notice.txt", blocks = ["subject", "body"])]
pub struct Notice {
    pub subject: String,
    pub message: String,
    /// What has to happen next and by when ("2026年11月25日 14:30").
    pub next: Option<(String, String)>,
    pub link: String,
}

impl EmailTemplate for Notice {
    fn subject(&self) -> askama::Result<String> {
        askama::Template::render(&self.as_subject())
    }
    fn body(&self) -> askama::Result<String> {
        askama::Template::render(&self.as_body())
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("查看详情", &self.link))
    }
}

impl Notice {
    pub fn new(subject: impl Into<String>, message: impl Into<String>, link: String) -> Notice {
        Notice { subject: subject.into(), message: message.into(), next: None, link }
    }

    /// Adds the next step and its due time.
    pub fn next(mut self, step: &str, due: NaiveDateTime) -> Notice {
        self.next = Some((step.to_string(), crate::clock::datetime_text(&due)));
        self
    }
}

/// The bank admin's home on the site of an officer's page link.
fn bank_admin_link(link: &str) -> String {
    link.find("/officer/").map_or_else(|| link.to_string(), |at| format!("{}/bank-admin", &link[..at]))
}

/// Who is told: the users of an enterprise, or one officer.
#[derive(Clone, Copy, Debug)]
pub enum To {
    Enterprise(i64),
    User(i64),
}

/// Enqueues `notice` to every active user behind `to`. A notice with a next
/// step and its due time is retried until it is sent.
pub fn send(conn: &mut DbConn, to: To, notice: &Notice, now: NaiveDateTime) -> QueryResult<()> {
    let query =
        users::table.filter(users::disabled.eq(false)).select(users::email).into_boxed::<crate::db::DbBackend>();
    let mut addresses: Vec<String> = match to {
        To::Enterprise(id) => query
            .filter(users::enterprise_id.eq(id))
            .filter(users::control_proven_at.is_not_null())
            .filter(users::unbound_at.is_null())
            .load(conn)?,
        To::User(id) => query.filter(users::id.eq(id)).load(conn)?,
    };
    // An officer who was disabled since: the bank's admins hear instead, with
    // a link to their own home (they cannot open an officer's page).
    let mut for_admins = None;
    if let (To::User(id), true) = (to, addresses.is_empty()) {
        let institution: Option<i64> =
            users::table.find(id).select(users::institution_id).first(conn).optional()?.flatten();
        if let Some(institution) = institution {
            addresses = users::table
                .filter(users::institution_id.eq(institution))
                .filter(users::role.eq(crate::domain::Role::BankAdmin.as_str()))
                .filter(users::disabled.eq(false))
                .select(users::email)
                .load(conn)?;
            for_admins = Some(Notice {
                subject: notice.subject.clone(),
                message: notice.message.clone(),
                next: notice.next.clone(),
                link: bank_admin_link(&notice.link),
            });
        }
    }
    let notice = for_admins.as_ref().unwrap_or(notice);
    for address in addresses {
        let email = Email::render(&address, notice).map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
        // A notice with a due time is never given up: someone has a deadline to meet.
        if notice.next.is_some() {
            enqueue_deadline_email(conn, &email, now)?;
        } else {
            enqueue_email(conn, &email, now)?;
        }
    }
    Ok(())
}
