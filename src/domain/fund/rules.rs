//! A fund's rule set, one version: eligibility, the tiered ratio, bonus
//! points and their cap, the trigger and the stop line. Stored as JSON on
//! `fund_rules`; a change is a new version.

use serde::{Deserialize, Serialize};

use super::{Tag, Trigger, WHOLE};

/// Loans up to `up_to_fen` (inclusive) that no lower tier took get `ratio_bp`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    pub up_to_fen: i64,
    pub ratio_bp: i32,
}

/// Points added to the ratio of a loan that carries `tag`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bonus {
    pub tag: Tag,
    pub points_bp: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Enterprise size classes covered (`micro` / `small` / `medium`); empty: all.
    pub sizes: Vec<String>,
    /// Region codes covered, a code covering the regions under it; empty: all.
    pub regions: Vec<String>,
    /// Only credit loans (no collateral, pledge or guarantee).
    pub credit_only: bool,
    /// Products covered (ids); empty: any product or none.
    pub products: Vec<i64>,
    /// Programmes covered (`domain::product::PROGRAMMES`); empty: any.
    pub programmes: Vec<String>,
    /// Ascending by `up_to_fen`; the last tier's bound is the loan size ceiling.
    pub tiers: Vec<Tier>,
    pub bonuses: Vec<Bonus>,
    /// The highest ratio tier and bonuses together may reach.
    pub cap_bp: i32,
    pub trigger: Trigger,
    /// Compensation stops for a bank whose year's losses pass this share of
    /// the principal it registered that year.
    pub stop_line_bp: i32,
}

/// A drawdown as the rules see it when it is recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub size: String,
    pub region: String,
    /// The loan's size: its line (授信额度), which decides the tier.
    pub line_fen: i64,
    pub credit_only: bool,
    pub product_id: Option<i64>,
    pub programmes: Vec<String>,
    pub tags: Vec<Tag>,
}

impl Rules {
    /// What is wrong with a rule set, per form field; empty when it may be saved.
    pub fn problems(&self) -> Vec<(&'static str, &'static str)> {
        let mut problems = Vec::new();
        if self.tiers.is_empty() {
            problems.push(("tiers", "请至少填写一档补偿比例"));
        }
        if self.tiers.iter().any(|t| t.up_to_fen <= 0) {
            problems.push(("tiers", "每档的贷款金额上限须大于 0"));
        }
        if self.tiers.windows(2).any(|w| w[0].up_to_fen >= w[1].up_to_fen) {
            problems.push(("tiers", "各档贷款金额上限须从小到大排列"));
        }
        if self.tiers.iter().any(|t| t.ratio_bp <= 0 || i64::from(t.ratio_bp) > WHOLE) {
            problems.push(("tiers", "补偿比例须在 0.01% 到 100% 之间"));
        }
        if self.bonuses.iter().any(|b| b.points_bp <= 0 || i64::from(b.points_bp) > WHOLE) {
            problems.push(("bonuses", "加分须在 0.01 到 100 个百分点之间"));
        }
        if self.cap_bp <= 0 || i64::from(self.cap_bp) > WHOLE {
            problems.push(("cap", "比例上限须在 0.01% 到 100% 之间"));
        } else if self.tiers.iter().any(|t| t.ratio_bp > self.cap_bp) {
            problems.push(("cap", "比例上限不能低于任何一档的补偿比例"));
        }
        if self.stop_line_bp <= 0 || i64::from(self.stop_line_bp) > WHOLE {
            problems.push(("stop_line", "止付线须在 0.01% 到 100% 之间"));
        }
        problems
    }

