//! The enterprise's need after publishing: its offers side by side, each
//! priced under its own repayment method (first and largest payment, total
//! interest, total repayable), with each bank's scoreboard figures over the
//! trailing year (按时联系占比, 授信决定中位时长, 授信批准率); accepting
//! one (after a confirmation step), cancelling, and after a decline accepting
//! another valid offer or republishing in one click. Beside each offer, the
//! officer who grabbed the need: name, branch and phone, shown to the
//! enterprise whose need it is and for as long as the offer is listed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use crate::actions::Refusal;
use crate::actions::need::{
    Accept, OwnNeed, accept_offer as accept, cancel_need as cancel, republish_need as republish,
};
use crate::auth::SignedIn;
use crate::domain::need::{NeedStatus, Remedy, decline_reason, time_left};
use crate::domain::repayment::{Cost, lowest_interest_badges};
use crate::domain::stats::scoreboard::BankRow;
use crate::error::{AppError, AppResult};
use crate::models::contact::OfficerContact;
use crate::models::need::Need;
use crate::models::offer::Offer;
use crate::models::stats::scoreboard;
use crate::state::AppState;
use crate::web::{ConfirmPage, Layout, NoticeQuery, notice};

/// An offer as the enterprise compares it.
pub struct Compared {
    pub offer: Offer,
    pub institution: String,
    /// The officer who grabbed the need: whom the enterprise can call.
    pub officer: OfficerContact,
    /// The bank's line on the scoreboard over the trailing year.
    pub record: Option<BankRow>,
    /// What the offer costs under its own repayment method.
    pub cost: Cost,
    /// "利息最低" or "利息并列最低", see `lowest_interest_badges`.
    pub badge: Option<&'static str>,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/needs/show.html")]
pub struct NeedPage {
    layout: Layout,
    notice: Option<&'static str>,
    refusal: Option<String>,
    need: Need,
    offers: Vec<Compared>,
    now: chrono::NaiveDateTime,
}

impl NeedPage {
    /// An offer the enterprise may accept now.
    fn acceptable(&self, offer: &Offer) -> bool {
        self.cancellable() && offer.status.is_acceptable() && offer.valid_until > self.now
    }
    fn cancellable(&self) -> bool {
        self.need.status.is_choosing()
    }
    fn declined(&self) -> bool {
        self.need.status == NeedStatus::Declined
    }
    fn left(&self) -> String {
        self.need.deadline.map_or_else(String::new, |d| time_left(self.now, d))
    }
    /// The bank's decline, with what the enterprise can do about it.
    fn decline(&self) -> Option<(&'static str, String, Remedy)> {
        let offer = self.offers.iter().find(|c| Some(c.offer.id) == self.need.accepted_offer_id)?;
        let (label, remedy) = decline_reason(offer.offer.decline_reason.as_deref()?)?;
        Some((label, offer.offer.decision_note.clone().unwrap_or_default(), remedy))
    }
}

async fn need_page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    refusal: Option<String>,
    notice_key: Option<&str>,
) -> AppResult<NeedPage> {
    let enterprise = signed.enterprise()?;
    let now = state.clock.now();
    let (need, offers) = state
        .db
        .run(move |c| {
            let need = Need::find(c, id)?.filter(|n| n.enterprise_id == enterprise).ok_or(AppError::NotFound)?;
            let offers = Offer::of_need(c, id)?;
            let board = if offers.is_empty() { Vec::new() } else { scoreboard::trailing_year(c, now)? };
            let mut compared = Vec::new();
            for (offer, institution) in offers {
                let record = board.iter().find(|r| r.institution_id == offer.institution_id).cloned();
                let officer = OfficerContact::of_user(c, offer.officer_id)?;
                let cost = offer.cost();
                compared.push(Compared { offer, institution, officer, record, cost, badge: None });
            }
            let interests: Vec<_> = compared.iter().map(|c| c.cost.total_interest).collect();
            for (c, badge) in compared.iter_mut().zip(lowest_interest_badges(&interests)) {
                c.badge = badge;
            }
            Ok((need, compared))
        })
        .await?;
    Ok(NeedPage { layout: signed.layout(), notice: notice(notice_key), refusal, need, offers, now })
}

