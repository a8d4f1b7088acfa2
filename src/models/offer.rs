//! Offers (报价 / 抢单): an institution takes a slot of a need with an offer.
//! The row, its queries and the plain writes the actions make of it; the
//! grab itself, guarded, is `actions::offer::grab_need`. The table's
//! UNIQUE(need_id, institution_id) stops a second offer from the same bank.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::need::OfferStatus;
use crate::domain::repayment::{Cost, Loan, RepaymentMethod};
use crate::domain::{Guarantee, Money, Rate};
use crate::models::need::Need;
use crate::schema::{enterprises, institutions, needs, offers};

mod contact;

/// How long a grabbing bank may view the portrait after the window closes.
pub const AUTHORIZATION_AFTER_DEADLINE: Duration = Duration::days(30);

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = offers)]
pub struct Offer {
    pub id: i64,
    pub need_id: i64,
    pub institution_id: i64,
    pub officer_id: i64,
    #[diesel(column_name = amount_fen, deserialize_as = i64)]
    pub amount: Money,
    #[diesel(deserialize_as = i64)]
    pub rate: Rate,
    pub term_months: i32,
    #[diesel(deserialize_as = String)]
    pub guarantee: Guarantee,
    pub conditions: String,
    pub valid_until: NaiveDateTime,
    #[diesel(deserialize_as = String)]
    pub status: OfferStatus,
    pub contact_due: NaiveDateTime,
    /// When the bank contacted the enterprise, as the officer stated it: the
    /// time the contact time is judged by (`domain::contact`).
    pub contacted_at: Option<NaiveDateTime>,
    pub decision: Option<String>,
    pub decision_due: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub approved_amount_fen: Option<i64>,
    pub approved_rate: Option<i64>,
    pub approved_term_months: Option<i32>,
    pub decline_reason: Option<String>,
    pub decision_note: Option<String>,
    pub created_at: NaiveDateTime,
    pub approved_on: Option<chrono::NaiveDate>,
    pub repayment_method: String,
    /// How, as `domain::contact::ContactMethod` stores it (read by `contact_method()`).
    pub contact_method: Option<String>,
    /// When the officer recorded the contact.
    pub contact_recorded_at: Option<NaiveDateTime>,
}

/// An approval as the bank records it.
#[derive(Clone, Debug, PartialEq)]
pub struct Approval {
    pub amount: Money,
    pub rate: Rate,
    pub term_months: i32,
    /// The date the line was granted (Beijing).
    pub date: chrono::NaiveDate,
}

/// What an officer offers.
#[derive(Clone, Debug, PartialEq)]
pub struct OfferTerms {
    pub amount: Money,
    pub rate: Rate,
    pub term_months: i32,
    pub repayment_method: RepaymentMethod,
    pub guarantee: Guarantee,
    pub conditions: String,
    pub valid_until: NaiveDateTime,
}

impl OfferTerms {
    pub fn loan(&self) -> Loan {
        Loan::new(self.repayment_method, self.amount, self.rate, self.term_months)
    }
}

impl Offer {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Offer>> {
        offers::table.find(id).select(Offer::as_select()).first(conn).optional()
    }

    /// The need's offers in the order they came, each with its institution's name.
    pub fn of_need(conn: &mut DbConn, need_id: i64) -> QueryResult<Vec<(Offer, String)>> {
        offers::table
            .inner_join(institutions::table)
            .filter(offers::need_id.eq(need_id))
            .order(offers::id)
            .select((Offer::as_select(), institutions::name))
            .load(conn)
    }

    /// The offer with its need and its institution's name.
    pub fn with_need(conn: &mut DbConn, id: i64) -> QueryResult<Option<(Offer, Need, String)>> {
        offers::table
            .inner_join(needs::table)
            .inner_join(institutions::table)
            .filter(offers::id.eq(id))
            .select((Offer::as_select(), Need::as_select(), institutions::name))
            .first(conn)
            .optional()
    }

    /// Records a grab's offer: active, with the bank's contact time.
    pub fn insert(
        conn: &mut DbConn,
        (need_id, institution_id, officer_id): (i64, i64, i64),
        terms: &OfferTerms,
        contact_due: NaiveDateTime,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(offers::table)
            .values((
                offers::need_id.eq(need_id),
                offers::institution_id.eq(institution_id),
                offers::officer_id.eq(officer_id),
                offers::amount_fen.eq(terms.amount.fen()),
                offers::rate.eq(terms.rate.units()),
                offers::term_months.eq(terms.term_months),
                offers::repayment_method.eq(terms.repayment_method.code()),
                offers::guarantee.eq(terms.guarantee.as_str()),
                offers::conditions.eq(&terms.conditions),
                offers::valid_until.eq(terms.valid_until),
                offers::status.eq(OfferStatus::Active.as_str()),
                offers::contact_due.eq(contact_due),
                offers::created_at.eq(now),
            ))
            .returning(offers::id)
            .get_result(conn)
    }

