//! Contact on an offer: the enterprise's contact person, mobile and email,
//! which the offer page shows only to the bank whose offer it is (so only
//! after its grab), and recording the contact: how (电话 / 上门 / 其他) and
//! when it happened (`domain::contact` says how the time is judged).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::{DecisionForm, page};
use crate::actions::offer::{Contact, OwnOffer, record_contact as record};
use crate::auth::SignedIn;
use crate::domain::calendar::{from_beijing, to_beijing};
use crate::domain::contact::{ContactMethod, ContactTimeError};
use crate::error::AppResult;
use crate::models::contact::{EnterpriseContact, OfficerContact};
use crate::state::AppState;
use crate::web::FormErrors;

/// The `datetime-local` format of the contact time, in Beijing time.
const LOCAL_MINUTE: &str = "%Y-%m-%dT%H:%M";

#[derive(Deserialize, Default, Clone)]
pub struct ContactForm {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub contacted_at: String,
}

impl ContactForm {
    /// The form as it first shows: a call, made this minute.
    pub(super) fn now(state: &AppState) -> ContactForm {
        let local = to_beijing(state.clock.now()).format(LOCAL_MINUTE).to_string();
        ContactForm { method: ContactMethod::Phone.as_str().into(), contacted_at: local }
    }

    fn parse(&self, errors: &mut FormErrors) -> Option<(ContactMethod, NaiveDateTime)> {
        let method = ContactMethod::parse(&self.method);
        if method.is_none() {
            errors.add("method", "请选择联系方式");
        }
        let typed = self.contacted_at.trim();
        let at = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(typed, f).ok())
            .map(from_beijing);
        if at.is_none() {
            errors.add("contacted_at", "请填写联系时间（北京时间），例如 2026-11-23 10:30");
        }
        method.zip(at)
    }
}

/// What the offer page shows and asks about contact.
pub struct ContactSide {
    /// The enterprise's contact; None when no account holds the enterprise now
    /// or the offer is out of the deal.
    pub enterprise: Option<EnterpriseContact>,
    /// The offer is out of the deal (not selected, lapsed, released, withdrawn):
    /// the bank no longer sees the enterprise's contact.
    pub out_of_deal: bool,
    pub form: ContactForm,
    pub errors: FormErrors,
    /// The officer has given no phone, so the enterprise sees none beside the offer.
    pub phone_missing: bool,
}

impl ContactSide {
    /// Called for the bank's own offer only (`super::load` checked whose it is).
    pub(super) async fn load(
        state: &AppState,
        signed: &SignedIn,
        enterprise_id: i64,
        in_deal: bool,
        form: ContactForm,
    ) -> AppResult<ContactSide> {
        let user_id = signed.user.id;
        let (enterprise, officer) = state
            .db
            .query(move |c| {
                let enterprise = if in_deal { EnterpriseContact::of_enterprise(c, enterprise_id)? } else { None };
                Ok((enterprise, OfficerContact::of_user(c, user_id)?))
            })
            .await?;
        Ok(ContactSide {
            enterprise,
            out_of_deal: !in_deal,
            form,
            errors: FormErrors::default(),
            phone_missing: officer.phone.is_none(),
        })
    }

    pub fn methods(&self) -> Vec<(&'static str, &'static str)> {
        ContactMethod::ALL.iter().map(|m| (m.as_str(), m.label())).collect()
    }
}

/// `POST /officer/offers/{id}/contact`: how and when the bank contacted the enterprise.
pub async fn record_contact(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    let offer = OwnOffer { institution_id: signed.officer_institution()?, offer_id: id };
    let mut errors = FormErrors::default();
    let mut refusal = None;
    if let Some((method, at)) = form.parse(&mut errors) {
        let ctx = signed.change(&state);
        match state.db.query(move |c| record(c, &ctx, Contact { offer, method, at })).await? {
            Ok(()) => return Ok(Redirect::to(&format!("/officer/offers/{id}?notice=contacted")).into_response()),
            Err(reason) if ContactTimeError::CODES.contains(&reason.code()) => {
                errors.add("contacted_at", reason.to_string())
            }
            Err(reason) => refusal = Some(reason.to_string()),
        }
    }
    let status = if refusal.is_some() { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut page = page(&state, &signed, id, DecisionForm::default(), FormErrors::default(), refusal, None).await?;
    page.contact.form = form;
    page.contact.errors = errors;
    Ok((status, page).into_response())
}
