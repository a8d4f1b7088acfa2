//! 统计公报 for the public: `/bulletins` lists the published bulletins (with
//! the form that subscribes an email address), `/bulletins/{period}` shows
//! one with its frozen figures, and `{period}.csv` / `{period}.json` download
//! them. The credit office composes them (`office`); the emailed links of a
//! subscription land in `subscriptions`.

pub mod figures;
pub mod office;
pub mod subscriptions;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::actions::Ctx;
use crate::actions::bulletin::subscription::{self, SUBSCRIBE_IP};
use crate::auth::Visitor;
use crate::domain::stats::Statistics;
use crate::domain::stats::export::{HEADER, lines};
use crate::error::{AppError, AppResult};
use crate::models::bulletin::Bulletin;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, PageQuery, Pager};
use figures::FiguresView;

/// Bulletins a page of the list shows.
const PER_PAGE: i64 = 12;

/// What `/bulletins` answers a subscription with, whatever the address.
pub const SUBSCRIBE_ANSWER: &str = "若该邮箱尚未订阅，我们已发送确认邮件，请在 3 天内打开邮件中的链接确认订阅。";

#[derive(Template, WebTemplate)]
#[template(path = "bulletins/list.html")]
pub struct ListPage {
    layout: Layout,
    bulletins: Vec<Bulletin>,
    pager: Pager,
    email: String,
    sent: bool,
    errors: FormErrors,
}

async fn list_page(state: &AppState, page: Option<i64>) -> AppResult<(Vec<Bulletin>, Pager)> {
    Ok(state
        .db
        .query(move |c| {
            let pager = Pager::new(page, PER_PAGE, Bulletin::published_count(c)?);
            Ok((Bulletin::published_page(c, &pager)?, pager))
        })
        .await?)
}

/// `GET /bulletins`: the published bulletins, newest first, and the subscription form.
pub async fn list(State(state): State<AppState>, visitor: Visitor, Query(q): Query<PageQuery>) -> AppResult<Response> {
    let (jar, csrf) = visitor.form_token(&state).await?;
    let (bulletins, pager) = list_page(&state, q.page).await?;
    let page = ListPage {
        layout: visitor.layout(&csrf),
        bulletins,
        pager,
        email: String::new(),
        sent: false,
        errors: FormErrors::default(),
    };
    Ok((jar, page).into_response())
}

#[derive(Deserialize)]
pub struct SubscribeForm {
    email: String,
}

/// `POST /bulletins/subscribe`: sends a confirmation link unless the address
/// is subscribed, and says the same either way; at most `SUBSCRIBE_IP` from
/// one client address, and a few emails an hour to one mailbox.
pub async fn subscribe(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<SubscribeForm>,
) -> AppResult<Response> {
    crate::web::check_rate_limit(&state, "bulletin_subscribe", visitor.ip.as_deref(), SUBSCRIBE_IP).await?;
    let (jar, csrf) = visitor.form_token(&state).await?;
    let (bulletins, pager) = list_page(&state, None).await?;
    let mut page = ListPage {
        layout: visitor.layout(&csrf),
        bulletins,
        pager,
        email: form.email.trim().to_string(),
        sent: false,
        errors: FormErrors::default(),
    };
    let Some(email) = subscription::address(&form.email) else {
        page.errors.add("email", "请填写正确的邮箱地址");
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response());
    };
    let ctx = Ctx::anonymous(visitor.ip.clone(), state.clock.now(), &state.config.base_url);
    let outcome = state.db.query(move |c| subscription::subscribe(c, &ctx, &email)).await?;
    tracing::info!(outcome = outcome.as_str(), "bulletin subscription requested");
    page.email = String::new();
    page.sent = true;
    Ok((jar, page).into_response())
}

#[derive(Template, WebTemplate)]
#[template(path = "bulletins/bulletin.html")]
pub struct BulletinPage {
    layout: Layout,
    bulletin: Bulletin,
    view: FiguresView,
}

/// The published bulletin's JSON document: its text and the frozen figures.
#[derive(Serialize)]
pub struct BulletinDocument {
    pub period: String,
    pub title: String,
    pub commentary: String,
    /// UTC, like `statistics.as_of`.
    pub published_at: NaiveDateTime,
    pub statistics: Statistics,
}

/// `GET /bulletins/{period}`, `{period}.csv`, `{period}.json`: a published
/// bulletin; a draft or an unknown period is not found.
pub async fn bulletin(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(file): Path<String>,
) -> AppResult<Response> {
    let (period, kind) = match file.rsplit_once('.') {
        Some((period, kind @ ("csv" | "json"))) => (period.to_string(), kind),
        _ => (file, "html"),
    };
    let found = state.db.query(move |c| Bulletin::published_for(c, &period)).await?;
    let Some((bulletin, stats)) = found.and_then(|b| b.statistics().map(|s| (b, s))) else {
        return Err(AppError::NotFound);
    };
    match kind {
        "csv" => {
            let mut rows = vec![HEADER.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
            rows.extend(lines(&stats).into_iter().map(Vec::from));
            Ok(crate::web::csv_response(&format!("bulletin-{}.csv", bulletin.period), rows))
        }
        "json" => {
            let document = BulletinDocument {
                period: bulletin.period,
                title: bulletin.title,
                commentary: bulletin.commentary,
                published_at: bulletin.published_at.unwrap_or(stats.as_of),
                statistics: stats,
            };
            let body = serde_json::to_vec_pretty(&document).map_err(|e| AppError::Internal(e.into()))?;
            Ok(([(header::CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response())
        }
        _ => {
            let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
            Ok(BulletinPage { layout: visitor.layout(&csrf), bulletin, view: FiguresView::new(stats) }.into_response())
        }
    }
}

impl BulletinPage {
    pub fn published_text(&self) -> String {
        self.bulletin.published_at.map(|at| crate::clock::date_text(&at)).unwrap_or_default()
    }
}
