//! A new claim: `GET /bank/claims/new` (the fund, then the bank's
//! registrations in it that may be claimed, each with a checkbox and its
//! loss), `POST /bank/claims/preview` (each line's payout, the total and the
//! stop line after the claim, to confirm or take back to the form) and
//! `POST /bank/claims` (the submission). A bad number or a refusal brings the
//! form back with everything typed and the words beside the line (422).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::institution;
use crate::actions::fund_claim::{self, Draft, Line, StopLine};
use crate::actions::{Refusal, Stop};
use crate::auth::SignedIn;
use crate::domain::Money;
use crate::domain::fund::ratio_text;
use crate::error::{AppError, AppResult};
use crate::handlers::funds::today;
use crate::models::fund::Fund;
use crate::models::fund::claim::{Claimable, enterprise_names, registration_of};
use crate::state::AppState;
use crate::web::Layout;

/// The claim form as typed: per line (aligned) its registration and loss; the lines ticked.
#[derive(Deserialize, Default, Clone)]
pub struct ClaimForm {
    #[serde(default)]
    fund: String,
    #[serde(default)]
    reg: Vec<String>,
    #[serde(default)]
    loss: Vec<String>,
    #[serde(default)]
    pick: Vec<String>,
    #[serde(default)]
    intent: String,
}

impl ClaimForm {
    fn typed_loss(&self, registration: i64) -> Option<&str> {
        let at = self.reg.iter().position(|r| r.trim() == registration.to_string())?;
        self.loss.get(at).map(String::as_str)
    }

    fn picked(&self, registration: i64) -> bool {
        self.pick.iter().any(|p| p.trim() == registration.to_string())
    }

    /// The draft of the lines ticked, or the errors beside the lines whose loss is no amount.
    fn draft(&self, fund_id: i64) -> Result<Draft, Vec<(i64, String)>> {
        let mut losses = Vec::new();
        let mut wrong = Vec::new();
        for (at, reg) in self.reg.iter().enumerate() {
            let Ok(reg) = reg.trim().parse::<i64>() else { continue };
            if !self.picked(reg) {
                continue;
            }
            let typed = self.loss.get(at).map(String::as_str).unwrap_or_default();
            match Money::parse_wan_fen(typed) {
                Some(loss) => losses.push((reg, loss.fen())),
                None => wrong.push((reg, "请填写本金损失（万元，大于 0，最多六位小数）".to_string())),
            }
        }
        if wrong.is_empty() { Ok(Draft { fund_id, losses }) } else { Err(wrong) }
    }
}

/// A registration the form offers, with what was typed for it.
pub struct FormLine {
    pub claimable: Claimable,
    pub enterprise: String,
    pub picked: bool,
    pub loss: String,
    pub error: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/claims/new.html")]
pub struct NewClaimPage {
    layout: Layout,
    funds: Vec<(i64, String)>,
    fund: Option<Fund>,
    trigger: &'static str,
    stop_line: Option<StopLine>,
    lines: Vec<FormLine>,
    alert: Option<String>,
}

impl NewClaimPage {
    pub fn wan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).wan_text()
    }

    pub fn ratio(&self, bp: &i32) -> String {
        ratio_text(*bp)
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/claims/preview.html")]
pub struct PreviewPage {
    layout: Layout,
    fund: Fund,
    lines: Vec<(Line, String)>,
    loss_fen: i64,
    payout_fen: i64,
    before: StopLine,
    after: StopLine,
    form: ClaimForm,
}

impl PreviewPage {
    pub fn wan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).wan_text()
    }

    pub fn yuan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).yuan_text()
    }

    pub fn ratio(&self, bp: &i32) -> String {
        ratio_text(*bp)
    }

    /// The typed form's values for the hidden fields (registration, loss, ticked).
    pub fn carried(&self) -> Vec<(&'static str, &str)> {
        let regs = self.form.reg.iter().map(|r| ("reg", r.as_str()));
        let losses = self.form.loss.iter().map(|l| ("loss", l.as_str()));
        let picks = self.form.pick.iter().map(|p| ("pick", p.as_str()));
        regs.chain(losses).chain(picks).collect()
    }
}

#[derive(Deserialize, Default)]
pub struct NewQuery {
    #[serde(default, deserialize_with = "crate::web::empty_as_none")]
    fund: Option<i64>,
}

