//! The portfolio (贷款管理): the bank's loans for its officers
//! (`/officer/loans`) and its admin (`/bank-admin/loans`, with the figures
//! per branch and per officer), every bank's for the credit office
//! (`/credit-office/loans`, read-only, with a bank filter). Filters in the
//! URL, the sums over everything they select, a page of 20, and the same list
//! as CSV. Whose loans comes from who is signed in, never from the URL.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::loan::{Classification, LoanStatus};
use crate::error::{AppError, AppResult};
use crate::models::institution::{Branch, Institution};
use crate::models::loan::Loan;
use crate::models::loan::portfolio::{
    GroupFigures, NON_PERFORMING, PortfolioFilter, PortfolioLine, PortfolioSums, Scope,
};
use crate::models::page::EXPORT_ROWS;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, Pager, csv_export};

/// Loans a page of the portfolio shows.
const PER_PAGE: i64 = 20;

/// Who looks at the portfolio, which decides its path and what it shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewer {
    Officer,
    BankAdmin,
    CreditOffice,
}

impl Viewer {
    /// The list's path; each loan's page is below it.
    pub fn base(self) -> &'static str {
        match self {
            Viewer::Officer => "/officer/loans",
            Viewer::BankAdmin => "/bank-admin/loans",
            Viewer::CreditOffice => "/credit-office/loans",
        }
    }

    fn role(self) -> Role {
        match self {
            Viewer::Officer => Role::Officer,
            Viewer::BankAdmin => Role::BankAdmin,
            Viewer::CreditOffice => Role::CreditOffice,
        }
    }

    /// The loans the signed-in user may see: the own institution's, or all
    /// for the credit office. 403 for any other role.
    fn scope(self, signed: &SignedIn) -> AppResult<Scope> {
        signed.require(self.role())?;
        match self {
            Viewer::CreditOffice => Ok(Scope::All),
            _ => signed.user.institution_id.map(Scope::Institution).ok_or(AppError::Forbidden),
        }
    }
}

/// The bank admin's figures under the page's filters.
pub struct Groups {
    by_branch: Vec<GroupFigures>,
    by_officer: Vec<GroupFigures>,
}

impl Groups {
    /// Each table: its title, its first column, its rows.
    fn tables(&self) -> [(&'static str, &'static str, &[GroupFigures]); 2] {
        [("按支行", "支行", &self.by_branch), ("按客户经理", "客户经理", &self.by_officer)]
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "loans/portfolio.html")]
pub struct PortfolioPage {
    layout: Layout,
    viewer: Viewer,
    filter: PortfolioFilter,
    lines: Vec<PortfolioLine>,
    pager: Pager,
    sums: PortfolioSums,
    /// The filter's choices as (id, name): branches, officers, banks (the credit office's).
    branches: Vec<(String, String)>,
    officers: Vec<(String, String)>,
    institutions: Vec<(String, String)>,
    groups: Option<Groups>,
    /// The filter form has none; the select macro asks.
    errors: FormErrors,
}

/// A select's options: 全部 first, then each choice.
fn options(all: &str, choices: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), all.to_string())).chain(choices).collect()
}

fn text(id: Option<i64>) -> String {
    id.map(|id| id.to_string()).unwrap_or_default()
}

impl PortfolioPage {
    fn status_options(&self) -> Vec<(String, String)> {
        options("全部", LoanStatus::ALL.map(|s| (s.as_str().to_string(), s.label().to_string())))
    }

    fn classification_options(&self) -> Vec<(String, String)> {
        let each = Classification::ALL.map(|c| (c.as_str().to_string(), c.label().to_string()));
        options("全部", each.into_iter().chain([(NON_PERFORMING.to_string(), "不良（次级及以下）".to_string())]))
    }

    fn selected(&self, id: &Option<i64>) -> String {
        text(*id)
    }

