//! The consent centre (授权与查询记录): the enterprise's authorizations, with
//! grant and revoke, and the log of who viewed its portrait.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::Deserialize;

use crate::auth::SignedIn;
use crate::db::write_tx;
use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::models::audit;
use crate::models::authorization::Authorization;
use crate::models::institution::Institution;
use crate::models::portrait_view::{PortraitView, ViewLine};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, Pager};

pub const DURATIONS: [(i64, &str); 3] = [(30, "30 天"), (90, "90 天"), (180, "180 天")];

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
#[template(path = "enterprise/consents.html")]
pub struct ConsentsPage {
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
    durations: &'static [(i64, &'static str)],
}

impl ConsentsPage {
    /// Where each list's pager links, keeping the other list's page (the
    /// pager macro appends `page=N`, so this base makes it `grants_page=N`).
    fn grants_base(&self) -> String {
        format!("/enterprise/consents?page={}&grants_", self.pager.page)
    }

    fn views_base(&self) -> String {
        format!("/enterprise/consents?grants_page={}&", self.grants.page)
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    (page, grants_page): (Option<i64>, Option<i64>),
    form: GrantForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> AppResult<ConsentsPage> {
    let enterprise_id = signed.enterprise()?;
    let total = state.db.run(move |c| Ok(PortraitView::count_for(c, enterprise_id)?)).await?;
    let pager = Pager::new(page, 20, total);
    let (offset, limit) = (pager.offset(), pager.per_page);
    let ((authorizations, grants), institutions, views) = state
        .db
        .run(move |c| {
            Ok((
                Authorization::page_of_enterprise(c, enterprise_id, grants_page, 20)?,
                Institution::all(c)?,
                PortraitView::of_enterprise(c, enterprise_id, offset, limit)?,
            ))
        })
        .await?;
    Ok(ConsentsPage {
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
        durations: &DURATIONS,
    })
}

#[derive(Deserialize, Default)]
pub struct ConsentsQuery {
    page: Option<i64>,
    grants_page: Option<i64>,
    notice: Option<String>,
}

pub async fn consents(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<ConsentsQuery>,
) -> AppResult<ConsentsPage> {
    signed.require(Role::Enterprise)?;
    let form = GrantForm { days: "90".into(), ..GrantForm::default() };
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
    let institution_id: Option<i64> = form.institution_id.parse().ok();
    let institutions = state.db.run(|c| Ok(Institution::all(c)?)).await?;
    if !institutions.iter().any(|i| Some(i.id) == institution_id) {
        errors.add("institution_id", "请选择要授权的金融机构");
    }
    let purpose = form.purpose.trim().to_string();
    if purpose.is_empty() || purpose.chars().count() > 60 {
        errors.add("purpose", "请填写授权用途（不超过 60 个字），如：贷款申请审查");
    }
    let days = DURATIONS.iter().map(|(d, _)| *d).find(|d| d.to_string() == form.days);
    if days.is_none() {
        errors.add("days", "请选择授权期限");
    }
    let (Some(institution_id), Some(days)) = (institution_id, days) else {
        let page = page(&state, &signed, (None, None), form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    if !errors.is_empty() {
        let page = page(&state, &signed, (None, None), form, errors, None).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let (now, actor) = (state.clock.now(), signed.actor());
    state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let id = Authorization::grant(c, enterprise_id, institution_id, &purpose, Duration::days(days), now)?;
                audit::record(c, &actor, "authorization_granted", Some(&format!("authorization:{id}")), "ok", now)?;
                Ok::<_, AppError>(())
            })
        })
        .await?;
    Ok(Redirect::to("/enterprise/consents?notice=authorized").into_response())
}

/// `GET`: asks before revoking, since a bank loses access at once.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<ConfirmPage> {
    let enterprise_id = signed.enterprise()?;
    let now = state.clock.now();
    let found = state.db.run(move |c| Ok(Authorization::of_enterprise(c, enterprise_id)?)).await?;
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
        action: format!("/enterprise/consents/{id}/revoke"),
        button: "确认撤回授权".into(),
        back: "/enterprise/consents".into(),
        danger: true,
    })
}

pub async fn revoke(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    let enterprise_id = signed.enterprise()?;
    let (now, actor) = (state.clock.now(), signed.actor());
    let revoked = state
        .db
        .run(move |c| {
            write_tx(c, |c| {
                let revoked = Authorization::revoke(c, id, enterprise_id, now)?;
                for ended in &revoked {
                    let object = format!("authorization:{ended}");
                    audit::record(c, &actor, "authorization_revoked", Some(&object), "ok", now)?;
                }
                Ok::<_, AppError>(revoked)
            })
        })
        .await?;
    if revoked.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/enterprise/consents?notice=revoked").into_response())
}
