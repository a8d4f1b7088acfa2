//! The property factor (不动产): what the enterprise owns, by assessed value, and how
//! much of it is still free of mortgage and so could secure new credit.

use std::collections::BTreeSet;

use super::Factor;
use super::calendar::{div_round, percent_text};
use crate::domain::Money;
use crate::domain::records::PropertyRecord;

pub(super) const MAX: i32 = 60;
/// The share of value free of mortgage earns up to this much on top of the value tier.
const UNENCUMBERED_MAX: i32 = 20;
/// (lowest total assessed value in yuan, points), highest first.
const VALUE_TIERS: [(i64, i32, &str); 3] =
    [(10_000_000, 40, "1000万元及以上"), (5_000_000, 30, "500万元及以上"), (1_000_000, 20, "100万元及以上")];
const SMALL_VALUE: (i32, &str) = (10, "不足100万元");

pub(super) fn factor(records: &[PropertyRecord]) -> Factor {
    const CODE: &str = "property";
    const LABEL: &str = "不动产";
    if records.is_empty() {
        return Factor::new(
            CODE,
            LABEL,
            0,
            MAX,
            "暂无登记在企业名下的不动产，本项不加分也不扣分（租赁经营不扣分）".into(),
            Some("如有自有土地、厂房或办公用房，请核对不动产登记是否在企业名下并已归集".into()),
        );
    }
    let total: i64 = records.iter().map(|r| r.assessed_value.fen().max(0)).sum();
    let mortgaged: i64 = records.iter().filter(|r| r.mortgaged).map(|r| r.assessed_value.fen().max(0)).sum();
    let kinds: BTreeSet<&str> = records.iter().map(|r| r.kind.as_str()).collect();
    let kinds: Vec<&str> = kinds.into_iter().collect();
    let held = format!("名下不动产{}处（{}）", records.len(), kinds.join("、"));
    if total == 0 {
        return Factor::new(
            CODE,
            LABEL,
            0,
            MAX,
            format!("{held}，暂无评估价值，本项不加分也不扣分"),
            Some("请向不动产登记部门核对评估价值，评估价值归集后计入评分".into()),
        );
    }
    let (tier, band) = VALUE_TIERS
        .iter()
        .find(|(least, _, _)| total >= least * 100)
        .map_or(SMALL_VALUE, |&(_, points, band)| (points, band));
    let free = i128::from(total - mortgaged);
    let bonus = div_round(i128::from(UNENCUMBERED_MAX) * free, total.into()) as i32;
    let points = tier + bonus;
    let explanation = format!(
        "{held}，评估价值合计{}（{band}，计{tier}分）；其中已抵押{}，未抵押部分占{}（{UNENCUMBERED_MAX}分×占比，计{bonus}分）",
        Money::from_fen(total).wan_text(),
        Money::from_fen(mortgaged).wan_text(),
        percent_text(free, total.into()),
    );
    let advice = (bonus < UNENCUMBERED_MAX).then(|| {
        format!(
            "相关贷款结清后及时办理抵押注销登记：未抵押部分占比越高得分越高，全部解除抵押可再得{}分",
            UNENCUMBERED_MAX - bonus
        )
    });
    Factor::new(CODE, LABEL, points, MAX, explanation, advice)
}
