//! The rows the statistics are counted from, as plain data: what
//! `models::stats` reads from the market's and the loans' tables, one
//! struct per kind of event, each with the enterprise's dimensions (one
//! shared [`Dims`] per enterprise, so a million facts hold no copies).

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::institution::InstitutionKind;
use crate::domain::loan::{Classification, LoanStatus};
use crate::domain::need::NeedStatus;

/// The enterprise's region code, industry section and size class
/// (`micro` / `small` / `medium`), as they are now.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Dims {
    pub region: String,
    pub industry: String,
    pub size: String,
}

/// An enterprise that registered on the platform (an account bound to it).
#[derive(Clone, Debug)]
pub struct EnterpriseFact {
    pub enterprise_id: i64,
    /// Beijing date of the first account's registration.
    pub registered_on: NaiveDate,
    pub dims: Arc<Dims>,
}

/// A published need (a republished need is a need of its own and counts again).
#[derive(Clone, Debug)]
pub struct NeedFact {
    pub id: i64,
    pub enterprise_id: i64,
    pub dims: Arc<Dims>,
    pub published_at: NaiveDateTime,
    /// Beijing date of `published_at`.
    pub published_on: NaiveDate,
    pub amount_fen: i64,
    pub status: NeedStatus,
    /// When the first offer came (UTC).
    pub first_grab_at: Option<NaiveDateTime>,
    /// The product it was addressed to, if any, and that product's programmes
    /// (shared by every need of the product).
    pub institution_id: Option<i64>,
    pub programmes: Arc<[String]>,
}

/// Approved or declined, as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Approved,
    Declined,
}

/// An offer (抢单), with what became of it.
#[derive(Clone, Debug)]
pub struct OfferFact {
    pub id: i64,
    pub need_id: i64,
    pub institution_id: i64,
    pub enterprise_id: i64,
    pub dims: Arc<Dims>,
    pub need_published_at: NaiveDateTime,
    /// Beijing date of the need's publication.
    pub need_published_on: NaiveDate,
    pub created_at: NaiveDateTime,
    /// Beijing date of the grab.
    pub created_on: NaiveDate,
    pub contact_due: NaiveDateTime,
    pub contacted_at: Option<NaiveDateTime>,
    pub accepted_at: Option<NaiveDateTime>,
    /// Beijing date of the acceptance.
    pub accepted_on: Option<NaiveDate>,
    pub decision: Option<Decision>,
    pub decided_at: Option<NaiveDateTime>,
    /// Beijing date of the decision's entry.
    pub decided_on: Option<NaiveDate>,
    pub decision_due: Option<NaiveDateTime>,
    /// The approval's date, as the bank states it.
    pub approved_on: Option<NaiveDate>,
    pub approved_amount_fen: Option<i64>,
    /// Units of 0.0001 percentage points (`domain::Rate`).
    pub approved_rate: Option<i64>,
    pub decline_reason: Option<String>,
}

/// 抵押 / 信用 / 质押 / 其他, the national template's loan types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoanType {
    Mortgage,
    Credit,
    Pledge,
    Other,
}

impl LoanType {
    pub const ALL: [LoanType; 4] = [LoanType::Mortgage, LoanType::Credit, LoanType::Pledge, LoanType::Other];

    /// The row code in the breakdown and the open data.
    pub fn code(self) -> &'static str {
        match self {
            LoanType::Mortgage => "mortgage",
            LoanType::Credit => "credit",
            LoanType::Pledge => "pledge",
            LoanType::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LoanType::Mortgage => "抵押",
            LoanType::Credit => "信用",
            LoanType::Pledge => "质押",
            LoanType::Other => "其他",
        }
    }
}

/// A loan recorded on the platform.
#[derive(Clone, Debug)]
pub struct LoanFact {
    pub id: i64,
    pub offer_id: i64,
    pub need_id: i64,
    pub enterprise_id: i64,
    pub institution_id: i64,
    pub institution_kind: InstitutionKind,
    pub dims: Arc<Dims>,
    pub need_published_on: NaiveDate,
    pub approved_on: NaiveDate,
    pub signed_on: NaiveDate,
    pub rate: i64,
    pub credit_only: bool,
    pub loan_type: LoanType,
    pub first_loan: bool,
    pub renewal: bool,
    pub status: LoanStatus,
    pub classification: Classification,
    pub outstanding_fen: i64,
}

/// A drawdown (放款笔数 counts these), pointing at its loan by index in
/// [`Facts::loans`].
#[derive(Clone, Debug)]
pub struct DrawdownFact {
    pub loan: usize,
    pub value_date: NaiveDate,
    pub amount_fen: i64,
    /// The loan's first drawdown (the cycles end there).
    pub first_of_loan: bool,
}

#[derive(Clone, Debug)]
pub struct InstitutionFact {
    pub id: i64,
    pub name: String,
    pub kind: InstitutionKind,
    pub uscc: String,
    pub joined_on: NaiveDate,
}

#[derive(Clone, Debug)]
pub struct ProductFact {
    pub institution_id: i64,
    /// Beijing date of its latest publication.
    pub published_on: NaiveDate,
    pub programmes: Vec<String>,
}

/// Everything the figures are counted from, read at `as_of`.
#[derive(Clone, Debug)]
pub struct Facts {
    pub as_of: NaiveDateTime,
    pub enterprises: Vec<EnterpriseFact>,
    pub needs: Vec<NeedFact>,
    pub offers: Vec<OfferFact>,
    pub loans: Vec<LoanFact>,
    pub drawdowns: Vec<DrawdownFact>,
    pub institutions: Vec<InstitutionFact>,
    pub products: Vec<ProductFact>,
    /// (code, name) of every region, for the breakdown's labels.
    pub regions: Vec<(String, String)>,
}
