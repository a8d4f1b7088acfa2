//! `GET /api/v1/hall`: the hall (抢单大厅) as the web shows it to an officer
//! of the client's institution, through the same query and fit
//! (`models::hall`), with the same anonymity (no name, no USCC), in its
//! default order (closing soonest first), paged by an opaque cursor.

use axum::Json;
use axum::extract::{RawQuery, State};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::bearer::Bearer;
use super::problem::{Problem, ProblemBody};
use crate::domain::api::Scope;
use crate::models::hall::{HallLine, hall_after};
use crate::state::AppState;

/// The most needs one page holds, and how many when `limit` is not given.
pub const MAX_LIMIT: i64 = 100;
pub const DEFAULT_LIMIT: i64 = 20;

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct HallQuery {
    /// The `next_cursor` of the page before; none for the first page.
    pub cursor: Option<String>,
    /// Needs per page, 1 to 100 (20 when not given).
    pub limit: Option<String>,
}

/// One page of the hall.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct HallPage {
    pub needs: Vec<HallNeed>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// An open need as the hall shows it: who the enterprise is stays hidden.
#[derive(Serialize, Deserialize, ToSchema, Debug)]
pub struct HallNeed {
    pub id: i64,
    /// The amount asked for, in fen (分).
    #[schema(example = 500000000)]
    pub amount_fen: i64,
    pub term_months: i32,
    /// The guarantee offered: `credit`, `guarantee`, `mortgage` or `pledge`.
    pub guarantee: String,
    /// The guarantee in Chinese.
    pub guarantee_label: String,
    /// The highest annual rate the enterprise accepts, in percent (exact decimal).
    #[schema(example = "6.5")]
    pub max_rate_percent: String,
    pub slots: i32,
    pub slots_taken: i32,
    pub published_at: Option<DateTime<Utc>>,
    /// When grabbing closes.
    pub deadline: Option<DateTime<Utc>>,
    /// Whether the enterprise addressed the need to this institution alone (定向).
    pub directed: bool,
    pub region: String,
    /// The industry section (GB/T 4754 letter) and its name.
    pub industry: String,
    pub industry_name: String,
    /// `micro`, `small`, `medium` or `large`, and its Chinese label.
    pub size_class: String,
    pub size_label: String,
    /// The enterprise's credit grade, when it has one.
    pub grade: Option<String>,
}

impl From<HallLine> for HallNeed {
    fn from(line: HallLine) -> HallNeed {
        HallNeed {
            id: line.id,
            amount_fen: line.amount.fen(),
            term_months: line.term_months,
            guarantee: line.guarantee.as_str().into(),
            guarantee_label: line.guarantee.label().into(),
            max_rate_percent: line.max_rate.to_decimal().normalize().to_string(),
            slots: line.slots,
            slots_taken: line.slots_taken,
            published_at: line.published_at.map(|t| t.and_utc()),
            deadline: line.deadline.map(|t| t.and_utc()),
            directed: line.institution_id.is_some(),
            industry_name: line.industry_name().into(),
            size_label: line.size_label().into(),
            region: line.region_name,
            industry: line.industry,
            size_class: line.size_class,
            grade: line.grade,
        }
    }
}

/// The position after a line, opaque to the client: "v1:<deadline ns>:<id>" in
/// base64url. Nanoseconds, as SQLite keeps them: a cut deadline would read as
/// before the need's own and bring the need back on the next page.
fn cursor_of(line: &HallLine) -> Option<String> {
    let deadline = line.deadline?.and_utc().timestamp_nanos_opt()?;
    Some(URL_SAFE_NO_PAD.encode(format!("v1:{deadline}:{}", line.id)))
}

fn position(cursor: &str) -> Option<(NaiveDateTime, i64)> {
    let text = String::from_utf8(URL_SAFE_NO_PAD.decode(cursor).ok()?).ok()?;
    let mut parts = text.strip_prefix("v1:")?.split(':');
    let deadline = DateTime::from_timestamp_nanos(parts.next()?.parse().ok()?).naive_utc();
    let id = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((deadline, id))
}

fn read(query: Option<String>) -> Result<(Option<(NaiveDateTime, i64)>, i64), Problem> {
    let query: HallQuery = serde_urlencoded::from_str(query.as_deref().unwrap_or_default())
        .map_err(|_| Problem::new("invalid_request", "查询参数无法解析"))?;
    let after = match query.cursor.as_deref().filter(|c| !c.is_empty()) {
        None => None,
        Some(cursor) => Some(
            position(cursor)
                .ok_or_else(|| Problem::invalid_field("cursor", "游标无效，请使用上一页返回的 next_cursor"))?,
        ),
    };
    let limit = match query.limit.as_deref().filter(|l| !l.is_empty()) {
        None => DEFAULT_LIMIT,
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| Problem::invalid_field("limit", format!("limit 应为 1 到 {MAX_LIMIT} 的整数")))?,
    };
    Ok((after, limit))
}

/// `GET /api/v1/hall`.
#[utoipa::path(
    get,
    path = "/api/v1/hall",
    tag = "抢单大厅",
    summary = "查看抢单大厅",
    description = "与客户经理在网页上看到的抢单大厅相同：符合本机构已发布产品的开放需求，不含企业名称和统一社会信用代码，按截止时间由近到远排列，用游标分页。需要 hall:read 权限。",
    params(HallQuery),
    security(("bearer" = ["hall:read"])),
    responses(
        (status = 200, description = "一页需求", body = HallPage),
        (status = 400, description = "参数有误", body = ProblemBody, content_type = "application/problem+json"),
        (status = 401, description = "缺少或无效的访问令牌", body = ProblemBody, content_type = "application/problem+json"),
        (status = 403, description = "权限不足或 IP 不在允许范围内", body = ProblemBody, content_type = "application/problem+json"),
        (status = 429, description = "请求过于频繁（见 Retry-After）", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
pub async fn hall(
    State(state): State<AppState>,
    bearer: Bearer,
    RawQuery(query): RawQuery,
) -> Result<Json<HallPage>, Problem> {
    let caller = bearer.admit(&state, Scope::HallRead).await?;
    let (after, limit) = read(query)?;
    let institution = caller.client.institution_id;
    let now = caller.ctx.now;
    let mut lines = state.db.query(move |c| hall_after(c, institution, after, limit + 1, now)).await?;
    let more = lines.len() as i64 > limit;
    lines.truncate(limit as usize);
    let next_cursor = if more { lines.last().and_then(cursor_of) } else { None };
    Ok(Json(HallPage { needs: lines.into_iter().map(HallNeed::from).collect(), next_cursor }))
}
