//! The scoreboard's rows (`domain::stats::scoreboard`) for a period,
//! through the exact snapshot cache under their own key.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::snapshot;
use crate::db::DbConn;
use crate::domain::stats::Period;
use crate::domain::stats::scoreboard::{BankRow, trailing};

/// Every institution's row for `period`, with when the facts were read.
pub fn scoreboard(
    conn: &mut DbConn,
    now: NaiveDateTime,
    period: &Period,
) -> QueryResult<(Vec<BankRow>, NaiveDateTime)> {
    snapshot::cached(conn, &snapshot::Subject::scoreboard(period), now)
}

/// Every institution's row over the trailing year ending this month: what
/// an enterprise weighs beside each bank's offer.
pub fn trailing_year(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<Vec<BankRow>> {
    let period = trailing(crate::clock::beijing(now).date_naive());
    Ok(scoreboard(conn, now, &period)?.0)
}
