//! Disputes (异议): an enterprise contests one of its records, or reports a
//! drawdown wrong; the credit office answers within 20 days: corrected (the
//! record is withdrawn; the bank corrected the drawdown), upheld, or, for a
//! penalty, marked repaired. The dispute keeps what the record said.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::dispute::{ANSWER_WITHIN, DisputeOutcome, DisputeStatus, Subject};
use crate::domain::records::RecordKind;
use crate::schema::{
    disputes, enterprises, honour_records, penalty_records, property_records, social_security_records, tax_records,
    utility_records,
};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = disputes)]
pub struct Dispute {
    pub id: i64,
    pub enterprise_id: i64,
    #[diesel(deserialize_as = String)]
    pub record_kind: Subject,
    pub record_id: i64,
    pub record_summary: String,
    pub reason: String,
    #[diesel(deserialize_as = String)]
    pub status: DisputeStatus,
    pub answer: Option<String>,
    pub created_by: i64,
    pub created_at: NaiveDateTime,
    pub due_at: NaiveDateTime,
    pub answered_by: Option<i64>,
    pub answered_at: Option<NaiveDateTime>,
}

/// What the enterprise contests, and why.
pub struct NewDispute<'a> {
    pub enterprise_id: i64,
    pub kind: Subject,
    pub record_id: i64,
    pub summary: &'a str,
    pub reason: &'a str,
    pub user_id: i64,
}

impl Dispute {
    /// Whether the credit office may still answer it.
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// Whether it contests a penalty (the only kind that may be repaired).
    pub fn is_about_penalty(&self) -> bool {
        self.record_kind == Subject::Record(RecordKind::Penalties)
    }

    /// Whether it reports a drawdown wrong (`record_id` is the drawdown's id).
    pub fn is_about_drawdown(&self) -> bool {
        self.record_kind == Subject::Drawdown
    }

