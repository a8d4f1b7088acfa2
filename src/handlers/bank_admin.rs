//! The bank admin's page: the institution's branches and people, and inviting
//! officers; disabling one is confirmed first.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::Refusal;
use crate::actions::bank_admin::{
    self, BRANCH_EXISTS, ChangeOfficer, EMAIL_TAKEN, InviteOfficer, NewBranch, OfficerChange, UNKNOWN_BRANCH,
};
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::models::institution::{Branch, Institution};
use crate::models::invitation::Invitation;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, NoticeQuery, notice};

#[derive(Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    branch_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/home.html")]
pub struct BankAdminHomePage {
    layout: Layout,
    notice: Option<&'static str>,
    institution: Institution,
    branches: Vec<Branch>,
    people: Vec<User>,
    invitations: Vec<Invitation>,
    form: InviteForm,
    errors: FormErrors,
    regions: Vec<crate::models::region::Region>,
    /// Published products, applications to them, offers made.
    figures: (i64, i64, i64),
    /// What the bank's officers owe on its offers, soonest due first.
    queue: crate::models::queue::OfferQueue,
    /// Needs in the hall that fit the bank's products now.
    hall: String,
    now: chrono::NaiveDateTime,
}

impl BankAdminHomePage {
    fn same_branch(&self, officer: &Option<i64>, branch: &i64) -> bool {
        *officer == Some(*branch)
    }

    /// The invitation's branch select: 请选择, then each branch.
    fn branch_options(&self) -> Vec<(String, String)> {
        let branches = self.branches.iter().map(|b| (b.id.to_string(), b.name.clone()));
        std::iter::once((String::new(), "请选择".to_string())).chain(branches).collect()
    }

