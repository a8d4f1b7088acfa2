//! The bank's work on its offers: the list of what waits for it, each offer
//! with the enterprise it was made to, recording contact, and the credit
//! decision on an accepted offer. An officer sees only the institution's own
//! offers, whatever id is typed in the URL. The decision is confirmed on a
//! summary before it is recorded (返回修改 gives the form back, filled).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::actions::offer::{Approval, Decide, Decision, OwnOffer, record_decision as decide};
use crate::auth::SignedIn;
use crate::domain::Rate;
use crate::domain::need::{DECLINE_REASONS, OfferStatus, decline_reason, time_left};
use crate::error::{AppError, AppResult};
use crate::models::enterprise::Enterprise;
use crate::models::holiday::ScheduledYears;
use crate::models::need::Need;
use crate::models::offer::{Offer, OfferLine, Worklist};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, Pager, empty_as_none, form_again, notice};

mod contact;
pub use contact::record_contact;
use contact::{ContactForm, ContactSide};

#[derive(Deserialize, Default)]
pub struct OffersQuery {
    #[serde(default)]
    all: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "officer/offers.html")]
pub struct OffersPage {
    layout: Layout,
    all: bool,
    lines: Vec<OfferLine>,
    pager: Pager,
    now: chrono::NaiveDateTime,
    scheduled: ScheduledYears,
}

impl OffersPage {
    /// What the bank has to do next on this offer, and by when.
    fn todo(&self, offer: &Offer) -> String {
        let by = |due: chrono::NaiveDateTime| {
            if due <= self.now {
                "已超时".into()
            } else {
                format!("{}{}", time_left(self.now, due), self.scheduled.mark(&due))
            }
        };
        match (offer.status, offer.contacted_at, &offer.decision, offer.decision_due) {
            (OfferStatus::Active, None, ..) => format!("联系企业 · {}", by(offer.contact_due)),
            (OfferStatus::Accepted, _, None, Some(due)) => format!("录入授信决定 · {}", by(due)),
            _ => String::new(),
        }
    }
    fn base(&self) -> &'static str {
        if self.all { "/officer/offers?all=1&" } else { "/officer/offers?" }
    }
}

/// `GET /officer/offers`: what waits for the bank (or `?all=1`: every offer).
pub async fn offers(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<OffersQuery>,
) -> AppResult<OffersPage> {
    let institution = signed.officer_institution()?;
    let all = !query.all.is_empty();
    let list = if all { Worklist::All } else { Worklist::Todo };
    let ((lines, pager), scheduled) = state
        .db
        .query(move |c| Ok((Offer::of_institution(c, institution, list, query.page)?, ScheduledYears::load(c)?)))
        .await?;
    Ok(OffersPage { layout: signed.layout(), all, lines, pager, now: state.clock.now(), scheduled })
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    rate: String,
    #[serde(default)]
    term: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    /// "edit": back from the confirmation to the form, filled.
    #[serde(default)]
    intent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "officer/offer.html")]
pub struct OfferPage {
    layout: Layout,
    notice: Option<&'static str>,
    offer: Offer,
    need: Need,
    enterprise: Enterprise,
    form: DecisionForm,
    errors: FormErrors,
    refusal: Option<String>,
    now: chrono::NaiveDateTime,
    /// Marks due dates counted without their year's holiday schedule.
    scheduled: ScheduledYears,
    /// The enterprise's contact, and the form that records contact with it.
    contact: ContactSide,
    /// The loan recorded on this approval, if any.
    loan: Option<i64>,
}

impl OfferPage {
    /// The decline reasons as the select lists them, after a prompt.
    fn reasons(&self) -> Vec<(&'static str, &'static str)> {
        std::iter::once(("", "请选择")).chain(DECLINE_REASONS.iter().map(|(code, label, _)| (*code, *label))).collect()
    }
    fn can_contact(&self) -> bool {
        self.offer.awaits_contact()
    }
    fn can_decide(&self) -> bool {
        self.offer.status == OfferStatus::Accepted
            && self.offer.decision.is_none()
            && self.need.accepted_offer_id == Some(self.offer.id)
    }
    fn left(&self, due: &chrono::NaiveDateTime) -> String {
        time_left(self.now, *due)
    }
}

async fn load(state: &AppState, institution: i64, id: i64) -> AppResult<(Offer, Need, Enterprise)> {
    state
        .db
        .run(move |c| {
            let offer = Offer::find(c, id)?.filter(|o| o.institution_id == institution).ok_or(AppError::NotFound)?;
            let need = Need::find(c, offer.need_id)?.ok_or(AppError::NotFound)?;
            let enterprise = Enterprise::find(c, need.enterprise_id)?;
            Ok((offer, need, enterprise))
        })
        .await
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    form: DecisionForm,
    errors: FormErrors,
    refusal: Option<String>,
    notice_key: Option<&str>,
) -> AppResult<OfferPage> {
    let institution = signed.officer_institution()?;
    let (offer, need, enterprise) = load(state, institution, id).await?;
    let (scheduled, loan) = state
        .db
        .query(move |c| Ok((ScheduledYears::load(c)?, crate::models::loan::Loan::of_offer(c, id)?.map(|l| l.id))))
        .await?;
    let contact =
        ContactSide::load(state, signed, need.enterprise_id, offer.status.in_deal(), ContactForm::now(state)).await?;
    let form = if form.decision.is_empty() {
        DecisionForm {
            decision: "approve".into(),
            amount: offer.amount.wan_input(),
            rate: offer.rate.input_text(),
            term: offer.term_months.to_string(),
            date: crate::clock::beijing(state.clock.now()).date_naive().to_string(),
            ..form
        }
    } else {
        form
    };
    Ok(OfferPage {
        layout: signed.layout(),
        notice: notice(notice_key),
        offer,
        need,
        enterprise,
        form,
        errors,
        refusal,
        now: state.clock.now(),
        scheduled,
        contact,
        loan,
    })
}

