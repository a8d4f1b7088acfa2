//! The hall (抢单大厅) and grabbing: an officer lists the open needs that fit
//! the institution's products, opens one, types an offer, confirms it beside
//! the need's summary (or goes back to the form, filled) and grabs. A late or
//! full grab gets a page that says so, never an error.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::{Duration, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::actions::offer::{Grab, grab_need as grab, grab_refusal};
use crate::auth::SignedIn;
use crate::domain::Guarantee;
use crate::domain::calendar::{beijing_date, from_beijing};
use crate::domain::credit::Grade;
use crate::domain::need::time_left;
use crate::domain::product::GUARANTEES;
use crate::domain::repayment::{Cost, RepaymentMethod};
use crate::error::{AppError, AppResult};
use crate::models::hall::{HallFilter, HallLine, hall, summary};
use crate::models::offer::OfferTerms;
use crate::models::product::Product;
use crate::models::rate_limit;
use crate::models::region::Region;
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, Pager, choices, form_again, url_encode};

#[derive(Template, WebTemplate)]
#[template(path = "officer/hall.html")]
pub struct HallPage {
    layout: Layout,
    filter: HallFilter,
    lines: Vec<HallLine>,
    pager: Pager,
    regions: Vec<Region>,
    now: chrono::NaiveDateTime,
    has_products: bool,
}

impl HallPage {
    /// The filters' choices, each after "不限" (no filter).
    fn region_choices(&self) -> Vec<(String, String)> {
        choices::regions(&self.regions)
    }
    fn industry_choices(&self) -> Vec<(String, String)> {
        choices::industries()
    }
    fn grade_choices(&self) -> Vec<(String, String)> {
        choices::any_or(Grade::ALL.iter().map(|g| (g.as_str().to_string(), g.as_str().to_string())))
    }
    /// The filters are never wrong, only empty.
    fn no_errors(&self) -> FormErrors {
        FormErrors::default()
    }
    fn left(&self, line: &HallLine) -> String {
        line.deadline.map_or_else(String::new, |d| time_left(self.now, d))
    }
    /// Whether the deadline is less than six hours away (shown in red).
    fn closing(&self, line: &HallLine) -> bool {
        line.deadline.is_some_and(|d| d - self.now < Duration::hours(6))
    }
    fn query(&self, sort: &str) -> String {
        let f = &self.filter;
        format!(
            "/officer/hall?amount_min={}&amount_max={}&region={}&industry={}&grade={}&sort={}&",
            url_encode(&f.amount_min),
            url_encode(&f.amount_max),
            url_encode(&f.region),
            url_encode(&f.industry),
            url_encode(&f.grade),
            url_encode(sort)
        )
    }
    fn current_sort(&self) -> &str {
        if self.filter.sort.is_empty() { "deadline" } else { &self.filter.sort }
    }
}

/// `GET /officer/hall`.
pub async fn hall_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(filter): Query<HallFilter>,
) -> AppResult<HallPage> {
    let institution = signed.officer_institution()?;
    let now = state.clock.now();
    let query = filter.clone();
    let (lines, pager, regions, has_products) = state
        .db
        .query(move |c| {
            let (lines, pager) = hall(c, institution, &query, now)?;
            let has_products = crate::models::product::Product::has_published(c, institution)?;
            Ok((lines, pager, Region::all(c)?, has_products))
        })
        .await?;
    Ok(HallPage { layout: signed.layout(), filter, lines, pager, regions, now, has_products })
}

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct OfferForm {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub rate: String,
    #[serde(default)]
    pub term: String,
    #[serde(default)]
    pub repayment_method: String,
    #[serde(default)]
    pub guarantee: String,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub valid_until: String,
    /// "preview": work out the repayment of the offer as typed, without grabbing;
    /// "edit": back from the confirmation to the form, filled.
    #[serde(default)]
    pub intent: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "officer/grab.html")]
pub struct GrabPage {
    layout: Layout,
    need: HallLine,
    form: OfferForm,
    errors: FormErrors,
    /// Why the need cannot be grabbed now, if it cannot.
    refusal: Option<String>,
    left: String,
    /// The repayment methods the institution's products offer for this need.
    methods: Vec<RepaymentMethod>,
    /// What the offer as typed costs under its method, when it parses.
    preview: Option<(RepaymentMethod, Cost)>,
}

impl GrabPage {
    fn guarantees(&self) -> &'static [(&'static str, &'static str)] {
        &GUARANTEES
    }
    /// The repayment methods as the select lists them: a prompt first when there is a choice.
    fn method_choices(&self) -> Vec<(&'static str, &'static str)> {
        let prompt = (self.methods.len() > 1).then_some(("", "请选择"));
        prompt.into_iter().chain(self.methods.iter().map(|m| (m.code(), m.label()))).collect()
    }
}

