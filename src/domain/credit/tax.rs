//! Tax factors: the tax credit grade (纳税信用等级) of the last three completed years,
//! and whether tax was paid every year and is growing (纳税连续性与趋势).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::Factor;
use super::calendar::{div_round, percent_text};
use crate::domain::records::{TaxGrade, TaxRecord};

pub(super) const GRADE_MAX: i32 = 120;
pub(super) const PAID_MAX: i32 = 60;
/// Weights of the latest, second and third latest year on record: this year's
/// behaviour says more than three years ago, but one bad year is not everything.
const WEIGHTS: [i32; 3] = [3, 2, 1];
const POINTS_PER_YEAR_PAID: i32 = 10;

pub(super) fn grade_points(grade: TaxGrade) -> i32 {
    match grade {
        TaxGrade::A => 120,
        TaxGrade::B => 80,
        // M: newly established or no income yet, a neutral-to-positive start.
        TaxGrade::M => 40,
        TaxGrade::C => -60,
        TaxGrade::D => -150,
    }
}

/// The last three completed tax years: the current year has no grade yet.
fn window(as_of: NaiveDate) -> (i32, i32) {
    let last = as_of.year() - 1;
    (last - 2, last)
}

/// One record per year in the window, latest first. Should a year appear twice
/// (the keys forbid it, but the model must not depend on input order) the worse
/// grade, then the smaller amount, is kept.
fn recent(records: &[TaxRecord], as_of: NaiveDate) -> Vec<&TaxRecord> {
    let (first, last) = window(as_of);
    let mut by_year: BTreeMap<i32, &TaxRecord> = BTreeMap::new();
    for record in records.iter().filter(|r| (first..=last).contains(&r.year)) {
        by_year
            .entry(record.year)
            .and_modify(|kept| {
                if (record.tax_grade, std::cmp::Reverse(record.tax_paid))
                    > (kept.tax_grade, std::cmp::Reverse(kept.tax_paid))
                {
                    *kept = record;
                }
            })
            .or_insert(record);
    }
    by_year.into_values().rev().collect()
}

pub(super) fn grade_factor(records: &[TaxRecord], as_of: NaiveDate) -> Factor {
    const CODE: &str = "tax_grade";
    const LABEL: &str = "纳税信用等级";
    let (first, last) = window(as_of);
    let recent = recent(records, as_of);
    let Some(latest) = recent.first() else {
        return Factor::new(
            CODE,
            LABEL,
            0,
            GRADE_MAX,
            format!("暂无{first}–{last}年度纳税信用等级记录，本项不加分也不扣分"),
            Some("依法按期申报纳税；税务机关评定纳税信用等级后将计入评分，A级最高可得120分".into()),
        );
    };
    let weighted: i32 = recent.iter().zip(WEIGHTS).map(|(r, w)| w * grade_points(r.tax_grade)).sum();
    let total_weight: i32 = WEIGHTS[..recent.len()].iter().sum();
    let points = div_round(weighted.into(), total_weight.into()) as i32;
    let explanation = if let [only] = recent.as_slice() {
        format!("仅有{}年度评价：{}级，计{points}分", only.year, only.tax_grade.as_str())
    } else {
        let parts: Vec<String> = recent
            .iter()
            .zip(WEIGHTS)
            .map(|(r, w)| format!("{}年度{}级（{}分×{w}）", r.year, r.tax_grade.as_str(), grade_points(r.tax_grade)))
            .collect();
        let weights: Vec<String> = WEIGHTS[..recent.len()].iter().map(i32::to_string).collect();
        format!("{}，按{}加权平均得{points}分", parts.join("、"), weights.join(":"))
    };
    let advice = match latest.tax_grade {
        _ if points >= GRADE_MAX => None,
        TaxGrade::A => Some("保持A级纳税信用：近三个年度均为A级可得满分120分".into()),
        TaxGrade::C | TaxGrade::D => Some(format!(
            "{}年度纳税信用为{}级，严重拉低评分：补缴税款、滞纳金和罚款，纠正失信行为后可向税务机关申请纳税信用修复",
            latest.year,
            latest.tax_grade.as_str()
        )),
        grade => Some(format!(
            "按期足额申报缴税、避免逾期，争取评为A级纳税人：A级计120分，{}级计{}分，最近年度权重最大",
            grade.as_str(),
            grade_points(grade)
        )),
    };
    Factor::new(CODE, LABEL, points, GRADE_MAX, explanation, advice)
}

/// Trend points from the latest amount `a` against the previous one `b` (b > 0).
fn trend_points(a: i128, b: i128) -> (i32, &'static str) {
    if a * 100 >= b * 110 {
        (30, "增长10%及以上")
    } else if a * 100 >= b * 90 {
        (20, "变动在±10%以内")
    } else if a * 100 >= b * 70 {
        (0, "下降10%–30%")
    } else {
        (-20, "下降超过30%")
    }
}

pub(super) fn paid_factor(records: &[TaxRecord], as_of: NaiveDate) -> Factor {
    const CODE: &str = "tax_paid";
    const LABEL: &str = "纳税连续性与趋势";
    let (first, last) = window(as_of);
    let recent = recent(records, as_of);
    if recent.is_empty() {
        return Factor::new(
            CODE,
            LABEL,
            0,
            PAID_MAX,
            format!("暂无{first}–{last}年度纳税记录，本项不加分也不扣分"),
            Some("保持正常经营并依法纳税：近三个年度每年有纳税各得10分，纳税额较上年增长10%以上再得30分".into()),
        );
    }
    let years_paid = recent.iter().filter(|r| r.tax_paid.fen() > 0).count() as i32;
    let continuity = POINTS_PER_YEAR_PAID * years_paid;
    let mut explanation =
        format!("{first}–{last}年度中有{years_paid}个年度纳税（每年{POINTS_PER_YEAR_PAID}分，计{continuity}分）");
    let trend = match recent.as_slice() {
        [latest, previous, ..] if previous.tax_paid.fen() > 0 => {
            let (a, b) = (i128::from(latest.tax_paid.fen()), i128::from(previous.tax_paid.fen()));
            let (points, band) = trend_points(a, b);
            explanation.push_str(&format!(
                "；{}年度纳税{}，较{}年度的{}{}{}（{band}，计{points}分）",
                latest.year,
                latest.tax_paid.wan_text(),
                previous.year,
                previous.tax_paid.wan_text(),
                if a >= b { "增长" } else { "下降" },
                percent_text((a - b).abs(), b),
            ));
            points
        }
        _ => {
            explanation.push_str("；可比年度不足，纳税趋势不计分");
            0
        }
    };
    let points = continuity + trend;
    let mut advice = Vec::new();
    if years_paid < 3 {
        advice.push("保持每年正常经营纳税，近三个年度连续纳税可得30分".to_string());
    }
    if trend < 30 {
        advice.push("纳税额较上年增长10%以上可得趋势分30分".to_string());
    }
    let advice = (!advice.is_empty()).then(|| advice.join("；"));
    Factor::new(CODE, LABEL, points, PAID_MAX, explanation, advice)
}
