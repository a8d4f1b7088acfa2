//! The monthly template's own checks, run on the tables as they will be
//! filed: a report with a failure is never exported. Each failure names the
//! table, the row and the check in Chinese (docs/national-report.md).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Cell, NationalReport, ReportRow, ReportTable};
use crate::domain::Uscc;

/// A check that failed, and where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// 平台融资统计 / 金融机构融资统计
    pub table: String,
    /// The platform's or the institution's name, or 各机构合计.
    pub row: String,
    /// The rule, as the template states it: "放款总额 ≥ 信用放款总额".
    pub check: String,
    /// What the row holds: "放款总额 10.00 万元，信用放款总额 12.00 万元".
    pub detail: String,
}

impl Failure {
    /// "金融机构融资统计 · 云海银行 · 放款总额 ≥ 信用放款总额：放款总额 10.00 万元，信用放款总额 12.00 万元"
    pub fn text(&self) -> String {
        format!("{} · {} · {}：{}", self.table, self.row, self.check, self.detail)
    }
}

/// (the larger, the part): each row's whole is at least its credit-only part.
const AT_LEAST: [(&str, &str); 4] = [
    ("loan_amount", "credit_loan_amount"),
    ("loan_count", "credit_loan_count"),
    ("month_loan_amount", "month_credit_loan_amount"),
    ("month_loan_count", "month_credit_loan_count"),
];

/// The columns whose institutions' sum must equal the platform's.
const SUMMED: [&str; 3] = ["credit_amount", "loan_amount", "credit_loan_amount"];

/// Half a fen of 万元 rounding (0.005 万元) per rounded figure: each row and
/// the platform are rounded once to two decimals, so their sums may differ
/// by that much per figure without anything being wrong.
fn rounding_slack(rows: usize) -> Decimal {
    Decimal::new(5, 3) * Decimal::from(rows as i64 + 1)
}

fn name(table: &ReportTable, key: &str) -> String {
    table.columns.iter().find(|c| c.key == key).map(|c| c.name.clone()).unwrap_or_else(|| key.to_string())
}

/// "放款总额 10.00 万元"
fn amount(table: &ReportTable, key: &str, value: Option<Decimal>) -> String {
    let unit = table.columns.iter().find(|c| c.key == key).and_then(|c| c.unit);
    let text = super::value_text(value);
    match unit {
        Some(unit) => format!("{} {text} {}", name(table, key), unit.label()),
        None => format!("{} {text}", name(table, key)),
    }
}

fn failure(table: &ReportTable, row: &str, check: String, detail: String) -> Failure {
    Failure { table: table.title.clone(), row: row.to_string(), check, detail }
}

/// A row's whole below its credit-only part.
fn parts(table: &ReportTable, row: &ReportRow, out: &mut Vec<Failure>) {
    for (whole, part) in AT_LEAST {
        let (w, p) = (table.value(row, whole), table.value(row, part));
        if let (Some(w), Some(p)) = (w, p)
            && w < p
        {
            let check = format!("{} ≥ {}", name(table, whole), name(table, part));
            let detail = format!("{}，{}", amount(table, whole, Some(w)), amount(table, part, Some(p)));
            out.push(failure(table, &row.name, check, detail));
        }
    }
}

/// 统计截止时间 other than the month's last day.
fn report_date(table: &ReportTable, row: &ReportRow, report: &NationalReport, out: &mut Vec<Failure>) {
    let date = table.cell(row, "report_date");
    if date != Some(&Cell::Date(report.last_day)) {
        let shown = date.map(Cell::text).unwrap_or_default();
        let check = format!("统计截止时间为当月最后一天（{}）", report.last_day);
        out.push(failure(table, &row.name, check, format!("统计截止时间 {shown}")));
    }
}

/// An institution's code that GB 32100-2015 refuses, or that is not written as it reads.
fn uscc(table: &ReportTable, row: &ReportRow, out: &mut Vec<Failure>) {
    let text = table.cell(row, "uscc").map(Cell::text).unwrap_or_default();
    let valid = Uscc::parse(&text).is_ok_and(|u| u.as_str() == text);
    if !valid {
        let detail = format!("统一社会信用代码“{text}”不符合 GB 32100-2015");
        out.push(failure(table, &row.name, "统一社会信用代码有效".to_string(), detail));
    }
}

/// The institutions' sums against the platform's figure.
fn sums(report: &NationalReport, out: &mut Vec<Failure>) {
    let (platform, institutions) = (&report.platform, &report.institutions);
    let Some(row) = platform.rows.first() else { return };
    let slack = rounding_slack(institutions.rows.len());
    for key in SUMMED {
        let total = platform.value(row, key).unwrap_or_default();
        let sum: Decimal = institutions.rows.iter().filter_map(|r| institutions.value(r, key)).sum();
        if (sum - total).abs() > slack {
            let what = name(institutions, key);
            let check = format!("各机构{what}之和 = {} {}", platform.title, name(platform, key));
            let detail = format!(
                "各机构之和 {} 万元，{} {} 万元",
                sum.round_dp(2),
                platform.title,
                super::value_text(Some(total))
            );
            out.push(failure(institutions, "各机构合计", check, detail));
        }
    }
}

