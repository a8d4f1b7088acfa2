//! The life of one demo loan, day by day through the loans' actions: the
//! contract on its approval, then each step on its date, and between steps
//! every instalment that fell due repaid on its due date — or, from the day
//! the enterprise stopped paying, found unpaid the day after by the sweep's
//! own step (`mark_overdue`) at that day's clock.

use chrono::{Days, NaiveDate, NaiveDateTime};

use super::loans::moment;
use super::needs::{at, refuse};
use crate::actions::Ctx;
use crate::actions::loan::{
    Classify, OwnLoan, WriteOff, classify, mark_overdue, open_loan, record_drawdown, record_repayment, write_off,
};
use crate::actions::offer::OwnOffer;
use crate::clock::beijing;
use crate::db::DbConn;
use crate::domain::loan::{Classification, Guarantees, Receipt};
use crate::domain::repayment::RepaymentMethod;
use crate::domain::{Money, Rate};
use crate::models::loan::drawdown::NewDrawdown;
use crate::models::loan::repayment::NewRepayment;
use crate::models::loan::{Drawdown, Instalment, Loan, LoanTerms};
use crate::models::offer::Offer;

/// What happens to a loan on a day (counted back from today).
#[derive(Clone, Copy, Debug)]
pub enum Step {
    /// A drawdown of this percentage of the line over so many months.
    Draw(i64, i32),
    /// The bank moves the five-level classification.
    Classify(Classification),
    /// Everything outstanding repaid early.
    PayOff,
    /// The bank writes the loan off.
    WriteOff,
}

/// The contract on an approved offer and how it is repaid.
pub struct Life {
    pub officer: (String, i64, i64),
    pub offer: i64,
    pub contract_no: String,
    pub signed: NaiveDate,
    pub months: i32,
    /// The repayment method; the offer's when None.
    pub method: Option<RepaymentMethod>,
    /// The line; the approved amount when None.
    pub line: Option<Money>,
    pub guarantees: Guarantees,
    pub first_loan: bool,
    pub renews: Option<i64>,
    /// Instalments due from this day on are left unpaid.
    pub unpaid_from: Option<NaiveDate>,
}

fn reason(to: Classification) -> &'static str {
    match to {
        Classification::Normal => "借款人恢复正常还款",
        Classification::SpecialMention => "借款人出现逾期，经营收入下滑，列入关注",
        Classification::Substandard => "逾期超过 90 天，正常经营收入已不足以按期还款",
        Classification::Doubtful => "逾期超过 180 天，保证人代偿能力不足，预计损失较大",
        Classification::Loss => "采取一切措施后仍无法收回",
    }
}