    /// The filters as a query string (without the page), for paging and the export.
    fn query(&self) -> String {
        let f = &self.filter;
        let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let mut pairs = vec![
            ("status", f.status.clone()),
            ("classification", f.classification.clone()),
            ("branch", text(f.branch)),
            ("officer", text(f.officer)),
            ("signed_from", date(f.signed_from)),
            ("signed_to", date(f.signed_to)),
            ("drawn_from", date(f.drawn_from)),
            ("drawn_to", date(f.drawn_to)),
            ("first_loan", f.first_loan.clone()),
            ("credit_only", f.credit_only.clone()),
            ("q", f.q.trim().to_string()),
        ];
        if self.viewer == Viewer::CreditOffice {
            pairs.push(("institution", text(f.institution)));
        }
        pairs.retain(|(_, v)| !v.is_empty());
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    /// The pager's prefix: the path with the filters, ready for `page=N`.
    fn paged(&self) -> String {
        match self.query() {
            q if q.is_empty() => format!("{}?", self.viewer.base()),
            q => format!("{}?{q}&", self.viewer.base()),
        }
    }

    /// The CSV export of what the filters select, every page of it.
    fn export(&self) -> String {
        match self.query() {
            q if q.is_empty() => format!("{}.csv", self.viewer.base()),
            q => format!("{}.csv?{q}", self.viewer.base()),
        }
    }

    /// The figure cards: label, value, and whether it is money at risk (red when above zero).
    fn figures(&self) -> Vec<(&'static str, String, bool)> {
        let s = &self.sums;
        vec![
            ("贷款笔数", s.count.to_string(), false),
            ("合同额度合计（万元）", wan(&s.line), false),
            ("已放款合计（万元）", wan(&s.drawn), false),
            ("贷款余额合计（万元）", wan(&s.outstanding), false),
            ("逾期贷款余额（万元）", wan(&s.overdue), s.overdue.fen() > 0),
            ("不良贷款余额（万元）", wan(&s.non_performing), s.non_performing.fen() > 0),
        ]
    }

    fn is_credit_office(&self) -> bool {
        self.viewer == Viewer::CreditOffice
    }
}

/// "1,234.56": an amount in 万元 without its unit, for a figure card or a table headed 万元.
fn wan(money: &crate::domain::Money) -> String {
    money.wan_text().trim_end_matches(" 万元").to_string()
}

/// A group's name: the branch or officer, or 未分配支行.
fn group_name(group: &GroupFigures) -> String {
    group.name.clone().unwrap_or_else(|| "未分配支行".into())
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    viewer: Viewer,
    filter: PortfolioFilter,
) -> AppResult<PortfolioPage> {
    let scope = viewer.scope(signed)?;
    let today = crate::clock::beijing(state.clock.now()).date_naive();
    let query = filter.clone();
    let (lines, pager, sums, choices, groups) = state
        .db
        .query(move |c| {
            let (lines, pager) = Loan::portfolio(c, (scope, &query), PER_PAGE, today)?;
            let sums = Loan::portfolio_sums(c, scope, &query)?;
            // The credit office picks a bank first; its branches and officers follow.
            let bank = match scope {
                Scope::Institution(id) => Some(id),
                Scope::All => query.institution,
            };
            let institutions = if scope == Scope::All { Institution::all(c)? } else { Vec::new() };
            let (branches, people) = match bank {
                Some(id) => (Branch::of_institution(c, id)?, User::of_institution(c, id)?),
                None => (Vec::new(), Vec::new()),
            };
            let groups = match (viewer, scope) {
                (Viewer::BankAdmin, Scope::Institution(id)) => Some(Groups {
                    by_branch: Loan::portfolio_by_branch(c, id, &query)?,
                    by_officer: Loan::portfolio_by_officer(c, id, &query)?,
                }),
                _ => None,
            };
            Ok((lines, pager, sums, (institutions, branches, people), groups))
        })
        .await?;
    let (institutions, branches, people) = choices;
    let officers = people.into_iter().filter(|u| u.role() == Role::Officer).map(|u| (u.id.to_string(), u.display_name));
    Ok(PortfolioPage {
        layout: signed.layout(),
        viewer,
        filter,
        lines,
        pager,
        sums,
        branches: options("全部", branches.into_iter().map(|b| (b.id.to_string(), b.name))),
        officers: options("全部", officers),
        institutions: options("全部机构", institutions.into_iter().map(|i| (i.id.to_string(), i.name))),
        groups,
        errors: FormErrors::default(),
    })
}

/// `GET /officer/loans`: the bank's loans.
pub async fn officer_loans(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<PortfolioFilter>,
) -> AppResult<PortfolioPage> {
    page(&state, &signed, Viewer::Officer, filter).await
}

/// `GET /bank-admin/loans`: the bank's loans with the figures per branch and officer.
pub async fn bank_admin_loans(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<PortfolioFilter>,
) -> AppResult<PortfolioPage> {
    page(&state, &signed, Viewer::BankAdmin, filter).await
}

/// `GET /credit-office/loans`: every bank's loans, read-only.
pub async fn credit_office_loans(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<PortfolioFilter>,
) -> AppResult<PortfolioPage> {
    page(&state, &signed, Viewer::CreditOffice, filter).await
}

/// `GET /officer/loans.csv`: the officer's list as CSV, its filters applied.
pub async fn officer_loans_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<PortfolioFilter>,
) -> AppResult<Response> {
    export(&state, &signed, Viewer::Officer, filter).await
}

