//! The emails about an enterprise account: the verification link, the code
//! that proves control, a registration attempt on an existing account, and
//! the credit office's decisions. One template; each email is one message
//! and at most one link.

use askama::Template;

use crate::db::DbConn;
use crate::email::{Email, EmailTemplate};
use crate::error::AppError;

#[derive(Template)]
#[template(path = "emails/account.txt", blocks = ["subject", "body"])]
pub struct AccountEmail {
    pub subject: String,
    /// Paragraphs separated by blank lines.
    pub message: String,
    /// The button's label and link.
    pub action: Option<(String, String)>,
}

impl EmailTemplate for AccountEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }
    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }
    fn action(&self) -> Option<(&str, &str)> {
        self.action.as_ref().map(|(label, link)| (label.as_str(), link.as_str()))
    }
}

impl AccountEmail {
    pub fn new(subject: impl Into<String>, message: impl Into<String>) -> AccountEmail {
        AccountEmail { subject: subject.into(), message: message.into(), action: None }
    }

    pub fn link(mut self, label: &str, link: String) -> AccountEmail {
        self.action = Some((label.to_string(), link));
        self
    }

    /// Enqueues it to `to` in the caller's transaction.
    pub fn enqueue(&self, conn: &mut DbConn, to: &str, now: chrono::NaiveDateTime) -> diesel::QueryResult<()> {
        let email = Email::render(to, self).map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
        crate::notify::enqueue_email(conn, &email, now).map(drop)
    }
}

/// The email with a fresh verification link for `user_id`.
pub fn verification(
    conn: &mut DbConn,
    user_id: i64,
    enterprise: &str,
    base_url: &str,
    now: chrono::NaiveDateTime,
) -> Result<AccountEmail, AppError> {
    let token = crate::models::email_verification::create(conn, user_id, now)?;
    let expires = crate::clock::datetime_text(&(now + crate::models::email_verification::VERIFICATION_VALIDITY));
    Ok(AccountEmail::new(
        "请验证您的邮箱",
        format!(
            "您正在为「{enterprise}」注册信易贷企业账号。请在 {expires}（北京时间）前打开以下链接验证邮箱：\n\n\
             验证后，还需证明您代表该企业（向登记的联系邮箱发送验证码，或上传加盖公章的授权书），\
             之后才能查看信用画像和发布融资需求。"
        ),
    )
    .link("验证邮箱", format!("{base_url}/verify-email/{token}")))
}