/// `GET /enterprise/needs/{id}`.
pub async fn need(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> AppResult<NeedPage> {
    need_page(&state, &signed, id, None, query.notice.as_deref()).await
}

/// Back to the need with a notice when done, or the need's page with the refusal.
async fn finish<T>(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    outcome: Result<Result<T, Refusal>, crate::db::DbError>,
    done: &str,
) -> AppResult<Response> {
    match outcome? {
        Ok(_) => Ok(Redirect::to(&format!("/enterprise/needs/{id}?notice={done}")).into_response()),
        Err(reason) => {
            Ok((StatusCode::CONFLICT, need_page(state, signed, id, Some(reason.to_string()), None).await?)
                .into_response())
        }
    }
}

/// `GET /enterprise/needs/{id}/offers/{offer}/accept`: the confirmation step.
pub async fn confirm_accept(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, offer_id)): Path<(i64, i64)>,
) -> AppResult<ConfirmPage> {
    let page = need_page(&state, &signed, id, None, None).await?;
    let c = page.offers.iter().find(|c| c.offer.id == offer_id).ok_or(AppError::NotFound)?;
    Ok(ConfirmPage {
        layout: signed.layout(),
        title: "接受报价".into(),
        message: format!(
            "您将接受{}的报价：{}，年化 {}，期限 {} 个月，{}，首期还款 {}，总利息 {}。接受后其他银行的报价将关闭，{}将在 10 个工作日内作出授信决定。",
            c.institution,
            c.offer.amount.wan_text(),
            c.offer.rate.percent_text(),
            c.offer.term_months,
            c.offer.method().label(),
            c.cost.first_payment.yuan_text(),
            c.cost.total_interest.yuan_text(),
            c.institution
        ),
        action: format!("/enterprise/needs/{id}/offers/{offer_id}/accept"),
        button: "确认接受报价".into(),
        back: format!("/enterprise/needs/{id}"),
        danger: false,
        summary: Vec::new(),
        carry: Vec::new(),
        edit: None,
    })
}

/// `POST /enterprise/needs/{id}/offers/{offer}/accept`.
pub async fn accept_offer(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, offer_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let input = Accept { enterprise_id: signed.enterprise()?, need_id: id, offer_id };
    let ctx = signed.change(&state);
    let outcome = state.db.query(move |c| accept(c, &ctx, input)).await;
    finish(&state, &signed, id, outcome, "accepted").await
}

/// `GET /enterprise/needs/{id}/cancel`: the confirmation step.
pub async fn confirm_cancel(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<ConfirmPage> {
    let page = need_page(&state, &signed, id, None, None).await?;
    Ok(ConfirmPage {
        layout: signed.layout(),
        title: "撤销融资需求".into(),
        message: format!(
            "撤销后，该需求（{}）将从抢单大厅撤下，已收到的 {} 份报价将全部关闭并通知银行。此操作不可撤销。",
            page.need.amount.wan_text(),
            page.offers.len()
        ),
        action: format!("/enterprise/needs/{id}/cancel"),
        button: "确认撤销".into(),
        back: format!("/enterprise/needs/{id}"),
        danger: true,
        summary: Vec::new(),
        carry: Vec::new(),
        edit: None,
    })
}

/// `POST /enterprise/needs/{id}/cancel`.
pub async fn cancel_need(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    let input = OwnNeed { enterprise_id: signed.enterprise()?, need_id: id };
    let ctx = signed.change(&state);
    let outcome = state.db.query(move |c| cancel(c, &ctx, input)).await;
    finish(&state, &signed, id, outcome, "cancelled").await
}

/// `POST /enterprise/needs/{id}/republish`: one click after a decline.
pub async fn republish_need(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let input = OwnNeed { enterprise_id: signed.enterprise()?, need_id: id };
    let ctx = signed.change(&state);
    match state.db.query(move |c| republish(c, &ctx, input)).await? {
        Ok(new) => Ok(Redirect::to(&format!("/enterprise/needs/{new}?notice=republished")).into_response()),
        Err(reason) => {
            Ok((StatusCode::CONFLICT, need_page(&state, &signed, id, Some(reason.to_string()), None).await?)
                .into_response())
        }
    }
}
