//! An institution's response record: how often it offered, was chosen,
//! approved and declined, and decided on time.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::offers;

/// How a bank has answered on the platform: what an enterprise weighs beside its offer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseRecord {
    pub offers: i64,
    pub accepted: i64,
    pub approved: i64,
    pub declined: i64,
    /// Decisions recorded by their due time.
    pub on_time: i64,
}

impl ResponseRecord {
    pub fn of(conn: &mut DbConn, institution_id: i64) -> QueryResult<ResponseRecord> {
        let offers = offers::table.filter(offers::institution_id.eq(institution_id)).count().get_result(conn)?;
        let decided: Vec<(Option<String>, Option<NaiveDateTime>, Option<NaiveDateTime>)> = offers::table
            .filter(offers::institution_id.eq(institution_id))
            .filter(offers::decision_due.is_not_null())
            .select((offers::decision, offers::decided_at, offers::decision_due))
            .load(conn)?;
        let count = |d: &str| decided.iter().filter(|(x, ..)| x.as_deref() == Some(d)).count() as i64;
        let on_time = decided.iter().filter(|(_, at, due)| matches!((at, due), (Some(a), Some(d)) if a <= d)).count();
        Ok(ResponseRecord {
            offers,
            accepted: decided.len() as i64,
            approved: count("approved"),
            declined: count("declined"),
            on_time: on_time as i64,
        })
    }

    /// "批准 3 / 决定 4 · 按时 4 / 4", or a plain word for a bank new to the platform.
    pub fn summary(&self) -> String {
        let decided = self.approved + self.declined;
        if decided == 0 {
            return format!("平台累计报价 {} 次，暂无授信决定记录", self.offers);
        }
        format!(
            "平台累计报价 {} 次，被选中 {} 次；已决定 {} 笔，批准 {} 笔；按时决定 {} / {}",
            self.offers, self.accepted, decided, self.approved, self.on_time, decided
        )
    }
}
