//! The breakdowns over a period, with the national buckets: by industry,
//! size, region, disbursed amount, need amount, loan type, institution and
//! institution type, and the decline reasons; and the trend by month.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::facts::{Decision, Dims, Facts, LoanType};
use super::indicators::drawn_in;
use super::measure::{count, percent, wan};
use super::offer_figures::count_reasons;
use super::{Column, Period, Row, Table, Unit};
use crate::domain::industry;
use crate::domain::institution::InstitutionKind;

/// The national amount bands in fen: (key, label, upper bound included).
pub const BANDS: [(&str, &str, i64); 4] = [
    ("up_to_100", "100万元及以下", 100 * 1_000_000),
    ("100_300", "100万–300万元", 300 * 1_000_000),
    ("300_500", "300万–500万元", 500 * 1_000_000),
    ("over_500", "500万元以上", i64::MAX),
];

/// The band key of an amount in fen.
pub fn band(fen: i64) -> &'static str {
    BANDS.iter().find(|(_, _, upper)| fen <= *upper).map(|(k, ..)| *k).expect("the last band is open")
}

fn column(key: &str, name: &str, unit: Unit) -> Column {
    Column { key: key.to_string(), name: name.to_string(), unit }
}

/// Sums per row code, in the column order of [`FLOW_COLUMNS`].
#[derive(Clone, Default)]
struct Flow {
    needs: usize,
    need_fen: i64,
    credits: usize,
    credit_fen: i64,
    loans: usize,
    loan_fen: i64,
    credit_loans: usize,
    credit_loan_fen: i64,
    enterprises: HashSet<i64>,
    accepted: usize,
}

impl Flow {
    fn values(&self, columns: &[Column]) -> Vec<Option<Decimal>> {
        columns
            .iter()
            .map(|c| match c.key.as_str() {
                "need_count" => count(self.needs),
                "need_amount" => wan(self.need_fen),
                "credit_count" => count(self.credits),
                "credit_amount" => wan(self.credit_fen),
                "loan_count" => count(self.loans),
                "loan_amount" => wan(self.loan_fen),
                "credit_loan_count" => count(self.credit_loans),
                "credit_loan_amount" => wan(self.credit_loan_fen),
                "loan_enterprises" => count(self.enterprises.len()),
                "needs_accepted" => count(self.accepted),
                other => unreachable!("no flow column {other}"),
            })
            .collect()
    }
}

/// Counts every flow of the period per the code `of` gives: of a need's,
/// an offer's or a loan's enterprise dimensions and institution.
fn flows(facts: &Facts, period: &Period, of: impl Fn(&Dims, Option<i64>) -> Option<String>) -> HashMap<String, Flow> {
    let mut by: HashMap<String, Flow> = HashMap::new();
    for n in facts.needs.iter().filter(|n| period.contains(n.published_on)) {
        if let Some(code) = of(&n.dims, None) {
            let f = by.entry(code).or_default();
            f.needs += 1;
            f.need_fen += n.amount_fen;
        }
    }
    for o in &facts.offers {
        let Some(code) = of(&o.dims, Some(o.institution_id)) else { continue };
        let f = by.entry(code).or_default();
        if o.decision == Some(Decision::Approved) && o.approved_on.is_some_and(|d| period.contains(d)) {
            f.credits += 1;
            f.credit_fen += o.approved_amount_fen.unwrap_or(0);
        }
        if o.accepted_on.is_some_and(|d| period.contains(d)) {
            f.accepted += 1;
        }
    }
    for (d, l) in drawn_in(facts, period) {
        let Some(code) = of(&l.dims, Some(l.institution_id)) else { continue };
        let f = by.entry(code).or_default();
        f.loans += 1;
        f.loan_fen += d.amount_fen;
        f.enterprises.insert(l.enterprise_id);
        if l.credit_only {
            f.credit_loans += 1;
            f.credit_loan_fen += d.amount_fen;
        }
    }
    by
}

/// The columns of a breakdown by the enterprise's dimensions.
pub fn flow_columns() -> Vec<Column> {
    vec![
        column("need_count", "融资需求笔数", Unit::Count),
        column("need_amount", "融资需求金额", Unit::Wan),
        column("credit_count", "授信笔数", Unit::Count),
        column("credit_amount", "授信金额", Unit::Wan),
        column("loan_count", "放款笔数", Unit::Count),
        column("loan_amount", "放款金额", Unit::Wan),
        column("loan_enterprises", "放款企业数", Unit::Entities),
    ]
}

/// The columns of a breakdown by institution (the report's 金融机构融资统计 sums these).
pub fn institution_columns() -> Vec<Column> {
    vec![
        column("needs_accepted", "对接需求数", Unit::Count),
        column("credit_count", "授信笔数", Unit::Count),
        column("credit_amount", "授信金额", Unit::Wan),
        column("loan_count", "放款笔数", Unit::Count),
        column("loan_amount", "放款金额", Unit::Wan),
        column("loan_enterprises", "放款企业数", Unit::Entities),
        column("credit_loan_count", "信用放款笔数", Unit::Count),
        column("credit_loan_amount", "信用放款金额", Unit::Wan),
    ]
}

/// A table of the listed rows (code, label), each counted by `of`; rows
/// the list does not name are left out, listed rows with nothing show zeros.
fn flow_table(
    key: &str,
    title: &str,
    columns: Vec<Column>,
    rows: Vec<(String, String)>,
    by: HashMap<String, Flow>,
) -> Table {
    let empty = Flow::default();
    let rows = rows
        .into_iter()
        .map(|(code, label)| Row { values: by.get(&code).unwrap_or(&empty).values(&columns), code, label })
        .collect();
    Table { key: key.to_string(), title: title.to_string(), columns, rows }
}

