//! How a product reads on the catalogue and the bank admin's pages.

use super::{Product, unwrap};
use crate::domain::repayment::RepaymentMethod;

impl Product {
    /// The repayment methods the product offers, in their usual order.
    pub fn methods(&self) -> Vec<RepaymentMethod> {
        RepaymentMethod::ALL.into_iter().filter(|m| self.repayment_methods.contains(*m)).collect()
    }

    pub fn method_labels(&self) -> Vec<&'static str> {
        self.methods().into_iter().map(RepaymentMethod::label).collect()
    }

    pub fn amount_text(&self) -> String {
        format!("{} – {}", self.amount_min.wan_text().trim_end_matches(" 万元"), self.amount_max.wan_text())
    }

    pub fn rate_text(&self) -> String {
        let (low, high) = (self.rate_min, self.rate_max);
        if low == high { format!("年化 {low}") } else { format!("年化 {low} – {high}") }
    }

    pub fn term_text(&self) -> String {
        if self.term_min_months == self.term_max_months {
            format!("{} 个月", self.term_min_months)
        } else {
            format!("{} – {} 个月", self.term_min_months, self.term_max_months)
        }
    }

    pub fn guarantee_labels(&self) -> Vec<&'static str> {
        self.guarantees.iter().map(|g| g.label()).collect()
    }

    pub fn programme_list(&self) -> Vec<String> {
        unwrap(&self.programmes)
    }
}
