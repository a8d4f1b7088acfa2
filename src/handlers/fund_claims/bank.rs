//! `/bank/claims` (补偿申请): a bank admin's claims on the funds, its own
//! institution only (another bank's claim answers 404, as a missing one).
//! The list and a claim's page are here; a new claim with its preview in
//! `new`, the dossier's upload in `dossier`, what follows a return or a
//! payment (resubmit, recovery) in `after`.

pub mod after;
pub mod dossier;
pub mod new;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{ClaimView, Side, file_response};
use crate::actions::fund_claim::REQUIRED;
use crate::auth::SignedIn;
use crate::domain::Role;
use crate::domain::fund::ClaimStatus;
use crate::error::{AppError, AppResult};
use crate::models::fund::Fund;
use crate::models::fund::claim::file::{self, ClaimFile};
use crate::models::fund::claim::{Claim, Filter, ListLine};
use crate::models::page::Pager;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, empty_as_none};

const PER_PAGE: i64 = 20;

fn notice_text(key: Option<&str>) -> Option<&'static str> {
    Some(match key? {
        "claim_submitted" => {
            "补偿申请已提交。请在下方上传申请材料：补偿申请表、借款合同及借据、损失说明及征信分类为必备材料，齐全后信用办方可审批。"
        }
        "claim_file_added" => "材料已上传。",
        "claim_resubmitted" => "申请已重新提交，等待信用办审核。",
        "claim_recovered" => "追回已记录，资金池应收回的部分已退回资金池。",
        other => return crate::web::notice(Some(other)),
    })
}

/// The signed-in bank admin's institution.
fn institution(signed: &SignedIn) -> AppResult<i64> {
    signed.require(Role::BankAdmin)?;
    signed.user.institution_id.ok_or(AppError::Forbidden)
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "empty_as_none")]
    status: Option<String>,
    #[serde(default, deserialize_with = "empty_as_none")]
    fund: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none")]
    page: Option<i64>,
    notice: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/claims/list.html")]
pub struct ListPage {
    layout: Layout,
    notice: Option<&'static str>,
    statuses: [ClaimStatus; 6],
    funds: Vec<(i64, String)>,
    status: Option<ClaimStatus>,
    fund: Option<i64>,
    rows: Vec<ListLine>,
    pager: Pager,
}

impl ListPage {
    pub fn wan(&self, fen: &i64) -> String {
        crate::domain::Money::from_fen(*fen).wan_text()
    }

    pub fn is_status(&self, s: &ClaimStatus) -> bool {
        self.status == Some(*s)
    }

    pub fn is_fund(&self, id: &i64) -> bool {
        self.fund == Some(*id)
    }

    pub fn filtered(&self) -> bool {
        self.status.is_some() || self.fund.is_some()
    }

    /// The list's URL with its filters, ready for `page=`.
    pub fn base(&self) -> String {
        let mut base = String::from("/bank/claims?");
        if let Some(s) = self.status {
            base.push_str(&format!("status={}&", s.as_str()));
        }
        if let Some(f) = self.fund {
            base.push_str(&format!("fund={f}&"));
        }
        base
    }
}

/// `GET /bank/claims`: the bank's claims, newest first, 20 a page.
pub async fn list(State(state): State<AppState>, signed: SignedIn, Query(q): Query<ListQuery>) -> AppResult<ListPage> {
    let institution = institution(&signed)?;
    let status = q.status.as_deref().and_then(ClaimStatus::parse);
    let filter = Filter { institution: Some(institution), status, fund: q.fund, ..Filter::default() };
    let (funds, (rows, pager)) =
        state.db.query(move |c| Ok((Fund::all(c)?, Claim::page(c, &filter, q.page, PER_PAGE)?))).await?;
    Ok(ListPage {
        layout: signed.layout(),
        notice: notice_text(q.notice.as_deref()),
        statuses: ClaimStatus::ALL,
        funds: funds.iter().map(|f| (f.id, f.name.clone())).collect(),
        status,
        fund: q.fund,
        rows,
        pager,
    })
}

/// What the claim page's forms hold when they come back: the values typed
/// and the errors beside them.
#[derive(Default)]
pub struct Typed {
    pub errors: FormErrors,
    /// A refusal of the whole step, shown above its form.
    pub alert: Option<String>,
    /// Per registration, the loss typed in the resubmit form and its error.
    pub losses: Vec<(i64, String, Option<String>)>,
    pub kind: String,
    pub amount: String,
    pub on: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_admin/claims/show.html")]
pub struct ClaimPage {
    layout: Layout,
    notice: Option<&'static str>,
    view: ClaimView,
    typed: Typed,
    today: String,
}

impl ClaimPage {
    pub fn can_upload(&self) -> bool {
        matches!(self.view.claim.status, ClaimStatus::Submitted | ClaimStatus::Returned)
    }

    pub fn on_hint(&self) -> String {
        format!("不早于申请日，不晚于今天（{}）", self.today)
    }

    pub fn required(&self) -> String {
        REQUIRED.map(|k| k.label()).join("、")
    }

    pub fn is_kind(&self, kind: &&str) -> bool {
        self.typed.kind == *kind
    }

    /// The loss the resubmit form shows for an item: as typed, or as claimed.
    pub fn loss_of(&self, registration: &i64, loss_fen: &i64) -> String {
        self.typed
            .losses
            .iter()
            .find(|(r, _, _)| r == registration)
            .map_or_else(|| crate::domain::Money::from_fen(*loss_fen).wan_input(), |(_, typed, _)| typed.clone())
    }

    pub fn loss_error(&self, registration: &i64) -> Option<&str> {
        self.typed.losses.iter().find(|(r, _, _)| r == registration).and_then(|(_, _, e)| e.as_deref())
    }
}

/// The claim page of the bank's own claim `id`, with what was typed.
pub(crate) async fn claim_page(
    state: &AppState,
    signed: &SignedIn,
    id: i64,
    (notice, typed): (Option<&'static str>, Typed),
) -> AppResult<ClaimPage> {
    let institution = institution(signed)?;
    let view = state
        .db
        .query(move |c| match Claim::find_of(c, id, institution)? {
            Some(claim) => ClaimView::load(c, Side::Bank, claim).map(Some),
            None => Ok(None),
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let today = crate::handlers::funds::today(state).to_string();
    Ok(ClaimPage { layout: signed.layout(), notice, view, typed, today })
}

/// `GET /bank/claims/{id}`.
pub async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<crate::web::NoticeQuery>,
) -> AppResult<ClaimPage> {
    claim_page(&state, &signed, id, (notice_text(q.notice.as_deref()), Typed::default())).await
}

/// `GET /bank/claims/{id}/files/{file}`: a dossier file of the bank's own claim.
pub async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, file_id)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let institution = institution(&signed)?;
    let found = state
        .db
        .query(move |c| match Claim::find_of(c, id, institution)? {
            Some(_) => ClaimFile::find(c, id, file_id),
            None => Ok(None),
        })
        .await?;
    let file = found.ok_or(AppError::NotFound)?;
    let bytes = file::read(&state.config.data_dir, &file).map_err(|e| AppError::Internal(e.into()))?;
    Ok(file_response(&file, bytes))
}
