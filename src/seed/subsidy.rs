//! The demo city's interest subsidy programme (贴息), defined after the demo
//! loans have lived their repayments: one percentage point on the credit
//! loans of micro and small enterprises, with the latest ended quarter that
//! has interest paid computed and approved through the actions.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::actions::{Ctx, subsidy};
use crate::db::DbConn;
use crate::domain::subsidy::{Rules, counted_days, ended_quarters, lines};
use crate::models::audit::Actor;
use crate::models::subsidy::NewProgramme;
use crate::models::subsidy::batch;
use crate::schema::users;

/// The demo programme's name.
pub const DEMO_PROGRAMME: &str = "云海市普惠小微贷款贴息";

/// Defines the programme and approves its latest ended quarter with lines; the programme's id.
pub fn add(conn: &mut DbConn, now: NaiveDateTime, base_url: &str) -> anyhow::Result<i64> {
    let office: i64 = users::table.filter(users::username.eq("demo-credit-office")).select(users::id).first(conn)?;
    let year = crate::clock::beijing(now).year();
    let new = NewProgramme {
        name: DEMO_PROGRAMME.into(),
        rules: Rules {
            points: 10_000,
            credit_only: true,
            products: Vec::new(),
            programmes: Vec::new(),
            sizes: vec!["micro".into(), "small".into()],
            cap_enterprise_year_fen: 100_000 * 100,
            cap_total_fen: 5_000_000 * 100,
        },
        valid_from: NaiveDate::from_ymd_opt(year - 1, 1, 1).expect("a date"),
        valid_to: NaiveDate::from_ymd_opt(year + 1, 12, 31).expect("a date"),
    };
    let actor = Actor { user_id: Some(office), role: Some("credit_office".into()), institution_id: None, ip: None };
    let ctx = Ctx { actor, now, base_url: base_url.into() };
    let id = subsidy::create(conn, &ctx, &new)?.map_err(super::needs::refuse)?;
    let today = crate::clock::beijing(now).date_naive();
    // The latest quarter whose repayments give a subsidy (read first, so no empty batch is left).
    let quarters = ended_quarters(new.valid_from, new.valid_to, today);
    for quarter in quarters.iter().take(4) {
        let loans = batch::candidates(conn, counted_days(quarter, new.valid_from, new.valid_to))?;
        if lines(&new.rules, &loans, &[], 0).iter().all(|l| l.subsidy_fen == 0) {
            continue;
        }
        let batch = subsidy::compute(conn, &ctx, id, &quarter.code())?.map_err(super::needs::refuse)?;
        subsidy::approve(conn, &ctx, batch)?.map_err(super::needs::refuse)?;
        break;
    }
    Ok(id)
}