fn owned(code: &str, label: &str) -> (String, String) {
    (code.to_string(), label.to_string())
}

/// Every breakdown of the period.
pub fn all(facts: &Facts, period: &Period) -> Vec<Table> {
    let kinds: HashMap<i64, InstitutionKind> = facts.institutions.iter().map(|i| (i.id, i.kind)).collect();
    let industries = industry::SECTIONS.iter().map(|(c, n)| owned(c, n)).collect();
    let sizes = ["micro", "small", "medium"].iter().map(|s| owned(s, industry::size_class_label(s))).collect();
    let institutions: Vec<_> = facts.institutions.iter().map(|i| (i.id.to_string(), i.name.clone())).collect();
    let kind_rows = InstitutionKind::ALL.iter().map(|k| owned(k.as_str(), k.label())).collect();
    vec![
        flow_table(
            "by_industry",
            "按行业",
            flow_columns(),
            industries,
            flows(facts, period, |d, _| Some(d.industry.clone())),
        ),
        flow_table("by_size", "按企业规模", flow_columns(), sizes, flows(facts, period, |d, _| Some(d.size.clone()))),
        flow_table(
            "by_region",
            "按地区",
            flow_columns(),
            facts.regions.clone(),
            flows(facts, period, |d, _| Some(d.region.clone())),
        ),
        flow_table(
            "by_institution",
            "按金融机构",
            institution_columns(),
            institutions,
            flows(facts, period, |_, i| i.map(|i| i.to_string())),
        ),
        flow_table(
            "by_institution_kind",
            "按机构类型",
            institution_columns(),
            kind_rows,
            flows(facts, period, |_, i| i.and_then(|i| kinds.get(&i)).map(|k| k.as_str().to_string())),
        ),
        loan_bands(facts, period),
        need_bands(facts, period),
        loan_types(facts, period),
        decline_reasons(facts, period),
    ]
}

fn count_table(key: &str, title: &str, rows: Vec<(String, String, usize, i64)>, noun: (&str, &str)) -> Table {
    Table {
        key: key.to_string(),
        title: title.to_string(),
        columns: vec![
            column(noun.0, &format!("{}笔数", noun.1), Unit::Count),
            column(&noun.0.replace("count", "amount"), &format!("{}金额", noun.1), Unit::Wan),
        ],
        rows: rows
            .into_iter()
            .map(|(code, label, n, fen)| Row { code, label, values: vec![count(n), wan(fen)] })
            .collect(),
    }
}

fn loan_bands(facts: &Facts, period: &Period) -> Table {
    let rows = BANDS
        .iter()
        .map(|(key, label, _)| {
            let drawn: Vec<_> = drawn_in(facts, period).filter(|(d, _)| band(d.amount_fen) == *key).collect();
            (key.to_string(), label.to_string(), drawn.len(), drawn.iter().map(|(d, _)| d.amount_fen).sum())
        })
        .collect();
    count_table("by_loan_amount", "按放款金额", rows, ("loan_count", "放款"))
}

fn need_bands(facts: &Facts, period: &Period) -> Table {
    let rows = BANDS
        .iter()
        .map(|(key, label, _)| {
            let needs: Vec<_> =
                facts.needs.iter().filter(|n| period.contains(n.published_on) && band(n.amount_fen) == *key).collect();
            (key.to_string(), label.to_string(), needs.len(), needs.iter().map(|n| n.amount_fen).sum())
        })
        .collect();
    count_table("by_need_amount", "按融资需求金额", rows, ("need_count", "融资需求"))
}

fn loan_types(facts: &Facts, period: &Period) -> Table {
    let rows = LoanType::ALL
        .iter()
        .map(|t| {
            let drawn: Vec<_> = drawn_in(facts, period).filter(|(_, l)| l.loan_type == *t).collect();
            (t.code().to_string(), t.label().to_string(), drawn.len(), drawn.iter().map(|(d, _)| d.amount_fen).sum())
        })
        .collect();
    count_table("by_loan_type", "按贷款类型", rows, ("loan_count", "放款"))
}

fn decline_reasons(facts: &Facts, period: &Period) -> Table {
    let declined: Vec<_> = facts
        .offers
        .iter()
        .filter(|o| o.decision == Some(Decision::Declined) && o.decided_on.is_some_and(|d| period.contains(d)))
        .collect();
    let rows = count_reasons(declined.iter().filter_map(|o| o.decline_reason.as_deref()))
        .into_iter()
        .map(|r| Row {
            code: r.code.to_string(),
            label: r.label.to_string(),
            values: vec![count(r.count), percent(r.count, declined.len())],
        })
        .collect();
    Table {
        key: "decline_reasons".to_string(),
        title: "拒绝原因".to_string(),
        columns: vec![column("decline_count", "拒绝笔数", Unit::Count), column("decline_share", "占比", Unit::Percent)],
        rows,
    }
}

/// 融资需求笔数, 放款笔数 and 放款金额 per month of `window`.
pub fn trend(facts: &Facts, window: &Period) -> Table {
    let rows = window
        .months()
        .into_iter()
        .map(|month| {
            let needs = facts.needs.iter().filter(|n| month.contains(n.published_on)).count();
            let drawn: Vec<_> = drawn_in(facts, &month).collect();
            Row {
                code: month.code(),
                label: month.code(),
                values: vec![count(needs), count(drawn.len()), wan(drawn.iter().map(|(d, _)| d.amount_fen).sum())],
            }
        })
        .collect();
    Table {
        key: "trend".to_string(),
        title: "按月走势".to_string(),
        columns: vec![
            column("need_count", "融资需求笔数", Unit::Count),
            column("loan_count", "放款笔数", Unit::Count),
            column("loan_amount", "放款金额", Unit::Wan),
        ],
        rows,
    }
}
