//! Every change of state a user or a job can cause, one function each, called
//! the same way from a web handler, a job, the command line and the bank API.
//!
//! An action takes a connection, its context (who acts, when, the site's
//! address for links in emails) and a typed input, and is one guarded
//! transaction: it checks the rule in `domain`, applies the transition,
//! writes, audits and enqueues its notices. A refusal rolls the transaction
//! back and comes back as a [`Refusal`], which the face turns into words (a
//! page) or a problem document (the API). Actions know no web type: nothing
//! here names `AppState`, `AppError`, `web`, `handlers` or `auth`.

pub mod account;
pub mod api_client;
pub mod authorization;
pub mod bulletin;
pub mod claim;
pub mod dispute;
pub mod emails;
pub mod fund;
pub mod fund_claim;
pub mod holiday;
pub mod institution;
pub mod mail;
pub mod message;
pub mod need;
pub mod offer;
pub mod password_reset;
pub mod portrait;
pub mod profile;
pub mod subscription;
pub mod subsidy;
pub mod sweep;
pub mod whitelist;

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::{DbConn, write_tx};
use crate::domain::need::TransitionError;
use crate::models::audit::{self, Actor};

pub mod bank_admin;
pub mod import;
pub mod invitation;
pub mod loan;
pub mod product;
pub mod receipt;

/// Who acts, when, and the site's address for the links in emails.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub actor: Actor,
    pub now: NaiveDateTime,
    pub base_url: String,
}

impl Ctx {
    /// The system's own changes (the clock's jobs).
    pub fn system(now: NaiveDateTime, base_url: &str) -> Ctx {
        let actor = Actor { role: Some("system".into()), ..Actor::default() };
        Ctx { actor, now, base_url: base_url.to_string() }
    }

    /// A visitor who is not signed in (registration, sign-in, an emailed link).
    pub fn anonymous(ip: Option<String>, now: NaiveDateTime, base_url: &str) -> Ctx {
        Ctx { actor: Actor { ip, ..Actor::default() }, now, base_url: base_url.to_string() }
    }

    pub fn need_link(&self, need: i64) -> String {
        format!("{}/enterprise/needs/{need}", self.base_url)
    }

    pub fn offer_link(&self, offer: i64) -> String {
        format!("{}/officer/offers/{offer}", self.base_url)
    }

    /// The audit row of this change, written in its transaction.
    pub fn audit(&self, conn: &mut DbConn, event: &str, object: &str) -> QueryResult<()> {
        audit::record(conn, &self.actor, event, Some(object), "ok", self.now)
    }
}

/// Why an action did not happen: a stable code for machines and words for people.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The object does not exist or is not the actor's; the words never tell which.
    NotFound(&'static str),
    /// Someone changed the object since it was read.
    Changed(&'static str),
    /// The need's lifecycle does not allow the event in its status.
    Transition(TransitionError),
    /// Too many attempts from one address: the face answers 429 with `Retry-After`.
    TooMany { retry_after_secs: i64 },
    /// Any other rule of the platform.
    Rule { code: &'static str, message: String },
    /// Values as typed that break a rule, each to be shown beside its field.
    Fields(Vec<FieldRefusal>),
}

/// A typed value refused: the form field it belongs beside, a stable code and the words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRefusal {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn rule(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal::Rule { code, message: message.into() }
    }

    /// The stable machine code (the API's `code`, the audit log's outcome).
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::NotFound(_) => "not_found",
            Refusal::Changed(_) => "changed",
            Refusal::Transition(_) => "not_allowed_in_status",
            Refusal::TooMany { .. } => "rate_limited",
            Refusal::Rule { code, .. } => code,
            Refusal::Fields(fields) => fields.first().map_or("invalid", |f| f.code),
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotFound(what) => write!(f, "找不到该{what}"),
            Refusal::Changed(what) => write!(f, "该{what}刚刚发生了变化，请刷新页面后再试"),
            Refusal::Transition(e) => f.write_str(&e.message()),
            Refusal::TooMany { .. } => f.write_str("您的操作过于频繁，请稍后再试"),
            Refusal::Rule { message, .. } => f.write_str(message),
            Refusal::Fields(fields) => {
                f.write_str(&fields.iter().map(|x| x.message.as_str()).collect::<Vec<_>>().join("；"))
            }
        }
    }
}

impl From<TransitionError> for Refusal {
    fn from(e: TransitionError) -> Refusal {
        Refusal::Transition(e)
    }
}

/// What stops a transaction: a refusal (rolled back, shown) or a database error.
#[derive(Debug)]
pub enum Stop {
    Refused(Refusal),
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Stop {
        Stop::Db(e)
    }
}

impl From<Refusal> for Stop {
    fn from(r: Refusal) -> Stop {
        Stop::Refused(r)
    }
}

impl From<TransitionError> for Stop {
    fn from(e: TransitionError) -> Stop {
        Stop::Refused(Refusal::Transition(e))
    }
}

/// The outcome of an action: done, or refused with a reason to show.
pub type Outcome<T> = QueryResult<Result<T, Refusal>>;

/// Runs `work` in one write transaction; a refusal rolls it back and becomes `Ok(Err(refusal))`.
pub fn guarded<T>(conn: &mut DbConn, work: impl FnOnce(&mut DbConn) -> Result<T, Stop>) -> Outcome<T> {
    match write_tx(conn, work) {
        Ok(value) => Ok(Ok(value)),
        Err(Stop::Refused(refusal)) => Ok(Err(refusal)),
        Err(Stop::Db(e)) => Err(e),
    }
}

/// [`guarded`] for a change that must keep what it wrote even when it then
/// refuses (a wrong code counts as a try; a denied view is audited): `work`
/// returning `Ok(Err(refusal))` commits, then refuses.
pub fn recorded<T>(
    conn: &mut DbConn,
    work: impl FnOnce(&mut DbConn) -> Result<Result<T, Refusal>, Stop>,
) -> Outcome<T> {
    guarded(conn, work).map(|done| done.and_then(|kept| kept))
}

/// Stops the transaction with `refusal`.
pub fn refuse<T>(refusal: Refusal) -> Result<T, Stop> {
    Err(Stop::Refused(refusal))
}
