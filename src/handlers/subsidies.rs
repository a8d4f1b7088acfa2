//! The credit office's interest subsidy programmes (贴息): the list with what
//! each paid and has left, and the form that defines or changes one (rate
//! points, which loans qualify, the caps in 万元, the validity). A quarter's
//! batch is in `batch`.

pub mod batch;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::actions::{Refusal, subsidy};
use crate::auth::SignedIn;
use crate::domain::subsidy::{Rules, points_text};
use crate::domain::{Money, Rate, Role};
use crate::error::{AppError, AppResult};
use crate::models::product::Product;
use crate::models::subsidy::{NewProgramme, Programme, ProgrammeSummary};
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery};

/// The notices of this area, after a redirect.
pub(crate) fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "created" => "贴息项目已创建。季度结束后即可在项目页计算该季度的贴息。",
        "saved" => "贴息项目已保存。之后计算的批次按新规则计算，已批准的批次不变。",
        "computed" => "已计算本季度贴息，请核对明细后批准。",
        "approved" => "贴息批次已批准，企业可在贷款页面看到本季度贴息。",
        other => return crate::web::notice(Some(other)),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/subsidies/list.html")]
pub struct ListPage {
    layout: Layout,
    notice: Option<&'static str>,
    programmes: Vec<ProgrammeSummary>,
}

/// `GET /credit-office/subsidies`.
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> AppResult<ListPage> {
    signed.require(Role::CreditOffice)?;
    let programmes = state.db.query(Programme::summaries).await?;
    Ok(ListPage { layout: signed.layout(), notice: notice_text(q.notice.as_deref()), programmes })
}

/// The form as typed.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct ProgrammeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub points: String,
    #[serde(default)]
    pub credit_only: String,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    #[serde(default)]
    pub sizes: Vec<String>,
    #[serde(default)]
    pub cap_enterprise_year: String,
    #[serde(default)]
    pub cap_total: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
}

fn wan_input(fen: i64) -> String {
    Money::from_fen(fen).wan_input()
}

impl ProgrammeForm {
    /// A new programme's defaults: 1 percentage point on credit loans of micro
    /// and small enterprises, 10 万元 a year each, 1,000 万元 in all, this year.
    fn defaults(today: NaiveDate) -> ProgrammeForm {
        use chrono::Datelike;
        ProgrammeForm {
            points: "1".into(),
            credit_only: "1".into(),
            sizes: vec!["micro".into(), "small".into()],
            cap_enterprise_year: "10".into(),
            cap_total: "1000".into(),
            valid_from: format!("{}-01-01", today.year()),
            valid_to: format!("{}-12-31", today.year()),
            ..ProgrammeForm::default()
        }
    }

    fn of(p: &Programme) -> ProgrammeForm {
        let r = &p.rules;
        ProgrammeForm {
            name: p.name.clone(),
            points: points_text(r.points),
            credit_only: if r.credit_only { "1".into() } else { String::new() },
            products: r.products.iter().map(i64::to_string).collect(),
            programmes: r.programmes.clone(),
            sizes: r.sizes.clone(),
            cap_enterprise_year: wan_input(r.cap_enterprise_year_fen),
            cap_total: wan_input(r.cap_total_fen),
            valid_from: p.valid_from.to_string(),
            valid_to: p.valid_to.to_string(),
        }
    }

    /// The programme as typed, or what cannot be read, beside its field.
    fn parse(&self) -> Result<NewProgramme, FormErrors> {
        let mut errors = FormErrors::default();
        let points = Rate::parse(&self.points).ok().map(Rate::units);
        if points.is_none() {
            errors.add("points", "请填写贴息点数（百分点，如 0.5、1、2）");
        }
        let mut wan = |field: &'static str, text: &str, what: &str| {
            let amount = Money::parse_wan(text).map(Money::fen);
            if amount.is_none() {
                errors.add(field, format!("请填写{what}（万元，大于 0，最多两位小数）"));
            }
            amount.unwrap_or_default()
        };
        let cap_enterprise_year_fen = wan("cap_enterprise_year", &self.cap_enterprise_year, "每户每年贴息上限");
        let cap_total_fen = wan("cap_total", &self.cap_total, "贴息总额上限");
        let mut date = |field: &'static str, text: &str| {
            let day = text.trim().parse::<NaiveDate>().ok();
            if day.is_none() {
                errors.add(field, "请填写日期，如 2026-01-01");
            }
            day.unwrap_or_default()
        };
        let (valid_from, valid_to) = (date("valid_from", &self.valid_from), date("valid_to", &self.valid_to));
        let products = self.products.iter().filter_map(|p| p.parse().ok()).collect();
        let sizes = self.sizes.iter().filter(|s| SIZES.iter().any(|(c, _)| c == s)).cloned().collect();
        let programmes = self.programmes.iter().filter(|p| PROGRAMMES.contains(&p.as_str())).cloned().collect();
        let rules = Rules {
            points: points.unwrap_or_default(),
            credit_only: !self.credit_only.is_empty(),
            products,
            programmes,
            sizes,
            cap_enterprise_year_fen,
            cap_total_fen,
        };
        if !errors.is_empty() {
            if self.name.trim().is_empty() {
                errors.add("name", "请填写贴息项目名称（60 字以内）");
            }
            if valid_from > valid_to {
                errors.add("valid_to", "有效期结束日不能早于开始日");
            }
            // The rules' own problems beside their fields too, so that one submit shows them all.
            for (field, message) in rules.problems() {
                if field != "points" || points.is_some() {
                    errors.add(field, message);
                }
            }
            return Err(errors);
        }
        Ok(NewProgramme { name: self.name.clone(), rules, valid_from, valid_to })
    }

    pub fn ticked(list: &[String], value: &str) -> bool {
        list.iter().any(|v| v == value)
    }
}

