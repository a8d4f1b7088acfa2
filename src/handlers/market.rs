//! The credit office's view of the market: every need with the bank it chose
//! and the decision due, the overdue ones flagged; and the calendar of
//! holidays and make-up workdays that working-day deadlines count on.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::actions::holiday::{
    Schedule, SetDay, import_holiday_schedule, remove_holiday as remove, set_holiday as set,
};
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::need::NeedStatus;
use crate::error::{AppError, AppResult};
use crate::imports::holidays::{LineError, MAX_SCHEDULE_BYTES, schedule};
use crate::models::holiday::{self, Holiday, HolidayYear, ScheduledYears};
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

impl NeedsQuery {
    /// Which needs the tab asks for; the page and its CSV export read it alike.
    pub fn overview(&self) -> Overview {
        match self.show.as_str() {
            "overdue" => Overview::Overdue,
            other => NeedStatus::parse(other).map_or(Overview::All, Overview::Status),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/needs.html")]
pub struct NeedsPage {
    layout: Layout,
    show: String,
    lines: Vec<OverviewLine>,
    pager: Pager,
    scheduled: ScheduledYears,
}

impl NeedsPage {
    /// 全部, 决定超时, then the statuses worth a tab, named by their one label.
    fn tabs(&self) -> Vec<(&'static str, &'static str)> {
        let statuses = [NeedStatus::Open, NeedStatus::AwaitingChoice, NeedStatus::Matched, NeedStatus::Granted];
        [("", "全部"), ("overdue", "决定超时")].into_iter().chain(statuses.map(|s| (s.as_str(), s.label()))).collect()
    }
    fn base(&self) -> String {
        format!("/credit-office/needs?show={}&", url_encode(&self.show))
    }
    /// The CSV export of the tab shown, every page of it.
    fn export(&self) -> String {
        format!("/credit-office/needs.csv?show={}", url_encode(&self.show))
    }
}

/// `GET /credit-office/needs`.
pub async fn needs(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NeedsQuery>,
) -> AppResult<NeedsPage> {
    signed.require(Role::CreditOffice)?;
    let (which, page) = (query.overview(), query.page);
    let ((lines, pager), scheduled) =
        state.db.query(move |c| Ok((Need::overview(c, which, page, 30)?, ScheduledYears::load(c)?))).await?;
    Ok(NeedsPage { layout: signed.layout(), show: query.show, lines, pager, scheduled })
}

/// The calendar's actions refuse nothing a user can cause; a refusal would be a fault.
fn refused(refusal: crate::actions::Refusal) -> AppError {
    AppError::Internal(anyhow::anyhow!("holiday change refused: {}", refusal.code()))
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

/// A year's schedule: pasted lines or a CSV file, and the notice they come from.
#[derive(Default, Clone)]
pub struct ScheduleForm {
    year: String,
    source: String,
    lines: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/holidays.html")]
pub struct HolidaysPage {
    layout: Layout,
    notice: Option<&'static str>,
    holidays: Vec<Holiday>,
    years: Vec<HolidayYear>,
    /// Years a deadline set now reaches without their schedule.
    missing: Vec<i32>,
    form: HolidayForm,
    errors: FormErrors,
    schedule: ScheduleForm,
    schedule_errors: FormErrors,
    bad_lines: Vec<LineError>,
}

impl HolidaysPage {
    async fn load(state: &AppState, signed: &SignedIn, notice_key: Option<&str>) -> AppResult<HolidaysPage> {
        signed.require(Role::CreditOffice)?;
        let now = state.clock.now();
        let (holidays, years, missing) = state
            .db
            .query(move |c| Ok((Holiday::all(c)?, HolidayYear::all(c)?, holiday::missing_years(c, now)?)))
            .await?;
        let next_year = missing.first().copied().unwrap_or_else(|| years.last().map_or(2027, |y| y.year + 1));
        Ok(HolidaysPage {
            layout: signed.layout(),
            notice: notice(notice_key),
            holidays,
            years,
            missing,
            form: HolidayForm { kind: "holiday".into(), ..HolidayForm::default() },
            errors: FormErrors::default(),
            schedule: ScheduleForm {
                year: next_year.to_string(),
                source: format!("国务院办公厅关于{next_year}年部分节假日安排的通知"),
                lines: String::new(),
            },
            schedule_errors: FormErrors::default(),
            bad_lines: Vec::new(),
        })
    }

    fn refused(self) -> Response {
        (StatusCode::UNPROCESSABLE_ENTITY, self).into_response()
    }
}

/// `GET /credit-office/holidays`.
pub async fn holidays(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<HolidaysPage> {
    HolidaysPage::load(&state, &signed, query.notice.as_deref()).await
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
        let page = HolidaysPage::load(&state, &signed, None).await?;
        return Ok(HolidaysPage { form, errors, ..page }.refused());
    };
    let (ctx, input) = (signed.change(&state), SetDay { day, name, workday: form.kind == "workday" });
    state.db.query(move |c| set(c, &ctx, input)).await?.map_err(refused)?;
    Ok(Redirect::to("/credit-office/holidays?notice=holiday_saved").into_response())
}

/// `POST /credit-office/holidays/import` (multipart): replaces a year's days
/// with its schedule, pasted or as a file. Any bad line refuses the whole
/// schedule, each bad line listed; nothing is stored then.
pub async fn import_holidays(
    State(state): State<AppState>,
    signed: SignedIn,
    mut multipart: Multipart,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let bad_upload = |_| AppError::Internal(anyhow::anyhow!("the upload was interrupted"));
    let (mut form, mut file) = (ScheduleForm::default(), Vec::new());
    while let Some(mut field) = multipart.next_field().await.map_err(bad_upload)? {
        if field.name() == Some("file") {
            while let Some(piece) = field.chunk().await.map_err(bad_upload)? {
                if file.len() <= MAX_SCHEDULE_BYTES {
                    file.extend_from_slice(&piece);
                }
            }
            continue;
        }
        let name = field.name().unwrap_or_default().to_string();
        let value = field.text().await.map_err(bad_upload)?;
        match name.as_str() {
            "year" => form.year = value,
            "source" => form.source = value,
            "lines" => form.lines = value,
            _ => {}
        }
    }
    let mut errors = FormErrors::default();
    let year = form.year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.add("year", "请填写年份（四位数字），如 2027");
    }
    if form.source.trim().chars().count() > 200 {
        errors.add("source", "来源通知不能超过 200 字");
    }
    let content = if file.is_empty() { form.lines.clone().into_bytes() } else { file };
    if content.iter().all(u8::is_ascii_whitespace) {
        errors.add("lines", "请粘贴放假安排（每行：日期,名称,类型），或选择 CSV 文件");
    }
    let parsed = year.filter(|_| errors.is_empty()).map(|y| (y, schedule(&content, y, &form.source)));
    let (year, days) = match parsed {
        Some((year, Ok(days))) => (year, days),
        Some((_, Err(bad_lines))) => {
            let page = HolidaysPage::load(&state, &signed, None).await?;
            let mut schedule_errors = FormErrors::default();
            schedule_errors.add("lines", "放假安排有误，请按下表修改后重新提交；本次未导入任何日期");
            return Ok(HolidaysPage { schedule: form, schedule_errors, bad_lines, ..page }.refused());
        }
        None => {
            let page = HolidaysPage::load(&state, &signed, None).await?;
            return Ok(HolidaysPage { schedule: form, schedule_errors: errors, ..page }.refused());
        }
    };
    let (ctx, input) = (signed.change(&state), Schedule { year, days });
    state.db.query(move |c| import_holiday_schedule(c, &ctx, input)).await?.map_err(refused)?;
    Ok(Redirect::to("/credit-office/holidays?notice=holiday_schedule_imported").into_response())
}

/// `POST /credit-office/holidays/{day}/delete`.
pub async fn remove_holiday(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(day): Path<String>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let day = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| AppError::NotFound)?;
    let ctx = signed.change(&state);
    state.db.query(move |c| remove(c, &ctx, day)).await?.map_err(refused)?;
    Ok(Redirect::to("/credit-office/holidays?notice=holiday_saved").into_response())
}
