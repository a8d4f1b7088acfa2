//! Credit evaluation as a service: loads an enterprise's stored records,
//! runs the model in `domain::credit`, and stores the result with every
//! factor's contribution. Recomputed after each import for the enterprises
//! the import touched, not for all.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::db::{Db, DbConn, write_tx};
use crate::domain::credit::{EnterpriseFacts, Evaluation, evaluate};
use crate::domain::records::*;
use crate::domain::{Money, Uscc};
use crate::models::credit_record::{HonourRow, PenaltyRow, PropertyRow, SocialSecurityRow, TaxRow, UtilityRow};
use crate::schema::{
    credit_evaluations, enterprises, honour_records, penalty_records, property_records, social_security_records,
    tax_records, utility_records,
};

/// Enterprises evaluated per write transaction.
const BATCH: usize = 500;

/// A factor as stored (JSON) and shown on the portrait.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct StoredFactor {
    pub code: String,
    pub label: String,
    pub points: i32,
    pub max_points: i32,
    pub explanation: String,
    pub advice: Option<String>,
}

/// Every record of one enterprise, as stored, with provenance.
#[derive(Default, Debug)]
pub struct Records {
    pub tax: Vec<(i64, TaxRow)>,
    pub utilities: Vec<(i64, UtilityRow)>,
    pub property: Vec<(i64, PropertyRow)>,
    pub social_security: Vec<(i64, SocialSecurityRow)>,
    pub penalties: Vec<(i64, PenaltyRow)>,
    pub honours: Vec<(i64, HonourRow)>,
}

impl Records {
    pub fn load(conn: &mut DbConn, uscc: &str) -> QueryResult<Records> {
        Ok(Records {
            tax: tax_records::table
                .filter(tax_records::uscc.eq(uscc))
                .order(tax_records::year)
                .select((tax_records::id, TaxRow::as_select()))
                .load(conn)?,
            utilities: utility_records::table
                .filter(utility_records::uscc.eq(uscc))
                .order((utility_records::month, utility_records::utility))
                .select((utility_records::id, UtilityRow::as_select()))
                .load(conn)?,
            property: property_records::table
                .filter(property_records::uscc.eq(uscc))
                .order(property_records::certificate_no)
                .select((property_records::id, PropertyRow::as_select()))
                .load(conn)?,
            social_security: social_security_records::table
                .filter(social_security_records::uscc.eq(uscc))
                .order(social_security_records::month)
                .select((social_security_records::id, SocialSecurityRow::as_select()))
                .load(conn)?,
            penalties: penalty_records::table
                .filter(penalty_records::uscc.eq(uscc))
                .order(penalty_records::decided_on.desc())
                .select((penalty_records::id, PenaltyRow::as_select()))
                .load(conn)?,
            honours: honour_records::table
                .filter(honour_records::uscc.eq(uscc))
                .order(honour_records::awarded_on.desc())
                .select((honour_records::id, HonourRow::as_select()))
                .load(conn)?,
        })
    }

    /// The evaluation of these records for an enterprise established on `established_on`.
    pub fn evaluate(&self, uscc: &Uscc, established_on: NaiveDate, as_of: NaiveDate) -> Evaluation {
        let money = Money::from_fen;
        let tax: Vec<TaxRecord> = self
            .tax
            .iter()
            .filter_map(|(_, r)| {
                Some(TaxRecord {
                    uscc: uscc.clone(),
                    year: r.year,
                    tax_grade: TaxGrade::parse(&r.tax_grade)?,
                    tax_paid: money(r.tax_paid_fen),
                    revenue: money(r.revenue_fen),
                })
            })
            .collect();
        let utilities: Vec<UtilityRecord> = self
            .utilities
            .iter()
            .filter_map(|(_, r)| {
                Some(UtilityRecord {
                    uscc: uscc.clone(),
                    month: r.month,
                    utility: match r.utility.as_str() {
                        "water" => Utility::Water,
                        "electricity" => Utility::Electricity,
                        "gas" => Utility::Gas,
                        _ => return None,
                    },
                    usage: rust_decimal::Decimal::new(r.usage_centi, 2),
                    billed: money(r.billed_fen),
                    arrears: money(r.arrears_fen),
                })
            })
            .collect();
        let property: Vec<PropertyRecord> = self
            .property
            .iter()
            .map(|(_, r)| PropertyRecord {
                uscc: uscc.clone(),
                certificate_no: r.certificate_no.clone(),
                kind: r.kind.clone(),
                area: rust_decimal::Decimal::new(r.area_centi, 2),
                assessed_value: money(r.assessed_value_fen),
                mortgaged: r.mortgaged,
            })
            .collect();
        let social_security: Vec<SocialSecurityRecord> = self
            .social_security
            .iter()
            .map(|(_, r)| SocialSecurityRecord {
                uscc: uscc.clone(),
                month: r.month,
                insured: r.insured,
                arrears: money(r.arrears_fen),
            })
            .collect();
        let penalties: Vec<PenaltyRecord> = self
            .penalties
            .iter()
            .filter_map(|(_, r)| {
                Some(PenaltyRecord {
                    uscc: uscc.clone(),
                    case_no: r.case_no.clone(),
                    decided_on: r.decided_on,
                    authority: r.authority.clone(),
                    kind: match r.kind.as_str() {
                        "administrative_penalty" => PenaltyKind::AdministrativePenalty,
                        "dishonest_debtor" => PenaltyKind::DishonestDebtor,
                        "court_enforcement" => PenaltyKind::CourtEnforcement,
                        _ => return None,
                    },
                    amount: money(r.amount_fen),
                    status: if r.status == "repaired" { PenaltyStatus::Repaired } else { PenaltyStatus::Active },
                    ended_on: r.ended_on,
                })
            })
            .collect();
        let honours: Vec<HonourRecord> = self
            .honours
            .iter()
            .map(|(_, r)| HonourRecord {
                uscc: uscc.clone(),
                honour: r.honour.clone(),
                issuer: r.issuer.clone(),
                awarded_on: r.awarded_on,
                expires_on: r.expires_on,
            })
            .collect();
        evaluate(&EnterpriseFacts {
            established_on,
            as_of,
            tax: &tax,
            utilities: &utilities,
            property: &property,
            social_security: &social_security,
            penalties: &penalties,
            honours: &honours,
        })
    }
}

