//! Three years of department records for the demo city, with a spread of
//! grades: most enterprises pay their bills, some fall behind, a few carry
//! penalties (some repaired), one is a dishonest judgment debtor. Stored as
//! demo import batches so that every item shows a source and a batch.

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use crate::db::DbConn;
use crate::domain::records::*;
use crate::domain::{Money, Uscc};
use crate::models::credit_record::{Provenance, store};
use crate::models::import_batch::{ImportBatch, NewBatch};
use crate::schema::enterprises;

fn batch(
    conn: &mut DbConn,
    kind: RecordKind,
    department: &str,
    as_of: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<Provenance> {
    let new = NewBatch { kind, department, as_of, file_name: "演示数据.csv", uploaded_by: None };
    let id = ImportBatch::begin(conn, &new, now)?;
    ImportBatch::queue(conn, id, 0)?;
    ImportBatch::finish(conn, id, 0, 0, now)?;
    ImportBatch::recomputed(conn, id, now)?;
    Ok(Provenance { department: department.into(), as_of, batch_id: id })
}

/// Adds the records to every enterprise on record; call inside the demo transaction.
pub fn add(conn: &mut DbConn, rng: &mut StdRng, now: NaiveDateTime) -> QueryResult<Vec<String>> {
    let today = crate::clock::beijing(now).date_naive();
    let this_month = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).expect("date");
    let as_of = this_month.pred_opt().expect("date");
    let tax = batch(conn, RecordKind::Tax, "云海市税务局", as_of, now)?;
    let utilities = batch(conn, RecordKind::Utilities, "云海供电公司、云海水务集团、云海燃气公司", as_of, now)?;
    let social = batch(conn, RecordKind::SocialSecurity, "云海市人力资源和社会保障局", as_of, now)?;
    let property = batch(conn, RecordKind::Property, "云海市自然资源和规划局", as_of, now)?;
    let penalties = batch(conn, RecordKind::Penalties, "云海市市场监督管理局、云海市中级人民法院", as_of, now)?;
    let honours = batch(conn, RecordKind::Honours, "云海市税务局、云海市科学技术局", as_of, now)?;

    let firms: Vec<(String, String, NaiveDate, i64)> = enterprises::table
        .order(enterprises::id)
        .select((
            enterprises::uscc,
            enterprises::name,
            enterprises::established_on,
            enterprises::registered_capital_fen,
        ))
        .load(conn)?;
    let mut usccs = Vec::with_capacity(firms.len());
    for (index, (uscc, _name, established, capital)) in firms.iter().enumerate() {
        let code = Uscc::parse(uscc).expect("demo codes are valid");
        // The demo enterprise (first) is a sound firm; one in twelve struggles.
        let quality: f64 = if index == 0 { 0.9 } else { rng.random_range(0.0..1.0) };
        let scale = (*capital as f64 / 100_000_000.0).clamp(0.3, 30.0);
        for year in (today.year() - 3)..today.year() {
            if NaiveDate::from_ymd_opt(year, 12, 31).expect("date") < *established {
                continue;
            }
            let grade = match quality {
                q if q > 0.7 => TaxGrade::A,
                q if q > 0.35 => TaxGrade::B,
                q if q > 0.15 => TaxGrade::M,
                q if q > 0.06 => TaxGrade::C,
                _ => TaxGrade::D,
            };
            let revenue = (scale * rng.random_range(1_500_000.0..4_000_000.0)) as i64;
            let record = TaxRecord {
                uscc: code.clone(),
                year,
                tax_grade: grade,
                tax_paid: Money::from_yuan(revenue / rng.random_range(18..35)),
                revenue: Money::from_yuan(revenue),
            };
            store(conn, &Record::Tax(record), &tax, now)?;
        }
        let headcount = (scale * rng.random_range(6.0..20.0)).round().max(2.0) as i32;
        for back in 1..=36u32 {
            let month = this_month - Months::new(back);
            if month < *established {
                continue;
            }
            let behind = quality < 0.12 && back <= 6;
            let kwh = scale * rng.random_range(8_000.0..12_000.0);
            for (utility, usage, price) in [(Utility::Electricity, kwh, 0.78), (Utility::Water, kwh / 40.0, 3.5)] {
                let billed = (usage * price * 100.0) as i64;
                let record = UtilityRecord {
                    uscc: code.clone(),
                    month,
                    utility,
                    usage: Decimal::new((usage * 100.0) as i64, 2),
                    billed: Money::from_fen(billed),
                    arrears: Money::from_fen(if behind { billed } else { 0 }),
                };
                store(conn, &Record::Utility(record), &utilities, now)?;
            }
            let swing = rng.random_range(-1..=1);
            let record = SocialSecurityRecord {
                uscc: code.clone(),
                month,
                insured: (headcount + swing - if behind { 2 } else { 0 }).max(1),
                arrears: Money::from_yuan(if behind { i64::from(headcount) * 1_100 } else { 0 }),
            };
            store(conn, &Record::SocialSecurity(record), &social, now)?;
        }
        if quality > 0.5 || index == 0 {
            let record = PropertyRecord {
                uscc: code.clone(),
                certificate_no: format!("云(2021)云海市不动产权第{:07}号", 1_000 + index),
                kind: if index % 3 == 0 { "工业用地及厂房" } else { "办公用房" }.into(),
                area: Decimal::new(rng.random_range(8_000..300_000), 2),
                assessed_value: Money::from_yuan((scale * rng.random_range(600_000.0..2_000_000.0)) as i64),
                mortgaged: rng.random_bool(0.3),
            };
            store(conn, &Record::Property(record), &property, now)?;
        }
        if quality < 0.2 || index == 0 {
            let decided = today - chrono::Days::new(rng.random_range(60..900));
            let repaired = index == 0 || rng.random_bool(0.4);
            let record = PenaltyRecord {
                uscc: code.clone(),
                case_no: format!("云市监罚〔{}〕{}号", decided.year(), 100 + index),
                decided_on: decided,
                authority: "云海市市场监督管理局".into(),
                kind: PenaltyKind::AdministrativePenalty,
                amount: Money::from_yuan(rng.random_range(2..50) * 1_000),
                status: if repaired { PenaltyStatus::Repaired } else { PenaltyStatus::Active },
                ended_on: repaired.then(|| decided + chrono::Days::new(45)),
            };
            store(conn, &Record::Penalty(record), &penalties, now)?;
        }
        if index == 7 {
            let record = PenaltyRecord {
                uscc: code.clone(),
                case_no: format!("（{}）云01执{}号", today.year() - 1, 3_000 + index),
                decided_on: today - chrono::Days::new(200),
                authority: "云海市中级人民法院".into(),
                kind: PenaltyKind::DishonestDebtor,
                amount: Money::from_yuan(386_000),
                status: PenaltyStatus::Active,
                ended_on: None,
            };
            store(conn, &Record::Penalty(record), &penalties, now)?;
        }
        if quality > 0.7 {
            let record = HonourRecord {
                uscc: code.clone(),
                honour: if index % 2 == 0 { "A级纳税人" } else { "高新技术企业" }.into(),
                issuer: if index % 2 == 0 { "云海市税务局" } else { "云海市科学技术局" }.into(),
                awarded_on: NaiveDate::from_ymd_opt(today.year() - 1, 6, 1).expect("date"),
                expires_on: NaiveDate::from_ymd_opt(today.year() + 2, 5, 31),
            };
            store(conn, &Record::Honour(record), &honours, now)?;
        }
        usccs.push(uscc.clone());
    }
    Ok(usccs)
}

/// Keeps the generator seeded the same way wherever the demo is loaded.
pub fn rng() -> StdRng {
    StdRng::seed_from_u64(4_754)
}
