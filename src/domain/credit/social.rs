//! Social security factors: how many people are insured (社保参保人数), how steady that
//! number was over the last 12 months (社保参保稳定性), and months in arrears (社保欠费).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::Factor;
use super::calendar::{MonthWindow, month_index, month_text, percent_text};
use super::utilities::arrears_points;
use crate::domain::Money;
use crate::domain::records::SocialSecurityRecord;

pub(super) const HEADCOUNT_MAX: i32 = 50;
pub(super) const STABILITY_MAX: i32 = 30;
pub(super) const ARREARS_MAX: i32 = 20;
/// Below six months the variation says little: a new firm's first hires would look unstable.
const STABILITY_MIN_MONTHS: usize = 6;

/// (lowest headcount, points), highest first.
const HEADCOUNT_TIERS: [(i32, i32); 5] = [(100, 50), (50, 40), (20, 30), (10, 20), (1, 10)];

#[derive(Clone, Copy, Default)]
struct Month {
    insured: i32,
    arrears: i64,
}

/// The last 12 months, one entry per month. A duplicated month (the keys forbid it)
/// keeps the larger figures, so the result does not depend on input order.
fn by_month(records: &[SocialSecurityRecord], as_of: NaiveDate) -> BTreeMap<i32, Month> {
    let window = MonthWindow::before(as_of, 0, 12);
    let mut months: BTreeMap<i32, Month> = BTreeMap::new();
    for record in records.iter().filter(|r| window.contains(r.month)) {
        let month = months.entry(month_index(record.month)).or_default();
        month.insured = month.insured.max(record.insured.max(0));
        month.arrears = month.arrears.max(record.arrears.fen().max(0));
    }
    months
}

fn no_records(code: &'static str, label: &'static str, max: i32, as_of: NaiveDate, advice: Option<&str>) -> Factor {
    let window = MonthWindow::before(as_of, 0, 12);
    Factor::new(
        code,
        label,
        0,
        max,
        format!("近12个月（{}）暂无社保缴纳记录，本项不加分也不扣分", window.text()),
        advice.map(str::to_string),
    )
}

pub(super) fn headcount_factor(records: &[SocialSecurityRecord], as_of: NaiveDate) -> Factor {
    const CODE: &str = "social_headcount";
    const LABEL: &str = "社保参保人数";
    let months = by_month(records, as_of);
    let Some((&month, latest)) = months.last_key_value() else {
        let advice = "依法为员工缴纳社会保险：参保1人以上即可得10分，100人以上得满分50分";
        return no_records(CODE, LABEL, HEADCOUNT_MAX, as_of, Some(advice));
    };
    let insured = latest.insured;
    let tier = HEADCOUNT_TIERS.iter().position(|&(least, _)| insured >= least);
    let points = tier.map_or(0, |i| HEADCOUNT_TIERS[i].1);
    let band = tier.map_or("0人".to_string(), |i| format!("{}人及以上", HEADCOUNT_TIERS[i].0));
    let explanation = format!("最近一期（{}）参保{insured}人（{band}，计{points}分）", month_text(month));
    // The next tier up, if there is one.
    let next = match tier {
        Some(0) => None,
        Some(i) => Some(HEADCOUNT_TIERS[i - 1]),
        None => HEADCOUNT_TIERS.last().copied(),
    };
    let advice = next.map(|(least, pts)| format!("为全部在职员工足额参保：参保人数达到{least}人可得{pts}分"));
    Factor::new(CODE, LABEL, points, HEADCOUNT_MAX, explanation, advice)
}

pub(super) fn stability_factor(records: &[SocialSecurityRecord], as_of: NaiveDate) -> Factor {
    const CODE: &str = "social_stability";
    const LABEL: &str = "社保参保稳定性";
    let months = by_month(records, as_of);
    if months.is_empty() {
        return no_records(CODE, LABEL, STABILITY_MAX, as_of, None);
    }
    if months.len() < STABILITY_MIN_MONTHS {
        return Factor::new(
            CODE,
            LABEL,
            0,
            STABILITY_MAX,
            format!("近12个月仅{}个月有社保记录，不足6个月，稳定性暂不评价", months.len()),
            Some("连续参保满6个月后评价稳定性，参保人数波动在10%以内可得30分".into()),
        );
    }
    let most = months.values().map(|m| m.insured).max().unwrap_or(0);
    let least = months.values().map(|m| m.insured).min().unwrap_or(0);
    if most == 0 {
        return Factor::new(
            CODE,
            LABEL,
            0,
            STABILITY_MAX,
            format!("近12个月{}个月的社保记录参保人数均为0，稳定性不评价", months.len()),
            Some("为员工参保并保持稳定，参保人数波动在10%以内可得30分".into()),
        );
    }
    let (spread, top) = (i128::from(most - least), i128::from(most));
    let (points, band) = if spread * 100 <= top * 10 {
        (30, "10%以内")
    } else if spread * 100 <= top * 25 {
        (20, "10%–25%")
    } else if spread * 100 <= top * 50 {
        (5, "25%–50%")
    } else {
        (-10, "超过50%")
    };
    let explanation = format!(
        "近12个月有{}个月参保记录，参保人数在{least}–{most}人之间，波动幅度{}（(最多−最少)÷最多，{band}，计{points}分）",
        months.len(),
        percent_text(spread, top),
    );
    let advice = (points < STABILITY_MAX).then(|| "稳定用工、持续参保：参保人数波动在10%以内可得30分".to_string());
    Factor::new(CODE, LABEL, points, STABILITY_MAX, explanation, advice)
}

pub(super) fn arrears_factor(records: &[SocialSecurityRecord], as_of: NaiveDate) -> Factor {
    const CODE: &str = "social_arrears";
    const LABEL: &str = "社保欠费";
    let months = by_month(records, as_of);
    let Some((&latest_month, latest)) = months.last_key_value() else {
        return no_records(CODE, LABEL, ARREARS_MAX, as_of, None);
    };
    let months_in_arrears = months.values().filter(|m| m.arrears > 0).count();
    let points = arrears_points(months_in_arrears);
    let outstanding = Money::from_fen(latest.arrears);
    let (explanation, advice) = if months_in_arrears == 0 {
        (format!("近12个月中有{}个月有社保记录，均无欠缴", months.len()), None)
    } else {
        let now =
            if latest.arrears > 0 { format!("欠缴{}", outstanding.yuan_text()) } else { "已无欠缴".to_string() };
        let explanation = format!(
            "近12个月有{months_in_arrears}个月存在社保欠缴（每月扣5分，最多扣40分），最近一期（{}）{now}",
            month_text(latest_month),
        );
        let advice = if latest.arrears > 0 {
            format!("尽快补缴当前欠缴的社保费{}并按月足额缴纳；连续12个月无欠缴可得20分", outstanding.yuan_text())
        } else {
            "欠缴已补缴，继续按月足额缴纳；欠缴月份移出近12个月后可得20分".to_string()
        };
        (explanation, Some(advice))
    };
    Factor::new(CODE, LABEL, points, ARREARS_MAX, explanation, advice)
}
