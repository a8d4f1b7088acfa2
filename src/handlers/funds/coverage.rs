//! `/bank/fund` (入库贷款): a bank admin's drawdowns registered in the funds,
//! with the rule version and ratio each came under, filtered by fund and
//! year, and the bank's stop-line state in each fund that year. Its own
//! institution only.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use chrono::Datelike;
use serde::Deserialize;

use super::today;
use crate::auth::SignedIn;
use crate::domain::fund::ratio_text;
use crate::domain::{Money, Role};
use crate::error::{AppError, AppResult};
use crate::models::fund::Fund;
use crate::models::fund::usage::{self, BankLine, CoverageFilter, CoverageLine};
use crate::state::AppState;
use crate::web::{Layout, Pager, empty_as_none};

#[derive(Deserialize, Default)]
pub struct CoverageQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    fund: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    year: Option<i32>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<i64>,
}

/// A fund's stop-line state for the bank.
pub struct StopRow {
    pub fund: String,
    pub stop_line: String,
    pub line: Option<BankLine>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/fund/coverage.html")]
pub struct CoveragePage {
    layout: Layout,
    funds: Vec<(i64, String)>,
    years: Vec<i32>,
    fund: Option<i64>,
    year: Option<i32>,
    /// The year the stop-line table is for: the one chosen, or this year.
    stop_year: i32,
    stops: Vec<StopRow>,
    lines: Vec<CoverageLine>,
    pager: Pager,
}

impl CoveragePage {
    pub fn wan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).wan_text()
    }

    pub fn yuan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).yuan_text()
    }

    pub fn ratio(&self, bp: &i32) -> String {
        ratio_text(*bp)
    }

    pub fn is_fund(&self, id: &i64) -> bool {
        self.fund == Some(*id)
    }

    pub fn is_year(&self, year: &i32) -> bool {
        self.year == Some(*year)
    }

    /// The list's URL with its filters, ready for `page=`.
    pub fn base(&self) -> String {
        let mut base = String::from("/bank/fund?");
        if let Some(f) = self.fund {
            base.push_str(&format!("fund={f}&"));
        }
        if let Some(y) = self.year {
            base.push_str(&format!("year={y}&"));
        }
        base
    }
}

/// `GET /bank/fund`.
pub async fn coverage(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<CoverageQuery>,
) -> AppResult<CoveragePage> {
    signed.require(Role::BankAdmin)?;
    let institution = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    let this_year = today(&state).year();
    let stop_year = q.year.unwrap_or(this_year);
    let filter = CoverageFilter { fund_id: q.fund, year: q.year };
    let (all, stops, (lines, pager)) = state
        .db
        .query(move |c| {
            let all = Fund::all(c)?;
            let mut stops = Vec::new();
            for fund in all.iter().filter(|f| filter.fund_id.is_none_or(|id| id == f.id)) {
                let stop_line_bp = fund.rules(c)?.rules.stop_line_bp;
                let line = usage::stop_lines(c, fund.id, stop_year, stop_line_bp, Some(institution))?.pop();
                stops.push(StopRow { fund: fund.name.clone(), stop_line: ratio_text(stop_line_bp), line });
            }
            let list = usage::coverage(c, institution, filter, q.page)?;
            Ok((all, stops, list))
        })
        .await?;
    let first = all.iter().map(|f| f.valid_from.year()).min().unwrap_or(this_year).min(this_year);
    Ok(CoveragePage {
        layout: signed.layout(),
        funds: all.into_iter().map(|f| (f.id, f.name)).collect(),
        years: (first..=this_year).rev().collect(),
        fund: q.fund,
        year: q.year,
        stop_year,
        stops,
        lines,
        pager,
    })
}
