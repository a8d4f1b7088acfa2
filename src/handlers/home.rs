//! The public landing page: the platform's headline figures (cumulative, to
//! the end of this month), 放款金额 by month over the trailing year as a
//! chart, the latest bulletin, and the way to the scoreboard; all through
//! the statistics' snapshot cache (`models::stats::statistics`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::NaiveDateTime;

use crate::auth::Visitor;
use crate::charts::{Series, line_chart};
use crate::clock::beijing;
use crate::domain::stats::scoreboard::with_unit;
use crate::domain::stats::{Filter, Period, Statistics, value_text};
use crate::error::AppResult;
use crate::models::bulletin::Bulletin;
use crate::models::stats::statistics;
use crate::state::AppState;
use crate::web::Layout;

/// The national indicators the page heads with, all 累计.
const HEADLINES: [&str; 9] = [
    "registered_enterprises",
    "institutions",
    "products",
    "need_count",
    "need_amount",
    "credit_amount",
    "loan_amount",
    "credit_loan_share",
    "loan_rate_mean",
];

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    layout: Layout,
    /// (name, value with its unit).
    figures: Vec<(String, String)>,
    trend: String,
    bulletin: Option<Bulletin>,
    as_of: NaiveDateTime,
}

pub async fn home(State(state): State<AppState>, visitor: Visitor) -> AppResult<HomePage> {
    let now = state.clock.now();
    // Everything up to the end of this month: 本期 is then 累计, and 信用贷款占比 is over all drawdowns.
    let period = Period::month_of(beijing(now).date_naive()).cumulative();
    let ((stats, as_of), bulletin) = state
        .db
        .query(move |c| Ok((statistics(c, now, &period, &Filter::default())?, Bulletin::latest_published(c)?)))
        .await?;
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    Ok(HomePage { layout: visitor.layout(&csrf), figures: headlines(&stats), trend: trend(&stats), bulletin, as_of })
}

fn headlines(stats: &Statistics) -> Vec<(String, String)> {
    let national = stats.indicators.iter().map(|i| (i.key.as_str(), i.name.as_str(), i.unit, i.period));
    let ours = stats.ours.iter().map(|f| (f.key.as_str(), f.name.as_str(), f.unit, f.value));
    let all: Vec<_> = national.chain(ours).collect();
    HEADLINES
        .iter()
        .filter_map(|key| all.iter().find(|(k, ..)| k == key))
        .map(|(_, name, unit, value)| {
            (name.to_string(), value.map_or_else(|| value_text(None), |v| with_unit(v, *unit)))
        })
        .collect()
}

/// 放款金额 per month of the trailing year.
fn trend(stats: &Statistics) -> String {
    let column = stats.trend.columns.iter().position(|c| c.key == "loan_amount");
    let points = stats
        .trend
        .rows
        .iter()
        .map(|r| {
            let value = column.and_then(|c| r.values[c]).map_or(0.0, |v| v.try_into().unwrap_or(0.0));
            (r.label.clone(), value)
        })
        .collect();
    line_chart("近一年每月放款金额", "万元", &[Series::new("放款金额", points)])
}
