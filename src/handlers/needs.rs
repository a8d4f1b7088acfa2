//! Publishing a financing need: a form, a confirmation step that states the
//! authorization it gives, then publishing. The form's POST redirects to the
//! review page with the typed values in its query (nothing kept on the server,
//! so any instance answers it and the browser's Back shows it again); its
//! 返回修改 carries them back into the form. An enterprise on the dishonest list
//! is refused and told how credit repair works; at most three needs are open at once.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};

use crate::actions;
use crate::actions::need::Publish;
use crate::auth::SignedIn;
use crate::domain::product::{GUARANTEES, ineligibility};
use crate::domain::{Guarantee, Rate, Role};
use crate::error::{AppError, AppResult};
use crate::models::need::{MAX_OPEN, Need, NewNeed, WINDOWS};
use crate::models::product::{Product, applicant};
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, notice};

#[derive(Deserialize, Serialize, Default, Clone)]
pub struct NeedForm {
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub term: String,
    #[serde(default)]
    pub purpose: String,
    #[serde(default)]
    pub guarantee: String,
    #[serde(default)]
    pub max_rate: String,
    #[serde(default)]
    pub window: String,
    #[serde(default)]
    pub slots: String,
    #[serde(default)]
    pub product: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/needs/new.html")]
pub struct NeedFormPage {
    layout: Layout,
    form: NeedForm,
    errors: FormErrors,
    product: Option<(Product, String)>,
    /// Why the enterprise may not publish at all (dishonest, too many open).
    refusal: Option<String>,
}

impl NeedFormPage {
    fn guarantees(&self) -> &'static [(&'static str, &'static str)] {
        &GUARANTEES
    }
    fn windows(&self) -> &'static [(i32, &'static str)] {
        &WINDOWS
    }
    fn slot_choices(&self) -> Vec<(i32, String)> {
        (1..=5).map(|n| (n, format!("{n} 家"))).collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/needs/confirm.html")]
pub struct ConfirmNeedPage {
    layout: Layout,
    form: NeedForm,
    need: NewNeed,
    product: Option<(Product, String)>,
}

impl ConfirmNeedPage {
    fn window(&self) -> &'static str {
        WINDOWS.iter().find(|(h, _)| *h == self.need.window_hours).map_or("", |(_, l)| *l)
    }
    /// The form's values as a query: the review page's own address and 返回修改's.
    fn query(&self) -> String {
        query(&self.form)
    }
}

fn query(form: &NeedForm) -> String {
    serde_urlencoded::to_string(form).unwrap_or_default()
}

struct Context {
    product: Option<(Product, String)>,
    refusal: Option<String>,
    product_reasons: Vec<String>,
}

pub use crate::domain::need::DISHONEST;

/// What decides whether this enterprise may publish now, and for which product.
async fn context(state: &AppState, signed: &SignedIn, product_id: Option<i64>) -> AppResult<Context> {
    let enterprise_id = signed.enterprise()?;
    let (product, applicant, open) = state
        .db
        .run(move |c| {
            let product = match product_id {
                Some(id) => Some(Product::find_published(c, id)?.ok_or(AppError::NotFound)?),
                None => None,
            };
            Ok((product, applicant(c, enterprise_id)?, Need::active_count(c, enterprise_id)?))
        })
        .await?;
    let refusal = if applicant.dishonest {
        Some(DISHONEST.to_string())
    } else if open >= MAX_OPEN {
        Some(format!(
            "您已有 {open} 个进行中的融资需求，最多同时发布 {MAX_OPEN} 个。请等待银行报价或撤销其中一个后再发布。"
        ))
    } else {
        None
    };
    let today = crate::clock::beijing(state.clock.now()).date_naive();
    let product_reasons =
        product.as_ref().map(|(p, _)| ineligibility(&p.criteria(), &applicant, today)).unwrap_or_default();
    Ok(Context { product, refusal, product_reasons })
}

/// `GET /enterprise/needs/new`: the form; values in the query (a product, or
/// what was typed, from the review's 返回修改) fill it, defaults the rest.
pub async fn new_need(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(typed): Query<NeedForm>,
) -> AppResult<NeedFormPage> {
    signed.require(Role::Enterprise)?;
    let ctx = context(&state, &signed, typed.product.parse().ok()).await?;
    let mut form = NeedForm { product: String::new(), ..typed };
    let or = |field: &mut String, default: String| {
        if field.is_empty() {
            *field = default;
        }
    };
    if let Some((p, _)) = &ctx.product {
        form.product = p.id.to_string();
        or(&mut form.term, p.term_min_months.max(12).min(p.term_max_months).to_string());
        or(&mut form.max_rate, p.rate_max.input_text());
        or(&mut form.guarantee, p.guarantees.first().map(|g| g.as_str().to_string()).unwrap_or_default());
    }
    or(&mut form.window, "72".into());
    or(&mut form.slots, "3".into());
    or(&mut form.guarantee, "credit".into());
    let refusal = ctx.refusal.or_else(|| {
        (!ctx.product_reasons.is_empty())
            .then(|| format!("您暂不符合该产品的申请条件：{}", ctx.product_reasons.join("；")))
    });
    Ok(NeedFormPage { layout: signed.layout(), form, errors: FormErrors::default(), product: ctx.product, refusal })
}

