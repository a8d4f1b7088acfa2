//! What waits for each role, as its home leads with it: the enterprise's needs
//! with their next step, the bank's offers by due time (the officer's 工作台
//! and the bank admin's home), and for the credit office the disputes to
//! answer, the imports under way or failed and the banks late with decisions.
//! The rules of order and urgency are `domain::work`.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::dispute::DisputeStatus;
use crate::domain::import::ImportStatus;
use crate::domain::need::{NeedStatus, OfferStatus};
use crate::domain::work::{NeedFacts, NeedNext, Task, Urgency, need_rank};
use crate::models::dispute::Dispute;
use crate::models::import_batch::ImportBatch;
use crate::models::need::Need;
use crate::models::offer::Offer;
use crate::schema::{disputes, enterprises, import_batches, institutions, needs, offers, users};

/// A failed import stays on the credit office's home this long, unless re-run.
pub const FAILED_IMPORTS_SHOWN: Duration = Duration::days(30);

/// One of the enterprise's needs with what it asks of the enterprise next.
pub struct NeedWork {
    pub need: Need,
    pub next: NeedNext,
}

impl Need {
    /// The enterprise's needs, what it must act on first (`domain::work::need_rank`).
    pub fn with_next_steps(conn: &mut DbConn, enterprise_id: i64, now: NaiveDateTime) -> QueryResult<Vec<NeedWork>> {
        let needs: Vec<Need> = needs::table
            .filter(needs::enterprise_id.eq(enterprise_id))
            .order(needs::id.desc())
            .select(Need::as_select())
            .load(conn)?;
        let ids: Vec<i64> = needs.iter().map(|n| n.id).collect();
        let offers: Vec<(i64, i64, String, NaiveDateTime, Option<NaiveDateTime>)> = offers::table
            .filter(offers::need_id.eq_any(ids))
            .select((offers::id, offers::need_id, offers::status, offers::valid_until, offers::decision_due))
            .load(conn)?;
        let choosable = [OfferStatus::Active.as_str(), OfferStatus::NotSelected.as_str()];
        let mut lines: Vec<NeedWork> = needs
            .into_iter()
            .map(|need| {
                let mine = offers.iter().filter(|o| o.1 == need.id);
                let open: Vec<NaiveDateTime> =
                    mine.clone().filter(|o| choosable.contains(&o.2.as_str()) && o.3 > now).map(|o| o.3).collect();
                let decision_due = mine.filter(|o| Some(o.0) == need.accepted_offer_id).find_map(|o| o.4);
                let facts = NeedFacts {
                    status: need.status,
                    choosable: open.len() as i64,
                    choose_by: open.iter().min().copied(),
                    deadline: need.deadline,
                    decision_due,
                };
                NeedWork { next: facts.next(), need }
            })
            .collect();
        lines.sort_by_key(|l| need_rank(l.need.status, &l.next));
        Ok(lines)
    }
}

/// Something the bank owes on one of its offers, by when.
#[derive(Clone, Debug)]
pub struct OfferTask {
    pub offer_id: i64,
    pub need_id: i64,
    pub enterprise: String,
    /// The officer who grabbed it.
    pub officer: String,
    pub amount: Money,
    pub task: Task,
    pub due: NaiveDateTime,
}

impl OfferTask {
    pub fn urgency(&self, now: NaiveDateTime) -> Urgency {
        Urgency::of(self.due, now)
    }

    /// "剩余 5小时 20分钟", or "已超时 2天 3小时".
    pub fn left(&self, now: NaiveDateTime) -> String {
        crate::domain::work::left_or_late(self.due, now)
    }
}

/// Rows a home lists of its bank's queue; 我的抢单 has them all.
pub const QUEUE_ROWS: i64 = 20;

/// The soonest due of what a bank owes on its offers, and how many it owes in all.
pub struct OfferQueue {
    pub tasks: Vec<OfferTask>,
    pub total: i64,
}

impl OfferQueue {
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// More are owed than the home lists.
    pub fn cut(&self) -> bool {
        self.total > self.tasks.len() as i64
    }
}

