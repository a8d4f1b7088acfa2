//! The credit office's pages: the platform at a glance, and onboarding institutions.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions;
use crate::actions::institution::NewInstitution;
use crate::auth::SignedIn;
use crate::domain::institution::InstitutionKind;
use crate::domain::{Role, Uscc};
use crate::error::AppResult;
use crate::models::enterprise::Enterprise;
use crate::models::institution::Institution;
use crate::models::region::Region;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, NoticeQuery, notice};

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/home.html")]
pub struct CreditOfficeHomePage {
    layout: Layout,
    notice: Option<&'static str>,
    figures: Vec<(&'static str, i64)>,
    /// Years a deadline set now reaches without their holiday schedule.
    missing_holidays: Vec<i32>,
    /// What waits for the office: open disputes by due time, imports under
    /// way or failed, banks late with credit decisions.
    disputes: Vec<(crate::models::dispute::Dispute, String)>,
    /// The loan of each drawdown disputed among them (drawdown, loan).
    dispute_loans: Vec<(i64, i64)>,
    imports: Vec<crate::models::import_batch::ImportBatch>,
    late_banks: Vec<crate::models::queue::LateBank>,
    now: chrono::NaiveDateTime,
}

/// Open disputes the home lists, soonest due first.
const HOME_DISPUTES: i64 = 10;

impl CreditOfficeHomePage {
    fn disputes_shown(&self) -> i64 {
        HOME_DISPUTES
    }

    /// How close the answer to an open dispute is to its due time.
    fn urgency(&self, dispute: &crate::models::dispute::Dispute) -> crate::domain::work::Urgency {
        crate::domain::work::Urgency::of(dispute.due_at, self.now)
    }

    fn loan_of(&self, dispute: &crate::models::dispute::Dispute) -> Option<i64> {
        crate::handlers::disputes::loan_of(&self.dispute_loans, dispute)
    }
}
/// Imports the home lists.
const HOME_IMPORTS: i64 = 10;

pub async fn credit_office_home(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<CreditOfficeHomePage> {
    signed.require(Role::CreditOffice)?;
    let now = state.clock.now();
    let (figures, missing_holidays, (disputes, imports, late_banks), dispute_loans) = state
        .db
        .query(move |c| {
            let waiting = (
                crate::models::dispute::Dispute::open_by_due(c, HOME_DISPUTES)?,
                crate::models::import_batch::ImportBatch::needing_attention(c, now, HOME_IMPORTS)?,
                crate::models::need::Need::overdue_by_bank(c)?,
            );
            let figures = vec![
                ("在册企业", Enterprise::count(c)?),
                ("已注册企业", User::count_by_role(c, Role::Enterprise)?),
                ("金融机构", Institution::count(c)?),
                ("客户经理", User::count_by_role(c, Role::Officer)?),
            ];
            let loans = crate::handlers::disputes::disputed_loans(c, waiting.0.iter().map(|(d, _)| d))?;
            Ok((figures, crate::models::holiday::missing_years(c, now)?, waiting, loans))
        })
        .await?;
    let notice = notice(query.notice.as_deref());
    Ok(CreditOfficeHomePage {
        layout: signed.layout(),
        notice,
        figures,
        missing_holidays,
        disputes,
        dispute_loans,
        imports,
        late_banks,
        now,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/institutions/index.html")]
pub struct InstitutionsPage {
    layout: Layout,
    notice: Option<&'static str>,
    institutions: Vec<Institution>,
}

pub async fn institutions(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<InstitutionsPage> {
    signed.require(Role::CreditOffice)?;
    let institutions = state.db.query(Institution::all).await?;
    Ok(InstitutionsPage { layout: signed.layout(), notice: notice(query.notice.as_deref()), institutions })
}

#[derive(Deserialize, Default)]
pub struct InstitutionForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    admin_email: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/institutions/new.html")]
pub struct NewInstitutionPage {
    layout: Layout,
    form: InstitutionForm,
    errors: FormErrors,
    regions: Vec<Region>,
}

impl NewInstitutionPage {
    fn kind_options(&self) -> Vec<(&'static str, &'static str)> {
        InstitutionKind::ALL.into_iter().map(|k| (k.as_str(), k.label())).collect()
    }

    /// The regions, the prompt first.
    fn region_options(&self) -> Vec<(&str, &str)> {
        std::iter::once(("", "请选择")).chain(self.regions.iter().map(|r| (r.code.as_str(), r.name.as_str()))).collect()
    }
}

pub async fn new_institution(State(state): State<AppState>, signed: SignedIn) -> AppResult<NewInstitutionPage> {
    signed.require(Role::CreditOffice)?;
    let regions = state.db.query(Region::all).await?;
    let form = InstitutionForm { kind: InstitutionKind::Bank.as_str().into(), ..InstitutionForm::default() };
    Ok(NewInstitutionPage { layout: signed.layout(), form, errors: FormErrors::default(), regions })
}

pub async fn create_institution(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<InstitutionForm>,
) -> AppResult<Response> {
    signed.require(Role::CreditOffice)?;
    let mut errors = FormErrors::default();
    let name = form.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 60 {
        errors.add("name", "请填写机构全称（不超过 60 个字）");
    }
    let kind = InstitutionKind::parse(&form.kind);
    if kind.is_none() {
        errors.add("kind", "请选择机构类型");
    }
    let uscc = Uscc::parse(&form.uscc).map_err(|e| errors.add("uscc", e.to_string())).ok();
    let admin_email = form.admin_email.trim().to_lowercase();
    if admin_email.parse::<lettre::Address>().is_err() {
        errors.add("admin_email", "请输入机构管理员的有效邮箱");
    }
    let (check_name, check_uscc, check_email) =
        (name.clone(), uscc.as_ref().map(|u| u.to_string()).unwrap_or_default(), admin_email.clone());
    let (regions, (name_taken, uscc_taken), email_taken) = state
        .db
        .query(move |c| {
            Ok((
                Region::all(c)?,
                Institution::name_or_uscc_taken(c, &check_name, &check_uscc)?,
                User::email_taken(c, &check_email)?,
            ))
        })
        .await?;
    if name_taken {
        errors.add("name", "已有同名机构");
    }
    if uscc_taken {
        errors.add("uscc", "该统一社会信用代码已登记为其他机构");
    }
    if email_taken {
        errors.add("admin_email", "该邮箱已有账号");
    }
    if !regions.iter().any(|r| r.code == form.region) {
        errors.add("region", "请选择营业部所在区域");
    }
    let Some((uscc, kind)) = uscc.zip(kind).filter(|_| errors.is_empty()) else {
        let page = NewInstitutionPage { layout: signed.layout(), form, errors, regions };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let ctx = signed.change(&state);
    let new = NewInstitution { name, kind, uscc, region: form.region, admin_email };
    state.db.query(move |c| actions::institution::create(c, &ctx, &new)).await?;
    Ok(Redirect::to("/credit-office/institutions?notice=institution_created").into_response())
}
