//! Enterprise self-registration: the USCC, name and legal representative must
//! match an enterprise the credit office has on record. The account starts
//! unverified: the email gets a link, and the enterprise's data stays closed
//! until the account proves control (see `claim`). The answer never tells
//! whether the email or the enterprise already has an account. The form also
//! asks whom a bank calls after a grab (contact person and mobile; the email
//! too) and the consent to the 用户协议 and 隐私政策; every field that is
//! missing or wrong is named at once, beside the field.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::Ctx;
use crate::actions::account::{self, Registration};
use crate::auth::Visitor;
use crate::auth::password::hash_async;
use crate::domain::terms::TERMS_VERSION;
use crate::domain::{Uscc, contact, password};
use crate::error::AppResult;
use crate::models::contact::EnterpriseContact;
use crate::models::enterprise::Enterprise;
use crate::models::rate_limit;
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
    contact_person: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
    /// The checkbox: present ("on") when the visitor accepted the terms.
    #[serde(default)]
    consent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "register.html")]
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
    let (uscc, contact) = check_fields(&form, &mut errors);
    let code = uscc.clone();
    let found = move |c: &mut _| code.map(|code| Enterprise::find_by_uscc(c, code.as_str())).transpose();
    let record = state.db.query(found).await?.flatten();
    check_record(record.as_ref(), uscc.is_some(), &form, &mut errors);
    let Some(enterprise) = record.filter(|_| errors.is_empty()) else {
        let (jar, csrf) = visitor.form_token(&state).await?;
        let page = RegisterPage { layout: visitor.layout(&csrf), form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
    };

    // From here the answer is the same whether the email or the enterprise
    // already has an account: the mailbox's owner learns the rest by email.
    let password_hash = hash_async(form.password.clone()).await?;
    let ctx = Ctx::anonymous(ip, now, &state.config.base_url);
    let email = contact.email.clone();
    let registration =
        Registration { enterprise, email: email.clone(), password_hash, contact, terms_version: TERMS_VERSION };
    let outcome = state.db.query(move |c| account::register(c, &ctx, registration)).await?;
    tracing::info!(outcome = outcome.as_str(), "enterprise registration");
    let (jar, csrf) = visitor.form_token(&state).await?;
    Ok((jar, RegisterSentPage { layout: visitor.layout(&csrf), email }).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "register_sent.html")]
pub struct RegisterSentPage {
    layout: Layout,
    email: String,
}

/// The form's own checks, every field at once: the code's shape, the required
/// fields, whom to contact, the password and the consent.
fn check_fields(form: &RegisterForm, errors: &mut FormErrors) -> (Option<Uscc>, EnterpriseContact) {
    let uscc = Uscc::parse(&form.uscc).map_err(|e| errors.add("uscc", e.to_string())).ok();
    if form.name.trim().is_empty() {
        errors.add("name", "请填写企业名称");
    }
    if form.legal_representative.trim().is_empty() {
        errors.add("legal_representative", "请填写法定代表人");
    }
    let person = contact::person(&form.contact_person).map_err(|e| errors.add("contact_person", e)).ok();
    let mobile = contact::mobile(&form.mobile).map_err(|e| errors.add("mobile", e)).ok();
    let email = contact::email(&form.email).map_err(|e| errors.add("email", e)).unwrap_or_default();
    if let Err(message) = password::check(&form.password) {
        errors.add("password", message);
    }
    if form.password_confirm.is_empty() {
        errors.add("password_confirm", "请再次输入密码");
    } else if form.password != form.password_confirm {
        errors.add("password_confirm", "两次输入的密码不一致");
    }
    if form.consent.is_empty() {
        errors.add("consent", "请阅读并同意《用户协议》和《隐私政策》后再注册");
    }
    let contact = EnterpriseContact { person: person.unwrap_or_default(), mobile: mobile.unwrap_or_default(), email };
    (uscc, contact)
}

/// The typed names against the credit office's record of the enterprise.
fn check_record(record: Option<&Enterprise>, code_valid: bool, form: &RegisterForm, errors: &mut FormErrors) {
    match record {
        None if code_valid => {
            errors.add("uscc", "信用办尚无该企业的登记信息，请核对代码；如确认无误，请联系信用办补录后再注册")
        }
        Some(e) => {
            if !same_text(&e.name, &form.name) {
                errors.add("name", "企业名称与登记信息不一致，请填写营业执照上的企业全称")
            }
            if !same_text(&e.legal_representative, &form.legal_representative) {
                errors.add("legal_representative", "法定代表人与登记信息不一致，请填写营业执照上的姓名")
            }
        }
        None => {}
    }
}

/// Names compare after trimming and folding full-width characters and brackets.
fn same_text(record: &str, typed: &str) -> bool {
    let fold =
        |s: &str| -> String { s.chars().map(crate::domain::uscc::half_width).filter(|c| !c.is_whitespace()).collect() };
    fold(record) == fold(typed)
}