    /// Whether `institution_id` already made an offer on the need.
    pub fn exists(conn: &mut DbConn, need_id: i64, institution_id: i64) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(
            offers::table.filter(offers::need_id.eq(need_id)).filter(offers::institution_id.eq(institution_id)),
        ))
        .get_result(conn)
    }

    /// The need's active offers other than `keep`, with their officers.
    pub fn active_of_need(conn: &mut DbConn, need_id: i64, keep: Option<i64>) -> QueryResult<Vec<(i64, i64)>> {
        offers::table
            .filter(offers::need_id.eq(need_id))
            .filter(offers::status.eq(OfferStatus::Active.as_str()))
            .filter(offers::id.ne(keep.unwrap_or(0)))
            .select((offers::id, offers::officer_id))
            .load(conn)
    }

    /// How many of the need's offers are still active.
    pub fn active_count(conn: &mut DbConn, need_id: i64) -> QueryResult<i64> {
        offers::table
            .filter(offers::need_id.eq(need_id))
            .filter(offers::status.eq(OfferStatus::Active.as_str()))
            .count()
            .get_result(conn)
    }

    /// Closes an active offer as `to`; false if it was no longer active.
    pub fn close_active(conn: &mut DbConn, id: i64, to: OfferStatus) -> QueryResult<bool> {
        let closed = diesel::update(offers::table.find(id).filter(offers::status.eq(OfferStatus::Active.as_str())))
            .set(offers::status.eq(to.as_str()))
            .execute(conn)?;
        Ok(closed == 1)
    }

    /// Closes the active offer as lapsed if its valid-until passed by `now`; false if not.
    pub fn lapse(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let row = offers::table.find(id).filter(offers::status.eq(OfferStatus::Active.as_str()));
        let closed = diesel::update(row.filter(offers::valid_until.le(now)))
            .set(offers::status.eq(OfferStatus::Lapsed.as_str()))
            .execute(conn)?;
        Ok(closed == 1)
    }

    /// Closes the active offer as released if the bank did not record contact
    /// by its contact time; false if it did or the time has not come.
    pub fn release(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let row = offers::table.find(id).filter(offers::status.eq(OfferStatus::Active.as_str()));
        let closed = diesel::update(row.filter(offers::contacted_at.is_null()).filter(offers::contact_due.le(now)))
            .set(offers::status.eq(OfferStatus::Released.as_str()))
            .execute(conn)?;
        Ok(closed == 1)
    }

    /// Active offers whose valid-until passed by `now`, up to `limit`.
    pub fn lapsing(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
        offers::table
            .filter(offers::status.eq(OfferStatus::Active.as_str()))
            .filter(offers::valid_until.le(now))
            .select(offers::id)
            .limit(limit)
            .load(conn)
    }

    /// Active offers not contacted by their contact time, up to `limit`.
    pub fn idle(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<i64>> {
        offers::table
            .filter(offers::status.eq(OfferStatus::Active.as_str()))
            .filter(offers::contacted_at.is_null())
            .filter(offers::contact_due.le(now))
            .select(offers::id)
            .limit(limit)
            .load(conn)
    }

    /// (need, offer) of accepted offers undecided past their decision time
    /// whose matched need is not flagged yet, up to `limit`.
    pub fn late_decisions(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<(i64, i64)>> {
        offers::table
            .inner_join(needs::table)
            .filter(offers::status.eq(OfferStatus::Accepted.as_str()))
            .filter(offers::decision.is_null())
            .filter(offers::decision_due.le(now))
            .filter(needs::status.eq(crate::domain::need::NeedStatus::Matched.as_str()))
            .filter(needs::overdue.eq(false))
            .select((needs::id, offers::id))
            .limit(limit)
            .load(conn)
    }

    /// Marks an acceptable offer accepted at `now`, valid still; false if it was not.
    pub fn mark_accepted(conn: &mut DbConn, id: i64, due: NaiveDateTime, now: NaiveDateTime) -> QueryResult<bool> {
        let acceptable = [OfferStatus::Active.as_str(), OfferStatus::NotSelected.as_str()];
        let taken = diesel::update(
            offers::table.find(id).filter(offers::status.eq_any(acceptable)).filter(offers::valid_until.gt(now)),
        )
        .set((
            offers::status.eq(OfferStatus::Accepted.as_str()),
            offers::decision_due.eq(due),
            offers::accepted_at.eq(now),
        ))
        .execute(conn)?;
        Ok(taken == 1)
    }

    /// Records an approval on the undecided offer.
    pub fn record_approval(conn: &mut DbConn, id: i64, approval: &Approval, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(offers::table.find(id).filter(offers::decision.is_null()))
            .set((
                offers::decision.eq("approved"),
                offers::decided_at.eq(now),
                offers::approved_amount_fen.eq(approval.amount.fen()),
                offers::approved_rate.eq(approval.rate.units()),
                offers::approved_term_months.eq(approval.term_months),
                offers::approved_on.eq(approval.date),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Records a decline with its coded reason on the undecided offer.
    pub fn record_decline(conn: &mut DbConn, id: i64, reason: &str, note: &str, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(offers::table.find(id).filter(offers::decision.is_null()))
            .set((
                offers::decision.eq("declined"),
                offers::decided_at.eq(now),
                offers::decline_reason.eq(reason),
                offers::decision_note.eq(note),
            ))
            .execute(conn)
            .map(drop)
    }

    /// When the first of the need's offers that could still be accepted lapses.
    pub fn next_valid_until(conn: &mut DbConn, need_id: i64, now: NaiveDateTime) -> QueryResult<Option<NaiveDateTime>> {
        offers::table
            .filter(offers::need_id.eq(need_id))
            .filter(offers::status.eq_any([OfferStatus::Active.as_str(), OfferStatus::NotSelected.as_str()]))
            .filter(offers::valid_until.gt(now))
            .select(diesel::dsl::min(offers::valid_until))
            .first(conn)
    }
}

/// An offer with its need and the enterprise's name (the bank grabbed it, so
/// the name is its to see), as the bank's work list shows it.
pub type OfferLine = (Offer, Need, String);

/// Which of the institution's offers a list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Worklist {
    /// Waiting for the bank: contact not recorded yet, or a decision owed.
    Todo,
    All,
}

impl Offer {
    /// One page of the institution's offers, newest first.
    pub fn of_institution(
        conn: &mut DbConn,
        institution_id: i64,
        list: Worklist,
        page: Option<i64>,
    ) -> QueryResult<(Vec<OfferLine>, crate::models::page::Pager)> {
        let query = || {
            let mut query = offers::table
                .inner_join(needs::table.inner_join(enterprises::table))
                .filter(offers::institution_id.eq(institution_id))
                .into_boxed::<crate::db::DbBackend>();
            if list == Worklist::Todo {
                query = query.filter(
                    offers::status
                        .eq(OfferStatus::Active.as_str())
                        .and(offers::contacted_at.is_null())
                        .or(offers::status.eq(OfferStatus::Accepted.as_str()).and(offers::decision.is_null())),
                );
            }
            query
        };
        let pager = crate::models::page::Pager::new(page, 20, query().count().get_result(conn)?);
        let lines = query()
            .order(offers::id.desc())
            .offset(pager.offset())
            .limit(pager.per_page)
            .select((Offer::as_select(), Need::as_select(), enterprises::name))
            .load(conn)?;
        Ok((lines, pager))
    }

    /// Whether the bank still has to record contact on it.
    pub fn awaits_contact(&self) -> bool {
        self.contacted_at.is_none() && matches!(self.status, OfferStatus::Active | OfferStatus::Accepted)
    }

    /// The repayment method the offer names (equal instalments for a code
    /// the database's CHECK would not have let in).
    pub fn method(&self) -> RepaymentMethod {
        RepaymentMethod::parse(&self.repayment_method).unwrap_or(RepaymentMethod::Annuity)
    }

    /// The loan the offer describes, repaid by its own method.
    pub fn loan(&self) -> Loan {
        Loan::new(self.method(), self.amount, self.rate, self.term_months)
    }

    /// First and largest payment, total interest and total repayable.
    pub fn cost(&self) -> Cost {
        self.loan().cost()
    }

    /// The day the schedule counts from: the approval date once the bank has
    /// granted the line, until then the day the offer was made (Beijing time).
    pub fn drawdown(&self) -> chrono::NaiveDate {
        self.approved_on.unwrap_or_else(|| crate::domain::calendar::beijing_date(self.created_at))
    }

    /// "额度 180.00 万元，年化 3.85%，期限 12 个月，授信日期 2026-11-25" once approved.
    pub fn approval_text(&self) -> Option<String> {
        (self.decision.as_deref() == Some("approved")).then(|| {
            format!(
                "额度 {}，年化 {}，期限 {} 个月，授信日期 {}",
                Money::from_fen(self.approved_amount_fen.unwrap_or_default()).wan_text(),
                Rate::from_units(self.approved_rate.unwrap_or_default()).percent_text(),
                self.approved_term_months.unwrap_or_default(),
                self.approved_on.map_or_else(String::new, |d| d.to_string())
            )
        })
    }

    pub fn decline_label(&self) -> &'static str {
        self.decline_reason.as_deref().and_then(crate::domain::need::decline_reason).map_or("", |(l, _)| l)
    }
}
