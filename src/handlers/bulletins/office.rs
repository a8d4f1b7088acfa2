//! The credit office's 统计公报: the list of drafts and published bulletins,
//! composing one for a month, quarter or year, editing a draft beside the
//! preview of the figures it would freeze now, and publishing it after a
//! confirmation step (irreversible); a published bulletin is read-only.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::figures::FiguresView;
use crate::actions::{Refusal, bulletin};
use crate::auth::SignedIn;
use crate::clock::beijing;
use crate::domain::Role;
use crate::domain::stats::Period;
use crate::domain::stats::bulletin::{COMMENTARY_MAX, TITLE_MAX, default_title};
use crate::error::{AppError, AppResult};
use crate::models::bulletin::subscriber::Subscriber;
use crate::models::bulletin::{Bulletin, BulletinText};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, NoticeQuery};

/// The notices of this area, after a redirect.
fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "saved" => "草稿已保存。下方预览是按当前数据计算的结果，发布时会重新计算并固定。",
        "published" => "公报已发布，数据已固定；订阅者将收到邮件。",
        "deleted" => "草稿已删除。",
        other => return crate::web::notice(Some(other)),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/bulletins/list.html")]
pub struct ListPage {
    layout: Layout,
    notice: Option<&'static str>,
    bulletins: Vec<Bulletin>,
}

/// `GET /credit-office/bulletins`: drafts first, then the published ones.
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> AppResult<ListPage> {
    signed.require(Role::CreditOffice)?;
    let bulletins = state.db.query(Bulletin::all).await?;
    Ok(ListPage { layout: signed.layout(), notice: notice_text(q.notice.as_deref()), bulletins })
}

/// The form as typed.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct TextForm {
    #[serde(default)]
    period: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    commentary: String,
}

impl TextForm {
    fn typed(&self) -> BulletinText {
        BulletinText { period: self.period.clone(), title: self.title.clone(), commentary: self.commentary.clone() }
    }