/// The chosen fund as the form shows it: its trigger in words, the bank's stop line, the lines it may claim.
struct Chosen {
    fund: Fund,
    trigger: &'static str,
    stop_line: StopLine,
    lines: Vec<(Claimable, String)>,
}

/// Each line with its loan's enterprise.
fn named<T>(
    c: &mut crate::db::DbConn,
    lines: Vec<T>,
    loan: impl Fn(&T) -> i64,
) -> diesel::QueryResult<Vec<(T, String)>> {
    let names = enterprise_names(c, &lines.iter().map(&loan).collect::<Vec<_>>())?;
    Ok(lines
        .into_iter()
        .map(|l| {
            let name = names.iter().find(|(id, _)| *id == loan(&l)).map(|(_, n)| n.clone()).unwrap_or_default();
            (l, name)
        })
        .collect())
}

/// The funds, and the one chosen (the only one when there is one); a fund asked for and missing is 404.
async fn load(state: &AppState, institution: i64, fund_id: Option<i64>) -> AppResult<(Vec<Fund>, Option<Chosen>)> {
    let day = today(state);
    let (funds, chosen) = state
        .db
        .query(move |c| {
            let funds = Fund::all(c)?;
            let Some(id) = fund_id.or_else(|| (funds.len() == 1).then(|| funds[0].id)) else {
                return Ok((funds, Some(None)));
            };
            let Some(fund) = funds.iter().find(|f| f.id == id).cloned() else { return Ok((funds, None)) };
            let trigger = fund.rules(c)?.rules.trigger.label();
            let stop_line = fund_claim::stop_line(c, &fund, institution, day)?;
            let claimable = fund_claim::claimable(c, fund.id, institution)?;
            let lines = named(c, claimable, |l| l.loan_id)?;
            Ok((funds, Some(Some(Chosen { fund, trigger, stop_line, lines }))))
        })
        .await?;
    Ok((funds, chosen.ok_or(AppError::NotFound)?))
}

/// The form for `fund_id` with `form`'s values (none typed: every line unticked, its outstanding as the loss).
async fn form_page(
    state: &AppState,
    signed: &SignedIn,
    fund_id: Option<i64>,
    form: Option<&ClaimForm>,
    (errors, alert): (Vec<(i64, String)>, Option<String>),
) -> AppResult<NewClaimPage> {
    let (funds, chosen) = load(state, institution(signed)?, fund_id).await?;
    let (fund, trigger, stop_line, lines) = match chosen {
        Some(c) => (Some(c.fund), c.trigger, Some(c.stop_line), c.lines),
        None => (None, "", None, Vec::new()),
    };
    let lines = lines
        .into_iter()
        .map(|(claimable, enterprise)| {
            let id = claimable.registration_id;
            let outstanding = Money::from_fen(claimable.outstanding_fen).wan_input();
            FormLine {
                picked: form.is_some_and(|f| f.picked(id)),
                loss: form.and_then(|f| f.typed_loss(id)).map_or(outstanding, str::to_string),
                error: errors.iter().find(|(r, _)| *r == id).map(|(_, e)| e.clone()),
                claimable,
                enterprise,
            }
        })
        .collect();
    Ok(NewClaimPage {
        layout: signed.layout(),
        funds: funds.into_iter().map(|f| (f.id, f.name)).collect(),
        fund,
        trigger,
        stop_line,
        lines,
        alert,
    })
}

/// `GET /bank/claims/new?fund=`.
pub async fn new_claim(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<NewQuery>,
) -> AppResult<NewClaimPage> {
    form_page(&state, &signed, q.fund, None, (Vec::new(), None)).await
}

/// The form's IOUs by registration, to place the action's words beside their lines.
async fn ious(state: &AppState, institution: i64, form: &ClaimForm) -> AppResult<Vec<(i64, String)>> {
    let regs: Vec<i64> = form.reg.iter().filter_map(|r| r.trim().parse().ok()).collect();
    Ok(state
        .db
        .query(move |c| {
            let mut out = Vec::new();
            for reg in regs {
                if let Some(line) = registration_of(c, reg, institution)? {
                    out.push((reg, line.iou_no));
                }
            }
            Ok(out)
        })
        .await?)
}

