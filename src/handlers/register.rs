//! Enterprise self-registration: the USCC, name and legal representative must
//! match an enterprise the credit office has on record. The account starts
//! unverified: the email gets a link, and the enterprise's data stays closed
//! until the account proves control (see `claim`). The answer never tells
//! whether the email or the enterprise already has an account.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::Visitor;
use crate::auth::password::hash_async;
use chrono::NaiveDateTime;

use super::account_email::{self, AccountEmail};
use crate::db::{DbConn, write_tx};
use crate::domain::{Role, Uscc, password};
use crate::error::{AppError, AppResult};
use crate::models::audit::{self, Actor};
use crate::models::enterprise::Enterprise;
use crate::models::rate_limit;
use crate::models::user::{NewUser, User};
use crate::state::AppState;
use crate::web::{FormErrors, Layout};

#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    legal_representative: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/register.html")]
pub struct RegisterPage {
    layout: Layout,
    form: RegisterForm,
    errors: FormErrors,
}

pub async fn register_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    if let Some(user) = visitor.user() {
        return Ok(Redirect::to(user.role().home()).into_response());
    }
    let (jar, csrf) = visitor.form_token(&state).await?;
    let page =
        RegisterPage { layout: visitor.layout(&csrf), form: RegisterForm::default(), errors: FormErrors::default() };
    Ok((jar, page).into_response())
}

pub async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<RegisterForm>,
) -> AppResult<Response> {
    let now = state.clock.now();
    let ip = visitor.ip.clone();
    crate::web::check_rate_limit(&state, "register", ip.as_deref(), rate_limit::REGISTER).await?;

    let mut errors = FormErrors::default();
    let uscc = Uscc::parse(&form.uscc).map_err(|e| errors.add("uscc", e.to_string())).ok();
    let email = form.email.trim().to_lowercase();
    if email.parse::<lettre::Address>().is_err() {
        errors.add("email", "请输入有效的邮箱地址，例如 finance@example.com");
    }
    if let Err(message) = password::check(&form.password) {
        errors.add("password", message);
    }
    if form.password != form.password_confirm {
        errors.add("password_confirm", "两次输入的密码不一致");
    }
    let code = uscc.clone();
    let record = state
        .db
        .run(move |c| Ok(code.map(|code| Enterprise::find_by_uscc(c, code.as_str())).transpose()?.flatten()))
        .await?;
    match &record {
        None if uscc.is_some() => {
            errors.add("uscc", "信用办尚无该企业的登记信息，请核对代码；如确认无误，请联系信用办补录后再注册")
        }
        Some(e) if !same_text(&e.name, &form.name) => {
            errors.add("name", "企业名称与登记信息不一致，请填写营业执照上的企业全称")
        }
        Some(e) if !same_text(&e.legal_representative, &form.legal_representative) => {
            errors.add("legal_representative", "法定代表人与登记信息不一致，请填写营业执照上的姓名")
        }
        _ => {}
    }
    let Some(enterprise) = record.filter(|_| errors.is_empty()) else {
        let (jar, csrf) = visitor.form_token(&state).await?;
        let page = RegisterPage { layout: visitor.layout(&csrf), form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
    };

    // From here the answer is the same whether the email or the enterprise
    // already has an account: the mailbox's owner learns the rest by email.
    let password_hash = hash_async(form.password.clone()).await?;
    let (shown_email, base_url) = (email.clone(), state.config.base_url.clone());
    let outcome = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let attempt =
                    Attempt { enterprise: &enterprise, email: &email, ip: ip.as_deref(), base_url: &base_url };
                attempt.register(c, &password_hash, now)
            })
        })
        .await?;
    tracing::info!(outcome, "enterprise registration");
    let (jar, csrf) = visitor.form_token(&state).await?;
    Ok((jar, RegisterSentPage { layout: visitor.layout(&csrf), email: shown_email }).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/register_sent.html")]
pub struct RegisterSentPage {
    layout: Layout,
    email: String,
}

/// One registration that passed the form's checks.
struct Attempt<'a> {
    enterprise: &'a Enterprise,
    email: &'a str,
    ip: Option<&'a str>,
    base_url: &'a str,
}