    /// Why the candidate is not covered, in words; None when it is.
    pub fn refusal(&self, c: &Candidate) -> Option<&'static str> {
        if !self.sizes.is_empty() && !self.sizes.contains(&c.size) {
            return Some("企业规模不在资金池范围内");
        }
        if !self.regions.is_empty() && !self.regions.iter().any(|r| covers(r, &c.region)) {
            return Some("企业所在地区不在资金池范围内");
        }
        if self.credit_only && !c.credit_only {
            return Some("资金池只覆盖信用贷款");
        }
        if !self.products.is_empty() && !c.product_id.is_some_and(|p| self.products.contains(&p)) {
            return Some("贷款产品不在资金池范围内");
        }
        if !self.programmes.is_empty() && !c.programmes.iter().any(|p| self.programmes.contains(p)) {
            return Some("贷款不属于资金池覆盖的专项");
        }
        if self.tier(c.line_fen).is_none() {
            return Some("贷款金额超过资金池的单户上限");
        }
        None
    }

    /// The tier ratio for a loan of `line_fen`: the first tier whose bound it
    /// does not pass.
    pub fn tier(&self, line_fen: i64) -> Option<i32> {
        self.tiers.iter().find(|t| line_fen <= t.up_to_fen).map(|t| t.ratio_bp)
    }

    /// The ratio a covered candidate gets: its tier, plus the points of each
    /// tag it carries, at most the cap. None when not covered.
    pub fn ratio(&self, c: &Candidate) -> Option<i32> {
        if self.refusal(c).is_some() {
            return None;
        }
        let base = self.tier(c.line_fen)?;
        let bonus: i32 = self.bonuses.iter().filter(|b| c.tags.contains(&b.tag)).map(|b| b.points_bp).sum();
        Some((base + bonus).min(self.cap_bp))
    }

    /// The rules of Guangzhou's 2025 fund: up to 500万 40 %, to 1,500万 30 %,
    /// to 3,000万 20 %; +15 points for 首贷 and for pledges (IP pledges among
    /// them), +5 for credit loans; at most 50 %; claimed after write-off; the
    /// stop line at 3 %. The demo's fund and the new-fund form's defaults.
    pub fn guangzhou() -> Rules {
        const WAN: i64 = 1_000_000;
        Rules {
            sizes: vec!["micro".into(), "small".into(), "medium".into()],
            regions: Vec::new(),
            credit_only: false,
            products: Vec::new(),
            programmes: Vec::new(),
            tiers: vec![
                Tier { up_to_fen: 500 * WAN, ratio_bp: 4_000 },
                Tier { up_to_fen: 1_500 * WAN, ratio_bp: 3_000 },
                Tier { up_to_fen: 3_000 * WAN, ratio_bp: 2_000 },
            ],
            bonuses: vec![
                Bonus { tag: Tag::FirstLoan, points_bp: 1_500 },
                Bonus { tag: Tag::Pledge, points_bp: 1_500 },
                Bonus { tag: Tag::Credit, points_bp: 500 },
            ],
            cap_bp: 5_000,
            trigger: Trigger::WrittenOff,
            stop_line_bp: 300,
        }
    }
}

/// Whether region `code` covers `region`: the same code, or a province
/// ("450000") or city ("450100") above it.
fn covers(code: &str, region: &str) -> bool {
    let prefix = code.trim_end_matches("00");
    region.starts_with(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAN: i64 = 1_000_000;

    fn loan(line_wan: i64, tags: &[Tag]) -> Candidate {
        Candidate {
            size: "small".into(),
            region: "450103".into(),
            line_fen: line_wan * WAN,
            credit_only: tags.contains(&Tag::Credit),
            product_id: None,
            programmes: Vec::new(),
            tags: tags.to_vec(),
        }
    }

    #[test]
    fn tiers_include_their_upper_bound() {
        let rules = Rules::guangzhou();
        assert_eq!(rules.ratio(&loan(500, &[])), Some(4_000));
        assert_eq!(rules.ratio(&Candidate { line_fen: 500 * WAN + 1, ..loan(0, &[]) }), Some(3_000));
        assert_eq!(rules.ratio(&loan(1_500, &[])), Some(3_000));
        assert_eq!(rules.ratio(&loan(3_000, &[])), Some(2_000));
        assert_eq!(rules.ratio(&Candidate { line_fen: 3_000 * WAN + 1, ..loan(0, &[]) }), None);
    }

    #[test]
    fn bonuses_add_up_to_the_cap() {
        let rules = Rules::guangzhou();
        // 40 + 15 (首贷) + 5 (信用) = 60, capped at 50.
        assert_eq!(rules.ratio(&loan(100, &[Tag::FirstLoan, Tag::Credit])), Some(5_000));
        // 30 + 15 = 45, under the cap.
        assert_eq!(rules.ratio(&loan(1_000, &[Tag::FirstLoan])), Some(4_500));
        // 续贷 earns nothing here.
        assert_eq!(rules.ratio(&loan(1_000, &[Tag::Renewal])), Some(3_000));
    }

    #[test]
    fn eligibility_names_the_reason() {
        let mut rules = Rules::guangzhou();
        rules.regions = vec!["450100".into()];
        assert_eq!(rules.refusal(&loan(100, &[])), None, "450103 lies in 450100");
        assert_eq!(
            rules.refusal(&Candidate { region: "440106".into(), ..loan(100, &[]) }),
            Some("企业所在地区不在资金池范围内")
        );
        rules.credit_only = true;
        assert_eq!(rules.refusal(&loan(100, &[])), Some("资金池只覆盖信用贷款"));
        assert_eq!(rules.refusal(&loan(100, &[Tag::Credit])), None);
        rules.sizes = vec!["micro".into()];
        assert_eq!(rules.refusal(&loan(100, &[Tag::Credit])), Some("企业规模不在资金池范围内"));
    }

    #[test]
    fn a_broken_rule_set_is_named_per_field() {
        assert!(Rules::guangzhou().problems().is_empty());
        let mut rules = Rules::guangzhou();
        rules.tiers.swap(0, 1);
        rules.cap_bp = 3_500;
        let fields: Vec<_> = rules.problems().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["tiers", "cap"]);
    }
}
