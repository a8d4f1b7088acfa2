//! A rule set in words, line by line: the fund page shows them, and the
//! rule change's confirmation sets the version in force beside the new one.

use std::collections::BTreeMap;

use crate::domain::Money;
use crate::domain::fund::{Rules, Tag, ratio_text};
use crate::domain::industry::size_class_label;

/// One line of a rule set: (what, in words).
pub type Line = (&'static str, String);

fn list_or(items: Vec<String>, all: &str) -> String {
    if items.is_empty() { all.to_string() } else { items.join("、") }
}

/// The tiers in words: "500.00 万元及以下 40.00%；…".
pub fn tiers_text(rules: &Rules) -> String {
    let mut from: Option<i64> = None;
    let parts: Vec<String> = rules
        .tiers
        .iter()
        .map(|t| {
            let up = Money::from_fen(t.up_to_fen).wan_text();
            let range = match from {
                None => format!("{up}及以下"),
                Some(low) => format!("{} 以上至 {up}", Money::from_fen(low).wan_text()),
            };
            from = Some(t.up_to_fen);
            format!("{range} {}", ratio_text(t.ratio_bp))
        })
        .collect();
    list_or(parts, "未设置").replace('、', "；")
}

/// Every line of a rule set; `products` names the product ids it may list.
pub fn lines(rules: &Rules, products: &BTreeMap<i64, String>) -> Vec<Line> {
    let bonuses: Vec<String> = Tag::ALL
        .into_iter()
        .filter_map(|tag| rules.bonuses.iter().find(|b| b.tag == tag))
        .map(|b| format!("{} +{} 个百分点", b.tag.label(), ratio_text(b.points_bp).trim_end_matches('%')))
        .collect();
    let ceiling = rules.tiers.last().map_or_else(|| "—".into(), |t| Money::from_fen(t.up_to_fen).wan_text());
    vec![
        ("补偿比例（按授信额度分档）", tiers_text(rules)),
        ("单户贷款上限", format!("{ceiling}（超过不入库）")),
        ("加分", list_or(bonuses, "无")),
        ("比例上限", ratio_text(rules.cap_bp)),
        ("补偿触发条件", rules.trigger.label().to_string()),
        ("止付线", format!("年度已申请损失超过当年入库本金的 {}", ratio_text(rules.stop_line_bp))),
        ("企业规模", list_or(rules.sizes.iter().map(|s| size_class_label(s).to_string()).collect(), "不限")),
        ("地区", list_or(rules.regions.clone(), "不限")),
        ("担保方式", if rules.credit_only { "仅信用贷款".into() } else { "不限".into() }),
        (
            "产品",
            list_or(
                rules
                    .products
                    .iter()
                    .map(|id| products.get(id).cloned().unwrap_or_else(|| format!("产品 #{id}")))
                    .collect(),
                "不限",
            ),
        ),
        ("专项", list_or(rules.programmes.clone(), "不限")),
    ]
}

/// The lines of two rule sets side by side: (what, before, after, changed).
pub fn changes(
    before: &Rules,
    after: &Rules,
    products: &BTreeMap<i64, String>,
) -> Vec<(&'static str, String, String, bool)> {
    lines(before, products)
        .into_iter()
        .zip(lines(after, products))
        .map(|((label, old), (_, new))| {
            let changed = old != new;
            (label, old, new, changed)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guangzhou_tiers_in_words() {
        assert_eq!(
            tiers_text(&Rules::guangzhou()),
            "500.00 万元及以下 40.00%；500.00 万元 以上至 1,500.00 万元 30.00%；1,500.00 万元 以上至 3,000.00 万元 20.00%"
        );
    }
}