/// `GET /officer/offers/{id}`.
pub async fn offer(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<OffersQuery>,
) -> AppResult<OfferPage> {
    page(&state, &signed, id, DecisionForm::default(), FormErrors::default(), None, query.notice.as_deref()).await
}

fn validate(form: &DecisionForm) -> Result<Decision, FormErrors> {
    let mut errors = FormErrors::default();
    match form.decision.as_str() {
        "approve" => {
            let amount = errors.loan_amount("amount", &form.amount, "授信额度");
            let rate = Rate::parse(&form.rate).ok().filter(|r| r.units() > 0 && r.units() <= 240_000);
            if rate.is_none() {
                errors.add("rate", "请填写年化利率（大于 0，不超过 24%）");
            }
            let term = errors.term_months("term", &form.term);
            let date = NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d").ok();
            if date.is_none() {
                errors.add("date", "请填写授信日期，格式如 2026-11-22");
            }
            match (amount, rate, term, date) {
                (Some(amount), Some(rate), Some(term_months), Some(date)) => {
                    Ok(Decision::Approve(Approval { amount, rate, term_months, date }))
                }
                _ => Err(errors),
            }
        }
        "decline" => {
            if !DECLINE_REASONS.iter().any(|(c, ..)| *c == form.reason) {
                errors.add("reason", "请选择拒绝原因");
            }
            let note = form.note.trim().to_string();
            if note.chars().count() < 4 || note.chars().count() > 500 {
                errors.add("note", "请说明具体情况（4 到 500 字），企业将看到这段说明");
            }
            if errors.is_empty() { Ok(Decision::Decline { reason: form.reason.clone(), note }) } else { Err(errors) }
        }
        _ => {
            errors.add("decision", "请选择批准或拒绝");
            Err(errors)
        }
    }
}

/// `POST /officer/offers/{id}/decision/confirm`: the decision as typed, checked
/// and summed up for confirmation; 返回修改 gives the form back, filled.
pub async fn confirm_decision(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let decision = match validate(&form) {
        Ok(decision) if form.intent != "edit" => decision,
        checked => {
            let (status, errors) = form_again(checked, &form.intent);
            return Ok((status, page(&state, &signed, id, form, errors, None, None).await?).into_response());
        }
    };
    let shown = page(&state, &signed, id, DecisionForm::default(), FormErrors::default(), None, None).await?;
    if !shown.can_decide() {
        let refusal = Some("该报价现在不能录入授信决定。".to_string());
        let page = page(&state, &signed, id, form, FormErrors::default(), refusal, None).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    Ok(decision_summary(signed.layout(), &shown, &form, &decision).into_response())
}

/// The confirmation of a credit decision: the approved line, or the decline and what the enterprise will read.
fn decision_summary(layout: Layout, shown: &OfferPage, form: &DecisionForm, decision: &Decision) -> ConfirmPage {
    let id = shown.offer.id;
    let (action, edit) = (format!("/officer/offers/{id}/decision"), format!("/officer/offers/{id}/decision/confirm"));
    let whom = format!("{}的融资需求（{}）", shown.enterprise.name, shown.need.amount.wan_text());
    let page = match decision {
        Decision::Approve(a) => {
            let mut page = ConfirmPage::typed(layout, "确认批准授信", action, "确认批准授信", edit);
            page.message = format!("您将批准{whom}。确认后企业会收到通知，授信决定不能更改。");
            page.line("授信额度", a.amount.wan_text())
                .line("年化利率", a.rate.percent_text())
                .line("期限", format!("{} 个月", a.term_months))
                .line("授信日期", a.date.to_string())
        }
        Decision::Decline { reason, note } => {
            let mut page = ConfirmPage::typed(layout, "确认拒绝授信", action, "确认拒绝授信", edit);
            page.message = format!("您将拒绝{whom}。确认后企业会看到下面的原因和说明，授信决定不能更改。");
            page.danger = true;
            page.line("拒绝原因", decline_reason(reason).map_or("", |(label, _)| label)).line("具体说明", note.clone())
        }
    };
    page.carrying(form)
}

/// `POST /officer/offers/{id}/decision`: records the decision (after the
/// confirmation step; everything is checked again).
pub async fn record_decision(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let institution = signed.officer_institution()?;
    let decision = match validate(&form) {
        Ok(decision) => decision,
        Err(errors) => {
            let page = page(&state, &signed, id, form, errors, None, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let input = Decide { offer: OwnOffer { institution_id: institution, offer_id: id }, decision };
    let ctx = signed.change(&state);
    match state.db.query(move |c| decide(c, &ctx, input)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/officer/offers/{id}?notice=decided")).into_response()),
        Err(reason) => {
            let page = page(&state, &signed, id, form, FormErrors::default(), Some(reason.to_string()), None).await?;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}