    fn branch_name(&self, id: &Option<i64>) -> String {
        self.branches.iter().find(|b| Some(b.id) == *id).map_or_else(|| "—".into(), |b| b.name.clone())
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    form: InviteForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<BankAdminHomePage> {
    let institution_id = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    let now = state.clock.now();
    let (institution, branches, people, invitations, regions, figures, (queue, hall)) = state
        .db
        .query(move |c| {
            let (_, hall) = crate::models::hall::hall(c, institution_id, &Default::default(), now)?;
            Ok((
                Institution::find(c, institution_id)?,
                Branch::of_institution(c, institution_id)?,
                User::of_institution(c, institution_id)?,
                Invitation::pending_of_institution(c, institution_id, now)?,
                crate::models::region::Region::all(c)?,
                Institution::figures(c, institution_id)?,
                (crate::models::offer::Offer::queue(c, institution_id)?, hall.total_text()),
            ))
        })
        .await?;
    Ok(BankAdminHomePage {
        layout: signed.layout(),
        notice,
        institution,
        branches,
        people,
        invitations,
        form,
        errors,
        regions,
        figures,
        queue,
        hall,
        now,
    })
}

pub async fn bank_admin_home(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<BankAdminHomePage> {
    signed.require(Role::BankAdmin)?;
    page(&state, &signed, InviteForm::default(), FormErrors::default(), notice(query.notice.as_deref())).await
}

pub async fn invite_officer(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let institution_id = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    let mut errors = FormErrors::default();
    let email = form.email.trim().to_lowercase();
    if email.parse::<lettre::Address>().is_err() {
        errors.add("email", "请输入有效的邮箱地址");
    }
    let branch_id: Option<i64> = form.branch_id.parse().ok();
    let check_email = email.clone();
    let (branches, taken) = state
        .db
        .query(move |c| Ok((Branch::of_institution(c, institution_id)?, User::email_taken(c, &check_email)?)))
        .await?;
    // Only a branch of the admin's own institution, whatever id the form carries.
    let branch = branches.into_iter().find(|b| Some(b.id) == branch_id);
    if branch.is_none() {
        errors.add("branch_id", "请选择客户经理所属支行");
    }
    if taken {
        errors.add("email", "该邮箱已有账号");
    }
    let Some(branch) = branch.filter(|_| errors.is_empty()) else {
        let page = page(&state, &signed, form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (ctx, input) = (signed.change(&state), InviteOfficer { institution_id, email, branch_id: branch.id });
    if let Err(refusal) = state.db.query(move |c| bank_admin::invite_officer(c, &ctx, input)).await? {
        // Someone else took the email or removed the branch since the form was checked.
        let field = if refusal.code() == UNKNOWN_BRANCH { "branch_id" } else { "email" };
        debug_assert!(matches!(refusal.code(), UNKNOWN_BRANCH | EMAIL_TAKEN));
        errors.add(field, refusal.to_string());
        let page = page(&state, &signed, form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    Ok(Redirect::to("/bank-admin?notice=invited").into_response())
}

#[derive(Deserialize)]
pub struct OfficerForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    branch_id: String,
}

impl OfficerForm {
    /// The change the form asks for; None for an action the page does not offer.
    fn change(&self) -> Option<OfficerChange> {
        match self.action.as_str() {
            "disable" => Some(OfficerChange::Disable),
            "enable" => Some(OfficerChange::Enable),
            "move" => self.branch_id.parse().ok().map(OfficerChange::Move),
            _ => None,
        }
    }
}

/// `GET /bank-admin/officers/{id}/disable`: the confirmation step, naming the
/// officer and what disabling does.
pub async fn confirm_disable(
    State(state): State<AppState>,
    signed: SignedIn,
    axum::extract::Path(id): axum::extract::Path<i64>,
) -> AppResult<ConfirmPage> {
    signed.require(Role::BankAdmin)?;
    let institution_id = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    let (people, branches) = state
        .db
        .query(move |c| Ok((User::of_institution(c, institution_id)?, Branch::of_institution(c, institution_id)?)))
        .await?;
    let officer =
        people.into_iter().find(|p| p.id == id && p.role == Role::Officer && !p.disabled).ok_or(AppError::NotFound)?;
    let branch =
        branches.iter().find(|b| Some(b.id) == officer.branch_id).map_or("未分配支行", |b| b.name.as_str());
    Ok(ConfirmPage {
        layout: signed.layout(),
        title: "停用客户经理".into(),
        message: format!(
            "停用后，{}（{}，{}）将立即退出登录且不能再登录，也不能再抢单；贵机构已做出的报价和授信决定不受影响，可随时重新启用。",
            officer.display_name, branch, officer.email
        ),
        action: format!("/bank-admin/officers/{id}"),
        button: "确认停用".into(),
        back: "/bank-admin".into(),
        danger: true,
        summary: Vec::new(),
        carry: vec![("action".into(), "disable".into())],
        edit: None,
    })
}

/// Disables, re-enables or moves one of the institution's officers.
pub async fn change_officer(
    State(state): State<AppState>,
    signed: SignedIn,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(form): Form<OfficerForm>,
) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let institution_id = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    let change = form.change().ok_or(AppError::NotFound)?;
    let (ctx, input) = (signed.change(&state), ChangeOfficer { institution_id, officer_id: id, change });
    state.db.query(move |c| bank_admin::change_officer(c, &ctx, input)).await?.map_err(not_found)?;
    Ok(Redirect::to("/bank-admin?notice=officer_changed").into_response())
}

fn not_found(refusal: Refusal) -> AppError {
    tracing::debug!(code = refusal.code(), "bank admin change refused");
    AppError::NotFound
}

#[derive(Deserialize, Default)]
pub struct BranchForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
}

/// Adds a branch to the admin's own institution.
pub async fn add_branch(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<BranchForm>,
) -> AppResult<Response> {
    signed.require(Role::BankAdmin)?;
    let institution_id = signed.user.institution_id.ok_or(AppError::Forbidden)?;
    let name = form.name.trim().to_string();
    let (regions, branches) = state
        .db
        .query(move |c| Ok((crate::models::region::Region::all(c)?, Branch::of_institution(c, institution_id)?)))
        .await?;
    let mut errors = FormErrors::default();
    if name.chars().count() < 2 || name.chars().count() > 30 {
        errors.add("branch_name", "请填写支行名称（2 到 30 个字）");
    } else if branches.iter().any(|b| b.name == name) {
        errors.add("branch_name", "已有同名支行");
    }
    if !regions.iter().any(|r| r.code == form.region) {
        errors.add("branch_region", "请选择支行所在区域");
    }
    if errors.is_empty() {
        let (ctx, input) = (signed.change(&state), NewBranch { institution_id, name, region: form.region });
        match state.db.query(move |c| bank_admin::add_branch(c, &ctx, input)).await? {
            Ok(_) => return Ok(Redirect::to("/bank-admin?notice=branch_added").into_response()),
            Err(refusal) => {
                debug_assert_eq!(refusal.code(), BRANCH_EXISTS);
                errors.add("branch_name", refusal.to_string());
            }
        }
    }
    let page = page(&state, &signed, InviteForm::default(), errors, None).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
