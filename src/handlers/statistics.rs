//! The credit office's 统计 dashboard (`/credit-office/statistics`): a period
//! and filters in a GET form, the national set over 累计 / 本期 / 近一年, 当月,
//! the figures of now, ours, the funnel, each breakdown as a chart beside
//! its table and the trend; every table as CSV and .xlsx, the whole set as
//! one workbook and as one CSV in the flat form (`domain::stats::export`).
//! Figures come through the cache (`models::stats::statistics`).

mod selection;
mod tables;
mod view;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::product::PROGRAMMES;
use crate::domain::stats::export::{HEADER, lines};
use crate::domain::stats::{Figure, Period, PeriodKind, Statistics};
use crate::domain::{industry, stats::value_text};
use crate::error::{AppError, AppResult};
use crate::models::institution::Institution;
use crate::models::region::Region;
use crate::state::AppState;
use crate::web::xlsx::xlsx_response;
use crate::web::{FormErrors, Layout, csv_response};

pub use selection::StatisticsQuery;
use selection::{Choices, SIZES, Selection};
use view::{Breakdown, Stage};

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/statistics/index.html")]
pub struct StatisticsPage {
    layout: Layout,
    /// The form as typed, the defaults where nothing was.
    form: StatisticsQuery,
    kind: PeriodKind,
    errors: FormErrors,
    stats: Statistics,
    /// "2026-12-01 21:30", Beijing time.
    as_of: String,
    /// The filter in words.
    filter: String,
    query: String,
    choices: Choices,
    today: NaiveDate,
    funnel_chart: String,
    stages: Vec<Stage>,
    breakdowns: Vec<Breakdown>,
    trend_charts: (String, String),
}

/// (value, text) pairs for a select, 全部 first.
fn options(all: &str, choices: impl IntoIterator<Item = (String, String)>) -> Vec<(String, String)> {
    std::iter::once((String::new(), all.to_string())).chain(choices).collect()
}

impl StatisticsPage {
    fn kind_options(&self) -> Vec<(String, String)> {
        PeriodKind::ALL.iter().map(|k| (k.as_str().to_string(), k.label().to_string())).collect()
    }

    /// Every quarter from 2024 up to this one, the latest first.
    fn quarter_options(&self) -> Vec<(String, String)> {
        let mut quarters = Vec::new();
        for year in (2024..=self.today.year()).rev() {
            for q in (1..=4).rev() {
                let period = Period::quarter(year, q).expect("a quarter");
                if period.from <= self.today {
                    quarters.push((period.code(), period.label()));
                }
            }
        }
        quarters
    }

    fn year_options(&self) -> Vec<(String, String)> {
        (2024..=self.today.year()).rev().map(|y| (y.to_string(), format!("{y}年"))).collect()
    }

    fn region_options(&self) -> Vec<(String, String)> {
        options("全部地区", self.choices.regions.iter().cloned())
    }

    fn industry_options(&self) -> Vec<(String, String)> {
        options("全部行业", industry::SECTIONS.iter().map(|(c, n)| (c.to_string(), format!("{c} {n}"))))
    }

    fn size_options(&self) -> Vec<(String, String)> {
        options("全部规模", SIZES.iter().map(|s| (s.to_string(), industry::size_class_label(s).to_string())))
    }

    fn institution_options(&self) -> Vec<(String, String)> {
        options("全部机构", self.choices.institutions.iter().map(|(id, n)| (id.to_string(), n.clone())))
    }

    fn programme_options(&self) -> Vec<(String, String)> {
        options("全部专项", PROGRAMMES.iter().map(|p| (p.to_string(), p.to_string())))
    }

    /// The figure cards' sections: key, title, what window, the figures.
    fn figure_sections(&self) -> [(&'static str, &'static str, &'static str, &[Figure]); 3] {
        [
            ("month", "当月", "本期最后一个月", &self.stats.month),
            ("current", "当前", "此刻的数字，不随周期变化", &self.stats.current),
            ("ours", "平台服务", "本期", &self.stats.ours),
        ]
    }

    fn is(&self, kind: &str) -> bool {
        self.kind.as_str() == kind
    }

    /// A table's download, the page's query kept.
    fn download(&self, key: &str, ext: &str) -> String {
        format!("/credit-office/statistics/{key}.{ext}?{}", self.query)
    }

    fn whole(&self, ext: &str) -> String {
        format!("/credit-office/statistics.{ext}?{}", self.query)
    }

    fn value(&self, value: &Option<rust_decimal::Decimal>) -> String {
        value_text(*value)
    }

    /// A figure card's unit: none for "—".
    fn unit_of(&self, figure: &Figure) -> &'static str {
        if figure.value.is_some() { figure.unit.label() } else { "" }
    }
}

