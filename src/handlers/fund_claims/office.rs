//! The credit office's claim pages (补偿审核, `/credit-office/fund-claims`):
//! every bank's claims with filters, their counts per state and the CSV of
//! the same, and a claim's page: the bank's stop line and the fund's budget
//! left this year beside what both sides see (`ClaimView`), with the
//! decision form while it awaits one and the pay form once approved. The
//! decisions and the payment, each through a confirmation, are in `decide`.

pub mod decide;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{Datelike, NaiveDate, NaiveTime};
use serde::Deserialize;

use self::decide::{DecisionForm, PayForm};
use super::{ClaimView, Side, file_response};
use crate::actions::fund_claim::{StopLine, stop_line};
use crate::auth::SignedIn;
use crate::domain::calendar::from_beijing;
use crate::domain::fund::ClaimStatus;
use crate::domain::{Money, Role};
use crate::error::{AppError, AppResult};
use crate::handlers::funds::today;
use crate::models::fund::Fund;
use crate::models::fund::budget::{self, Budget};
use crate::models::fund::claim::file::{self, ClaimFile};
use crate::models::fund::claim::{Claim, Filter, ListLine};
use crate::models::institution::Institution;
use crate::models::page::EXPORT_ROWS;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, Pager, csv_export, empty_as_none};

/// Claims a page of the list shows.
const PER_PAGE: i64 = 20;

/// The list's filters as the URL carries them.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    status: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    fund: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    bank: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    to: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<i64>,
}

impl ListQuery {
    /// Submission dates are Beijing days: `to` includes its whole day.
    fn filter(&self) -> Filter {
        let start = |day: NaiveDate| from_beijing(day.and_time(NaiveTime::MIN));
        Filter {
            institution: self.bank,
            status: ClaimStatus::parse(&self.status),
            fund: self.fund,
            from: self.from.map(start),
            to: self.to.and_then(|d| d.succ_opt()).map(start),
        }
    }

    /// The list's URL with the filters but the state, ready for `status=` or `page=`.
    fn others(&self) -> String {
        let mut base = String::from("/credit-office/fund-claims?");
        if let Some(f) = self.fund {
            base.push_str(&format!("fund={f}&"));
        }
        if let Some(b) = self.bank {
            base.push_str(&format!("bank={b}&"));
        }
        if let Some(d) = self.from {
            base.push_str(&format!("from={d}&"));
        }
        if let Some(d) = self.to {
            base.push_str(&format!("to={d}&"));
        }
        base
    }

    /// The list's URL with every filter, ready for `page=`.
    fn base(&self) -> String {
        match ClaimStatus::parse(&self.status) {
            Some(s) => format!("{}status={}&", self.others(), s.as_str()),
            None => self.others(),
        }
    }
}

/// Whole days a claim awaiting a decision has waited since its submission (Beijing dates).
fn waited(claim: &Claim, today: NaiveDate) -> Option<i64> {
    claim.status.awaits_decision().then(|| (today - crate::clock::beijing(claim.submitted_at).date_naive()).num_days())
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/fund_claims/list.html")]
pub struct ListPage {
    layout: Layout,
    query: ListQuery,
    funds: Vec<(i64, String)>,
    banks: Vec<(i64, String)>,
    counts: Vec<(ClaimStatus, i64)>,
    lines: Vec<ListLine>,
    pager: Pager,
    today: NaiveDate,
}

impl ListPage {
    pub fn wan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).wan_text()
    }

    pub fn yuan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).yuan_text()
    }

    pub fn waited(&self, claim: &Claim) -> Option<i64> {
        waited(claim, self.today)
    }

    /// Waiting over 30 days, when the fund page's age bands turn red.
    pub fn late(&self, days: &i64) -> bool {
        *days > 30
    }

    pub fn statuses(&self) -> [ClaimStatus; 6] {
        ClaimStatus::ALL
    }

    pub fn is_status(&self, status: &ClaimStatus) -> bool {
        ClaimStatus::parse(&self.query.status) == Some(*status)
    }

    pub fn is_fund(&self, id: &i64) -> bool {
        self.query.fund == Some(*id)
    }

    pub fn is_bank(&self, id: &i64) -> bool {
        self.query.bank == Some(*id)
    }

    pub fn from(&self) -> String {
        self.query.from.map(|d| d.to_string()).unwrap_or_default()
    }

    pub fn to(&self) -> String {
        self.query.to.map(|d| d.to_string()).unwrap_or_default()
    }

    /// The list of one state, the other filters kept.
    pub fn status_href(&self, status: &ClaimStatus) -> String {
        format!("{}status={}", self.query.others(), status.as_str())
    }

    /// The list of every state, the other filters kept.
    pub fn all_href(&self) -> String {
        self.query.others().trim_end_matches(['?', '&']).to_string()
    }

    pub fn total(&self) -> i64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    pub fn base(&self) -> String {
        self.query.base()
    }

    /// The CSV of the same filters.
    pub fn csv_href(&self) -> String {
        self.query.base().replacen("/credit-office/fund-claims?", "/credit-office/fund-claims.csv?", 1)
    }
}

/// `GET /credit-office/fund-claims`: every bank's claims, newest first.
pub async fn list(State(state): State<AppState>, signed: SignedIn, Query(q): Query<ListQuery>) -> AppResult<ListPage> {
    signed.require(Role::CreditOffice)?;
    let filter = q.filter();
    let page = q.page;
    let (funds, banks, counts, (lines, pager)) = state
        .db
        .query(move |c| {
            let funds = Fund::all(c)?.into_iter().map(|f| (f.id, f.name)).collect();
            let banks = Institution::all(c)?.into_iter().map(|i| (i.id, i.name)).collect();
            Ok((funds, banks, Claim::count_by_status(c, &filter)?, Claim::page(c, &filter, page, PER_PAGE)?))
        })
        .await?;
    Ok(ListPage { layout: signed.layout(), query: q, funds, banks, counts, lines, pager, today: today(&state) })
}