    /// Opens a dispute of the record, or returns the open one it already has
    /// (`Err`): a record has at most one open dispute, which the database
    /// enforces (`disputes_one_open`), so that two quick submits open one.
    pub fn open(conn: &mut DbConn, new: &NewDispute, now: NaiveDateTime) -> QueryResult<Result<i64, i64>> {
        if let Some(first) = Dispute::open_on(conn, new.kind, new.record_id)? {
            return Ok(Err(first));
        }
        // A savepoint: when a concurrent submit's row wins the index, only the
        // insert is undone and the winner can be read in this transaction.
        match conn.transaction(|c| Dispute::insert(c, new, now)) {
            Ok(id) => Ok(Ok(id)),
            Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
                Dispute::open_on(conn, new.kind, new.record_id)?.map(Err).ok_or(diesel::result::Error::NotFound)
            }
            Err(other) => Err(other),
        }
    }

    fn insert(conn: &mut DbConn, new: &NewDispute, now: NaiveDateTime) -> QueryResult<i64> {
        diesel::insert_into(disputes::table)
            .values((
                disputes::enterprise_id.eq(new.enterprise_id),
                disputes::record_kind.eq(new.kind.as_str()),
                disputes::record_id.eq(new.record_id),
                disputes::record_summary.eq(new.summary),
                disputes::reason.eq(new.reason),
                disputes::status.eq(DisputeStatus::Open.as_str()),
                disputes::created_by.eq(new.user_id),
                disputes::created_at.eq(now),
                disputes::due_at.eq(now + ANSWER_WITHIN),
            ))
            .returning(disputes::id)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Dispute> {
        disputes::table.find(id).select(Dispute::as_select()).first(conn)
    }

    pub fn of_enterprise(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Vec<Dispute>> {
        disputes::table
            .filter(disputes::enterprise_id.eq(enterprise_id))
            .order(disputes::id.desc())
            .select(Dispute::as_select())
            .load(conn)
    }

    /// The record's open dispute, if it has one.
    pub fn open_on(conn: &mut DbConn, kind: Subject, record_id: i64) -> QueryResult<Option<i64>> {
        disputes::table
            .filter(disputes::record_kind.eq(kind.as_str()))
            .filter(disputes::record_id.eq(record_id))
            .filter(disputes::status.eq(DisputeStatus::Open.as_str()))
            .select(disputes::id)
            .first(conn)
            .optional()
    }

    /// Open disputes first (soonest due), then the answered ones; with the enterprise's name.
    pub fn page(
        conn: &mut DbConn,
        page: Option<i64>,
        per_page: i64,
    ) -> QueryResult<(Vec<(Dispute, String)>, crate::models::page::Pager)> {
        let pager = crate::models::page::Pager::new(page, per_page, disputes::table.count().get_result(conn)?);
        let rows = disputes::table
            .inner_join(enterprises::table)
            .order((disputes::status.ne(DisputeStatus::Open.as_str()), disputes::due_at, disputes::id))
            .offset(pager.offset())
            .limit(pager.per_page)
            .select((Dispute::as_select(), enterprises::name))
            .load(conn)?;
        Ok((rows, pager))
    }

    /// Closes an open dispute; false when it was already answered.
    pub fn answer(
        conn: &mut DbConn,
        id: i64,
        outcome: DisputeOutcome,
        answer: &str,
        user_id: i64,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let changed =
            diesel::update(disputes::table.find(id).filter(disputes::status.eq(DisputeStatus::Open.as_str())))
                .set((
                    disputes::status.eq(outcome.as_str()),
                    disputes::answer.eq(answer),
                    disputes::answered_by.eq(user_id),
                    disputes::answered_at.eq(now),
                ))
                .execute(conn)?;
        Ok(changed == 1)
    }
}

/// A one-line description of one of `uscc`'s records, or None when the record
/// does not exist or belongs to someone else.
pub fn describe_record(conn: &mut DbConn, uscc: &str, kind: RecordKind, id: i64) -> QueryResult<Option<String>> {
    let yuan = |fen: i64| Money::from_fen(fen).yuan_text();
    Ok(match kind {
        RecordKind::Registry => enterprises::table
            .filter(enterprises::id.eq(id).and(enterprises::uscc.eq(uscc)))
            .select((enterprises::name, enterprises::legal_representative, enterprises::registered_capital_fen))
            .first::<(String, String, i64)>(conn)
            .optional()?
            .map(|(n, l, c)| format!("登记信息：{n}，法定代表人 {l}，注册资本 {}", Money::from_fen(c).wan_text())),
        RecordKind::Tax => tax_records::table
            .filter(tax_records::id.eq(id).and(tax_records::uscc.eq(uscc)))
            .select((tax_records::year, tax_records::tax_grade, tax_records::tax_paid_fen))
            .first::<(i32, String, i64)>(conn)
            .optional()?
            .map(|(y, g, p)| format!("{y} 年纳税：信用等级 {g}，纳税额 {}", yuan(p))),
        RecordKind::Utilities => utility_records::table
            .filter(utility_records::id.eq(id).and(utility_records::uscc.eq(uscc)))
            .select((utility_records::month, utility_records::utility, utility_records::arrears_fen))
            .first::<(NaiveDate, String, i64)>(conn)
            .optional()?
            .map(|(m, u, a)| format!("{} {} 费：欠费 {}", m.format("%Y-%m"), utility_label(&u), yuan(a))),
        RecordKind::Property => property_records::table
            .filter(property_records::id.eq(id).and(property_records::uscc.eq(uscc)))
            .select((property_records::certificate_no, property_records::kind))
            .first::<(String, String)>(conn)
            .optional()?
            .map(|(c, k)| format!("不动产 {c}（{k}）")),
        RecordKind::SocialSecurity => social_security_records::table
            .filter(social_security_records::id.eq(id).and(social_security_records::uscc.eq(uscc)))
            .select((social_security_records::month, social_security_records::insured))
            .first::<(NaiveDate, i32)>(conn)
            .optional()?
            .map(|(m, n)| format!("{} 社保参保 {n} 人", m.format("%Y-%m"))),
        RecordKind::Penalties => penalty_records::table
            .filter(penalty_records::id.eq(id).and(penalty_records::uscc.eq(uscc)))
            .select((penalty_records::authority, penalty_records::case_no, penalty_records::decided_on))
            .first::<(String, String, NaiveDate)>(conn)
            .optional()?
            .map(|(a, c, d)| format!("{a} {c}（{d}）")),
        RecordKind::Honours => honour_records::table
            .filter(honour_records::id.eq(id).and(honour_records::uscc.eq(uscc)))
            .select((honour_records::honour, honour_records::awarded_on))
            .first::<(String, NaiveDate)>(conn)
            .optional()?
            .map(|(h, d)| format!("荣誉：{h}（{d}）")),
    })
}

pub fn utility_label(utility: &str) -> &'static str {
    match utility {
        "water" => "水",
        "electricity" => "电",
        "gas" => "燃气",
        _ => "其他",
    }
}

/// Applies the outcome to the record: a correction withdraws it; a repair
/// marks the penalty repaired as of `today`. Registry data is corrected by a new import.
pub fn apply_outcome(
    conn: &mut DbConn,
    kind: RecordKind,
    id: i64,
    outcome: DisputeOutcome,
    today: NaiveDate,
) -> QueryResult<()> {
    match (outcome, kind) {
        (DisputeOutcome::Repaired, RecordKind::Penalties) => diesel::update(penalty_records::table.find(id))
            .set((penalty_records::status.eq("repaired"), penalty_records::ended_on.eq(today)))
            .execute(conn)
            .map(drop),
        (DisputeOutcome::Corrected, RecordKind::Tax) => {
            diesel::delete(tax_records::table.find(id)).execute(conn).map(drop)
        }
        (DisputeOutcome::Corrected, RecordKind::Utilities) => {
            diesel::delete(utility_records::table.find(id)).execute(conn).map(drop)
        }
        (DisputeOutcome::Corrected, RecordKind::Property) => {
            diesel::delete(property_records::table.find(id)).execute(conn).map(drop)
        }
        (DisputeOutcome::Corrected, RecordKind::SocialSecurity) => {
            diesel::delete(social_security_records::table.find(id)).execute(conn).map(drop)
        }
        (DisputeOutcome::Corrected, RecordKind::Penalties) => {
            diesel::delete(penalty_records::table.find(id)).execute(conn).map(drop)
        }
        (DisputeOutcome::Corrected, RecordKind::Honours) => {
            diesel::delete(honour_records::table.find(id)).execute(conn).map(drop)
        }
        _ => Ok(()),
    }
}