/// The page's selection, the names for its choices and the figures.
async fn load(
    state: &AppState,
    query: StatisticsQuery,
) -> AppResult<(StatisticsQuery, Selection, Choices, Statistics, NaiveDateTime)> {
    let now = state.clock.now();
    let today = crate::clock::beijing(now).date_naive();
    let form = query.with_defaults(today);
    let typed = form.clone();
    let (selection, choices, (stats, as_of)) = state
        .db
        .query(move |c| {
            let choices = Choices {
                regions: Region::all(c)?.into_iter().map(|r| (r.code, r.name)).collect(),
                institutions: Institution::all(c)?.into_iter().map(|i| (i.id, i.name)).collect(),
            };
            let selection = typed.select(today, &choices);
            let figures = crate::models::stats::statistics(c, now, &selection.period, &selection.filter)?;
            Ok((selection, choices, figures))
        })
        .await?;
    Ok((form, selection, choices, stats, as_of))
}

/// "2026年11月 · 地区 东湖区 · 数据截至 2026-12-01 21:30": what a download holds.
fn about(stats: &Statistics, filter: &str, as_of: &str) -> String {
    format!("{} · {filter} · 数据截至 {as_of}", stats.period_label)
}

fn as_of_text(as_of: NaiveDateTime) -> String {
    crate::clock::beijing(as_of).format("%Y-%m-%d %H:%M").to_string()
}

/// `GET /credit-office/statistics`
pub async fn statistics(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<StatisticsPage> {
    signed.require(Role::CreditOffice)?;
    let (form, selection, choices, stats, as_of) = load(&state, query).await?;
    let (funnel_chart, stages) = view::funnel(&stats);
    Ok(StatisticsPage {
        layout: signed.layout(),
        query: form.query_string(),
        kind: selection.kind,
        errors: selection.errors,
        as_of: as_of_text(as_of),
        filter: choices.words(&selection.filter),
        today: crate::clock::beijing(state.clock.now()).date_naive(),
        funnel_chart,
        stages,
        breakdowns: stats.breakdowns.iter().map(view::breakdown).collect(),
        trend_charts: view::trend(&stats),
        form,
        choices,
        stats,
    })
}

/// `GET /credit-office/statistics.csv`: the whole set in the flat form.
pub async fn statistics_csv(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (_, _, _, stats, _) = load(&state, query).await?;
    let mut rows = vec![HEADER.map(String::from).to_vec()];
    rows.extend(lines(&stats).into_iter().map(|l| l.to_vec()));
    Ok(csv_response(&format!("统计-{}.csv", stats.period), rows))
}

/// `GET /credit-office/statistics.xlsx`: a workbook of every table, the national set first.
pub async fn statistics_xlsx(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (_, selection, choices, stats, as_of) = load(&state, query).await?;
    let about = about(&stats, &choices.words(&selection.filter), &as_of_text(as_of));
    let sheets: Vec<_> = tables::grids(&stats).iter().map(|g| g.sheet(&about)).collect();
    xlsx_response(&format!("统计-{}.xlsx", stats.period), &sheets).map_err(|e| AppError::Internal(e.into()))
}

/// `GET /credit-office/statistics/{file}`: one table as `{key}.csv` or `{key}.xlsx`; 404 for any other name.
pub async fn statistics_table(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(file): Path<String>,
    Query(query): Query<StatisticsQuery>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (key, ext) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    if ext != "csv" && ext != "xlsx" {
        return Err(AppError::NotFound);
    }
    let (_, selection, choices, stats, as_of) = load(&state, query).await?;
    let grid = tables::grid(&stats, key).ok_or(AppError::NotFound)?;
    let name = format!("统计-{}-{key}.{ext}", stats.period);
    if ext == "csv" {
        return Ok(csv_response(&name, grid.csv_rows()));
    }
    let about = about(&stats, &choices.words(&selection.filter), &as_of_text(as_of));
    Ok(xlsx_response(&name, &[grid.sheet(&about)]).map_err(|e| AppError::Internal(e.into()))?.into_response())
}