    fn of(b: &Bulletin) -> TextForm {
        TextForm { period: b.period.clone(), title: b.title.clone(), commentary: b.commentary.clone() }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/bulletins/edit.html")]
pub struct EditPage {
    layout: Layout,
    notice: Option<&'static str>,
    /// The bulletin shown; None for a new one.
    bulletin: Option<Bulletin>,
    form: TextForm,
    periods: Vec<(String, String)>,
    errors: FormErrors,
    /// Words of a refusal that belongs to no field.
    alert: Option<String>,
    /// The draft's figures as they would freeze now, or a published bulletin's frozen ones.
    view: Option<FiguresView>,
}

impl EditPage {
    pub fn title_max(&self) -> usize {
        TITLE_MAX
    }

    pub fn commentary_max(&self) -> usize {
        COMMENTARY_MAX
    }

    pub fn is_published(&self) -> bool {
        self.bulletin.as_ref().is_some_and(Bulletin::is_published)
    }
}

/// The periods a bulletin may be composed for, newest first: the last twelve
/// months, the last four quarters and the last three years, each begun by `today`.
fn period_choices(today: NaiveDate) -> Vec<(String, String)> {
    let month = Period::month_of(today);
    let months = (0..12).filter_map(|back| month.from.checked_sub_months(chrono::Months::new(back)));
    let quarter = Period::quarter_of(today);
    let quarters = (0..4).filter_map(|back| quarter.from.checked_sub_months(chrono::Months::new(back * 3)));
    let periods = months
        .map(Period::month_of)
        .chain(quarters.map(Period::quarter_of))
        .chain((0..3).filter_map(|back| Period::year(today.year() - back)));
    periods.map(|p| (p.code(), format!("{}（{}）", p.label(), p.kind.label()))).collect()
}

fn today(state: &AppState) -> NaiveDate {
    beijing(state.clock.now()).date_naive()
}

/// The choices with `current` among them (a draft's period from long ago).
fn choices_with(state: &AppState, current: &str) -> Vec<(String, String)> {
    let mut periods = period_choices(today(state));
    if let Some(p) = Period::parse_code(current).filter(|_| !periods.iter().any(|(code, _)| code == current)) {
        periods.push((p.code(), p.label()));
    }
    periods
}

/// `GET /credit-office/bulletins/new`: last month's bulletin, its title filled in.
pub async fn new_form(State(state): State<AppState>, signed: SignedIn) -> AppResult<EditPage> {
    signed.require(Role::CreditOffice)?;
    let last_month = Period::month_of(Period::month_of(today(&state)).from - chrono::Duration::days(1));
    let form = TextForm { period: last_month.code(), title: default_title(&last_month), commentary: String::new() };
    Ok(EditPage {
        layout: signed.layout(),
        notice: None,
        bulletin: None,
        periods: choices_with(&state, &form.period),
        form,
        errors: FormErrors::default(),
        alert: None,
        view: None,
    })
}

/// A refusal shown on the form: beside its fields (422), or in words above it (409).
fn refused(refusal: &Refusal) -> (StatusCode, FormErrors, Option<String>) {
    match FormErrors::from_refusal(refusal) {
        Some(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        None if matches!(refusal, Refusal::NotFound(_)) => (StatusCode::NOT_FOUND, FormErrors::default(), None),
        None => (StatusCode::CONFLICT, FormErrors::default(), Some(refusal.to_string())),
    }
}

/// `POST /credit-office/bulletins`: a new draft, then its page with the preview.
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<TextForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (ctx, typed) = (signed.change(&state), form.typed());
    match state.db.query(move |c| bulletin::create(c, &ctx, &typed)).await? {
        Ok(id) => Ok(Redirect::to(&format!("/credit-office/bulletins/{id}?notice=saved")).into_response()),
        Err(refusal) => {
            let (status, errors, alert) = refused(&refusal);
            let periods = choices_with(&state, &form.period);
            let page = EditPage {
                layout: signed.layout(),
                notice: None,
                bulletin: None,
                form,
                periods,
                errors,
                alert,
                view: None,
            };
            Ok((status, page).into_response())
        }
    }
}

async fn load(state: &AppState, id: i64) -> AppResult<(Bulletin, FiguresView)> {
    let now = state.clock.now();
    let (bulletin, stats) = state
        .db
        .query(move |c| {
            let Some(b) = Bulletin::find(c, id)? else { return Ok(None) };
            let stats = match (b.statistics(), Period::parse_code(&b.period)) {
                (Some(frozen), _) => frozen,
                (None, Some(period)) => Bulletin::figures_now(c, now, &period)?,
                (None, None) => return Err(diesel::result::Error::NotFound),
            };
            Ok(Some((b, stats)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((bulletin, FiguresView::new(stats)))
}

/// The bulletin's page: the form and the preview of a draft, or the published bulletin.
async fn page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    form: Option<TextForm>,
    (errors, alert): (FormErrors, Option<String>),
    notice: Option<&'static str>,
) -> AppResult<EditPage> {
    let (bulletin, view) = load(state, id).await?;
    let form = form.unwrap_or_else(|| TextForm::of(&bulletin));
    let periods = choices_with(state, &form.period);
    Ok(EditPage {
        layout: signed.layout(),
        notice,
        bulletin: Some(bulletin),
        form,
        periods,
        errors,
        alert,
        view: Some(view),
    })
}

/// `GET /credit-office/bulletins/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<NoticeQuery>,
) -> AppResult<EditPage> {
    signed.require(Role::CreditOffice)?;
    page(&state, &signed, id, None, (FormErrors::default(), None), notice_text(q.notice.as_deref())).await
}

/// `POST /credit-office/bulletins/{id}`: saves the draft.
pub async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<TextForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (ctx, typed) = (signed.change(&state), form.typed());
    match state.db.query(move |c| bulletin::update(c, &ctx, id, &typed)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/credit-office/bulletins/{id}?notice=saved")).into_response()),
        Err(refusal) => {
            let (status, errors, alert) = refused(&refusal);
            if status == StatusCode::NOT_FOUND {
                return Err(AppError::NotFound);
            }
            Ok((status, page(&state, &signed, id, Some(form), (errors, alert), None).await?).into_response())
        }
    }
}

/// `GET /credit-office/bulletins/{id}/publish`: what publishing does, before it is done.
pub async fn confirm_publish(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let (bulletin, view) = load(&state, id).await?;
    if bulletin.is_published() {
        return Ok(Redirect::to(&format!("/credit-office/bulletins/{id}")).into_response());
    }
    let subscribers = state.db.query(|c| Subscriber::active(c).map(|s| s.len())).await?;
    let data = if view.unfinished() {
        format!("本期尚未结束，数据截至发布时刻（现在是 {}）", view.as_of_text())
    } else {
        "按发布时刻的全部数据计算".to_string()
    };
    let page = ConfirmPage {
        layout: signed.layout(),
        title: "确认发布公报".into(),
        message:
            "发布后公报的数据即固定：之后新增或更正的数据不会改变已发布的公报。发布不能撤回，同一期间只能发布一份公报。"
                .into(),
        action: format!("/credit-office/bulletins/{id}/publish"),
        button: "确认发布".into(),
        back: format!("/credit-office/bulletins/{id}"),
        danger: false,
        summary: vec![
            ("公报".into(), bulletin.title.clone()),
            ("期间".into(), bulletin.period_label()),
            ("数据".into(), data),
            ("邮件通知".into(), format!("{subscribers} 个已确认的订阅邮箱")),
        ],
        carry: Vec::new(),
        edit: None,
    };
    Ok(page.into_response())
}

/// `POST /credit-office/bulletins/{id}/publish`: freezes the figures and publishes.
pub async fn publish(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let ctx = signed.change(&state);
    match state.db.query(move |c| bulletin::publish(c, &ctx, id)).await? {
        Ok(mailed) => {
            tracing::info!(bulletin = id, mailed, "bulletin published");
            Ok(Redirect::to(&format!("/credit-office/bulletins/{id}?notice=published")).into_response())
        }
        Err(refusal) => {
            let (status, errors, alert) = refused(&refusal);
            if status == StatusCode::NOT_FOUND {
                return Err(AppError::NotFound);
            }
            Ok((status, page(&state, &signed, id, None, (errors, alert), None).await?).into_response())
        }
    }
}

/// `GET /credit-office/bulletins/{id}/delete`: the confirmation of deleting a draft.
pub async fn confirm_delete(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let found = state.db.query(move |c| Bulletin::find(c, id)).await?;
    let Some(bulletin) = found.filter(|b| !b.is_published()) else { return Err(AppError::NotFound) };
    let mut page = ConfirmPage::typed(
        signed.layout(),
        "确认删除草稿",
        format!("/credit-office/bulletins/{id}/delete"),
        "删除草稿",
        String::new(),
    );
    page.message = "草稿及其说明将被删除，不能恢复。".into();
    page.danger = true;
    page.edit = None;
    page.back = format!("/credit-office/bulletins/{id}");
    Ok(page.line("公报", bulletin.title.clone()).line("期间", bulletin.period_label()).into_response())
}

/// `POST /credit-office/bulletins/{id}/delete`: deletes a draft.
pub async fn delete(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let ctx = signed.change(&state);
    match state.db.query(move |c| bulletin::delete(c, &ctx, id)).await? {
        Ok(()) => Ok(Redirect::to("/credit-office/bulletins?notice=deleted").into_response()),
        Err(Refusal::NotFound(_)) => Err(AppError::NotFound),
        Err(refusal) => {
            let (status, errors, alert) = refused(&refusal);
            Ok((status, page(&state, &signed, id, None, (errors, alert), None).await?).into_response())
        }
    }
}