/// Every check on both tables: the platform's row first, then each institution's, then the sums.
pub fn run(report: &NationalReport) -> Vec<Failure> {
    let mut out = Vec::new();
    for table in report.tables() {
        for row in &table.rows {
            report_date(table, row, report, &mut out);
            parts(table, row, &mut out);
            if table.key == "institutions" {
                uscc(table, row, &mut out);
            }
        }
    }
    sums(report, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime};

    use super::*;
    use crate::domain::institution::InstitutionKind;
    use crate::domain::stats::facts::{Facts, InstitutionFact};
    use crate::domain::stats::report::Inputs;
    use crate::domain::stats::{Filter, Period, Statistics};

    fn at() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap().and_hms_opt(1, 0, 0).unwrap()
    }

    fn institution(id: i64, name: &str, uscc: &str) -> InstitutionFact {
        let joined_on = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        InstitutionFact { id, name: name.into(), kind: InstitutionKind::Bank, uscc: uscc.into(), joined_on }
    }

    /// An empty market with two institutions, one of them with the given code.
    fn report(second_uscc: &str) -> NationalReport {
        let valid = Uscc::with_check_character("91990102MB0000001").unwrap().to_string();
        let facts = Facts {
            as_of: at(),
            enterprises: vec![],
            needs: vec![],
            offers: vec![],
            loans: vec![],
            drawdowns: vec![],
            institutions: vec![institution(1, "云海银行", &valid), institution(2, "东岳银行", second_uscc)],
            products: vec![],
            regions: vec![],
        };
        let month = Period::month(2026, 11).unwrap();
        let month_stats = Statistics::compute(&facts, &month, &Filter::default());
        let total_stats = Statistics::compute(&facts, &month.cumulative(), &Filter::default());
        let inputs = Inputs {
            month: &month,
            month_stats: &month_stats,
            total_stats: &total_stats,
            institutions: &facts.institutions,
        };
        NationalReport::build(&inputs)
    }

    fn valid_report() -> NationalReport {
        report(&Uscc::with_check_character("91990102MB0000002").unwrap().to_string())
    }

    /// Writes `value` into the table's row `row` under `key`, as a broken source would.
    fn set(table: &mut ReportTable, row: usize, key: &str, cell: Cell) {
        let at = table.columns.iter().position(|c| c.key == key).unwrap();
        table.rows[row].cells[at] = cell;
    }

    fn value(text: &str) -> Cell {
        Cell::Value(Some(text.parse().unwrap()))
    }

    #[test]
    fn an_empty_month_passes_every_check() {
        let report = valid_report();
        assert_eq!(report.failures(), vec![]);
        assert_eq!(report.institutions.rows.len(), 2);
        assert_eq!(report.platform.rows[0].cells[0], Cell::Date(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()));
    }

    #[test]
    fn a_credit_part_above_its_whole_fails_naming_the_row() {
        let mut report = valid_report();
        set(&mut report.platform, 0, "credit_loan_amount", value("12.00"));
        set(&mut report.institutions, 1, "month_credit_loan_count", value("3"));
        set(&mut report.institutions, 1, "month_credit_loan_amount", value("0.01"));
        let failures = report.failures();
        let texts: Vec<String> = failures.iter().map(Failure::text).collect();
        assert!(texts.contains(
            &"平台融资统计 · 云海市融资信用服务平台 · 放款总额 ≥ 信用放款总额：放款总额 0.00 万元，信用放款总额 12.00 万元"
                .to_string()
        ));
        assert!(texts.contains(
            &"金融机构融资统计 · 东岳银行 · 当月放款笔数 ≥ 当月信用放款笔数：当月放款笔数 0 笔，当月信用放款笔数 3 笔"
                .to_string()
        ));
        assert!(texts.contains(
            &"金融机构融资统计 · 东岳银行 · 当月放款金额 ≥ 当月信用放款金额：当月放款金额 0.00 万元，当月信用放款金额 0.01 万元"
                .to_string()
        ));
        // The platform's credit-only total no longer matches the institutions' sum either.
        assert!(failures.iter().any(|f| f.row == "各机构合计" && f.check.contains("信用放款总额")));
        assert_eq!(failures.len(), 4, "{texts:?}");
    }

    #[test]
    fn a_report_date_other_than_the_last_day_fails() {
        let mut report = valid_report();
        set(&mut report.institutions, 0, "report_date", Cell::Date(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()));
        let failures = report.failures();
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].row, "云海银行");
        assert_eq!(failures[0].check, "统计截止时间为当月最后一天（2026-11-30）");
    }

    #[test]
    fn an_invalid_code_fails_naming_the_institution() {
        let failures = report("91990102MB000000X").failures();
        assert_eq!(failures.len(), 1);
        assert_eq!(
            failures[0].text(),
            "金融机构融资统计 · 东岳银行 · 统一社会信用代码有效：统一社会信用代码“91990102MB000000X”不符合 GB 32100-2015"
        );
    }

    #[test]
    fn sums_hold_within_the_rounding_of_each_row_and_fail_beyond() {
        let mut report = valid_report();
        // Two rows of 0.005 万元 each round up to 0.01; the platform's 0.01 万元 is their exact sum.
        set(&mut report.institutions, 0, "credit_amount", value("0.01"));
        set(&mut report.institutions, 1, "credit_amount", value("0.01"));
        set(&mut report.platform, 0, "credit_amount", value("0.01"));
        assert_eq!(report.failures(), vec![]);
        set(&mut report.platform, 0, "credit_amount", value("0.05"));
        let failures = report.failures();
        assert_eq!(failures.len(), 1);
        assert_eq!(
            failures[0].text(),
            "金融机构融资统计 · 各机构合计 · 各机构授信总额之和 = 平台融资统计 授信总额：各机构之和 0.02 万元，平台融资统计 0.05 万元"
        );
    }
}
