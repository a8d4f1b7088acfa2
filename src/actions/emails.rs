//! The emails the people actions send: the account emails (the verification
//! link, the code that proves control, a registration attempt on an existing
//! account, the credit office's decisions) and the dispute emails. Each is rendered and enqueued
//! in the transaction of the change it reports, through [`send`].

use askama::Template;
use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::clock::{date_text, datetime_text};
use crate::db::DbConn;
use crate::domain::claim::mask_email;
use crate::email::{Email, EmailTemplate};
use crate::models::{claim, email_verification};

/// Renders `template` to `to` and enqueues it in the caller's transaction.
pub fn send(conn: &mut DbConn, to: &str, template: &impl EmailTemplate, now: NaiveDateTime) -> QueryResult<()> {
    let email = Email::render(to, template).map_err(|e| diesel::result::Error::QueryBuilderError(e.into()))?;
    crate::notify::enqueue_email(conn, &email, now).map(drop)
}

/// An email about an enterprise account: one message and at most one link.
#[derive(Template)]
#[template(path = "emails/account.txt", blocks = ["subject", "body"])]
pub struct AccountEmail {
    pub subject: String,
    /// Paragraphs separated by blank lines.
    pub message: String,
    /// The button's label and link.
    pub action: Option<(String, String)>,
    /// The link or the text holds a secret (a verification link, a code): no copy in 消息中心.
    pub secret: bool,
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
    fn secret(&self) -> bool {
        self.secret
    }
}

impl AccountEmail {
    pub fn new(subject: impl Into<String>, message: impl Into<String>) -> AccountEmail {
        AccountEmail { subject: subject.into(), message: message.into(), action: None, secret: false }
    }

    /// Marks an email whose link or text is a secret, so that it makes no copy in 消息中心.
    pub fn carrying_secret(mut self) -> AccountEmail {
        self.secret = true;
        self
    }

    pub fn link(mut self, label: &str, link: String) -> AccountEmail {
        self.action = Some((label.to_string(), link));
        self
    }
}

/// The email with a fresh verification link for `user_id`.
pub fn verification(
    conn: &mut DbConn,
    user_id: i64,
    enterprise: &str,
    base_url: &str,
    now: NaiveDateTime,
) -> QueryResult<AccountEmail> {
    let token = email_verification::create(conn, user_id, now)?;
    let expires = datetime_text(&(now + email_verification::VERIFICATION_VALIDITY));
    Ok(AccountEmail::new(
        "请验证您的邮箱",
        format!(
            "您正在为「{enterprise}」注册信易贷企业账号。请在 {expires}（北京时间）前打开以下链接验证邮箱：\n\n\
             验证后，还需证明您代表该企业（向登记的联系邮箱发送验证码，或上传加盖公章的授权书），\
             之后才能查看信用画像和发布融资需求。"
        ),
    )
    .link("验证邮箱", format!("{base_url}/verify-email/{token}"))
    .carrying_secret())
}

/// Someone registered with an email that already has an account.
pub fn registration_attempt(enterprise: &str, base_url: &str) -> AccountEmail {
    AccountEmail::new(
        "有人尝试用您的邮箱注册",
        format!(
            "有人刚刚在信易贷用您的邮箱为「{enterprise}」注册企业账号。您的邮箱已开通账号，本次注册未创建新账号。\n\n\
             如果是您本人，请直接登录；忘记密码可在登录页点击“忘记密码？”重置。"
        ),
    )
    .link("登录信易贷", format!("{base_url}/login"))
}

/// Tells the account holding the enterprise that someone tried to register it.
pub fn holder_warning(enterprise: &str, email: &str) -> AccountEmail {
    AccountEmail::new(
        "有人尝试为贵企业注册新账号",
        format!(
            "有人刚刚在信易贷为「{enterprise}」注册企业账号（邮箱 {}）。贵企业已由您的账号代表，对方无法查看贵企业的数据。\n\n\
             如果您不认识此操作，无需处理；如果您的账号并非贵企业开设，请联系信用办。",
            mask_email(email)
        ),
    )
}

/// Tells the new address how the real enterprise gets a held enterprise back.
pub fn enterprise_held(enterprise: &str) -> AccountEmail {
    AccountEmail::new(
        "企业账号注册未完成",
        format!(
            "您为「{enterprise}」提交的注册未完成：该企业在信易贷已有账号。\n\n\
             如果该账号不是贵企业开设的，请携加盖公章的授权书联系信用办，核实后原账号将被解绑，贵企业即可重新注册。"
        ),
    )
}