impl Offer {
    /// What the institution owes on its offers (contact not recorded on a
    /// standing offer, a decision on an accepted one), the `QUEUE_ROWS`
    /// soonest due first: each kind is read in due order and cut in SQL.
    pub fn queue(conn: &mut DbConn, institution_id: i64) -> QueryResult<OfferQueue> {
        type Row = (i64, i64, String, String, i64, NaiveDateTime, Option<NaiveDateTime>);
        let owed = |task: Task| {
            let query = offers::table
                .inner_join(needs::table.inner_join(enterprises::table))
                .inner_join(users::table.on(users::id.eq(offers::officer_id)))
                .filter(offers::institution_id.eq(institution_id))
                .into_boxed::<crate::db::DbBackend>();
            match task {
                Task::Contact => {
                    query.filter(offers::status.eq(OfferStatus::Active.as_str())).filter(offers::contacted_at.is_null())
                }
                Task::Decide => {
                    query.filter(offers::status.eq(OfferStatus::Accepted.as_str())).filter(offers::decision.is_null())
                }
            }
        };
        let mut tasks = Vec::new();
        let mut total = 0;
        for task in [Task::Contact, Task::Decide] {
            total += owed(task).count().get_result::<i64>(conn)?;
            let soonest = match task {
                Task::Contact => owed(task).order((offers::contact_due, offers::id)),
                Task::Decide => owed(task).order((offers::decision_due, offers::id)),
            };
            let rows: Vec<Row> = soonest
                .select((
                    offers::id,
                    needs::id,
                    enterprises::name,
                    users::display_name,
                    offers::amount_fen,
                    offers::contact_due,
                    offers::decision_due,
                ))
                .limit(QUEUE_ROWS)
                .load(conn)?;
            tasks.extend(rows.into_iter().map(
                |(offer_id, need_id, enterprise, officer, amount, contact_due, decision_due)| {
                    let due = match task {
                        Task::Decide => decision_due.unwrap_or(contact_due),
                        Task::Contact => contact_due,
                    };
                    OfferTask { offer_id, need_id, enterprise, officer, amount: Money::from_fen(amount), task, due }
                },
            ));
        }
        tasks.sort_by_key(|t| (t.due, t.offer_id));
        tasks.truncate(QUEUE_ROWS as usize);
        Ok(OfferQueue { tasks, total })
    }
}

impl Dispute {
    /// Open disputes, soonest due first, with the enterprise's name.
    pub fn open_by_due(conn: &mut DbConn, limit: i64) -> QueryResult<Vec<(Dispute, String)>> {
        disputes::table
            .inner_join(enterprises::table)
            .filter(disputes::status.eq(DisputeStatus::Open.as_str()))
            .order((disputes::due_at, disputes::id))
            .limit(limit)
            .select((Dispute::as_select(), enterprises::name))
            .load(conn)
    }
}

impl ImportBatch {
    /// Batches under way (uploading, queued, running, recomputing) and those
    /// that failed within `FAILED_IMPORTS_SHOWN`, newest first.
    pub fn needing_attention(conn: &mut DbConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<ImportBatch>> {
        let running = [ImportStatus::Uploading.as_str(), ImportStatus::Queued.as_str(), ImportStatus::Running.as_str()];
        import_batches::table
            .filter(
                import_batches::status
                    .eq_any(running)
                    .or(import_batches::status
                        .eq(ImportStatus::Done.as_str())
                        .and(import_batches::recomputed_at.is_null()))
                    .or(import_batches::status
                        .eq(ImportStatus::Failed.as_str())
                        .and(import_batches::created_at.gt(now - FAILED_IMPORTS_SHOWN))),
            )
            .order(import_batches::id.desc())
            .limit(limit)
            .select(ImportBatch::as_select())
            .load(conn)
    }
}

/// A bank late with credit decisions: its name and how many matched needs wait past the decision time.
pub type LateBank = (String, i64);

impl Need {
    /// The banks whose decisions are overdue, most overdue needs first.
    pub fn overdue_by_bank(conn: &mut DbConn) -> QueryResult<Vec<LateBank>> {
        let mut banks: Vec<LateBank> = needs::table
            .inner_join(offers::table.on(offers::id.nullable().eq(needs::accepted_offer_id)))
            .inner_join(institutions::table.on(institutions::id.eq(offers::institution_id)))
            .filter(needs::overdue.eq(true))
            .filter(needs::status.eq(NeedStatus::Matched.as_str()))
            .group_by(institutions::name)
            .select((institutions::name, diesel::dsl::count_star()))
            .load(conn)?;
        banks.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(banks)
    }
}
