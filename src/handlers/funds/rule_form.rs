//! The rule form of a fund, as typed: one struct for the new-fund form and
//! the rule change (the fund's own fields are empty on the latter), read
//! into `domain::fund::Rules` with each problem beside its field, filled
//! from a version in force, and carried through the confirmation step.
//! Percents are typed "40", "40%" or "40.5"; money in 万元.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::Money;
use crate::domain::fund::{Bonus, Rules, Tag, Tier, Trigger};
use crate::web::FormErrors;

/// Rows of the tier table the form always offers (filled ones and empty ones to add).
const TIER_ROWS: usize = 5;

#[derive(Deserialize, Serialize, Default, Clone, Debug)]
pub struct FundForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub annual_budget: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub sizes: Vec<String>,
    /// Region codes separated by spaces or commas.
    #[serde(default)]
    pub regions: String,
    #[serde(default)]
    pub credit_only: String,
    #[serde(default)]
    pub products: Vec<String>,
    #[serde(default)]
    pub programmes: Vec<String>,
    /// The tiers' bounds in 万元 and ratios in %, row by row.
    #[serde(default)]
    pub tier_up: Vec<String>,
    #[serde(default)]
    pub tier_ratio: Vec<String>,
    #[serde(default)]
    pub bonus_first_loan: String,
    #[serde(default)]
    pub bonus_credit: String,
    #[serde(default)]
    pub bonus_pledge: String,
    #[serde(default)]
    pub bonus_renewal: String,
    #[serde(default)]
    pub cap: String,
    #[serde(default)]
    pub trigger: String,
    #[serde(default)]
    pub stop_line: String,
    /// The rule version the change was read at.
    #[serde(default)]
    pub version: String,
    /// "edit": back from the confirmation to the form, filled.
    #[serde(default)]
    pub intent: String,
}

/// A percent typed as "40", "40%" or "40.25" in basis points (0 < bp ≤ 100 %).
pub fn percent_bp(text: &str) -> Option<i32> {
    let text = text.trim().trim_end_matches(['%', '％']).trim();
    let value: Decimal = text.parse().ok()?;
    if value.scale() > 2 || value <= Decimal::ZERO || value > Decimal::from(100) {
        return None;
    }
    i32::try_from(value * Decimal::from(100)).ok()
}

/// Basis points as the form shows them: "40", "40.5".
fn percent_input(bp: i32) -> String {
    Decimal::new(i64::from(bp), 2).normalize().to_string()
}

impl FundForm {
    fn bonus_text(&self, tag: Tag) -> &str {
        match tag {
            Tag::FirstLoan => &self.bonus_first_loan,
            Tag::Credit => &self.bonus_credit,
            Tag::Pledge => &self.bonus_pledge,
            Tag::Renewal => &self.bonus_renewal,
        }
    }

    fn bonus_field(&mut self, tag: Tag) -> &mut String {
        match tag {
            Tag::FirstLoan => &mut self.bonus_first_loan,
            Tag::Credit => &mut self.bonus_credit,
            Tag::Pledge => &mut self.bonus_pledge,
            Tag::Renewal => &mut self.bonus_renewal,
        }
    }

    /// The form filled with `rules` (the fund's own fields left as they are).
    pub fn with_rules(mut self, rules: &Rules) -> FundForm {
        self.sizes = rules.sizes.clone();
        self.regions = rules.regions.join(" ");
        self.credit_only = if rules.credit_only { "on".into() } else { String::new() };
        self.products = rules.products.iter().map(i64::to_string).collect();
        self.programmes = rules.programmes.clone();
        self.tier_up = rules.tiers.iter().map(|t| Money::from_fen(t.up_to_fen).wan_input()).collect();
        self.tier_ratio = rules.tiers.iter().map(|t| percent_input(t.ratio_bp)).collect();
        for tag in Tag::ALL {
            let points = rules.bonuses.iter().find(|b| b.tag == tag).map(|b| percent_input(b.points_bp));
            *self.bonus_field(tag) = points.unwrap_or_default();
        }
        self.cap = percent_input(rules.cap_bp);
        self.trigger = rules.trigger.as_str().into();
        self.stop_line = percent_input(rules.stop_line_bp);
        self
    }

    /// The tier table's rows as typed, padded with empty rows to add.
    pub fn tier_rows(&self) -> Vec<(usize, String, String)> {
        let typed = self.tier_up.len().max(self.tier_ratio.len());
        (0..typed.max(TIER_ROWS) + usize::from(typed >= TIER_ROWS))
            .map(|i| {
                let cell = |v: &Vec<String>| v.get(i).cloned().unwrap_or_default();
                (i + 1, cell(&self.tier_up), cell(&self.tier_ratio))
            })
            .collect()
    }

    /// Each tag with its label, its field's name and what was typed.
    pub fn bonus_rows(&self) -> Vec<(&'static str, String, String)> {
        Tag::ALL
            .into_iter()
            .map(|t| (t.label(), format!("bonus_{}", t.as_str()), self.bonus_text(t).to_string()))
            .collect()
    }

