//! An officer's saved filters: new needs matching one are emailed in an hourly digest.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::subscription::{self as action, Filter};
use crate::auth::SignedIn;
use crate::domain::credit::Grade;
use crate::domain::{Money, Role, industry};
use crate::error::{AppError, AppResult};
use crate::models::region::Region;
use crate::models::subscription::Subscription;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, choices, notice};

#[derive(Deserialize, Default)]
pub struct SubscriptionForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    amount_min: String,
    #[serde(default)]
    amount_max: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    min_grade: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "officer/subscriptions.html")]
pub struct SubscriptionsPage {
    layout: Layout,
    notice: Option<&'static str>,
    subscriptions: Vec<Subscription>,
    regions: Vec<Region>,
    form: SubscriptionForm,
    errors: FormErrors,
}

impl SubscriptionsPage {
    fn region_choices(&self) -> Vec<(String, String)> {
        choices::regions(&self.regions)
    }
    fn industry_choices(&self) -> Vec<(String, String)> {
        choices::industries()
    }
    fn grade_choices(&self) -> Vec<(String, String)> {
        choices::grades_at_least()
    }
    fn describe(&self, s: &Subscription) -> String {
        let mut parts = Vec::new();
        match (s.amount_min_fen, s.amount_max_fen) {
            (Some(low), Some(high)) => {
                parts.push(format!("{} – {}", Money::from_fen(low).wan_text(), Money::from_fen(high).wan_text()))
            }
            (Some(low), None) => parts.push(format!("{} 以上", Money::from_fen(low).wan_text())),
            (None, Some(high)) => parts.push(format!("{} 以下", Money::from_fen(high).wan_text())),
            (None, None) => {}
        }
        if let Some(region) = &s.region {
            parts.push(Region::name_of(&self.regions, region));
        }
        if let Some(code) = &s.industry {
            parts.push(industry::name(code).unwrap_or("未知行业").to_string());
        }
        if let Some(grade) = &s.min_grade {
            parts.push(format!("{grade} 及以上"));
        }
        if parts.is_empty() { "全部新需求".into() } else { parts.join(" · ") }
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    form: SubscriptionForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<SubscriptionsPage> {
    let officer = signed.user.id;
    let (subscriptions, regions) =
        state.db.query(move |c| Ok((Subscription::of_officer(c, officer)?, Region::all(c)?))).await?;
    Ok(SubscriptionsPage { layout: signed.layout(), notice, subscriptions, regions, form, errors })
}

pub async fn subscriptions(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<SubscriptionsPage> {
    signed.require(Role::Officer)?;
    page(&state, &signed, SubscriptionForm::default(), FormErrors::default(), notice(query.notice.as_deref())).await
}

/// An optional amount in 万元: empty is no bound, anything else must parse.
fn wan(text: &str) -> Result<Option<Money>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Money::parse_wan(text).map(Some).ok_or(())
}

pub async fn subscribe(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<SubscriptionForm>,
) -> AppResult<Response> {
    signed.require(Role::Officer)?;
    let mut errors = FormErrors::default();
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 30 {
        errors.add("name", "请给订阅起个名字（不超过 30 字），如：高新区科技企业");
    }
    let amount_min =
        wan(&form.amount_min).map_err(|_| errors.add("amount_min", "请填写正确的金额（万元）")).ok().flatten();
    let amount_max =
        wan(&form.amount_max).map_err(|_| errors.add("amount_max", "请填写正确的金额（万元）")).ok().flatten();
    if let (Some(low), Some(high)) = (amount_min, amount_max)
        && low > high
    {
        errors.add("amount_max", "最高金额不能低于最低金额");
    }
    let regions = state.db.query(Region::all).await?;
    let region = Some(form.region.clone()).filter(|r| regions.iter().any(|x| &x.code == r));
    let industry = Some(form.industry.clone()).filter(|i| industry::name(i).is_some());
    let min_grade = Grade::parse(&form.min_grade);
    if errors.is_empty() {
        let (ctx, filter) =
            (signed.change(&state), Filter { name, amount_min, amount_max, region, industry, min_grade });
        match state.db.query(move |c| action::subscribe(c, &ctx, filter)).await? {
            Ok(_) => return Ok(Redirect::to("/officer/subscriptions?notice=subscribed").into_response()),
            Err(refusal) => errors.add("name", refusal.to_string()),
        }
    }
    let page = page(&state, &signed, form, errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

pub async fn unsubscribe(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    signed.require(Role::Officer)?;
    let ctx = signed.change(&state);
    match state.db.query(move |c| action::unsubscribe(c, &ctx, id)).await? {
        Ok(()) => Ok(Redirect::to("/officer/subscriptions?notice=unsubscribed").into_response()),
        Err(_) => Err(AppError::NotFound),
    }
}
