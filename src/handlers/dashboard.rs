//! The landing page of each signed-in role.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Redirect;

use crate::auth::SignedIn;
use crate::domain::{Role, industry};
use crate::error::AppResult;
use crate::models::enterprise::Enterprise;
use crate::models::institution::{Branch, Institution};
use crate::models::region::Region;
use crate::state::AppState;
use crate::web::{Layout, NoticeQuery, notice};

pub async fn dashboard(signed: SignedIn) -> Redirect {
    Redirect::to(signed.user.role().home())
}

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
}

pub async fn enterprise_home(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<EnterpriseHomePage> {
    signed.require(Role::Enterprise)?;
    let id = signed.user.enterprise_id.unwrap_or_default();
    let (enterprise, regions) = state.db.query(move |c| Ok((Enterprise::find(c, id)?, Region::all(c)?))).await?;
    Ok(EnterpriseHomePage {
        layout: signed.layout(),
        notice: notice(query.notice.as_deref()),
        region: Region::name_of(&regions, &enterprise.region),
        industry: industry::name(&enterprise.industry).unwrap_or("未知"),
        size_class: industry::size_class_label(&enterprise.size_class),
        email: signed.user.email.clone(),
        enterprise,
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
    /// Needs in the hall for this institution now, and offers waiting for it.
    hall: String,
    todo: i64,
}

pub async fn officer_home(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<OfficerHomePage> {
    signed.require(Role::Officer)?;
    let (institution_id, branch_id) = (signed.user.institution_id.unwrap_or_default(), signed.user.branch_id);
    let now = state.clock.now();
    let (institution, branches, hall, todo) = state
        .db
        .query(move |c| {
            let (_, hall) = crate::models::hall::hall(c, institution_id, &Default::default(), now)?;
            let (_, todo) = crate::models::offer::Offer::of_institution(
                c,
                institution_id,
                crate::models::offer::Worklist::Todo,
                None,
            )?;
            Ok((
                Institution::find(c, institution_id)?,
                Branch::of_institution(c, institution_id)?,
                hall.total_text(),
                todo.total,
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
        todo,
    })
}
