//! The scoreboard of every bank (机构服务榜): public at `/scoreboard`, and
//! for the credit office at `/credit-office/scoreboard` with the banks
//! that broke a time rule listed. A period chosen among the recent months,
//! quarters and years (近一年 by default), ordered by `?sort=`; the rows
//! come through the snapshot cache (`models::stats::scoreboard`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::auth::{SignedIn, Visitor};
use crate::clock::beijing;
use crate::domain::stats::Period;
use crate::domain::stats::scoreboard::{BankRow, Sort, choices, chosen, trailing};
use crate::error::AppResult;
use crate::models::stats::scoreboard::scoreboard;
use crate::state::AppState;
use crate::web::Layout;

#[derive(Deserialize, Default)]
pub struct BoardQuery {
    #[serde(default)]
    period: String,
    #[serde(default)]
    sort: String,
}

/// What both pages show: the period, its choices, the rows in order.
pub struct Board {
    pub period: Period,
    /// "近一年（2025年12月–2026年11月）" or the period's label.
    pub label: String,
    /// The period's code when it is not the default, for the links.
    pub code: String,
    pub choices: Vec<(&'static str, Vec<Period>)>,
    pub sort: Sort,
    pub rows: Vec<BankRow>,
    pub as_of: NaiveDateTime,
}

impl Board {
    pub fn sorts(&self) -> [Sort; 6] {
        Sort::ALL
    }

    /// The link that orders the table by `sort`, keeping the period.
    pub fn sort_link(&self, base: &str, sort: &Sort) -> String {
        match self.code.as_str() {
            "" => format!("{base}?sort={}", sort.as_str()),
            code => format!("{base}?period={code}&sort={}", sort.as_str()),
        }
    }

    /// The banks that broke a time rule in the period, most breaches first.
    pub fn rule_breakers(&self) -> Vec<&BankRow> {
        let mut late: Vec<_> = self.rows.iter().filter(|r| r.rules.any()).collect();
        late.sort_by_key(|r| {
            let b = r.rules;
            std::cmp::Reverse(b.contacts_late + b.contacts_missed + b.decisions_late + b.decisions_missing)
        });
        late
    }
}

async fn board(state: &AppState, query: BoardQuery) -> AppResult<Board> {
    let now = state.clock.now();
    let today = beijing(now).date_naive();
    let period = chosen(Some(query.period.as_str()).filter(|c| !c.is_empty()), today);
    let default = trailing(today);
    let (mut rows, as_of) = state.db.query(move |c| scoreboard(c, now, &period)).await?;
    let sort = Sort::parse(&query.sort);
    sort.apply(&mut rows);
    let (label, code) = if period == default {
        (
            format!("近一年（{}–{}）", Period::month_of(default.from).label(), Period::month_of(default.to).label()),
            String::new(),
        )
    } else {
        (period.label(), period.code())
    };
    Ok(Board { period, label, code, choices: choices(today), sort, rows, as_of })
}

#[derive(Template, WebTemplate)]
#[template(path = "scoreboard/index.html")]
pub struct ScoreboardPage {
    layout: Layout,
    board: Board,
    base: &'static str,
}

/// `GET /scoreboard`: every bank's service over the chosen period.
pub async fn scoreboard_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(query): Query<BoardQuery>,
) -> AppResult<ScoreboardPage> {
    let board = board(&state, query).await?;
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    Ok(ScoreboardPage { layout: visitor.layout(&csrf), board, base: "/scoreboard" })
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/scoreboard.html")]
pub struct OfficeScoreboardPage {
    layout: Layout,
    board: Board,
    base: &'static str,
}

/// `GET /credit-office/scoreboard`: the same table, and the banks that broke a time rule.
pub async fn office_scoreboard(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<BoardQuery>,
) -> AppResult<OfficeScoreboardPage> {
    let board = board(&state, query).await?;
    Ok(OfficeScoreboardPage { layout: signed.layout(), board, base: "/credit-office/scoreboard" })
}