/// Evaluates one enterprise on record and stores the result; None when the
/// USCC is not an enterprise on record.
pub fn recompute_one(
    conn: &mut DbConn,
    uscc: &str,
    as_of: NaiveDate,
    now: chrono::NaiveDateTime,
) -> QueryResult<Option<Evaluation>> {
    let established: Option<NaiveDate> = enterprises::table
        .filter(enterprises::uscc.eq(uscc))
        .select(enterprises::established_on)
        .get_result(conn)
        .optional()?;
    let (Some(established_on), Ok(code)) = (established, Uscc::parse(uscc)) else { return Ok(None) };
    let evaluation = Records::load(conn, uscc)?.evaluate(&code, established_on, as_of);
    let factors: Vec<StoredFactor> = evaluation
        .factors
        .iter()
        .map(|f| StoredFactor {
            code: f.code.into(),
            label: f.label.into(),
            points: f.points,
            max_points: f.max_points,
            explanation: f.explanation.clone(),
            advice: f.advice.clone(),
        })
        .collect();
    let values = (
        credit_evaluations::model_version.eq(evaluation.model_version),
        credit_evaluations::score.eq(i32::from(evaluation.score)),
        credit_evaluations::grade.eq(evaluation.grade.as_str()),
        credit_evaluations::risk_level.eq(evaluation.risk.as_str()),
        credit_evaluations::dishonest.eq(evaluation.dishonest),
        credit_evaluations::factors.eq(serde_json::to_string(&factors).unwrap_or_default()),
        credit_evaluations::computed_at.eq(now),
    );
    let updated = diesel::update(credit_evaluations::table.find(uscc)).set(values.clone()).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(credit_evaluations::table)
            .values((credit_evaluations::uscc.eq(uscc), values))
            .execute(conn)?;
    }
    Ok(Some(evaluation))
}

/// Recomputes the evaluations of `usccs`, a few hundred per transaction.
pub fn recompute<'a>(db: &Db, clock: &dyn Clock, usccs: impl Iterator<Item = &'a str>) -> anyhow::Result<usize> {
    let mut conn = db.get()?;
    let as_of = crate::clock::beijing(clock.now()).date_naive();
    let mut usccs = usccs.peekable();
    let mut done = 0;
    while usccs.peek().is_some() {
        let chunk: Vec<&str> = usccs.by_ref().take(BATCH).collect();
        let now = clock.now();
        done += write_tx(&mut conn, |c| -> QueryResult<usize> {
            let mut n = 0;
            for uscc in &chunk {
                n += usize::from(recompute_one(c, uscc, as_of, now)?.is_some());
            }
            Ok(n)
        })?;
    }
    Ok(done)
}

/// Every enterprise on record (the command line, after a model change).
pub fn recompute_all(db: &Db, clock: &dyn Clock) -> anyhow::Result<usize> {
    let usccs: Vec<String> = enterprises::table.select(enterprises::uscc).load(&mut *db.get()?)?;
    recompute(db, clock, usccs.iter().map(String::as_str))
}

/// The stored evaluation of one enterprise, as the portrait shows it.
#[derive(Clone, Debug)]
pub struct StoredEvaluation {
    pub model_version: String,
    pub score: i32,
    pub grade: String,
    pub risk_level: String,
    pub dishonest: bool,
    pub factors: Vec<StoredFactor>,
    pub computed_at: chrono::NaiveDateTime,
}

impl StoredEvaluation {
    pub fn load(conn: &mut DbConn, uscc: &str) -> QueryResult<Option<StoredEvaluation>> {
        let row: Option<(String, i32, String, String, bool, String, chrono::NaiveDateTime)> = credit_evaluations::table
            .find(uscc)
            .select((
                credit_evaluations::model_version,
                credit_evaluations::score,
                credit_evaluations::grade,
                credit_evaluations::risk_level,
                credit_evaluations::dishonest,
                credit_evaluations::factors,
                credit_evaluations::computed_at,
            ))
            .first(conn)
            .optional()?;
        Ok(row.map(|(model_version, score, grade, risk_level, dishonest, factors, computed_at)| StoredEvaluation {
            model_version,
            score,
            grade,
            risk_level,
            dishonest,
            factors: serde_json::from_str(&factors).unwrap_or_default(),
            computed_at,
        }))
    }

    pub fn risk_label(&self) -> &'static str {
        crate::domain::credit::RiskLevel::parse(&self.risk_level).map_or("", |r| r.label())
    }

    /// The factors that would raise the score, most room first.
    pub fn advice(&self) -> Vec<&StoredFactor> {
        let mut advice: Vec<&StoredFactor> = self.factors.iter().filter(|f| f.advice.is_some()).collect();
        advice.sort_by_key(|f| std::cmp::Reverse(f.max_points - f.points));
        advice
    }
}