impl Attempt<'_> {
    /// Creates the unverified account and sends its verification link, or,
    /// when the email or the enterprise is taken, tells the owner instead.
    /// Returns the outcome for the log and the audit row.
    fn register(&self, c: &mut DbConn, password_hash: &str, now: NaiveDateTime) -> Result<&'static str, AppError> {
        let enterprise = self.enterprise;
        let object = format!("enterprise:{}", enterprise.id);
        let anonymous = Actor { user_id: None, role: None, institution_id: None, ip: self.ip.map(str::to_string) };
        if let Some(owner) = User::find_by_login(c, self.email)? {
            self.tell_email_owner(c, &owner, now)?;
            audit::record(c, &anonymous, "register", Some(&object), "email_taken", now)?;
            return Ok("email_taken");
        }
        if let Some(holder) = User::holder_of(c, enterprise.id)? {
            self.tell_holder(c, &holder, now)?;
            audit::record(c, &anonymous, "register", Some(&object), "enterprise_taken", now)?;
            return Ok("enterprise_taken");
        }
        let user_id = User::insert(
            c,
            &NewUser {
                username: self.email,
                email: self.email,
                display_name: &enterprise.name,
                password_hash,
                role: Role::Enterprise.as_str(),
                enterprise_id: Some(enterprise.id),
                institution_id: None,
                branch_id: None,
                must_change_password: false,
                created_at: now,
            },
        )?;
        let actor = Actor { user_id: Some(user_id), role: Some("enterprise".into()), ..anonymous };
        audit::record(c, &actor, "register", Some(&object), "ok", now)?;
        let mail = account_email::verification(c, user_id, &enterprise.name, self.base_url, now)?;
        mail.enqueue(c, self.email, now)?;
        Ok("created")
    }

    /// The email already has an account: its owner hears of the attempt (with
    /// a fresh link when the account still waits for verification).
    fn tell_email_owner(&self, c: &mut DbConn, owner: &User, now: NaiveDateTime) -> Result<(), AppError> {
        let mail = if owner.role() == Role::Enterprise && owner.email_verified_at.is_none() {
            account_email::verification(c, owner.id, &owner.display_name, self.base_url, now)?
        } else {
            AccountEmail::new(
                "有人尝试用您的邮箱注册",
                format!(
                    "有人刚刚在信易贷用您的邮箱为「{}」注册企业账号。您的邮箱已开通账号，本次注册未创建新账号。\n\n\
                     如果是您本人，请直接登录；忘记密码请联系信用办。",
                    self.enterprise.name
                ),
            )
            .link("登录信易贷", format!("{}/login", self.base_url))
        };
        mail.enqueue(c, &owner.email, now)?;
        Ok(())
    }

    /// The enterprise is held by another account: the holder hears of the
    /// attempt, and the new address learns how the real enterprise gets it back.
    fn tell_holder(&self, c: &mut DbConn, holder: &User, now: NaiveDateTime) -> Result<(), AppError> {
        let name = &self.enterprise.name;
        AccountEmail::new(
            "有人尝试为贵企业注册新账号",
            format!(
                "有人刚刚在信易贷为「{name}」注册企业账号（邮箱 {}）。贵企业已由您的账号代表，对方无法查看贵企业的数据。\n\n\
                 如果您不认识此操作，无需处理；如果您的账号并非贵企业开设，请联系信用办。",
                crate::domain::claim::mask_email(self.email)
            ),
        )
        .enqueue(c, &holder.email, now)?;
        AccountEmail::new(
            "企业账号注册未完成",
            format!(
                "您为「{name}」提交的注册未完成：该企业在信易贷已有账号。\n\n\
                 如果该账号不是贵企业开设的，请携加盖公章的授权书联系信用办，核实后原账号将被解绑，贵企业即可重新注册。"
            ),
        )
        .enqueue(c, self.email, now)?;
        Ok(())
    }
}

/// Names compare after trimming and folding full-width characters and brackets.
fn same_text(record: &str, typed: &str) -> bool {
    let fold =
        |s: &str| -> String { s.chars().map(crate::domain::uscc::half_width).filter(|c| !c.is_whitespace()).collect() };
    fold(record) == fold(typed)
}
