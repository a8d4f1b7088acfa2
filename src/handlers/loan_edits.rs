//! The officer's edits of a loan after the contract, each on its own page
//! linked from the loan page (`templates/loans/edit_links.html`): the
//! five-level classification (`classification`), the write-off after a
//! confirmation step (`write_off`), a correction of the contract's terms
//! (`correction`). Every form carries the loan's version as it was read; when
//! another officer changed the loan since, the action refuses
//! (`Refusal::Changed`) and the page answers 409: the loan's values now beside
//! what was typed, and the form again with the typed values and the new
//! version, so one click re-submits on top of the current state. Another
//! bank's loan is a 404 on every URL, whatever id is typed.

use axum::http::StatusCode;
use chrono::NaiveDate;

use crate::actions::Refusal;
use crate::actions::loan::OwnLoan;
use crate::auth::SignedIn;
use crate::domain::loan::{field_label, value_label};
use crate::error::{AppError, AppResult};
use crate::models::enterprise::Enterprise;
use crate::models::loan::{Loan, LoanEventRow};
use crate::state::AppState;
use crate::web::FormErrors;

mod classification;
mod correction;
mod write_off;

pub use classification::{classification_form, classify};
pub use correction::{correct, correction_form};
pub use write_off::{confirm_write_off, write_off, write_off_form};

/// The loan an edit page is about, as it stands now, with its enterprise's name.
pub struct Subject {
    pub loan: Loan,
    pub enterprise: String,
    /// The loan's latest history entry in words (who changed what, last), for a conflict.
    pub latest: Option<String>,
}

impl Subject {
    /// The institution's loan `id` (404 for another bank's) and who owns it.
    async fn load(state: &AppState, signed: &SignedIn, id: i64) -> AppResult<(OwnLoan, Subject)> {
        let institution = signed.officer_institution()?;
        let own = OwnLoan { institution_id: institution, loan_id: id };
        let subject = state
            .db
            .run(move |c| {
                let loan = Loan::of_institution(c, id, institution)?.ok_or(AppError::NotFound)?;
                let enterprise = Enterprise::find(c, loan.enterprise_id)?.name.clone();
                let latest = LoanEventRow::of_loan(c, id)?.first().map(entry_text);
                Ok(Subject { loan, enterprise, latest })
            })
            .await?;
        Ok((own, subject))
    }

    /// The loan page, where every edit comes from and returns to.
    pub fn back(&self) -> String {
        format!("/officer/loans/{}", self.loan.id)
    }
}

/// "2026-11-26 五级分类调整：五级分类 正常 → 关注（录入于 2026-11-26 10:30）".
fn entry_text(row: &LoanEventRow) -> String {
    let change = match (&row.field, &row.old_value, &row.new_value) {
        (Some(field), Some(old), Some(new)) => {
            format!("：{} {} → {}", field_label(field), value_label(field, old), value_label(field, new))
        }
        _ => String::new(),
    };
    let entered = crate::clock::datetime_text(&row.recorded_at);
    format!("{} {}{change}（录入于 {entered}）", row.happened_on, row.kind.label())
}

/// One line of a conflict: a value as the loan now holds it beside the value
/// typed (none for a fact the form does not set, shown for context).
pub struct ConflictRow {
    pub label: &'static str,
    pub current: String,
    pub typed: Option<String>,
}

impl ConflictRow {
    fn new(label: &'static str, current: impl Into<String>, typed: impl Into<String>) -> ConflictRow {
        ConflictRow { label, current: current.into(), typed: Some(typed.into()) }
    }

    fn fact(label: &'static str, current: impl Into<String>) -> ConflictRow {
        ConflictRow { label, current: current.into(), typed: None }
    }

    pub fn differs(&self) -> bool {
        self.typed.as_ref().is_some_and(|typed| *typed != self.current)
    }
}

/// What an edit page shows above its form (the errors go beside the fields):
/// a rule's refusal, the conflict with a change made meanwhile, or why the
/// loan takes no such edit in its status (then no form).
#[derive(Default)]
pub struct Shown {
    pub refusal: Option<String>,
    /// Empty unless another change came first: the loan's values now beside the typed ones.
    pub conflict: Vec<ConflictRow>,
    pub blocked: Option<String>,
}

/// A refused edit: the loan as it now stands, what to show beside the form,
/// and the version the form takes. Only a conflict gives the form the loan's
/// new version; a form sent back for its errors keeps the version it was read
/// at, so a change made meanwhile is still caught.
pub struct Refused {
    pub status: StatusCode,
    pub subject: Subject,
    pub errors: FormErrors,
    pub shown: Shown,
    pub version: Option<String>,
}

impl Refused {
    /// 422 with each refusal beside its field; 409 with the conflict (the rows
    /// `conflict` makes of the loan now) after a change meanwhile; 409 with a
    /// rule's words otherwise; 404 for a loan that is not the bank's.
    async fn of(
        state: &AppState,
        signed: &SignedIn,
        id: i64,
        refusal: Refusal,
        conflict: impl FnOnce(&Subject) -> Vec<ConflictRow>,
    ) -> AppResult<Refused> {
        let (_, subject) = Subject::load(state, signed, id).await?;
        let (mut errors, mut shown, mut version) = (FormErrors::default(), Shown::default(), None);
        let status = match refusal {
            Refusal::NotFound(_) => return Err(AppError::NotFound),
            Refusal::Changed(_) => {
                shown.conflict = conflict(&subject);
                version = Some(subject.loan.version.to_string());
                StatusCode::CONFLICT
            }
            other => match FormErrors::from_refusal(&other) {
                Some(beside) => {
                    errors = beside;
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                None => {
                    shown.refusal = Some(other.to_string());
                    StatusCode::CONFLICT
                }
            },
        };
        Ok(Refused { status, subject, errors, shown, version })
    }
}

/// The version a form carried; a missing or garbled one matches no loan.
fn version(text: &str) -> i32 {
    text.trim().parse().unwrap_or(-1)
}

/// Today in Beijing, the default of a form's event date.
fn today(state: &AppState) -> NaiveDate {
    crate::clock::beijing(state.clock.now()).date_naive()
}

/// An event date as typed (`YYYY-MM-DD`), or the error beside `field`.
fn event_date(errors: &mut FormErrors, field: &'static str, text: &str, what: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.add(field, format!("请填写{what}，格式如 2026-11-23"));
    }
    date
}

/// A reason as typed, 4 to 500 characters, or the error beside `field`.
fn reason(errors: &mut FormErrors, field: &'static str, text: &str) -> String {
    let reason = text.trim().to_string();
    if !(4..=500).contains(&reason.chars().count()) {
        errors.add(field, "请填写原因（4 到 500 字），将记入贷款的变更记录");
    }
    reason
}