const SIZES: [(&str, &str); 3] = [("micro", "微型"), ("small", "小型"), ("medium", "中型")];
use crate::domain::product::PROGRAMMES;

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/subsidies/form.html")]
pub struct FormPage {
    layout: Layout,
    /// The programme edited; None for a new one.
    programme: Option<(i64, usize)>,
    form: ProgrammeForm,
    errors: FormErrors,
    alert: Option<String>,
    /// The published products: (id, "product · bank").
    products: Vec<(String, String)>,
}

impl FormPage {
    fn sizes(&self) -> &'static [(&'static str, &'static str)] {
        &SIZES
    }

    fn programme_choices(&self) -> &'static [&'static str] {
        &PROGRAMMES
    }
}

/// The form page, with the published products to choose from and, when
/// editing, how many batches the programme has.
async fn form_page(
    state: &AppState,
    signed: &SignedIn,
    id: Option<i64>,
    form: ProgrammeForm,
    (errors, alert): (FormErrors, Option<String>),
) -> AppResult<FormPage> {
    let (products, batches) = state
        .db
        .query(move |c| {
            let products = Product::all_published(c)?;
            let batches = match id {
                Some(id) => crate::models::subsidy::batch::Batch::of_programme(c, id)?.len(),
                None => 0,
            };
            Ok((products, batches))
        })
        .await?;
    let products = products.into_iter().map(|(p, bank)| (p.id.to_string(), format!("{} · {bank}", p.name))).collect();
    Ok(FormPage { layout: signed.layout(), programme: id.map(|id| (id, batches)), form, errors, alert, products })
}

fn today(state: &AppState) -> NaiveDate {
    crate::clock::beijing(state.clock.now()).date_naive()
}

/// `GET /credit-office/subsidies/new`.
pub async fn new_form(State(state): State<AppState>, signed: SignedIn) -> AppResult<FormPage> {
    signed.require(Role::CreditOffice)?;
    let form = ProgrammeForm::defaults(today(&state));
    form_page(&state, &signed, None, form, (FormErrors::default(), None)).await
}

/// `GET /credit-office/subsidies/{id}/edit`.
pub async fn edit_form(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<FormPage> {
    signed.require(Role::CreditOffice)?;
    let programme = state.db.query(move |c| Programme::find(c, id)).await?.ok_or(AppError::NotFound)?;
    form_page(&state, &signed, Some(id), ProgrammeForm::of(&programme), (FormErrors::default(), None)).await
}

/// The form again with what was wrong: beside its fields (422), or in words (409).
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    id: Option<i64>,
    form: ProgrammeForm,
    refusal: Result<FormErrors, Refusal>,
) -> AppResult<Response> {
    let (status, errors, alert) = match refusal {
        Ok(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
        Err(Refusal::NotFound(_)) => return Err(AppError::NotFound),
        Err(refusal) => match FormErrors::from_refusal(&refusal) {
            Some(errors) => (StatusCode::UNPROCESSABLE_ENTITY, errors, None),
            None => (StatusCode::CONFLICT, FormErrors::default(), Some(refusal.to_string())),
        },
    };
    Ok((status, form_page(state, signed, id, form, (errors, alert)).await?).into_response())
}

/// `POST /credit-office/subsidies`: defines a programme.
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ProgrammeForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let new = match form.parse() {
        Ok(new) => new,
        Err(errors) => return refused(&state, &signed, None, form, Ok(errors)).await,
    };
    let ctx = signed.change(&state);
    match state.db.query(move |c| subsidy::create(c, &ctx, &new)).await? {
        Ok(id) => Ok(Redirect::to(&format!("/credit-office/subsidies/{id}?notice=created")).into_response()),
        Err(refusal) => refused(&state, &signed, None, form, Err(refusal)).await,
    }
}

/// `POST /credit-office/subsidies/{id}`: changes a programme (later batches follow).
pub async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Form(form): Form<ProgrammeForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let new = match form.parse() {
        Ok(new) => new,
        Err(errors) => return refused(&state, &signed, Some(id), form, Ok(errors)).await,
    };
    let ctx = signed.change(&state);
    match state.db.query(move |c| subsidy::update(c, &ctx, id, &new)).await? {
        Ok(()) => Ok(Redirect::to(&format!("/credit-office/subsidies/{id}?notice=saved")).into_response()),
        Err(refusal) => refused(&state, &signed, Some(id), form, Err(refusal)).await,
    }
}
