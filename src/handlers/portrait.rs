//! The credit portrait (信用画像): the enterprise sees its own; the credit office
//! sees any; a bank sees one only under an active authorization of that
//! enterprise for that bank. Every view by someone other than the enterprise
//! is logged in the same transaction that lets it happen.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::actions::portrait::ViewRequest;
use crate::actions::{self, Refusal};
use crate::auth::SignedIn;
use crate::credit::{Records, StoredEvaluation};
use crate::db::DbConn;
use crate::domain::dispute::Subject;
use crate::domain::records::RecordKind;
use crate::domain::{Money, Role, industry};
use crate::error::{AppError, AppResult};
use crate::models::dispute::{Dispute, utility_label};
use crate::models::enterprise::Enterprise;
use crate::models::region::Region;
use crate::state::AppState;
use crate::web::{Layout, NoticeQuery, notice};

/// Everything the portrait page shows.
pub struct Portrait {
    pub enterprise: Enterprise,
    pub region: String,
    pub industry: &'static str,
    pub size_class: &'static str,
    pub evaluation: Option<StoredEvaluation>,
    pub records: Records,
    pub disputes: Vec<Dispute>,
}

impl Portrait {
    pub fn load(conn: &mut DbConn, enterprise_id: i64) -> diesel::QueryResult<Portrait> {
        let enterprise = Enterprise::find(conn, enterprise_id)?;
        let regions = Region::all(conn)?;
        let evaluation = StoredEvaluation::load(conn, &enterprise.uscc)?;
        let records = Records::load(conn, &enterprise.uscc)?;
        let disputes = Dispute::of_enterprise(conn, enterprise_id)?;
        Ok(Portrait {
            region: Region::name_of(&regions, &enterprise.region),
            industry: industry::name(&enterprise.industry).unwrap_or("未知"),
            size_class: industry::size_class_label(&enterprise.size_class),
            evaluation,
            records,
            disputes,
            enterprise,
        })
    }

    /// Whether an item has a dispute still being handled.
    pub fn disputed(&self, kind: RecordKind, id: &i64) -> bool {
        self.disputes.iter().any(|d| d.record_kind == Subject::Record(kind) && d.record_id == *id && d.is_open())
    }

    pub fn yuan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).yuan_text()
    }

    pub fn wan(&self, fen: &i64) -> String {
        Money::from_fen(*fen).wan_text()
    }

    pub fn hundredths(&self, value: &i64) -> String {
        rust_decimal::Decimal::new(*value, 2).normalize().to_string()
    }

    pub fn utility(&self, utility: &str) -> &'static str {
        utility_label(utility)
    }

    pub fn penalty_kind(&self, kind: &str) -> &'static str {
        match kind {
            "administrative_penalty" => "行政处罚",
            "dishonest_debtor" => "失信被执行人",
            _ => "被执行人",
        }
    }

    /// Tax paid by year, in 万元 (SVG drawn here; every label is escaped by the chart).
    pub fn tax_chart(&self) -> String {
        let bars: Vec<(String, f64)> =
            self.records.tax.iter().map(|(_, r)| (r.year.to_string(), r.tax_paid_fen as f64 / 1_000_000.0)).collect();
        crate::charts::bar_chart("历年纳税额", "万元", &bars)
    }

    /// Electricity used by month over the last 24 months: the steadiest sign of activity.
    pub fn electricity_chart(&self) -> String {
        let points: Vec<(String, f64)> = self
            .records
            .utilities
            .iter()
            .filter(|(_, r)| r.utility == "electricity")
            .map(|(_, r)| (r.month.format("%Y-%m").to_string(), r.usage_centi as f64 / 100.0))
            .collect();
        let recent = points[points.len().saturating_sub(24)..].to_vec();
        crate::charts::line_chart("月度用电量", "千瓦时", &[crate::charts::Series::new("用电量", recent)])
    }

    /// Insured headcount by month over the last 24 months.
    pub fn social_chart(&self) -> String {
        let points: Vec<(String, f64)> = self
            .records
            .social_security
            .iter()
            .map(|(_, r)| (r.month.format("%Y-%m").to_string(), f64::from(r.insured)))
            .collect();
        let recent = points[points.len().saturating_sub(24)..].to_vec();
        crate::charts::line_chart("月度参保人数", "人", &[crate::charts::Series::new("参保人数", recent)])
    }

    /// Each factor's signed contribution to the score.
    pub fn factors_chart(&self) -> String {
        let factors: Vec<(String, f64)> = self
            .evaluation
            .as_ref()
            .map(|e| e.factors.iter().map(|f| (f.label.clone(), f64::from(f.points))).collect())
            .unwrap_or_default();
        crate::charts::contribution_chart("各因素得分", "分", &factors)
    }

    /// The last 24 months of utility records, newest first, for the detail table.
    pub fn recent_utilities(&self) -> Vec<&(i64, crate::models::credit_record::UtilityRow)> {
        self.records.utilities.iter().rev().take(72).collect()
    }

    pub fn recent_social_security(&self) -> Vec<&(i64, crate::models::credit_record::SocialSecurityRow)> {
        self.records.social_security.iter().rev().take(24).collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "portraits/show.html")]
pub struct PortraitPage {
    layout: Layout,
    portrait: Portrait,
    /// The enterprise itself: dispute links and its authorizations are shown.
    own: bool,
    /// Why a bank sees it, shown at the top of a bank's view.
    purpose: Option<String>,
    notice: Option<&'static str>,
}

/// `GET /enterprise/portrait`: the enterprise's own portrait.
pub async fn own_portrait(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NoticeQuery>,
) -> AppResult<PortraitPage> {
    let id = signed.enterprise()?;
    let portrait = state.db.query(move |c| Portrait::load(c, id)).await?;
    let notice = notice(query.notice.as_deref());
    Ok(PortraitPage { layout: signed.layout(), portrait, own: true, purpose: None, notice })
}

/// `GET /portraits/{enterprise_id}`: the credit office, or a bank under an authorization.
pub async fn portrait(State(state): State<AppState>, signed: SignedIn, Path(id): Path<i64>) -> AppResult<Response> {
    let role = signed.user.role();
    if role == Role::Enterprise {
        return if signed.user.enterprise_id == Some(id) {
            Ok(Redirect::to("/enterprise/portrait").into_response())
        } else {
            Err(AppError::Forbidden)
        };
    }
    let (ctx, request) =
        (signed.change(&state), ViewRequest { enterprise_id: id, role, institution_id: signed.user.institution_id });
    let purpose = match state.db.query(move |c| actions::portrait::view(c, &ctx, request)).await? {
        Ok(purpose) => purpose,
        Err(Refusal::NotFound(_)) => return Err(AppError::NotFound),
        Err(_) => return Err(AppError::Forbidden),
    };
    let portrait = state.db.query(move |c| Portrait::load(c, id)).await?;
    Ok(PortraitPage { layout: signed.layout(), portrait, own: false, purpose: Some(purpose), notice: None }
        .into_response())
}