    pub fn has_size(&self, size: &&str) -> bool {
        self.sizes.iter().any(|s| s == size)
    }

    pub fn has_product(&self, id: &i64) -> bool {
        self.products.iter().any(|p| p.trim() == id.to_string())
    }

    pub fn has_programme(&self, programme: &&str) -> bool {
        self.programmes.iter().any(|p| p == programme)
    }

    /// The rule set typed; its problems of form (what the rules themselves
    /// check is left to the action) beside their fields.
    pub fn rules(&self, errors: &mut FormErrors) -> Option<Rules> {
        let sizes: Vec<String> =
            self.sizes.iter().filter(|s| ["micro", "small", "medium"].contains(&s.as_str())).cloned().collect();
        let regions: Vec<String> = self
            .regions
            .split([' ', ',', '，', '、', '\n'])
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(String::from)
            .collect();
        if regions.iter().any(|r| r.len() != 6 || !r.bytes().all(|b| b.is_ascii_digit())) {
            errors.add("regions", "地区代码为 6 位数字（如 450100 覆盖南宁市全部区县），多个用空格分隔");
        }
        let products: Vec<i64> = self.products.iter().filter_map(|p| p.trim().parse().ok()).collect();
        let programmes: Vec<String> = self
            .programmes
            .iter()
            .filter(|p| crate::domain::product::PROGRAMMES.contains(&p.as_str()))
            .cloned()
            .collect();
        let mut tiers = Vec::new();
        for (_, up, ratio) in self.tier_rows() {
            if up.trim().is_empty() && ratio.trim().is_empty() {
                continue;
            }
            match (Money::parse_wan(&up), percent_bp(&ratio)) {
                (Some(up), Some(ratio_bp)) => tiers.push(Tier { up_to_fen: up.fen(), ratio_bp }),
                _ => errors.add("tiers", "每档须填写贷款金额上限（万元，大于 0）和补偿比例（%，如 40）"),
            }
        }
        let mut bonuses = Vec::new();
        for tag in Tag::ALL {
            let text = self.bonus_text(tag).trim();
            if text.is_empty() {
                continue;
            }
            match percent_bp(text) {
                Some(points_bp) => bonuses.push(Bonus { tag, points_bp }),
                None => errors.add("bonuses", "加分填写百分点数（如 15），不加分的留空"),
            }
        }
        let cap = percent_bp(&self.cap);
        if cap.is_none() {
            errors.add("cap", "请填写比例上限（%，如 50）");
        }
        let trigger = Trigger::parse(&self.trigger);
        if trigger.is_none() {
            errors.add("trigger", "请选择补偿触发条件");
        }
        let stop_line = percent_bp(&self.stop_line);
        if stop_line.is_none() {
            errors.add("stop_line", "请填写止付线（%，如 3）");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(Rules {
            sizes,
            regions,
            credit_only: !self.credit_only.is_empty(),
            products,
            programmes,
            tiers,
            bonuses,
            cap_bp: cap?,
            trigger: trigger?,
            stop_line_bp: stop_line?,
        })
    }

    /// The typed values as hidden fields for the confirming POST (lists as repeated names).
    pub fn carried(&self) -> Vec<(String, String)> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut one = |name: &str, value: &str| pairs.push((name.to_string(), value.to_string()));
        for (name, value) in [
            ("name", &self.name),
            ("mode", &self.mode),
            ("annual_budget", &self.annual_budget),
            ("valid_from", &self.valid_from),
            ("valid_to", &self.valid_to),
            ("regions", &self.regions),
            ("credit_only", &self.credit_only),
            ("bonus_first_loan", &self.bonus_first_loan),
            ("bonus_credit", &self.bonus_credit),
            ("bonus_pledge", &self.bonus_pledge),
            ("bonus_renewal", &self.bonus_renewal),
            ("cap", &self.cap),
            ("trigger", &self.trigger),
            ("stop_line", &self.stop_line),
            ("version", &self.version),
        ] {
            one(name, value);
        }
        for (name, values) in [
            ("sizes", &self.sizes),
            ("products", &self.products),
            ("programmes", &self.programmes),
            ("tier_up", &self.tier_up),
            ("tier_ratio", &self.tier_ratio),
        ] {
            values.iter().for_each(|v| one(name, v));
        }
        pairs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percents_are_typed_with_or_without_the_sign() {
        assert_eq!(percent_bp("40"), Some(4_000));
        assert_eq!(percent_bp("40%"), Some(4_000));
        assert_eq!(percent_bp(" 40.5 ％"), Some(4_050));
        assert_eq!(percent_bp("0"), None);
        assert_eq!(percent_bp("100.01"), None);
        assert_eq!(percent_bp("40.125"), None);
        assert_eq!(percent_input(4_050), "40.5");
    }

    #[test]
    fn the_guangzhou_rules_survive_the_form() {
        let form = FundForm::default().with_rules(&Rules::guangzhou());
        let mut errors = FormErrors::default();
        let mut expected = Rules::guangzhou();
        expected.bonuses.sort_by_key(|b| b.tag);
        assert_eq!(form.rules(&mut errors), Some(expected));
        assert!(errors.is_empty());
    }
}