/// Lives the loan through `steps` (days before today, in order) and up to
/// today; returns the loan's id.
pub fn live(
    conn: &mut DbConn,
    (now, base_url): (NaiveDateTime, &str),
    life: &Life,
    steps: &[(i64, Step)],
) -> anyhow::Result<i64> {
    let today = beijing(now).date_naive();
    let by_officer = |day: NaiveDate| at(base_url, moment(day, now), Some(&life.officer));
    let approved = Offer::find(conn, life.offer)?.ok_or_else(|| anyhow::anyhow!("no demo offer {}", life.offer))?;
    let line = life.line.unwrap_or_else(|| Money::from_fen(approved.approved_amount_fen.unwrap_or_default()));
    let terms = LoanTerms {
        contract_no: life.contract_no.clone(),
        line,
        rate: Rate::from_units(approved.approved_rate.unwrap_or(approved.rate.units())),
        term_months: life.months,
        signed_on: life.signed,
        repayment_method: match life.method {
            Some(method) => method,
            None => RepaymentMethod::try_from(approved.repayment_method.clone()).map_err(anyhow::Error::msg)?,
        },
        guarantees: life.guarantees.clone(),
        first_loan: life.first_loan,
        renewal: life.renews.is_some(),
        renews: life.renews,
    };
    let offer = OwnOffer { institution_id: life.officer.1, offer_id: life.offer };
    let id = open_loan(conn, &by_officer(life.signed), offer, terms)?.map_err(refuse)?;
    let own = OwnLoan { institution_id: life.officer.1, loan_id: id };
    let days_ago = |days: i64| today - Days::new(u64::try_from(days).unwrap_or(0));
    for (number, (days, step)) in steps.iter().enumerate() {
        let day = days_ago(*days);
        catch_up(conn, (now, base_url), life, own, day)?;
        let ctx = by_officer(day);
        match *step {
            Step::Draw(percent, months) => {
                let amount = Money::from_yuan(line.fen() / 100 * percent / 100);
                let iou_no = format!("{}-JJ{:02}", life.contract_no, number + 1);
                let new = NewDrawdown { iou_no, amount, value_date: day, term_months: months };
                let drawdown = record_drawdown(conn, &ctx, own, new)?.map_err(refuse)?;
                // The enterprise confirmed the older drawdowns; the last week's still wait for it.
                if day + Days::new(7) < today {
                    Drawdown::set_receipt(conn, drawdown, Receipt::Confirmed, moment(day + Days::new(1), now))?;
                }
            }
            Step::Classify(to) => {
                let version = Loan::find(conn, id)?.map_or(0, |l| l.version);
                let input = Classify { version, to, on: day, reason: reason(to).into() };
                classify(conn, &ctx, own, input)?.map_err(refuse)?;
            }
            Step::PayOff => {
                for drawdown in Drawdown::of_loan(conn, id)?.into_iter().filter(|d| d.outstanding.fen() > 0) {
                    let next = Instalment::of_drawdown(conn, drawdown.id)?.into_iter().find(|i| i.paid_on.is_none());
                    let interest = next.map_or(Money::from_fen(0), |i| i.interest);
                    let new = NewRepayment {
                        drawdown_id: drawdown.id,
                        paid_on: day,
                        principal: drawdown.outstanding,
                        interest,
                        penalty: Money::from_fen(0),
                    };
                    record_repayment(conn, &ctx, own, new)?.map_err(refuse)?;
                }
            }
            Step::WriteOff => {
                let version = Loan::find(conn, id)?.map_or(0, |l| l.version);
                let reason = "经诉讼及向保证人追偿后仍无法收回，按规定核销".into();
                write_off(conn, &ctx, own, WriteOff { version, on: day, reason })?.map_err(refuse)?;
            }
        }
    }
    catch_up(conn, (now, base_url), life, own, today)?;
    Ok(id)
}

/// Every instalment due before `before` and before today: repaid in full on
/// its due date, or, from `unpaid_from`, marked overdue the day after.
fn catch_up(
    conn: &mut DbConn,
    (now, base_url): (NaiveDateTime, &str),
    life: &Life,
    own: OwnLoan,
    before: NaiveDate,
) -> anyhow::Result<()> {
    let today = beijing(now).date_naive();
    if Loan::find(conn, own.loan_id)?.is_none_or(|l| l.status.is_terminal()) {
        return Ok(());
    }
    let due: Vec<Instalment> = Instalment::of_loan(conn, own.loan_id)?
        .into_iter()
        .filter(|i| i.paid_on.is_none() && i.overdue_on.is_none() && i.due_on < before.min(today))
        .collect();
    for instalment in due {
        if life.unpaid_from.is_some_and(|from| instalment.due_on >= from) {
            let day_after = instalment.due_on + Days::new(1);
            let sweep = Ctx::system(moment(day_after, now), base_url);
            mark_overdue(conn, &sweep, (instalment.drawdown_id, instalment.number))?.map_err(refuse)?;
            continue;
        }
        let new = NewRepayment {
            drawdown_id: instalment.drawdown_id,
            paid_on: instalment.due_on,
            principal: Money::from_fen(instalment.principal.fen() - instalment.paid_principal.fen()),
            interest: Money::from_fen(instalment.interest.fen() - instalment.paid_interest.fen()),
            penalty: Money::from_fen(0),
        };
        let ctx = at(base_url, moment(instalment.due_on, now), Some(&life.officer));
        record_repayment(conn, &ctx, own, new)?.map_err(refuse)?;
    }
    Ok(())
}