/// Validates the form against the targeted product, if any.
fn validate(form: &NeedForm, product: Option<&Product>) -> Result<NewNeed, FormErrors> {
    let mut errors = FormErrors::default();
    let amount = errors.loan_amount("amount", &form.amount, "融资金额");
    let term = errors.term_months("term", &form.term);
    let purpose = form.purpose.trim().to_string();
    if purpose.chars().count() < 4 || purpose.chars().count() > 200 {
        errors.add("purpose", "请说明资金用途（4 到 200 字），如：采购原材料");
    }
    let guarantee = Guarantee::parse(&form.guarantee);
    if guarantee.is_none() {
        errors.add("guarantee", "请选择可提供的担保方式");
    }
    let max_rate = Rate::parse(&form.max_rate).ok().filter(|r| r.units() > 0 && r.units() <= 240_000);
    if max_rate.is_none() {
        errors.add("max_rate", "请填写可接受的最高年化利率（大于 0，不超过 24%）");
    }
    let window = form.window.parse::<i32>().ok().filter(|w| WINDOWS.iter().any(|(h, _)| h == w));
    if window.is_none() {
        errors.add("window", "请选择抢单时限");
    }
    let slots = form.slots.parse::<i32>().ok().filter(|s| (1..=5).contains(s));
    if slots.is_none() {
        errors.add("slots", "银行名额应为 1 到 5 家");
    }
    if let Some(p) = product {
        if let Some(a) = amount
            && (a < p.amount_min || a > p.amount_max)
        {
            errors.add("amount", format!("该产品额度为 {}", p.amount_text()));
        }
        if let Some(t) = term
            && (t < p.term_min_months || t > p.term_max_months)
        {
            errors.add("term", format!("该产品期限为 {}", p.term_text()));
        }
        if !p.guarantees.codes().contains(&form.guarantee) {
            errors.add("guarantee", "该产品不接受这种担保方式");
        }
    }
    match (amount, term, guarantee, max_rate, window, slots) {
        (Some(amount), Some(term_months), Some(guarantee), Some(max_rate), Some(window_hours), Some(slots))
            if errors.is_empty() =>
        {
            Ok(NewNeed {
                amount,
                term_months,
                purpose,
                guarantee,
                max_rate,
                window_hours,
                // A need aimed at one product can only be taken by that product's bank.
                slots: if product.is_some() { 1 } else { slots },
                product_id: product.map(|p| p.id),
                institution_id: product.map(|p| p.institution_id),
            })
        }
        _ => Err(errors),
    }
}

/// The form checked against the enterprise's standing and the product: the
/// need to publish, or the form again with why not.
async fn check(
    state: &AppState,
    signed: &SignedIn,
    form: NeedForm,
) -> AppResult<Result<ConfirmNeedPage, NeedFormPage>> {
    let ctx = context(state, signed, form.product.parse().ok()).await?;
    let outcome = validate(&form, ctx.product.as_ref().map(|(p, _)| p));
    Ok(match (ctx.refusal, outcome) {
        (None, Ok(need)) if ctx.product_reasons.is_empty() => {
            Ok(ConfirmNeedPage { layout: signed.layout(), form, need, product: ctx.product })
        }
        (refusal, outcome) => {
            let errors = outcome.err().unwrap_or_default();
            let refusal = refusal.or_else(|| (!ctx.product_reasons.is_empty()).then(|| ctx.product_reasons.join("；")));
            Err(NeedFormPage { layout: signed.layout(), form, errors, product: ctx.product, refusal })
        }
    })
}

/// `POST /enterprise/needs`: checks the form and redirects to the confirmation step.
pub async fn review_need(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<NeedForm>,
) -> AppResult<Response> {
    signed.require(Role::Enterprise)?;
    Ok(match check(&state, &signed, form).await? {
        Ok(review) => Redirect::to(&format!("/enterprise/needs/review?{}", review.query())).into_response(),
        Err(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
    })
}

/// `GET /enterprise/needs/review`: the confirmation step, from the values in the query, checked again.
pub async fn review_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(form): Query<NeedForm>,
) -> AppResult<Response> {
    signed.require(Role::Enterprise)?;
    Ok(match check(&state, &signed, form).await? {
        Ok(review) => review.into_response(),
        Err(page) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
    })
}

/// `POST /enterprise/needs/publish`: publishes after the confirmation step, re-checking everything.
pub async fn publish_need(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<NeedForm>,
) -> AppResult<Response> {
    signed.require(Role::Enterprise)?;
    let need = match check(&state, &signed, form).await? {
        Ok(review) => review.need,
        Err(page) => return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response()),
    };
    let input = Publish { enterprise_id: signed.enterprise()?, need };
    let ctx = signed.change(&state);
    match state.db.query(move |c| actions::need::publish_need(c, &ctx, input)).await? {
        Ok(id) => Ok(Redirect::to(&format!("/enterprise/needs/{id}?notice=need_published")).into_response()),
        // Past the limit since the form was checked (another tab): the form says why.
        Err(_) => Ok(Redirect::to("/enterprise/needs/new").into_response()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/needs/index.html")]
pub struct NeedsPage {
    layout: Layout,
    notice: Option<&'static str>,
    needs: Vec<crate::models::need::NeedLine>,
}

pub async fn needs(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<NeedsPage> {
    let enterprise_id = signed.enterprise()?;
    let needs = state.db.query(move |c| Need::of_enterprise(c, enterprise_id)).await?;
    Ok(NeedsPage { layout: signed.layout(), notice: notice(query.notice.as_deref()), needs })
}