/// `GET /bank-admin/loans.csv`: the admin's list as CSV, its filters applied.
pub async fn bank_admin_loans_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<PortfolioFilter>,
) -> AppResult<Response> {
    export(&state, &signed, Viewer::BankAdmin, filter).await
}

/// `GET /credit-office/loans.csv`: every bank's loans as CSV, the page's filters applied.
pub async fn credit_office_loans_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<PortfolioFilter>,
) -> AppResult<Response> {
    export(&state, &signed, Viewer::CreditOffice, filter).await
}

const HEADER: &[&str] = &[
    "合同编号",
    "企业",
    "机构",
    "支行",
    "客户经理",
    "合同额度（元）",
    "已放款（元）",
    "贷款余额（元）",
    "状态",
    "逾期天数",
    "五级分类",
    "首贷",
    "信用贷款",
    "担保方式",
    "年利率",
    "期限（月）",
    "还款方式",
    "签约日期",
    "到期日",
];

/// The list under the page's filters, one page of `EXPORT_ROWS`, as CSV.
async fn export(state: &AppState, signed: &SignedIn, viewer: Viewer, filter: PortfolioFilter) -> AppResult<Response> {
    let scope = viewer.scope(signed)?;
    let today = crate::clock::beijing(state.clock.now()).date_naive();
    let filter = PortfolioFilter { page: None, ..filter };
    let (lines, pager) = state.db.query(move |c| Loan::portfolio(c, (scope, &filter), EXPORT_ROWS, today)).await?;
    let rows = lines.into_iter().map(csv_row).collect();
    Ok(csv_export(&format!("贷款-{today}.csv"), HEADER, rows, &pager))
}

fn csv_row(line: PortfolioLine) -> Vec<String> {
    let yuan = |m: crate::domain::Money| format!("{:.2}", m.to_decimal());
    let yes_no = |b: bool| if b { "是" } else { "否" }.to_string();
    let loan = line.loan;
    vec![
        loan.contract_no,
        line.enterprise,
        line.institution,
        line.branch.unwrap_or_default(),
        line.officer,
        yuan(loan.line),
        yuan(loan.drawn),
        yuan(loan.outstanding),
        loan.status.label().into(),
        line.days_overdue.map(|d| d.to_string()).unwrap_or_default(),
        loan.classification.label().into(),
        yes_no(loan.first_loan),
        yes_no(loan.credit_only),
        loan.guarantees.labels(),
        loan.rate.percent_text(),
        loan.term_months.to_string(),
        loan.repayment_method.label().into(),
        loan.signed_on.to_string(),
        loan.maturity.to_string(),
    ]
}
