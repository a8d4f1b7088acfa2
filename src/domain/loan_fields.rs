//! A loan's history in words: the fields its entries name and their values.

use super::{Classification, LoanStatus, Receipt};

/// The words for a field a history entry names (`loan_events.field`), as the
/// loan's history and the edit pages show it.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "status" => "贷款状态",
        "classification" => "五级分类",
        "contract_no" => "合同编号",
        "line" => "合同额度",
        "rate" => "年化利率",
        "term" | "term_months" => "期限（月）",
        "signed_on" => "签约日期",
        "maturity" => "到期日",
        "repayment_method" => "还款方式",
        "guarantees" => "担保方式",
        "first_loan" => "首贷",
        "renewal" => "续贷",
        "renews" => "所接续的贷款",
        "receipt" => "到账确认",
        "dispute" => "异议处理",
        _ => "其他",
    }
}

/// A history entry's old or new value in words: the status and the
/// classification are stored as codes, every other field already in words.
pub fn value_label(field: &str, value: &str) -> String {
    let label = match field {
        "status" => LoanStatus::parse(value).map(LoanStatus::label),
        "classification" => Classification::parse(value).map(Classification::label),
        "receipt" => Receipt::parse(value).map(Receipt::label),
        "dispute" => crate::domain::dispute::DisputeStatus::parse(value).map(|s| s.label()),
        _ => None,
    };
    label.map_or_else(|| value.to_string(), str::to_string)
}