/// The code that proves control, sent to the registry's contact email.
pub fn claim_code(enterprise: &str, account: &str, code: &str) -> AccountEmail {
    let minutes = claim::CODE_VALIDITY.num_minutes();
    AccountEmail::new(
        format!("{enterprise}企业账号认证验证码"),
        format!(
            "有人申请以「{enterprise}」的名义使用信易贷企业账号（账号邮箱 {}）。\
             本邮件发往市场监管部门登记的贵企业联系邮箱。\n\n验证码：{code}\n\n\
             验证码 {minutes} 分钟内有效。输入验证码即可查看贵企业的信用画像并发布融资需求。\
             如果这不是贵企业的申请，请勿将验证码告诉任何人。",
            mask_email(account)
        ),
    )
    .carrying_secret()
}

/// Tells the account the credit office's decision: approved when there is no reason.
pub fn letter_decision(enterprise: &str, rejected_because: Option<&str>, base_url: &str) -> AccountEmail {
    match rejected_because {
        None => AccountEmail::new(
            "授权书已通过审核",
            format!("信用办已审核通过您为「{enterprise}」提交的授权书。您现在可以查看企业信用画像、发布融资需求。"),
        )
        .link("登录信易贷", format!("{base_url}/login")),
        Some(reason) => AccountEmail::new(
            "授权书未通过审核",
            format!("您为「{enterprise}」提交的授权书未通过信用办审核，理由：{reason}\n\n请按理由修改后重新上传。"),
        )
        .link("重新上传", format!("{base_url}{}", super::claim::CLAIM_PAGE)),
    }
}

/// Tells an unbound account why it was closed.
pub fn unbound(reason: &str) -> AccountEmail {
    AccountEmail::new(
        "您的企业账号已被解绑",
        format!("信用办已解绑您的账号与该企业的关联，账号已停用。理由：{reason}\n\n如有异议，请联系信用办。"),
    )
}

/// The one-time link that sets a new password.
#[derive(Template)]
#[template(path = "emails/password_reset.txt", blocks = ["subject", "body"])]
pub struct PasswordResetEmail {
    pub name: String,
    pub link: String,
    pub expires: String,
}

impl PasswordResetEmail {
    pub fn new(name: &str, token: &str, base_url: &str, now: NaiveDateTime) -> PasswordResetEmail {
        let expires = datetime_text(&(now + crate::models::password_reset::RESET_VALIDITY));
        PasswordResetEmail { name: name.to_string(), link: format!("{base_url}/password-reset/{token}"), expires }
    }
}

impl EmailTemplate for PasswordResetEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }
    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("设置新密码", &self.link))
    }
    fn secret(&self) -> bool {
        true
    }
}

/// Tells the account its password was reset through the emailed link.
pub fn password_was_reset(base_url: &str, now: NaiveDateTime) -> AccountEmail {
    AccountEmail::new(
        "您的密码已重置",
        format!(
            "您的信易贷账号已于 {}（北京时间）通过邮件链接设置了新密码，所有已登录的设备均已退出。\n\n\
             如果这不是您本人的操作，请立即通过登录页的“忘记密码？”重新设置密码，并联系信用办。",
            datetime_text(&now)
        ),
    )
    .link("登录信易贷", format!("{base_url}/login"))
}

/// Tells the credit office of a new dispute.
#[derive(Template)]
#[template(path = "emails/dispute_opened.txt", blocks = ["subject", "body"])]
pub struct DisputeOpenedEmail {
    pub enterprise: String,
    pub summary: String,
    pub reason: String,
    pub due: String,
    pub link: String,
}

impl DisputeOpenedEmail {
    pub fn new(enterprise: &str, summary: &str, reason: &str, due: NaiveDateTime, link: String) -> Self {
        let (enterprise, summary, reason) = (enterprise.to_string(), summary.to_string(), reason.to_string());
        DisputeOpenedEmail { enterprise, summary, reason, due: date_text(&due), link }
    }
}

/// Tells the enterprise the credit office's answer.
#[derive(Template)]
#[template(path = "emails/dispute_answered.txt", blocks = ["subject", "body"])]
pub struct DisputeAnsweredEmail {
    pub summary: String,
    pub outcome: &'static str,
    pub answer: String,
    pub link: String,
}

impl EmailTemplate for DisputeOpenedEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }
    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("处理异议", &self.link))
    }
}

impl EmailTemplate for DisputeAnsweredEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }
    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("查看信用画像", &self.link))
    }
}