const CSV_HEADER: &[&str] = &[
    "申请编号",
    "资金池",
    "申请机构",
    "笔数",
    "本金损失（元）",
    "按规则补偿（元）",
    "批准金额（元）",
    "状态",
    "提交日期",
    "决定日期",
    "拨付日期",
    "已等待（天）",
];

/// 元 with two decimals and no separators, as a spreadsheet reads a number.
fn yuan_cell(fen: i64) -> String {
    format!("{:.2}", Money::from_fen(fen).to_decimal())
}

/// `GET /credit-office/fund-claims.csv`: the list under the page's filters, every page.
pub async fn list_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let filter = q.filter();
    let (lines, pager) = state.db.query(move |c| Claim::page(c, &filter, None, EXPORT_ROWS)).await?;
    let today = today(&state);
    let date = |at: &chrono::NaiveDateTime| crate::clock::date_text(at);
    let rows = lines
        .into_iter()
        .map(|l| {
            vec![
                l.claim.id.to_string(),
                l.fund,
                l.bank,
                l.items.to_string(),
                yuan_cell(l.claim.loss_fen),
                yuan_cell(l.claim.payout_fen),
                l.claim.approved_fen.map(yuan_cell).unwrap_or_default(),
                l.claim.status.label().into(),
                date(&l.claim.submitted_at),
                l.claim.decided_at.as_ref().map(date).unwrap_or_default(),
                l.claim.paid_at.as_ref().map(date).unwrap_or_default(),
                waited(&l.claim, today).map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    let name = format!("补偿申请-{today}.csv");
    Ok(csv_export(&name, CSV_HEADER, rows, &pager))
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/fund_claims/show.html")]
pub struct ClaimPage {
    layout: Layout,
    notice: Option<&'static str>,
    /// A refusal that belongs to no field.
    alert: Option<String>,
    view: ClaimView,
    stop: StopLine,
    /// This year's budget of the fund, which an approval now takes from.
    year: i32,
    budget: Budget,
    form: DecisionForm,
    pay: PayForm,
    errors: FormErrors,
}

impl ClaimPage {
    pub fn wan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).wan_text()
    }

    pub fn yuan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).yuan_text()
    }

    pub fn left(&self) -> String {
        self.wan(&self.budget.left_fen())
    }

    /// Whether the fund has less left this year than the rules give this claim.
    pub fn short(&self) -> bool {
        self.budget.left_fen() < self.view.claim.payout_fen
    }

    pub fn chosen(&self, choice: &str) -> bool {
        self.form.choice == choice
    }

    pub fn submitted_text(&self) -> String {
        crate::clock::datetime_text(&self.view.claim.submitted_at)
    }

    pub fn decided_text(&self) -> Option<String> {
        self.view.claim.decided_at.as_ref().map(crate::clock::datetime_text)
    }

    pub fn paid_text(&self) -> Option<String> {
        self.view.claim.paid_at.as_ref().map(crate::clock::date_text)
    }
}

fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "decided" => "审核结论已生效，申请银行将收到邮件和站内消息。",
        "paid" => "已记录拨付，申请银行将收到通知。",
        _ => return None,
    })
}

/// The claim's page with the forms as given: empty ones from the GET, typed ones after a refusal.
pub(crate) async fn claim_page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    (form, pay): (Option<DecisionForm>, Option<PayForm>),
    (errors, alert): (FormErrors, Option<String>),
) -> AppResult<ClaimPage> {
    let year = today(state).year();
    let (view, stop, budget) = state
        .db
        .query(move |c| {
            let Some(claim) = Claim::find(c, id)? else { return Ok(None) };
            let view = ClaimView::load(c, Side::Office, claim)?;
            let day = crate::clock::beijing(view.claim.submitted_at).date_naive();
            let stop = stop_line(c, &view.fund, view.claim.institution_id, day)?;
            let budget = budget::of_year(c, view.fund.id, year, view.fund.annual_budget_fen)?;
            Ok(Some((view, stop, budget)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let version = view.claim.version.to_string();
    let form = form.unwrap_or_else(|| DecisionForm::at(&version));
    let pay = pay.unwrap_or_else(|| PayForm::on(today(state), &version));
    Ok(ClaimPage { layout: signed.layout(), notice: None, alert, view, stop, year, budget, form, pay, errors })
}

#[derive(Deserialize, Default)]
pub struct ClaimQuery {
    notice: Option<String>,
}

/// `GET /credit-office/fund-claims/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<ClaimQuery>,
) -> AppResult<ClaimPage> {
    signed.require(Role::CreditOffice)?;
    let page = claim_page(&state, &signed, id, (None, None), (FormErrors::default(), None)).await?;
    Ok(ClaimPage { notice: notice_text(q.notice.as_deref()), ..page })
}

/// `GET /credit-office/fund-claims/{id}/files/{file}`: a dossier file.
pub async fn claim_file(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, file_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let found: Option<ClaimFile> = state.db.query(move |c| ClaimFile::find(c, id, file_id)).await?;
    let found = found.ok_or(AppError::NotFound)?;
    let bytes = file::read(&state.config.data_dir, &found).map_err(|e| AppError::Internal(e.into()))?;
    Ok(file_response(&found, bytes))
}
