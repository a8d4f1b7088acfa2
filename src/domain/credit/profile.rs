//! Profile factors: honours valid on the evaluation date (荣誉) and years in
//! operation (经营年限).

use std::collections::BTreeSet;

use chrono::{Months, NaiveDate};

use super::Factor;
use super::calendar::{date_text, full_years};
use crate::domain::records::HonourRecord;

pub(super) const HONOURS_MAX: i32 = 40;
pub(super) const YEARS_MAX: i32 = 50;
const POINTS_PER_YEAR: i32 = 5;
/// Honours that rest on an audited assessment of the whole enterprise weigh double.
const MAJOR_HONOURS: [&str; 3] = ["高新技术", "专精特新", "AEO"];
const MAJOR_POINTS: i32 = 20;
const OTHER_POINTS: i32 = 10;

pub(super) fn honour_points(honour: &str) -> i32 {
    if MAJOR_HONOURS.iter().any(|m| honour.to_uppercase().contains(m)) { MAJOR_POINTS } else { OTHER_POINTS }
}

fn valid_on(record: &HonourRecord, as_of: NaiveDate) -> bool {
    record.awarded_on <= as_of && record.expires_on.is_none_or(|expires| as_of <= expires)
}

pub(super) fn honours_factor(records: &[HonourRecord], as_of: NaiveDate) -> Factor {
    const CODE: &str = "honours";
    const LABEL: &str = "荣誉";
    // One honour counts once however often it was renewed; sorted for a stable text.
    let valid: BTreeSet<&str> = records.iter().filter(|r| valid_on(r, as_of)).map(|r| r.honour.trim()).collect();
    let expired: BTreeSet<&str> = records
        .iter()
        .filter(|r| r.awarded_on <= as_of && !valid.contains(r.honour.trim()))
        .map(|r| r.honour.trim())
        .collect();
    let expired_note = if expired.is_empty() {
        String::new()
    } else {
        format!("；{}已过期，不计入", expired.into_iter().collect::<Vec<_>>().join("、"))
    };
    let how = "可申报高新技术企业、专精特新中小企业、海关AEO认证（每项20分），或争取A级纳税人等其他荣誉（每项10分），本项最多40分";
    if valid.is_empty() {
        return Factor::new(
            CODE,
            LABEL,
            0,
            HONOURS_MAX,
            format!("暂无在有效期内的荣誉记录，本项不加分也不扣分{expired_note}"),
            Some(format!("符合条件的{how}")),
        );
    }
    let sum: i32 = valid.iter().map(|h| honour_points(h)).sum();
    let points = sum.min(HONOURS_MAX);
    let listed: Vec<String> = valid.iter().map(|h| format!("{h}（{}分）", honour_points(h))).collect();
    let cap_note = if sum > HONOURS_MAX { format!("，以{HONOURS_MAX}分为限") } else { String::new() };
    let explanation = format!("有效荣誉{}项：{}，计{points}分{cap_note}{expired_note}", valid.len(), listed.join("、"));
    let advice = (points < HONOURS_MAX).then(|| format!("到期前及时复审；符合条件的还{how}"));
    Factor::new(CODE, LABEL, points, HONOURS_MAX, explanation, advice)
}

pub(super) fn years_factor(established_on: NaiveDate, as_of: NaiveDate) -> Factor {
    let years = full_years(established_on, as_of);
    let points = POINTS_PER_YEAR * years.min(YEARS_MAX / POINTS_PER_YEAR);
    let explanation = format!(
        "成立于{}，至评价日经营满{years}年（每满1年{POINTS_PER_YEAR}分，最多{YEARS_MAX}分），计{points}分",
        date_text(established_on)
    );
    let advice = (points < YEARS_MAX).then(|| {
        let next = established_on.checked_add_months(Months::new(12 * (years as u32 + 1)));
        let when = next.map_or(String::new(), date_text);
        let full = if years + 1 >= YEARS_MAX / POINTS_PER_YEAR { "，达到满分" } else { "，满10年得满分" };
        format!("持续稳健经营：{when}经营满{}年后本项增加{POINTS_PER_YEAR}分{full}", years + 1)
    });
    Factor::new("years_in_operation", "经营年限", points, YEARS_MAX, explanation, advice)
}
