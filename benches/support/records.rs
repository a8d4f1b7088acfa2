//! The recompute data set, inserted directly (multi-row inserts in one
//! transaction): enterprises with a few records each, so that the benchmark
//! measures the recomputation and not the import.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use xinyidai::db::{Db, write_tx};
use xinyidai::models::credit_record::{PenaltyRow, SocialSecurityRow, TaxRow, UtilityRow};
use xinyidai::models::enterprise::NewEnterprise;
use xinyidai::schema::{enterprises, penalty_records, regions, social_security_records, tax_records, utility_records};

use super::ROWS_PER_INSERT;
use super::generate::{month_before, uscc};

/// Enterprises `0..count`, each with 2 tax years, 6 months of electricity,
/// 3 months of social security, and one in 25 with a penalty. Returns the rows stored.
pub fn seed(db: &Db, count: usize, last_month: NaiveDate, now: NaiveDateTime) -> anyhow::Result<usize> {
    let mut conn = db.get_streaming()?;
    let as_of = last_month;
    let (department, batch_id) = ("基准数据", None);
    let mut stored = 0;
    write_tx(&mut conn, |c| -> anyhow::Result<()> {
        diesel::insert_into(regions::table)
            .values((regions::code.eq("990101"), regions::name.eq("云海市高新区")))
            .execute(c)?;
        for start in (0..count).step_by(ROWS_PER_INSERT) {
            let range = start..(start + ROWS_PER_INSERT).min(count);
            let registry: Vec<_> = range
                .clone()
                .map(|n| NewEnterprise {
                    uscc: uscc(n),
                    name: format!("云海基准{n}号有限公司"),
                    legal_representative: format!("张{n}"),
                    registered_capital_fen: 100_000_000,
                    established_on: NaiveDate::from_ymd_opt(2005 + (n % 18) as i32, 3, 1).unwrap(),
                    region: "990101".into(),
                    industry: "C".into(),
                    size_class: ["micro", "small", "medium"][n % 3].into(),
                    address: format!("云海市高新区 {n} 号"),
                    contact_email: None,
                    contact_mobile: None,
                    department: Some(department.into()),
                    as_of: Some(as_of),
                    batch_id,
                    created_at: now,
                    updated_at: now,
                })
                .collect();
            stored += insert_many!(c, enterprises::table, &registry)?;
            let tax: Vec<TaxRow> = range
                .clone()
                .flat_map(|n| {
                    (0..2).map(move |y| TaxRow {
                        uscc: uscc(n),
                        year: 2023 + y,
                        tax_grade: ["A", "B", "M", "C"][(n + y as usize) % 4].into(),
                        tax_paid_fen: (n as i64 % 500 + 1) * 1_000_000,
                        revenue_fen: (n as i64 % 500 + 1) * 20_000_000,
                        department: department.into(),
                        as_of,
                        batch_id,
                    })
                })
                .collect();
            stored += insert_many!(c, tax_records::table, &tax)?;
            let utilities: Vec<UtilityRow> = range
                .clone()
                .flat_map(|n| {
                    (0..6).map(move |back| UtilityRow {
                        uscc: uscc(n),
                        month: month_before(as_of, back),
                        utility: "electricity".into(),
                        usage_centi: (n as i64 % 900 + 100) * 100,
                        billed_fen: (n as i64 % 900 + 100) * 80,
                        arrears_fen: if n % 13 == 0 && back == 0 { 35_000 } else { 0 },
                        department: department.into(),
                        as_of,
                        batch_id,
                    })
                })
                .collect();
            stored += insert_many!(c, utility_records::table, &utilities)?;
            let social: Vec<SocialSecurityRow> = range
                .clone()
                .flat_map(|n| {
                    (0..3).map(move |back| SocialSecurityRow {
                        uscc: uscc(n),
                        month: month_before(as_of, back),
                        insured: (n % 80) as i32 + 1,
                        arrears_fen: 0,
                        department: department.into(),
                        as_of,
                        batch_id,
                    })
                })
                .collect();
            stored += insert_many!(c, social_security_records::table, &social)?;
            let penalties: Vec<PenaltyRow> = range
                .filter(|n| n % 25 == 0)
                .map(|n| PenaltyRow {
                    authority: "云海市市场监督管理局".into(),
                    case_no: format!("云市监罚〔2025〕{n}号"),
                    uscc: uscc(n),
                    decided_on: month_before(as_of, 8),
                    kind: "administrative_penalty".into(),
                    amount_fen: 2_000_000,
                    status: "active".into(),
                    ended_on: None,
                    department: department.into(),
                    as_of,
                    batch_id,
                })
                .collect();
            stored += insert_many!(c, penalty_records::table, &penalties)?;
        }
        Ok(())
    })?;
    Ok(stored)
}
