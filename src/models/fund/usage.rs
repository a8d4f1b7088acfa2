//! A fund's use, read from its tables: each fund's line of the list, the
//! claims of a year by state and those waiting by age, each bank's losses
//! claimed against the stop line, the registrations per rule version, and a
//! bank's registered drawdowns (its coverage). Sums are taken here over the
//! rows: SUM of a BIGINT is NUMERIC on PostgreSQL and INTEGER on SQLite.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::registration::{year_bounds, year_instants};
use crate::db::DbConn;
use crate::domain::fund::{self, ClaimStatus, Tag};
use crate::models::page::Pager;
use crate::schema::{drawdowns, enterprises, fund_claims, fund_registrations, fund_rules, funds, institutions, loans};

/// What the funds' list shows beside a fund.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FundTotals {
    pub registrations: i64,
    pub principal_fen: i64,
    /// Claims waiting for the credit office's decision.
    pub waiting: i64,
}

/// Every fund's registrations (all years) and claims waiting, by fund id.
pub fn totals(conn: &mut DbConn) -> QueryResult<BTreeMap<i64, FundTotals>> {
    let mut totals: BTreeMap<i64, FundTotals> = BTreeMap::new();
    let registered: Vec<(i64, i64)> = fund_registrations::table
        .select((fund_registrations::fund_id, fund_registrations::principal_fen))
        .load(conn)?;
    for (fund_id, principal) in registered {
        let t = totals.entry(fund_id).or_default();
        t.registrations += 1;
        t.principal_fen += principal;
    }
    let waiting: Vec<(i64, String)> =
        fund_claims::table.select((fund_claims::fund_id, fund_claims::status)).load(conn)?;
    for (fund_id, status) in waiting {
        if ClaimStatus::parse(&status).is_some_and(ClaimStatus::awaits_decision) {
            totals.entry(fund_id).or_default().waiting += 1;
        }
    }
    Ok(totals)
}

/// Claims of one state submitted in the year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusLine {
    pub status: ClaimStatus,
    pub count: i64,
    pub loss_fen: i64,
    /// What the rules give.
    pub payout_fen: i64,
    /// What was approved (approved, partly approved, paid).
    pub approved_fen: i64,
}

/// The claims waiting for a decision, by days since submission (label, from, to).
pub const AGE_BANDS: [(&str, i64, i64); 4] =
    [("0–30 天", 0, 30), ("31–60 天", 31, 60), ("61–90 天", 61, 90), ("90 天以上", 91, i64::MAX)];

/// A fund's claims submitted in the year, by state (every state, in order).
pub fn claims_of_year(conn: &mut DbConn, fund_id: i64, year: i32) -> QueryResult<Vec<StatusLine>> {
    let (from, to) = year_instants(year);
    let rows: Vec<(String, i64, i64, Option<i64>)> = fund_claims::table
        .filter(fund_claims::fund_id.eq(fund_id))
        .filter(fund_claims::submitted_at.ge(from))
        .filter(fund_claims::submitted_at.lt(to))
        .select((fund_claims::status, fund_claims::loss_fen, fund_claims::payout_fen, fund_claims::approved_fen))
        .load(conn)?;
    let mut lines: Vec<StatusLine> = ClaimStatus::ALL
        .into_iter()
        .map(|status| StatusLine { status, count: 0, loss_fen: 0, payout_fen: 0, approved_fen: 0 })
        .collect();
    for (status, loss, payout, approved) in rows {
        let status = ClaimStatus::parse(&status).ok_or(diesel::result::Error::NotFound)?;
        let line = lines.iter_mut().find(|l| l.status == status).expect("every status");
        line.count += 1;
        line.loss_fen += loss;
        line.payout_fen += payout;
        line.approved_fen += approved.unwrap_or_default();
    }
    Ok(lines)
}

/// The fund's claims waiting for a decision on `today` (whatever year they
/// were submitted in), counted per `AGE_BANDS` of days since submission.
pub fn waiting_by_age(conn: &mut DbConn, fund_id: i64, today: NaiveDate) -> QueryResult<[i64; 4]> {
    let submitted: Vec<NaiveDateTime> = fund_claims::table
        .filter(fund_claims::fund_id.eq(fund_id))
        .filter(fund_claims::status.eq_any(
            ClaimStatus::ALL.into_iter().filter(|s| s.awaits_decision()).map(ClaimStatus::as_str).collect::<Vec<_>>(),
        ))
        .select(fund_claims::submitted_at)
        .load(conn)?;
    let mut ages = [0; 4];
    for at in submitted {
        let days = (today - crate::clock::beijing(at).date_naive()).num_days().max(0);
        let band = AGE_BANDS.iter().position(|(_, lo, hi)| (*lo..=*hi).contains(&days)).unwrap_or(3);
        ages[band] += 1;
    }
    Ok(ages)
}

/// A bank's year in a fund against the stop line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankLine {
    pub institution_id: i64,
    pub institution: String,
    pub registered_fen: i64,
    /// Losses of its claims not rejected, submitted in the year.
    pub loss_fen: i64,
    pub ratio_bp: Option<i64>,
    pub past: bool,
}

impl BankLine {
    /// "1.25%", or "—" with nothing registered.
    pub fn ratio_text(&self) -> String {
        self.ratio_bp.map_or_else(|| "—".into(), |bp| fund::ratio_text(i32::try_from(bp).unwrap_or(i32::MAX)))
    }
}

