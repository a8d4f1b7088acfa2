//! The landing page of each signed-in role, leading with what waits for it:
//! the enterprise's grade, what it could borrow and its needs by next step;
//! the officer's queue of what the bank owes on its offers, soonest due first.
//! (The bank admin's and the credit office's homes are in `bank_admin` and
//! `credit_office`, with what waits for them from `models::queue`.)

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Redirect;
use chrono::NaiveDateTime;

use crate::auth::SignedIn;
use crate::credit::StoredEvaluation;
use crate::domain::{Money, Role, industry};
use crate::error::AppResult;
use crate::models::enterprise::Enterprise;
use crate::models::institution::{Branch, Institution};
use crate::models::message::{self, Message};
use crate::models::offer::Offer;
use crate::models::product::Estimates;
use crate::models::queue::{NeedWork, OfferQueue};
use crate::models::region::Region;
use crate::state::AppState;
use crate::web::{Layout, NoticeQuery, notice};

pub async fn dashboard(signed: SignedIn) -> Redirect {
    Redirect::to(signed.user.role().home())
}

/// Needs the enterprise's home lists; the rest are on 我的需求.
const HOME_NEEDS: usize = 5;

/// Messages the enterprise's home lists; the rest are in the 消息中心.
const HOME_MESSAGES: i64 = 3;

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/home.html")]
pub struct EnterpriseHomePage {
    layout: Layout,
    notice: Option<&'static str>,
    enterprise: Enterprise,
    region: String,
    industry: &'static str,
    size_class: &'static str,
    email: String,
    evaluation: Option<StoredEvaluation>,
    /// The most it could ask of one product ("能融约 X 万元"), as 能融多少 says.
    best: Option<Money>,
    dishonest: bool,
    needs: Vec<NeedWork>,
    /// How many needs it has in all.
    needs_total: usize,
    /// Its loans (我的贷款), each with its next payment and the drawdowns awaiting 确认到账.
    loans: Vec<crate::models::loan::standing::LoanStanding>,
    today: chrono::NaiveDate,
    messages: Vec<Message>,
}

pub async fn enterprise_home(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<EnterpriseHomePage> {
    signed.require(Role::Enterprise)?;
    let id = signed.user.enterprise_id.unwrap_or_default();
    let now = state.clock.now();
    let today = crate::clock::beijing(now).date_naive();
    let user_id = signed.user.id;
    let (enterprise, regions, evaluation, estimates, mut needs, messages, loans) = state
        .db
        .query(move |c| {
            let enterprise = Enterprise::find(c, id)?;
            let evaluation = StoredEvaluation::load(c, &enterprise.uscc)?;
            let estimates = Estimates::load(c, id, today)?;
            Ok((
                enterprise,
                Region::all(c)?,
                evaluation,
                estimates,
                crate::models::need::Need::with_next_steps(c, id, now)?,
                message::latest(c, user_id, HOME_MESSAGES)?,
                crate::models::loan::standing::LoanStanding::of_enterprise(c, id)?,
            ))
        })
        .await?;
    let needs_total = needs.len();
    needs.truncate(HOME_NEEDS);
    Ok(EnterpriseHomePage {
        layout: signed.layout(),
        notice: notice(query.notice.as_deref()),
        region: Region::name_of(&regions, &enterprise.region),
        industry: industry::name(&enterprise.industry).unwrap_or("未知"),
        size_class: industry::size_class_label(&enterprise.size_class),
        email: signed.user.email.clone(),
        enterprise,
        evaluation,
        best: estimates.best(),
        dishonest: estimates.dishonest,
        needs,
        needs_total,
        loans,
        today,
        messages,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "officer/home.html")]
pub struct OfficerHomePage {
    layout: Layout,
    notice: Option<&'static str>,
    institution: Institution,
    branch: String,
    email: String,
    /// Needs in the hall for this institution now.
    hall: String,
    /// What the bank owes on its offers, soonest due first.
    queue: OfferQueue,
    now: NaiveDateTime,
}

pub async fn officer_home(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<OfficerHomePage> {
    signed.require(Role::Officer)?;
    let (institution_id, branch_id) = (signed.user.institution_id.unwrap_or_default(), signed.user.branch_id);
    let now = state.clock.now();
    let (institution, branches, hall, queue) = state
        .db
        .query(move |c| {
            let (_, hall) = crate::models::hall::hall(c, institution_id, &Default::default(), now)?;
            Ok((
                Institution::find(c, institution_id)?,
                Branch::of_institution(c, institution_id)?,
                hall.total_text(),
                Offer::queue(c, institution_id)?,
            ))
        })
        .await?;
    let branch = branches.into_iter().find(|b| Some(b.id) == branch_id).map_or_else(String::new, |b| b.name);
    Ok(OfficerHomePage {
        layout: signed.layout(),
        notice: notice(query.notice.as_deref()),
        institution,
        branch,
        email: signed.user.email.clone(),
        hall,
        queue,
        now,
    })
}
