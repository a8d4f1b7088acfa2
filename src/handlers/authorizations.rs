//! The enterprise's authorizations (授权与查询记录): the list with grant and
//! revoke, and the log of who viewed its portrait.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions;
use crate::actions::authorization::Grant;
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::authorization::{self, Term};
use crate::error::{AppError, AppResult};
use crate::models::authorization::Authorization;
use crate::models::institution::Institution;
use crate::models::portrait_view::{PortraitView, ViewLine};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, Pager};

#[derive(Deserialize, Default)]
pub struct GrantForm {
    #[serde(default)]
    institution_id: String,
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    days: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/authorizations.html")]
pub struct AuthorizationsPage {
    layout: Layout,
    notice: Option<&'static str>,
    authorizations: Vec<(Authorization, String)>,
    /// The authorizations' page (`?grants_page=N`).
    grants: Pager,
    institutions: Vec<Institution>,
    views: Vec<ViewLine>,
    pager: Pager,
    form: GrantForm,
    errors: FormErrors,
    now: chrono::NaiveDateTime,
}

impl AuthorizationsPage {
    /// The institution select's options, the prompt first.
    fn institution_options(&self) -> Vec<(String, String)> {
        let prompt = (String::new(), "请选择".to_string());
        std::iter::once(prompt).chain(self.institutions.iter().map(|i| (i.id.to_string(), i.name.clone()))).collect()
    }

    /// The term select's options.
    fn term_options(&self) -> Vec<(i64, String)> {
        Term::ALL.into_iter().map(|t| (t.days(), t.label())).collect()
    }

    /// Where each list's pager links, keeping the other list's page (the
    /// pager macro appends `page=N`, so this base makes it `grants_page=N`).
    fn grants_base(&self) -> String {
        format!("/enterprise/authorizations?page={}&grants_", self.pager.page)
    }

    fn views_base(&self) -> String {
        format!("/enterprise/authorizations?grants_page={}&", self.grants.page)
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    (page, grants_page): (Option<i64>, Option<i64>),
    form: GrantForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<AuthorizationsPage> {
    let enterprise_id = signed.enterprise()?;
    let total = state.db.query(move |c| PortraitView::count_for(c, enterprise_id)).await?;
    let pager = Pager::new(page, 20, total);
    let (offset, limit) = (pager.offset(), pager.per_page);
    let ((authorizations, grants), institutions, views) = state
        .db
        .query(move |c| {
            Ok((
                Authorization::page_of_enterprise(c, enterprise_id, grants_page, 20)?,
                Institution::all(c)?,
                PortraitView::of_enterprise(c, enterprise_id, offset, limit)?,
            ))
        })
        .await?;
    Ok(AuthorizationsPage {
        layout: signed.layout(),
        notice,
        authorizations,
        grants,
        institutions,
        views,
        pager,
        form,
        errors,
        now: state.clock.now(),
    })
}

#[derive(Deserialize, Default)]
pub struct AuthorizationsQuery {
    page: Option<i64>,
    grants_page: Option<i64>,
    notice: Option<String>,
}

pub async fn authorizations(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<AuthorizationsQuery>,
) -> AppResult<AuthorizationsPage> {
    signed.require(Role::Enterprise)?;
    let form = GrantForm { days: Term::Days90.days().to_string(), ..GrantForm::default() };
    let notice = crate::web::notice(query.notice.as_deref());
    page(&state, &signed, (query.page, query.grants_page), form, FormErrors::default(), notice).await
}

pub async fn grant(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<GrantForm>,
) -> AppResult<Response> {
    let enterprise_id = signed.enterprise()?;
    let mut errors = FormErrors::default();
    let institutions = state.db.query(Institution::all).await?;
    let institution_id = form.institution_id.parse().ok().filter(|id| institutions.iter().any(|i| i.id == *id));
    if institution_id.is_none() {
        errors.add("institution_id", "请选择要授权的金融机构");
    }
    let purpose = authorization::purpose(&form.purpose);
    if purpose.is_none() {
        errors.add("purpose", "请填写授权用途（不超过 60 个字），如：贷款申请审查");
    }
    let term = Term::parse(&form.days);
    if term.is_none() {
        errors.add("days", "请选择授权期限");
    }
    let (Some(institution_id), Some(purpose), Some(term)) = (institution_id, purpose, term) else {
        let page = page(&state, &signed, (None, None), form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let (ctx, grant) = (signed.change(&state), Grant { enterprise_id, institution_id, purpose, term });
    state.db.query(move |c| actions::authorization::grant(c, &ctx, grant)).await?.map_err(|_| AppError::NotFound)?;
    Ok(Redirect::to("/enterprise/authorizations?notice=authorized").into_response())
}

/// `GET`: asks before revoking, since a bank loses access at once.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<ConfirmPage> {
    let enterprise_id = signed.enterprise()?;
    let now = state.clock.now();
    let found = state.db.query(move |c| Authorization::of_enterprise(c, enterprise_id)).await?;
    let (authorization, institution) =
        found.iter().find(|(a, _)| a.id == id && a.is_active(&now)).ok_or(AppError::NotFound)?;
    // Every running authorization of this institution ends with this one.
    let purposes: Vec<&str> = found
        .iter()
        .filter(|(a, _)| a.institution_id == authorization.institution_id && a.is_active(&now))
        .map(|(a, _)| a.purpose.as_str())
        .collect();
    let scope = match purposes.len() {
        1 => format!("用途：{}", authorization.purpose),
        n => format!("您给该机构的全部 {n} 项有效授权将一并撤回，用途：{}", purposes.join("、")),
    };
    Ok(ConfirmPage {
        layout: signed.layout(),
        title: "撤回授权".into(),
        message: format!(
            "撤回后，{institution}将立即无法查看您的信用画像（{scope}）。此操作不可撤销，如需再次授权请重新办理。"
        ),
        action: format!("/enterprise/authorizations/{id}/revoke"),
        button: "确认撤回授权".into(),
        back: "/enterprise/authorizations".into(),
        danger: true,
        summary: Vec::new(),
        carry: Vec::new(),
        edit: None,
    })
}

pub async fn revoke(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    let (enterprise_id, ctx) = (signed.enterprise()?, signed.change(&state));
    let revoked = state.db.query(move |c| actions::authorization::revoke(c, &ctx, enterprise_id, id)).await?;
    revoked.map_err(|_| AppError::NotFound)?;
    Ok(Redirect::to("/enterprise/authorizations?notice=revoked").into_response())
}
