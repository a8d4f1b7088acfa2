//! Credit evaluation as a service: loads an enterprise's stored records,
//! runs the model in `domain::credit`, and stores the result with every
//! factor's contribution. Recomputed after each import for the enterprises
//! the import touched, not for all.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::clock::Clock;
use crate::db::{Db, DbConn, on_backend, write_tx};
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
/// Evaluations per multi-row INSERT.
const ROWS_PER_INSERT: usize = 250;

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
        Ok(Records::load_many(conn, &[uscc])?.remove(uscc).unwrap_or_default())
    }

    /// The records of several enterprises, by USCC, with one query per table;
    /// each enterprise's records in the order `load` gives them.
    pub fn load_many(conn: &mut DbConn, usccs: &[&str]) -> QueryResult<HashMap<String, Records>> {
        let mut all: HashMap<String, Records> = HashMap::new();
        let tax: Vec<(i64, TaxRow)> = tax_records::table
            .filter(tax_records::uscc.eq_any(usccs))
            .order((tax_records::uscc, tax_records::year))
            .select((tax_records::id, TaxRow::as_select()))
            .load(conn)?;
        group(&mut all, tax, |r| &r.uscc, |all| &mut all.tax);
        let utilities: Vec<(i64, UtilityRow)> = utility_records::table
            .filter(utility_records::uscc.eq_any(usccs))
            .order((utility_records::uscc, utility_records::month, utility_records::utility))
            .select((utility_records::id, UtilityRow::as_select()))
            .load(conn)?;
        group(&mut all, utilities, |r| &r.uscc, |all| &mut all.utilities);
        let property: Vec<(i64, PropertyRow)> = property_records::table
            .filter(property_records::uscc.eq_any(usccs))
            .order((property_records::uscc, property_records::certificate_no))
            .select((property_records::id, PropertyRow::as_select()))
            .load(conn)?;
        group(&mut all, property, |r| &r.uscc, |all| &mut all.property);
        let social_security: Vec<(i64, SocialSecurityRow)> = social_security_records::table
            .filter(social_security_records::uscc.eq_any(usccs))
            .order((social_security_records::uscc, social_security_records::month))
            .select((social_security_records::id, SocialSecurityRow::as_select()))
            .load(conn)?;
        group(&mut all, social_security, |r| &r.uscc, |all| &mut all.social_security);
        let penalties: Vec<(i64, PenaltyRow)> = penalty_records::table
            .filter(penalty_records::uscc.eq_any(usccs))
            .order((penalty_records::uscc, penalty_records::decided_on.desc(), penalty_records::id))
            .select((penalty_records::id, PenaltyRow::as_select()))
            .load(conn)?;
        group(&mut all, penalties, |r| &r.uscc, |all| &mut all.penalties);
        let honours: Vec<(i64, HonourRow)> = honour_records::table
            .filter(honour_records::uscc.eq_any(usccs))
            .order((honour_records::uscc, honour_records::awarded_on.desc(), honour_records::id))
            .select((honour_records::id, HonourRow::as_select()))
            .load(conn)?;
        group(&mut all, honours, |r| &r.uscc, |all| &mut all.honours);
        Ok(all)
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

/// Appends each row to the records of its enterprise, keeping the query's order.
fn group<R>(
    all: &mut HashMap<String, Records>,
    rows: Vec<(i64, R)>,
    uscc: fn(&R) -> &String,
    list: fn(&mut Records) -> &mut Vec<(i64, R)>,
) {
    for (id, row) in rows {
        let records = match all.get_mut(uscc(&row)) {
            Some(records) => records,
            None => all.entry(uscc(&row).clone()).or_default(),
        };
        list(records).push((id, row));
    }
}

/// An evaluation as stored, with every factor's contribution (JSON).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = credit_evaluations, primary_key(uscc))]
struct EvaluationRow<'a> {
    uscc: &'a str,
    model_version: &'a str,
    score: i32,
    grade: &'a str,
    risk_level: &'a str,
    dishonest: bool,
    factors: String,
    computed_at: chrono::NaiveDateTime,
}

impl<'a> EvaluationRow<'a> {
    fn new(uscc: &'a str, evaluation: &'a Evaluation, now: chrono::NaiveDateTime) -> EvaluationRow<'a> {
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
        EvaluationRow {
            uscc,
            model_version: evaluation.model_version,
            score: i32::from(evaluation.score),
            grade: evaluation.grade.as_str(),
            risk_level: evaluation.risk.as_str(),
            dishonest: evaluation.dishonest,
            factors: serde_json::to_string(&factors).unwrap_or_default(),
            computed_at: now,
        }
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
    let row = EvaluationRow::new(uscc, &evaluation, now);
    let updated = diesel::update(credit_evaluations::table.find(uscc)).set(&row).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(credit_evaluations::table).values(&row).execute(conn)?;
    }
    crate::models::whitelist::refresh_one(conn, uscc)?;
    Ok(Some(evaluation))
}

/// Recomputes the evaluations of `usccs`, a few hundred per transaction.
pub fn recompute<'a>(db: &Db, clock: &dyn Clock, usccs: impl Iterator<Item = &'a str>) -> anyhow::Result<usize> {
    let mut conn = db.get_streaming()?;
    let as_of = crate::clock::beijing(clock.now()).date_naive();
    let mut usccs = usccs.peekable();
    let mut done = 0;
    while usccs.peek().is_some() {
        let chunk: Vec<&str> = usccs.by_ref().take(BATCH).collect();
        let now = clock.now();
        done += write_tx(&mut conn, |c| recompute_chunk(c, &chunk, as_of, now))?;
    }
    Ok(done)
}

/// [`recompute_one`] for each of `usccs`, with one query per table to load
/// their records, one UPDATE per evaluation already stored and multi-row
/// INSERTs for the new ones. Returns how many are enterprises on record.
fn recompute_chunk(
    conn: &mut DbConn,
    usccs: &[&str],
    as_of: NaiveDate,
    now: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    let established: HashMap<String, NaiveDate> = enterprises::table
        .filter(enterprises::uscc.eq_any(usccs))
        .select((enterprises::uscc, enterprises::established_on))
        .load(conn)?
        .into_iter()
        .collect();
    let stored: HashSet<String> = credit_evaluations::table
        .filter(credit_evaluations::uscc.eq_any(usccs))
        .select(credit_evaluations::uscc)
        .load(conn)?
        .into_iter()
        .collect();
    let records = Records::load_many(conn, usccs)?;
    let (none, mut evaluations, mut done) = (Records::default(), Vec::new(), HashSet::new());
    for &uscc in usccs {
        let (Some(&established_on), Ok(code)) = (established.get(uscc), Uscc::parse(uscc)) else { continue };
        let evaluation = records.get(uscc).unwrap_or(&none).evaluate(&code, established_on, as_of);
        // A USCC given twice is evaluated (and counted) twice, stored once.
        evaluations.push((uscc, done.insert(uscc).then_some(evaluation)));
    }
    let mut new = Vec::new();
    for (uscc, evaluation) in &evaluations {
        let Some(evaluation) = evaluation else { continue };
        let row = EvaluationRow::new(uscc, evaluation, now);
        if stored.contains(*uscc) {
            diesel::update(credit_evaluations::table.find(*uscc)).set(&row).execute(conn)?;
        } else {
            new.push(row);
        }
    }
    for part in new.chunks(ROWS_PER_INSERT) {
        on_backend!(&mut *conn, |c| diesel::insert_into(credit_evaluations::table).values(part).execute(c))?;
    }
    Ok(evaluations.len())
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
