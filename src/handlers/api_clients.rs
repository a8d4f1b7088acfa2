//! `/bank/api-clients` (系统对接): a bank admin's clients of the bank API for
//! the institution's own systems. A new client's secret is shown once, on
//! the page that answers its creation (never cached: every page is
//! `no-store`), and stored only as its Argon2id hash; revoking goes through
//! a confirmation and ends the client's tokens at once. Another bank's client
//! answers 404, as a missing one.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::actions::Refusal;
use crate::actions::api_client::{self, NewClient};
use crate::auth::SignedIn;
use crate::auth::password::hash_async;
use crate::domain::Role;
use crate::domain::api::Scope;
use crate::error::{AppError, AppResult};
use crate::models::api_client::{self as clients, ApiClient, PER_PAGE};
use crate::state::AppState;
use crate::web::{ConfirmPage, FormErrors, Layout, Pager, empty_as_none};

const LIST: &str = "/bank/api-clients";

/// The bank admin's own institution.
fn institution(signed: &SignedIn) -> AppResult<i64> {
    signed.require(Role::BankAdmin)?;
    signed.user.institution_id.ok_or(AppError::Forbidden)
}

/// "2026-11-23 09:30" in Beijing time.
fn when(at: &NaiveDateTime) -> String {
    crate::clock::beijing(*at).format("%Y-%m-%d %H:%M").to_string()
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/api_clients/index.html")]
pub struct ListPage {
    layout: Layout,
    notice: Option<&'static str>,
    clients: Vec<ApiClient>,
    pager: Pager,
}

impl ListPage {
    fn when(&self, at: &NaiveDateTime) -> String {
        when(at)
    }
    fn ranges(&self, client: &ApiClient) -> String {
        client.allowed_ips.stored().map_or_else(|| "不限".into(), |r| r.replace(',', "、"))
    }
}

/// `GET /bank/api-clients`.
pub async fn list(State(state): State<AppState>, signed: SignedIn, Query(q): Query<ListQuery>) -> AppResult<ListPage> {
    let institution = institution(&signed)?;
    let (clients, pager) = state
        .db
        .query(move |c| {
            let pager = Pager::new(q.page, PER_PAGE, clients::count(c, institution)?);
            Ok((clients::page(c, institution, &pager)?, pager))
        })
        .await?;
    let notice = crate::web::notice(q.notice.as_deref());
    Ok(ListPage { layout: signed.layout(), notice, clients, pager })
}

/// The new client's form as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ClientForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default)]
    allowed_ips: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/api_clients/form.html")]
pub struct FormPage {
    layout: Layout,
    form: ClientForm,
    errors: FormErrors,
}

impl FormPage {
    fn scopes(&self) -> [Scope; 4] {
        Scope::ALL
    }
    fn checked(&self, scope: &Scope) -> bool {
        self.form.scopes.iter().any(|s| s == scope.as_str())
    }
}

/// `GET /bank/api-clients/new`.
pub async fn new_form(signed: SignedIn) -> AppResult<FormPage> {
    institution(&signed)?;
    Ok(FormPage { layout: signed.layout(), form: ClientForm::default(), errors: FormErrors::default() })
}

/// The page that shows the new client's secret, once.
#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/api_clients/created.html")]
pub struct CreatedPage {
    layout: Layout,
    name: String,
    client_id: String,
    secret: String,
    scopes: String,
}

/// `POST /bank/api-clients/new`: creates the client and shows its secret once.
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ClientForm>,
) -> AppResult<Response> {
    institution(&signed)?;
    let again = |form: ClientForm, refusal: &Refusal| {
        let errors = FormErrors::from_refusal(refusal).unwrap_or_default();
        (StatusCode::UNPROCESSABLE_ENTITY, FormPage { layout: signed.layout(), form, errors }).into_response()
    };
    let client = match NewClient::parse(&form.name, &form.scopes, &form.allowed_ips) {
        Ok(client) => client,
        Err(refusal) => return Ok(again(form, &refusal)),
    };
    let (client_id, secret) = api_client::new_credentials();
    let secret_hash = hash_async(secret.clone()).await?;
    let (ctx, typed, id) = (signed.change(&state), client.clone(), client_id.clone());
    let created = state.db.query(move |c| api_client::create(c, &ctx, &typed, &id, &secret_hash)).await?;
    if let Err(refusal) = created {
        return Ok(again(form, &refusal));
    }
    let page =
        CreatedPage { layout: signed.layout(), name: client.name, client_id, secret, scopes: client.scopes.labels() };
    Ok(page.into_response())
}

/// The institution's client `id`, or 404.
async fn own(state: &AppState, institution: i64, id: i64) -> AppResult<ApiClient> {
    state.db.query(move |c| clients::find_own(c, institution, id)).await?.ok_or(AppError::NotFound)
}

/// `GET /bank/api-clients/{id}/revoke`: what revoking does, to confirm.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<ConfirmPage> {
    let client = own(&state, institution(&signed)?, id).await?;
    if client.is_revoked() {
        return Err(AppError::NotFound);
    }
    let page = ConfirmPage {
        layout: signed.layout(),
        title: "停用接口客户端".into(),
        message:
            "停用后，该客户端已获取的访问令牌立即失效，也不能再获取新的令牌。此操作不可撤销，如需继续对接请新建客户端。"
                .into(),
        action: format!("/bank/api-clients/{id}/revoke"),
        button: "确认停用".into(),
        back: LIST.into(),
        danger: true,
        summary: Vec::new(),
        carry: Vec::new(),
        edit: None,
    };
    Ok(page.line("名称", client.name).line("客户端编号", client.client_id).line("权限", client.scopes.labels()))
}

/// `POST /bank/api-clients/{id}/revoke`.
pub async fn revoke(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    institution(&signed)?;
    let ctx = signed.change(&state);
    match state.db.query(move |c| api_client::revoke(c, &ctx, id)).await? {
        Ok(_) => Ok(Redirect::to(&format!("{LIST}?notice=api_client_revoked")).into_response()),
        Err(Refusal::NotFound(_)) => Err(AppError::NotFound),
        Err(_) => Ok(Redirect::to(LIST).into_response()),
    }
}
