//! An offer's repayment schedule (还款计划), period by period, as a page and
//! as a CSV download. Only the two sides of the offer see it: the enterprise
//! whose need it answers and the institution that made it; anyone else gets
//! the not-found page, whatever id is typed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;

use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::repayment::{Cost, Instalment, cost, due_date};
use crate::error::{AppError, AppResult};
use crate::models::need::Need;
use crate::models::offer::Offer;
use crate::state::AppState;
use crate::web::{Layout, csv_response};

#[derive(Template, WebTemplate)]
#[template(path = "offers/schedule.html")]
pub struct SchedulePage {
    layout: Layout,
    offer: Offer,
    institution: String,
    /// Where the breadcrumb leads back to: the need's or the offer's page.
    back: (String, &'static str),
    drawdown: NaiveDate,
    instalments: Vec<Instalment>,
    cost: Cost,
}

impl SchedulePage {
    fn due(&self, instalment: &Instalment) -> NaiveDate {
        due_date(self.drawdown, instalment.month)
    }
}

/// The offer and its need, if the signed-in user is one of the offer's two sides.
async fn visible_offer(state: &AppState, signed: &SignedIn, id: i64) -> AppResult<(Offer, Need, String)> {
    let (offer, need, institution) =
        state.db.query(move |c| Offer::with_need(c, id)).await?.ok_or(AppError::NotFound)?;
    let user = &signed.user;
    let allowed = match user.role() {
        Role::Enterprise => user.enterprise_id == Some(need.enterprise_id),
        Role::Officer | Role::BankAdmin => user.institution_id == Some(offer.institution_id),
        Role::CreditOffice => false,
    };
    if !allowed {
        tracing::info!(user = user.id, offer = id, "schedule of another's offer refused");
        return Err(AppError::NotFound);
    }
    Ok((offer, need, institution))
}

/// `GET /offers/{id}/schedule`.
pub async fn schedule(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<SchedulePage> {
    let (offer, need, institution) = visible_offer(&state, &signed, id).await?;
    let back = match signed.user.role() {
        Role::Enterprise => (format!("/enterprise/needs/{}", need.id), "融资需求"),
        Role::Officer => (format!("/officer/offers/{id}"), "报价"),
        _ => ("/bank-admin".to_string(), "机构管理"),
    };
    let instalments = offer.loan().schedule();
    let cost = cost(&instalments);
    let drawdown = offer.drawdown();
    Ok(SchedulePage { layout: signed.layout(), offer, institution, back, drawdown, instalments, cost })
}

/// `GET /offers/{id}/schedule.csv`: the same rows, amounts in yuan to the fen.
pub async fn schedule_csv(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    let (offer, ..) = visible_offer(&state, &signed, id).await?;
    let drawdown = offer.drawdown();
    let header = ["期数", "还款日", "应还本金（元）", "应还利息（元）", "本期还款（元）", "剩余本金（元）"];
    let mut rows = vec![header.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
    for i in offer.loan().schedule() {
        let yuan = |m: crate::domain::Money| format!("{:.2}", m.to_decimal());
        rows.push(vec![
            i.number.to_string(),
            due_date(drawdown, i.month).to_string(),
            yuan(i.principal),
            yuan(i.interest),
            yuan(i.payment),
            yuan(i.balance),
        ]);
    }
    Ok(csv_response(&format!("还款计划-报价{id}.csv"), rows))
}