/// Each bank with registrations or claims in the fund's year (of one bank
/// only when `institution` is given), by name.
pub fn stop_lines(
    conn: &mut DbConn,
    fund_id: i64,
    year: i32,
    stop_line_bp: i32,
    institution: Option<i64>,
) -> QueryResult<Vec<BankLine>> {
    let (first, last) = year_bounds(year);
    let (from, to) = year_instants(year);
    let mut sums: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
    let mut registered = fund_registrations::table
        .filter(fund_registrations::fund_id.eq(fund_id))
        .filter(fund_registrations::registered_on.between(first, last))
        .select((fund_registrations::institution_id, fund_registrations::principal_fen))
        .into_boxed();
    let mut claimed = fund_claims::table
        .filter(fund_claims::fund_id.eq(fund_id))
        .filter(fund_claims::status.ne(ClaimStatus::Rejected.as_str()))
        .filter(fund_claims::submitted_at.ge(from))
        .filter(fund_claims::submitted_at.lt(to))
        .select((fund_claims::institution_id, fund_claims::loss_fen))
        .into_boxed();
    if let Some(id) = institution {
        registered = registered.filter(fund_registrations::institution_id.eq(id));
        claimed = claimed.filter(fund_claims::institution_id.eq(id));
    }
    for (bank, principal) in registered.load::<(i64, i64)>(conn)? {
        sums.entry(bank).or_default().0 += principal;
    }
    for (bank, loss) in claimed.load::<(i64, i64)>(conn)? {
        sums.entry(bank).or_default().1 += loss;
    }
    let names: BTreeMap<i64, String> = institutions::table
        .filter(institutions::id.eq_any(sums.keys().copied().collect::<Vec<_>>()))
        .select((institutions::id, institutions::name))
        .load(conn)?
        .into_iter()
        .collect();
    let mut lines: Vec<BankLine> = sums
        .into_iter()
        .map(|(id, (registered_fen, loss_fen))| BankLine {
            institution_id: id,
            institution: names.get(&id).cloned().unwrap_or_default(),
            registered_fen,
            loss_fen,
            ratio_bp: fund::loss_ratio_bp(loss_fen, registered_fen),
            past: loss_fen > 0 && fund::past_stop_line(loss_fen, registered_fen, stop_line_bp),
        })
        .collect();
    lines.sort_by(|a, b| a.institution.cmp(&b.institution));
    Ok(lines)
}

/// How many registrations each rule version of the fund has, by rule id.
pub fn registrations_per_version(conn: &mut DbConn, fund_id: i64) -> QueryResult<BTreeMap<i64, i64>> {
    let ids: Vec<i64> = fund_registrations::table
        .filter(fund_registrations::fund_id.eq(fund_id))
        .select(fund_registrations::rule_id)
        .load(conn)?;
    let mut counts = BTreeMap::new();
    for id in ids {
        *counts.entry(id).or_insert(0) += 1;
    }
    Ok(counts)
}

/// One registered drawdown of a bank, as its coverage page lists it.
#[derive(Queryable, Clone, Debug)]
pub struct CoverageLine {
    pub fund: String,
    pub loan_id: i64,
    pub contract_no: String,
    pub enterprise: String,
    pub iou_no: String,
    pub principal_fen: i64,
    pub registered_on: NaiveDate,
    pub version: i32,
    pub ratio_bp: i32,
    pub tags: String,
}

impl CoverageLine {
    pub fn tag_labels(&self) -> String {
        let tags: Vec<&str> = Tag::split(&self.tags).into_iter().map(Tag::label).collect();
        if tags.is_empty() { "—".into() } else { tags.join("、") }
    }
}

/// What the coverage list is narrowed to.
#[derive(Clone, Copy, Debug, Default)]
pub struct CoverageFilter {
    pub fund_id: Option<i64>,
    pub year: Option<i32>,
}

pub const COVERAGE_PAGE: i64 = 50;

/// A bank's registered drawdowns, the newest first, one page; and the pager.
pub fn coverage(
    conn: &mut DbConn,
    institution_id: i64,
    filter: CoverageFilter,
    page: Option<i64>,
) -> QueryResult<(Vec<CoverageLine>, Pager)> {
    let query = || {
        let mut q = fund_registrations::table
            .inner_join(funds::table)
            .inner_join(fund_rules::table)
            .inner_join(loans::table.inner_join(enterprises::table))
            .inner_join(drawdowns::table)
            .filter(fund_registrations::institution_id.eq(institution_id))
            .into_boxed();
        if let Some(id) = filter.fund_id {
            q = q.filter(fund_registrations::fund_id.eq(id));
        }
        if let Some(year) = filter.year {
            let (first, last) = year_bounds(year);
            q = q.filter(fund_registrations::registered_on.between(first, last));
        }
        q
    };
    let total: i64 = query().count().get_result(conn)?;
    let pager = Pager::new(page, COVERAGE_PAGE, total);
    let lines = query()
        .order((fund_registrations::registered_on.desc(), fund_registrations::id.desc()))
        .limit(pager.per_page)
        .offset(pager.offset())
        .select((
            funds::name,
            loans::id,
            loans::contract_no,
            enterprises::name,
            drawdowns::iou_no,
            fund_registrations::principal_fen,
            fund_registrations::registered_on,
            fund_rules::version,
            fund_registrations::ratio_bp,
            fund_registrations::tags,
        ))
        .load(conn)?;
    Ok((lines, pager))
}

/// The display names of users (the authors of rule versions), by id.
pub fn user_names(conn: &mut DbConn, ids: &[i64]) -> QueryResult<BTreeMap<i64, String>> {
    use crate::schema::users;
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name, users::username))
        .load::<(i64, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, username)| (id, if name.trim().is_empty() { username } else { name }))
        .collect())
}
