//! Enterprise self-registration: the USCC, name and legal representative must
//! match an enterprise the credit office has on record.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::CookieJar;
use serde::Deserialize;

use crate::auth::Visitor;
use crate::auth::password::hash_async;
use crate::auth::session::{session_cookie, sign_in};
use crate::db::write_tx;
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
    rate_limit::check(&state, "register", ip.as_deref(), rate_limit::REGISTER).await?;

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
    let (code, email_check) = (uscc.clone(), email.clone());
    let (record, taken, email_taken) = state
        .db
        .run(move |c| {
            let record = match &code {
                Some(code) => Enterprise::find_by_uscc(c, code.as_str())?,
                None => None,
            };
            let taken = match &record {
                Some(e) => User::enterprise_has_account(c, e.id)?,
                None => false,
            };
            Ok((record, taken, User::email_taken(c, &email_check)?))
        })
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
        Some(_) if taken => errors.add("uscc", "该企业已注册账号，请直接登录；如遗忘账号请联系信用办"),
        _ => {}
    }
    if email_taken {
        errors.add("email", "该邮箱已被其他账号使用，请换一个邮箱或直接登录");
    }
    let Some(enterprise) = record.filter(|_| errors.is_empty()) else {
        let (jar, csrf) = visitor.form_token(&state).await?;
        let page = RegisterPage { layout: visitor.layout(&csrf), form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
    };

    let password_hash = hash_async(form.password.clone()).await?;
    let previous = visitor.session.clone();
    let (token, user_id) = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let user_id = User::insert(
                    c,
                    &NewUser {
                        username: &email,
                        email: &email,
                        display_name: &enterprise.name,
                        password_hash: &password_hash,
                        role: Role::Enterprise.as_str(),
                        enterprise_id: Some(enterprise.id),
                        institution_id: None,
                        branch_id: None,
                        must_change_password: false,
                        created_at: now,
                    },
                )?;
                let actor = Actor {
                    user_id: Some(user_id),
                    role: Some("enterprise".into()),
                    institution_id: None,
                    ip: ip.clone(),
                };
                audit::record(c, &actor, "register", Some(&format!("enterprise:{}", enterprise.id)), "ok", now)?;
                let token = sign_in(c, previous.as_ref(), user_id, ip.as_deref(), now)?;
                Ok::<_, AppError>((token, user_id))
            })
        })
        .await?;
    tracing::info!(user = user_id, "enterprise registered");
    let jar = CookieJar::new().add(session_cookie(token, state.config.secure_cookies()));
    Ok((jar, Redirect::to("/enterprise?notice=registered")).into_response())
}

/// Names compare after trimming and folding full-width characters and brackets.
fn same_text(record: &str, typed: &str) -> bool {
    let fold =
        |s: &str| -> String { s.chars().map(crate::domain::uscc::half_width).filter(|c| !c.is_whitespace()).collect() };
    fold(record) == fold(typed)
}