/// The need as the hall describes it, and the repayment methods an offer on it may name.
async fn need_summary(state: &AppState, need_id: i64, institution: i64) -> AppResult<(HallLine, Vec<RepaymentMethod>)> {
    state
        .db
        .run(move |c| {
            let need = summary(c, need_id)?.ok_or(AppError::NotFound)?;
            Ok((need, Product::methods_for_need(c, institution, need_id)?))
        })
        .await
}

/// `GET /officer/hall/{id}`: the need's summary and the offer form, filled in from the need.
pub async fn grab_form(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<GrabPage> {
    let institution = signed.officer_institution()?;
    let (need, methods) = need_summary(&state, id, institution).await?;
    let now = state.clock.now();
    // The grab's own rule decides whether the button is offered.
    let refusal = state.db.query(move |c| grab_refusal(c, id, institution, now)).await?;
    let valid = need.deadline.map_or(now, |d| d) + Duration::days(7);
    let form = OfferForm {
        amount: need.amount.wan_input(),
        rate: need.max_rate.input_text(),
        term: need.term_months.to_string(),
        repayment_method: methods.first().map_or_else(String::new, |m| m.code().to_string()),
        guarantee: need.guarantee.as_str().to_string(),
        conditions: String::new(),
        valid_until: beijing_date(valid).to_string(),
        intent: String::new(),
    };
    let preview = validate(&form, &need, &methods).ok().map(|t| preview(&t));
    Ok(GrabPage {
        layout: signed.layout(),
        refusal: refusal.map(|r| format!("不能抢单：{r}。")),
        left: need.deadline.map_or_else(String::new, |d| time_left(now, d)),
        need,
        form,
        errors: FormErrors::default(),
        methods,
        preview,
    })
}

fn preview(terms: &OfferTerms) -> (RepaymentMethod, Cost) {
    (terms.repayment_method, terms.loan().cost())
}

/// Checks an offer against the need: the rate within the enterprise's cap, a
/// repayment method the institution's products offer, valid at least until
/// the window ends.
fn validate(form: &OfferForm, need: &HallLine, methods: &[RepaymentMethod]) -> Result<OfferTerms, FormErrors> {
    let mut errors = FormErrors::default();
    let amount = errors.loan_amount("amount", &form.amount, "报价金额");
    let rate = crate::domain::Rate::parse(&form.rate).ok().filter(|r| r.units() > 0);
    match rate {
        None => errors.add("rate", "请填写年化利率，如 3.85"),
        Some(r) if r > need.max_rate => {
            errors.add("rate", format!("不能高于企业可接受的最高利率 {}", need.max_rate.percent_text()))
        }
        Some(_) => {}
    }
    let term = errors.term_months("term", &form.term);
    let method = RepaymentMethod::parse(&form.repayment_method);
    match method {
        None => errors.add("repayment_method", "请选择还款方式"),
        Some(m) if !methods.contains(&m) => {
            errors.add("repayment_method", "贵机构适用于该需求的产品不提供这种还款方式")
        }
        Some(_) => {}
    }
    let guarantee = Guarantee::parse(&form.guarantee);
    if guarantee.is_none() {
        errors.add("guarantee", "请选择要求的担保方式");
    }
    let conditions = form.conditions.trim().to_string();
    if conditions.chars().count() > 500 {
        errors.add("conditions", "附加条件最多 500 字");
    }
    let deadline_day = need.deadline.map(beijing_date);
    let until = NaiveDate::parse_from_str(form.valid_until.trim(), "%Y-%m-%d").ok();
    match (until, deadline_day) {
        (None, _) => errors.add("valid_until", "请选择报价有效期，格式如 2026-12-01"),
        (Some(u), Some(d)) if u < d => errors.add("valid_until", format!("有效期不能早于抢单截止日 {d}")),
        (Some(u), Some(d)) if u > d + Duration::days(90) => errors.add("valid_until", "有效期最长为抢单截止后 90 天"),
        _ => {}
    }
    match (amount, rate, term, method, guarantee, until) {
        (Some(amount), Some(rate), Some(term_months), Some(repayment_method), Some(guarantee), Some(until))
            if errors.is_empty() =>
        {
            Ok(OfferTerms {
                amount,
                rate,
                term_months,
                repayment_method,
                guarantee,
                conditions: if conditions.is_empty() { "无".into() } else { conditions },
                // Valid through the whole day, Beijing time.
                valid_until: from_beijing(until.and_time(NaiveTime::from_hms_opt(23, 59, 59).expect("valid time"))),
            })
        }
        _ => Err(errors),
    }
}

/// `POST /officer/hall/{id}/confirm`: the offer as typed, checked, beside the
/// need's summary for confirmation; 试算还款 and 返回修改 give the form back, filled.
pub async fn confirm_grab(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<OfferForm>,
) -> AppResult<Response> {
    let institution = signed.officer_institution()?;
    let (need, methods) = need_summary(&state, id, institution).await?;
    let now = state.clock.now();
    let refusal = state.db.query(move |c| grab_refusal(c, id, institution, now)).await?;
    let refusal = refusal.map(|r| format!("不能抢单：{r}。"));
    let checked = validate(&form, &need, &methods);
    if let (Ok(terms), "", None) = (&checked, form.intent.as_str(), &refusal) {
        return Ok(grab_summary(signed.layout(), &need, &form, terms).into_response());
    }
    // Refused (409), previewed, back from the confirmation, or with errors.
    let preview = checked.as_ref().ok().map(preview);
    let (status, errors) = match form_again(checked, &form.intent) {
        (StatusCode::OK, errors) if preview.is_some() && form.intent.is_empty() => (StatusCode::CONFLICT, errors),
        again => again,
    };
    let left = need.deadline.map_or_else(String::new, |d| time_left(now, d));
    Ok((status, GrabPage { layout: signed.layout(), need, form, errors, refusal, left, methods, preview })
        .into_response())
}

/// The confirmation of a grab: what the need asks, and the offer as it will be made.
fn grab_summary(layout: Layout, need: &HallLine, form: &OfferForm, terms: &OfferTerms) -> ConfirmPage {
    let cost = terms.loan().cost();
    let id = need.id;
    let mut page = ConfirmPage::typed(
        layout,
        "确认抢单",
        format!("/officer/hall/{id}"),
        "确认抢单",
        format!("/officer/hall/{id}/confirm"),
    );
    page.message = format!(
        "需求 #{id}：{}，{}，{}，{} 个月，可接受最高年化 {}，可提供{}。提交后报价即发给企业，抢单成功后须在 2 个工作日内联系企业。",
        need.region_name,
        need.industry_name(),
        need.amount.wan_text(),
        need.term_months,
        need.max_rate.percent_text(),
        need.guarantee.label()
    );
    page.line("报价金额", terms.amount.wan_text())
        .line("年化利率", terms.rate.percent_text())
        .line("期限", format!("{} 个月", terms.term_months))
        .line("还款方式", terms.repayment_method.label())
        .line("要求的担保方式", terms.guarantee.label())
        .line("附加条件", terms.conditions.clone())
        .line("报价有效期至", crate::clock::datetime_text(&terms.valid_until))
        .line("首期还款", cost.first_payment.yuan_text())
        .line("总利息", cost.total_interest.yuan_text())
        .carrying(form)
}

/// How many grabs one address may send a minute: far above any officer's clicking,
/// low enough to stop a script sweeping the hall.
const GRAB: rate_limit::Limit = rate_limit::Limit { max: 120, window: Duration::minutes(1) };

/// `POST /officer/hall/{id}`: grab the need with this offer (after the
/// confirmation step; everything is checked again).
pub async fn grab_need(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<OfferForm>,
) -> AppResult<Response> {
    let institution = signed.officer_institution()?;
    crate::web::check_rate_limit(&state, "grab", signed.actor().ip.as_deref(), GRAB).await?;
    let (need, methods) = need_summary(&state, id, institution).await?;
    let now = state.clock.now();
    let page = |form, errors, refusal: Option<String>, status| {
        let left = need.deadline.map_or_else(String::new, |d| time_left(now, d));
        let (need, methods) = (need.clone(), methods.clone());
        let page = GrabPage { layout: signed.layout(), need, form, errors, refusal, left, methods, preview: None };
        (status, page).into_response()
    };
    let terms = match validate(&form, &need, &methods) {
        Ok(terms) => terms,
        Err(errors) => return Ok(page(form, errors, None, StatusCode::UNPROCESSABLE_ENTITY)),
    };
    let (ctx, clock) = (signed.change(&state), state.clock.clone());
    let input = Grab { need_id: id, institution_id: institution, officer_id: signed.user.id, terms };
    match state.db.query(move |c| grab(c, &ctx, &input, clock.as_ref())).await? {
        Ok(offer) => Ok(Redirect::to(&format!("/officer/offers/{offer}?notice=grabbed")).into_response()),
        Err(refused) => {
            let reason = format!("抢单未成功：{refused}。报价未提交，您填写的内容保留在下方。");
            Ok(page(form, FormErrors::default(), Some(reason), StatusCode::CONFLICT))
        }
    }
}
