//! What each side of a deal gives of itself, and edits: the enterprise's
//! contact (`/enterprise/contact`: person, mobile, email a bank calls after
//! a grab) and the officer's profile (`/officer/profile`: name and phone the
//! enterprise sees beside the offer; the branch is the bank admin's to set).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use crate::actions::profile::{OfficerProfile, set_enterprise_contact, set_officer_profile};
use crate::auth::SignedIn;
use crate::domain::contact;
use crate::error::AppResult;
use crate::models::contact::{EnterpriseContact, OfficerContact};
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, notice};

#[derive(Deserialize, Default)]
pub struct ContactForm {
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    email: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/contact.html")]
pub struct ContactPage {
    layout: Layout,
    notice: Option<&'static str>,
    form: ContactForm,
    errors: FormErrors,
}

/// `GET /enterprise/contact`.
pub async fn contact_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<ContactPage> {
    signed.enterprise()?;
    let user_id = signed.user.id;
    let kept = state.db.query(move |c| EnterpriseContact::of_user(c, user_id)).await?;
    let form = ContactForm { contact_person: kept.person, mobile: kept.mobile, email: kept.email };
    let notice = notice(query.notice.as_deref());
    Ok(ContactPage { layout: signed.layout(), notice, form, errors: FormErrors::default() })
}

/// `POST /enterprise/contact`.
pub async fn save_contact(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    signed.enterprise()?;
    let mut errors = FormErrors::default();
    let person = contact::person(&form.contact_person).map_err(|e| errors.add("contact_person", e));
    let mobile = contact::mobile(&form.mobile).map_err(|e| errors.add("mobile", e));
    let email = contact::email(&form.email).map_err(|e| errors.add("email", e));
    let (Ok(person), Ok(mobile), Ok(email)) = (person, mobile, email) else {
        let page = ContactPage { layout: signed.layout(), notice: None, form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let ctx = signed.change(&state);
    let contact = EnterpriseContact { person, mobile, email };
    state.db.query(move |c| set_enterprise_contact(c, &ctx, &contact)).await?.map_err(refused)?;
    Ok(Redirect::to("/enterprise/contact?notice=contact_saved").into_response())
}

#[derive(Deserialize, Default)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "officer/profile.html")]
pub struct ProfilePage {
    layout: Layout,
    notice: Option<&'static str>,
    branch: Option<String>,
    form: ProfileForm,
    errors: FormErrors,
}

/// `GET /officer/profile`.
pub async fn profile_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<ProfilePage> {
    signed.officer_institution()?;
    let user_id = signed.user.id;
    let kept = state.db.query(move |c| OfficerContact::of_user(c, user_id)).await?;
    let form = ProfileForm { name: kept.name, phone: kept.phone.unwrap_or_default() };
    let notice = notice(query.notice.as_deref());
    Ok(ProfilePage { layout: signed.layout(), notice, branch: kept.branch, form, errors: FormErrors::default() })
}

/// `POST /officer/profile`.
pub async fn save_profile(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    signed.officer_institution()?;
    let mut errors = FormErrors::default();
    let name = contact::person(&form.name).map_err(|e| errors.add("name", e));
    let phone = contact::phone(&form.phone).map_err(|e| errors.add("phone", e));
    let (Ok(name), Ok(phone)) = (name, phone) else {
        let user_id = signed.user.id;
        let branch = state.db.query(move |c| OfficerContact::of_user(c, user_id)).await?.branch;
        let page = ProfilePage { layout: signed.layout(), notice: None, branch, form, errors };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let ctx = signed.change(&state);
    let profile = OfficerProfile { name, phone };
    state.db.query(move |c| set_officer_profile(c, &ctx, &profile)).await?.map_err(refused)?;
    Ok(Redirect::to("/officer/profile?notice=profile_saved").into_response())
}

/// A refusal of one's own profile can only be an account gone meanwhile.
fn refused(_: crate::actions::Refusal) -> crate::error::AppError {
    crate::error::AppError::NotFound
}
