//! The demo city's risk compensation fund, defined by the credit office
//! before the demo loans are drawn, so that their drawdowns are registered
//! (入库) as they are recorded: Guangzhou-like tiers, bank mode.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::actions::{Ctx, fund};
use crate::db::DbConn;
use crate::domain::fund::{FundMode, Rules};
use crate::models::audit::Actor;
use crate::models::fund::NewFund;
use crate::schema::users;

/// The demo fund's name.
pub const DEMO_FUND: &str = "云海市小微企业信贷风险补偿资金池";

/// Defines the demo fund, in force from three years back to two years on; its id.
pub fn add(conn: &mut DbConn, now: NaiveDateTime, base_url: &str) -> anyhow::Result<i64> {
    let office: i64 = users::table.filter(users::username.eq("demo-credit-office")).select(users::id).first(conn)?;
    let year = crate::clock::beijing(now).year();
    let new = NewFund {
        name: DEMO_FUND.into(),
        mode: FundMode::Bank,
        annual_budget_fen: 50_000_000 * 100,
        valid_from: NaiveDate::from_ymd_opt(year - 3, 1, 1).expect("a date"),
        valid_to: NaiveDate::from_ymd_opt(year + 2, 12, 31).expect("a date"),
    };
    let actor = Actor { user_id: Some(office), role: Some("credit_office".into()), institution_id: None, ip: None };
    let ctx = Ctx { actor, now: now - chrono::Duration::days(3 * 365), base_url: base_url.into() };
    fund::create(conn, &ctx, &new, &Rules::guangzhou())?.map_err(super::needs::refuse)
}
