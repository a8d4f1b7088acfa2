//! Utility factors: months with water, electricity or gas usage (水电气使用连续性), a
//! sign the enterprise is actually operating, and months in arrears (水电气欠费).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::Factor;
use super::calendar::{MonthWindow, month_index, month_text};
use crate::domain::Money;
use crate::domain::records::{Utility, UtilityRecord};

pub(super) const USAGE_MAX: i32 = 60;
pub(super) const ARREARS_MAX: i32 = 20;
const POINTS_RECENT_MONTH: i32 = 3;
const POINTS_OLDER_MONTH: i32 = 2;
const ARREARS_PER_MONTH: i32 = -5;
const ARREARS_FLOOR: i32 = -40;

/// Shared with social security: a clean year earns the maximum, each month in
/// arrears costs 5 points, down to -40 (eight months or more).
pub(super) fn arrears_points(months_in_arrears: usize) -> i32 {
    if months_in_arrears == 0 { ARREARS_MAX } else { (ARREARS_PER_MONTH * months_in_arrears as i32).max(ARREARS_FLOOR) }
}

fn utilities_text(records: &[&UtilityRecord]) -> String {
    let kinds: BTreeSet<&str> = records.iter().map(|r| r.utility.label()).collect();
    // Fixed order 水、电、气 whatever the records' order.
    [Utility::Water, Utility::Electricity, Utility::Gas]
        .iter()
        .map(|u| u.label())
        .filter(|l| kinds.contains(l))
        .collect::<Vec<_>>()
        .join("、")
}

pub(super) fn usage_factor(records: &[UtilityRecord], as_of: NaiveDate) -> Factor {
    const CODE: &str = "utility_usage";
    const LABEL: &str = "水电气使用连续性";
    let recent = MonthWindow::before(as_of, 0, 12);
    let older = MonthWindow::before(as_of, 12, 12);
    let in_windows: Vec<&UtilityRecord> =
        records.iter().filter(|r| recent.contains(r.month) || older.contains(r.month)).collect();
    if in_windows.is_empty() {
        return Factor::new(
            CODE,
            LABEL,
            0,
            USAGE_MAX,
            "暂无近24个月水电气缴费记录，本项不加分也不扣分".into(),
            Some(
                "请核对供水、供电、燃气的户名是否为本企业；以企业名义开户缴费的记录归集后，近12个月每月有用量得3分"
                    .into(),
            ),
        );
    }
    let used: BTreeSet<i32> =
        in_windows.iter().filter(|r| r.usage > Decimal::ZERO).map(|r| month_index(r.month)).collect();
    let recent_months = used.iter().filter(|&&m| (recent.first..=recent.last).contains(&m)).count() as i32;
    let older_months = used.len() as i32 - recent_months;
    let points = POINTS_RECENT_MONTH * recent_months + POINTS_OLDER_MONTH * older_months;
    let explanation = format!(
        "近12个月（{}）有{recent_months}个月有用量（每月{POINTS_RECENT_MONTH}分，计{}分）；\
         此前12个月（{}）有{older_months}个月有用量（每月{POINTS_OLDER_MONTH}分，计{}分）；涉及{}",
        recent.text(),
        POINTS_RECENT_MONTH * recent_months,
        older.text(),
        POINTS_OLDER_MONTH * older_months,
        utilities_text(&in_windows),
    );
    let advice = (points < USAGE_MAX).then(|| {
        format!("持续以企业名义用水用电用气：近12个月中还有{}个月无用量记录，每补足一个月可得3分", 12 - recent_months)
    });
    Factor::new(CODE, LABEL, points, USAGE_MAX, explanation, advice)
}

pub(super) fn arrears_factor(records: &[UtilityRecord], as_of: NaiveDate) -> Factor {
    const CODE: &str = "utility_arrears";
    const LABEL: &str = "水电气欠费";
    let recent = MonthWindow::before(as_of, 0, 12);
    // Arrears per month, summed over water, electricity and gas.
    let mut by_month: BTreeMap<i32, i64> = BTreeMap::new();
    for record in records.iter().filter(|r| recent.contains(r.month)) {
        *by_month.entry(month_index(record.month)).or_default() += record.arrears.fen().max(0);
    }
    let Some((&latest_month, &latest_arrears)) = by_month.last_key_value() else {
        return Factor::new(
            CODE,
            LABEL,
            0,
            ARREARS_MAX,
            format!("近12个月（{}）暂无水电气缴费记录，无法判断欠费情况，本项不加分也不扣分", recent.text()),
            None,
        );
    };
    let months_in_arrears = by_month.values().filter(|&&fen| fen > 0).count();
    let points = arrears_points(months_in_arrears);
    let latest = Money::from_fen(latest_arrears);
    let (explanation, advice) = if months_in_arrears == 0 {
        (format!("近12个月（{}）中有{}个月有缴费记录，均无欠费", recent.text(), by_month.len()), None)
    } else {
        let now = if latest_arrears > 0 { format!("欠费{}", latest.yuan_text()) } else { "已无欠费".to_string() };
        let explanation = format!(
            "近12个月（{}）有{months_in_arrears}个月存在欠费（每月扣5分，最多扣40分），最近一期（{}）{now}",
            recent.text(),
            month_text(latest_month),
        );
        let advice = if latest_arrears > 0 {
            format!("尽快结清当前欠费{}并按月按时缴费；连续12个月无欠费可得20分", latest.yuan_text())
        } else {
            "欠费已结清，继续按月按时缴费；欠费月份移出近12个月后可得20分".to_string()
        };
        (explanation, Some(advice))
    };
    Factor::new(CODE, LABEL, points, ARREARS_MAX, explanation, advice)
}
