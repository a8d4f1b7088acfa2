//! The credit office's view of the market: every need with the bank it chose
//! and the decision due, the overdue ones flagged; and the calendar of
//! holidays and make-up workdays that working-day deadlines count on.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::db::write_tx;
use crate::domain::Role;
use crate::domain::need::NeedStatus;
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::holiday::Holiday;
use crate::models::need::{Need, Overview, OverviewLine};
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, Pager, empty_as_none, notice, url_encode};

#[derive(Deserialize, Default)]
pub struct NeedsQuery {
    #[serde(default)]
    show: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/needs.html")]
pub struct NeedsPage {
    layout: Layout,
    show: String,
    lines: Vec<OverviewLine>,
    pager: Pager,
}

impl NeedsPage {
    fn tabs(&self) -> [(&'static str, &'static str); 6] {
        [
            ("", "全部"),
            ("overdue", "决定超时"),
            ("open", "抢单中"),
            ("awaiting_choice", "待选择"),
            ("matched", "待授信"),
            ("granted", "已授信"),
        ]
    }
    fn base(&self) -> String {
        format!("/credit-office/needs?show={}&", url_encode(&self.show))
    }
}

/// `GET /credit-office/needs`.
pub async fn needs(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NeedsQuery>,
) -> AppResult<NeedsPage> {
    signed.require(Role::CreditOffice)?;
    let which = match query.show.as_str() {
        "overdue" => Overview::Overdue,
        other => NeedStatus::parse(other).map_or(Overview::All, Overview::Status),
    };
    let page = query.page;
    let (lines, pager) = state.db.run(move |c| Ok(Need::overview(c, which, page)?)).await?;
    Ok(NeedsPage { layout: signed.layout(), show: query.show, lines, pager })
}

#[derive(Deserialize, Default, Clone)]
pub struct HolidayForm {
    #[serde(default)]
    day: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/holidays.html")]
pub struct HolidaysPage {
    layout: Layout,
    notice: Option<&'static str>,
    holidays: Vec<Holiday>,
    form: HolidayForm,
    errors: FormErrors,
}

async fn holidays_page(
    state: &AppState,
    signed: &SignedIn,
    form: HolidayForm,
    errors: FormErrors,
    notice_key: Option<&str>,
) -> AppResult<HolidaysPage> {
    signed.require(Role::CreditOffice)?;
    let holidays = state.db.run(|c| Ok(Holiday::all(c)?)).await?;
    Ok(HolidaysPage { layout: signed.layout(), notice: notice(notice_key), holidays, form, errors })
}

/// `GET /credit-office/holidays`.
pub async fn holidays(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<HolidaysPage> {
    let form = HolidayForm { kind: "holiday".into(), ..HolidayForm::default() };
    holidays_page(&state, &signed, form, FormErrors::default(), query.notice.as_deref()).await
}

/// `POST /credit-office/holidays`: adds a day off or a make-up workday (replacing that date's entry).
pub async fn set_holiday(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<HolidayForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let mut errors = FormErrors::default();
    let day = NaiveDate::parse_from_str(form.day.trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        errors.add("day", "请选择日期，格式如 2027-01-01");
    }
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        errors.add("name", "请填写名称（1 到 40 字），如：元旦");
    }
    if !matches!(form.kind.as_str(), "holiday" | "workday") {
        errors.add("kind", "请选择放假或调休上班");
    }
    let Some(day) = day.filter(|_| errors.is_empty()) else {
        let page = holidays_page(&state, &signed, form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (actor, now, workday) = (signed.actor(), state.clock.now(), form.kind == "workday");
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                Holiday::set(c, day, &name, workday)?;
                audit::record(c, &actor, "holiday_set", Some(&format!("day:{day}")), "ok", now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Redirect::to("/credit-office/holidays?notice=holiday_saved").into_response())
}

/// `POST /credit-office/holidays/{day}/delete`.
pub async fn remove_holiday(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(day): Path<String>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| AppError::NotFound)?;
    let (actor, now) = (signed.actor(), state.clock.now());
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                if Holiday::remove(c, day)? {
                    audit::record(c, &actor, "holiday_removed", Some(&format!("day:{day}")), "ok", now)?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Redirect::to("/credit-office/holidays?notice=holiday_saved").into_response())
}
