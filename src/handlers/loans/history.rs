//! A loan's history (每次变更) in words: each entry's kind, the field it
//! changed by its name on the forms, and the old and new values as the pages
//! show them (a status by its label, an amount in 元).

use crate::domain::Money;
use crate::domain::loan::{LoanEventKind, field_label, value_label};
use crate::models::loan::LoanEventRow;
use crate::models::loan::sheet::LoanSheet;

/// One line of the history table.
pub struct Entry {
    pub kind: LoanEventKind,
    pub happened_on: chrono::NaiveDate,
    pub recorded_at: chrono::NaiveDateTime,
    /// Who entered it; "系统" for the platform's own sweep.
    pub who: String,
    /// What changed: "状态：正常 → 逾期", "借据 JJ-1：1,000,000.00 元".
    pub change: String,
    pub reason: String,
}

fn fen(text: &str) -> String {
    text.parse::<i64>().map_or_else(|_| text.to_string(), |f| Money::from_fen(f).yuan_text())
}

impl Entry {
    pub fn of(event: &LoanEventRow, who: Option<&str>, sheet: &LoanSheet) -> Entry {
        let new = event.new_value.clone().unwrap_or_default();
        let change = match (event.kind, event.field.as_deref()) {
            (LoanEventKind::Opened, _) => format!("合同编号 {new}"),
            (LoanEventKind::Drawdown, _) => {
                format!("借据 {}：放款 {}", event.drawdown_id.map_or("", |d| sheet.iou(d)), fen(&new))
            }
            (LoanEventKind::Repayment, _) => {
                let parts: Vec<String> = new.split('/').map(fen).collect();
                let iou = event.drawdown_id.map_or("", |d| sheet.iou(d));
                match parts.as_slice() {
                    [p, i, pen] => format!("借据 {iou}：本金 {p}，利息 {i}，罚息 {pen}"),
                    _ => format!("借据 {iou}：{new}"),
                }
            }
            (_, Some(field)) => {
                let old = event.old_value.as_deref().unwrap_or("");
                format!("{}：{} → {}", field_label(field), value_label(field, old), value_label(field, &new))
            }
            (_, None) => new,
        };
        Entry {
            kind: event.kind,
            happened_on: event.happened_on,
            recorded_at: event.recorded_at,
            who: who.map_or("系统", |w| if w.is_empty() { "（已删除的账号）" } else { w }).to_string(),
            change,
            reason: event.reason.clone().unwrap_or_default(),
        }
    }
}
