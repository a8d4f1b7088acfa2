//! 开放数据 (`/open-data`): what the credit office publishes, at stable URLs,
//! for anyone to download (docs/open-data.md). Each published bulletin's
//! frozen figures (`/bulletins/{period}.json` and `.csv`), an index of them
//! (`/open-data/bulletins.json`), and the national indicator set as of today
//! (`/open-data/indicators.csv` and `.json`): 累计 and 近一年 in the one flat
//! form of the statistics (`domain::stats::export`), through the cache.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::auth::Visitor;
use crate::domain::stats::export::{HEADER, Line, lines};
use crate::domain::stats::{Filter, Period};
use crate::error::AppResult;
use crate::models::bulletin::Bulletin;
use crate::models::stats::statistics;
use crate::state::AppState;
use crate::web::{Layout, csv_response};

/// The licence line every open-data file and page carries.
pub const LICENCE: &str = "可自由下载使用，注明来源";
/// Who publishes the data.
pub const SOURCE: &str = "云海市融资信用服务平台（信易贷）";

/// The windows of the national set the open data publishes.
const WINDOWS: [&str; 2] = ["cumulative", "trailing"];

/// One published bulletin in the index.
#[derive(Serialize)]
pub struct BulletinEntry {
    pub period: String,
    pub title: String,
    /// RFC 3339, Beijing time.
    pub published_at: String,
    /// The Beijing date, for the page.
    #[serde(skip)]
    pub published_on: String,
    pub json_url: String,
    pub csv_url: String,
}

impl BulletinEntry {
    fn of(bulletin: &Bulletin, base: &str) -> BulletinEntry {
        let at = bulletin.published_at.unwrap_or(bulletin.updated_at);
        BulletinEntry {
            period: bulletin.period.clone(),
            title: bulletin.title.clone(),
            published_at: crate::clock::beijing(at).to_rfc3339(),
            published_on: crate::clock::date_text(&at),
            json_url: format!("{base}/bulletins/{}.json", bulletin.period),
            csv_url: format!("{base}/bulletins/{}.csv", bulletin.period),
        }
    }
}

fn today(state: &AppState) -> NaiveDate {
    crate::clock::beijing(state.clock.now()).date_naive()
}

async fn bulletins(state: &AppState) -> AppResult<Vec<BulletinEntry>> {
    let rows = state.db.query(Bulletin::all_published).await?;
    Ok(rows.iter().map(|b| BulletinEntry::of(b, &state.config.base_url)).collect())
}

/// The national set as of today: 累计 and 近一年 lines of the flat form.
async fn indicators(state: &AppState) -> AppResult<(Vec<Line>, NaiveDateTime)> {
    let (now, day) = (state.clock.now(), today(state));
    let period = Period::custom(day, day).expect("a day is a range");
    let (stats, as_of) = state.db.query(move |c| statistics(c, now, &period, &Filter::default())).await?;
    let national = lines(&stats).into_iter().filter(|l| l[1] == "national" && WINDOWS.contains(&l[8].as_str()));
    Ok((national.collect(), as_of))
}

#[derive(Template, WebTemplate)]
#[template(path = "open_data/index.html")]
pub struct OpenDataPage {
    layout: Layout,
    bulletins: Vec<BulletinEntry>,
    base_url: String,
    licence: &'static str,
}

/// `GET /open-data`: what is published and where.
pub async fn open_data(State(state): State<AppState>, visitor: Visitor) -> AppResult<OpenDataPage> {
    let bulletins = bulletins(&state).await?;
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    let base_url = state.config.base_url.clone();
    Ok(OpenDataPage { layout: visitor.layout(&csrf), bulletins, base_url, licence: LICENCE })
}

/// `GET /open-data/bulletins.json`: every published bulletin and its two URLs.
pub async fn bulletins_json(State(state): State<AppState>) -> AppResult<Response> {
    let bulletins = bulletins(&state).await?;
    let body = serde_json::json!({ "source": SOURCE, "licence": LICENCE, "bulletins": bulletins });
    Ok(Json(body).into_response())
}

/// `GET /open-data/indicators.csv`: the flat form's header, then a line per value.
pub async fn indicators_csv(State(state): State<AppState>) -> AppResult<Response> {
    let (lines, _) = indicators(&state).await?;
    let header = HEADER.iter().map(|h| h.to_string()).collect();
    let rows = std::iter::once(header).chain(lines.into_iter().map(Vec::from)).collect();
    Ok(csv_response(&format!("indicators-{}.csv", today(&state)), rows))
}

/// `GET /open-data/indicators.json`: the same lines as objects under the flat form's field names.
pub async fn indicators_json(State(state): State<AppState>) -> AppResult<Response> {
    let (lines, as_of) = indicators(&state).await?;
    let objects: Vec<Value> = lines
        .into_iter()
        .map(|line| {
            let mut object = Map::new();
            for (field, text) in HEADER.iter().zip(line) {
                let value = if *field == "value" && text.is_empty() { Value::Null } else { Value::String(text) };
                object.insert(field.to_string(), value);
            }
            Value::Object(object)
        })
        .collect();
    let body = serde_json::json!({
        "source": SOURCE,
        "licence": LICENCE,
        "as_of": crate::clock::beijing(as_of).to_rfc3339(),
        "fields": HEADER,
        "lines": objects,
    });
    Ok(Json(body).into_response())
}
