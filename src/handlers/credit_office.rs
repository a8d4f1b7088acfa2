//! The credit office's pages: the platform at a glance, and onboarding institutions.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::invitation::send_invitation;
use crate::auth::SignedIn;
use crate::db::write_tx;
use crate::domain::{Role, Uscc};
use crate::error::{AppError, AppResult};
use crate::models::enterprise::Enterprise;
use crate::models::institution::{Institution, KINDS, kind_label};
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
}

pub async fn credit_office_home(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<CreditOfficeHomePage> {
    signed.require(Role::CreditOffice)?;
    let now = state.clock.now();
    let (figures, missing_holidays) = state
        .db
        .run(move |c| {
            let figures = vec![
                ("在册企业", Enterprise::count(c)?),
                ("已注册企业", User::count_by_role(c, Role::Enterprise)?),
                ("金融机构", Institution::count(c)?),
                ("客户经理", User::count_by_role(c, Role::Officer)?),
            ];
            Ok((figures, crate::models::holiday::missing_years(c, now)?))
        })
        .await?;
    let notice = notice(query.notice.as_deref());
    Ok(CreditOfficeHomePage { layout: signed.layout(), notice, figures, missing_holidays })
}

#[derive(Template, WebTemplate)]
#[template(path = "credit_office/institutions.html")]
pub struct InstitutionsPage {
    layout: Layout,
    notice: Option<&'static str>,
    institutions: Vec<Institution>,
}

impl InstitutionsPage {
    fn kind(&self, kind: &str) -> &'static str {
        kind_label(kind)
    }
}

pub async fn institutions(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<InstitutionsPage> {
    signed.require(Role::CreditOffice)?;
    let institutions = state.db.run(|c| Ok(Institution::all(c)?)).await?;
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
#[template(path = "credit_office/institution_new.html")]
pub struct NewInstitutionPage {
    layout: Layout,
    form: InstitutionForm,
    errors: FormErrors,
    kinds: &'static [(&'static str, &'static str)],
    regions: Vec<Region>,
}

pub async fn new_institution(State(state): State<AppState>, signed: SignedIn) -> AppResult<NewInstitutionPage> {
    signed.require(Role::CreditOffice)?;
    let regions = state.db.run(|c| Ok(Region::all(c)?)).await?;
    let form = InstitutionForm { kind: "bank".into(), ..InstitutionForm::default() };
    Ok(NewInstitutionPage { layout: signed.layout(), form, errors: FormErrors::default(), kinds: &KINDS, regions })
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
    if !KINDS.iter().any(|(k, _)| *k == form.kind) {
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
        .run(move |c| {
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
    let Some(uscc) = uscc.filter(|_| errors.is_empty()) else {
        let page = NewInstitutionPage { layout: signed.layout(), form, errors, kinds: &KINDS, regions };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let ctx = signed.change(&state);
    let (now, actor) = (ctx.now, ctx.actor.clone());
    let (kind, region) = (form.kind.clone(), form.region.clone());
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let (id, _) = Institution::create(c, &name, &kind, uscc.as_str(), &region, now)?;
                crate::models::audit::record(
                    c,
                    &actor,
                    "institution_created",
                    Some(&format!("institution:{id}")),
                    "ok",
                    now,
                )?;
                let institution = Institution::find(c, id)?;
                send_invitation(c, &ctx, &admin_email, Role::BankAdmin, &institution, None)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Redirect::to("/credit-office/institutions?notice=institution_created").into_response())
}