/// The form again (422) after `refusal`: the words beside the lines whose IOU they name, the rest above.
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    (form, fund_id): (&ClaimForm, i64),
    refusal: Refusal,
) -> AppResult<Response> {
    let (beside, alert) = match &refusal {
        Refusal::NotFound(_) => return Err(AppError::NotFound),
        Refusal::Fields(fields) => {
            let ious = ious(state, institution(signed)?, form).await?;
            let mut beside = Vec::new();
            let mut above = Vec::new();
            for f in fields {
                let named =
                    |(reg, iou): &&(i64, String)| form.picked(*reg) && f.message.contains(&format!("借据 {iou}"));
                match ious.iter().find(named) {
                    Some((reg, _)) => beside.push((*reg, f.message.clone())),
                    None => above.push(f.message.clone()),
                }
            }
            (beside, (!above.is_empty()).then(|| above.join("；")))
        }
        other => (Vec::new(), Some(other.to_string())),
    };
    again(state, signed, (form, fund_id), beside, alert).await
}

async fn again(
    state: &AppState,
    signed: &SignedIn,
    (form, fund_id): (&ClaimForm, i64),
    beside: Vec<(i64, String)>,
    alert: Option<String>,
) -> AppResult<Response> {
    let page = form_page(state, signed, Some(fund_id), Some(form), (beside, alert)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

fn fund_of(form: &ClaimForm) -> AppResult<i64> {
    form.fund.trim().parse().map_err(|_| AppError::NotFound)
}

/// The form's draft, or the form again (422) beside the losses that are no amount.
async fn drafted(state: &AppState, signed: &SignedIn, form: &ClaimForm) -> AppResult<Result<Draft, Response>> {
    let fund_id = fund_of(form)?;
    match form.draft(fund_id) {
        Ok(draft) => Ok(Ok(draft)),
        Err(wrong) => again(state, signed, (form, fund_id), wrong, None).await.map(Err),
    }
}

/// `POST /bank/claims/preview`: the payouts and the stop line after the claim, to confirm.
pub async fn preview(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ClaimForm>,
) -> AppResult<Response> {
    let institution = institution(&signed)?;
    if form.intent == "edit" {
        let page = form_page(&state, &signed, Some(fund_of(&form)?), Some(&form), (Vec::new(), None)).await?;
        return Ok(page.into_response());
    }
    let draft = match drafted(&state, &signed, &form).await? {
        Ok(draft) => draft,
        Err(page) => return Ok(page),
    };
    let fund_id = draft.fund_id;
    let day = today(&state);
    let checked = state
        .db
        .query(move |c| {
            let Some(fund) = Fund::find(c, draft.fund_id)? else { return Ok(Err(Refusal::NotFound("资金池"))) };
            let lines = match fund_claim::lines(c, institution, &draft) {
                Ok(lines) => lines,
                Err(Stop::Refused(refusal)) => return Ok(Err(refusal)),
                Err(Stop::Db(e)) => return Err(e),
            };
            let before = fund_claim::stop_line(c, &fund, institution, day)?;
            Ok(Ok((fund, named(c, lines, |l| l.claimable.loan_id)?, before)))
        })
        .await?;
    let (fund, lines, before) = match checked {
        Ok(found) => found,
        Err(refusal) => return refused(&state, &signed, (&form, fund_id), refusal).await,
    };
    let loss_fen: i64 = lines.iter().map(|(l, _)| l.loss_fen).sum();
    let payout_fen: i64 = lines.iter().map(|(l, _)| l.payout_fen).sum();
    let after = before.with(loss_fen);
    if let Err(Stop::Refused(refusal)) = fund_claim::stop_line_refusal(after) {
        return refused(&state, &signed, (&form, fund_id), refusal).await;
    }
    Ok(PreviewPage { layout: signed.layout(), fund, lines, loss_fen, payout_fen, before, after, form }.into_response())
}

/// `POST /bank/claims`: submits the claim confirmed on the preview.
pub async fn submit(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ClaimForm>,
) -> AppResult<Response> {
    let institution = institution(&signed)?;
    let draft = match drafted(&state, &signed, &form).await? {
        Ok(draft) => draft,
        Err(page) => return Ok(page),
    };
    let fund_id = draft.fund_id;
    let ctx = signed.change(&state);
    match state.db.query(move |c| fund_claim::submit(c, &ctx, institution, &draft)).await? {
        Ok(id) => Ok(Redirect::to(&format!("/bank/claims/{id}?notice=claim_submitted")).into_response()),
        Err(refusal) => refused(&state, &signed, (&form, fund_id), refusal).await,
    }
}
