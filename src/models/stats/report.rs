//! The national report of a month (`domain::stats::report`), through the
//! snapshot cache: the month's figures and the cumulative ones are counted
//! from one read of the facts, so the two tables always agree in time.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::snapshot;
use crate::db::DbConn;
use crate::domain::stats::facts::Facts;
use crate::domain::stats::report::{Inputs, NationalReport};
use crate::domain::stats::{Filter, Period, Statistics};

/// Both tables of `month` as of `now`, with the time their facts were read.
pub fn national_report(
    conn: &mut DbConn,
    now: NaiveDateTime,
    month: &Period,
) -> QueryResult<(NationalReport, NaiveDateTime)> {
    snapshot::cached(conn, &snapshot::Subject::national_report(month), now)
}

/// Both tables of `month` from one read of the facts.
pub fn build(facts: &Facts, month: &Period) -> NationalReport {
    let month_stats = Statistics::compute(facts, month, &Filter::default());
    let total_stats = Statistics::compute(facts, &month.cumulative(), &Filter::default());
    let inputs =
        Inputs { month, month_stats: &month_stats, total_stats: &total_stats, institutions: &facts.institutions };
    NationalReport::build(&inputs)
}
