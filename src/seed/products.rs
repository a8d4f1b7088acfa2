//! The demo institutions' products: three to six each, across programmes.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::product::ProductStatus;
use crate::domain::repayment::RepaymentMethod;
use crate::models::product::{Product, ProductTerms};
use crate::schema::institutions;

/// (name, amount in 万元, term in months, rate in 0.0001%, guarantees, programmes, min grade, min tax grade, min years, industries)
type Demo = (
    &'static str,
    (i64, i64),
    (i32, i32),
    (i64, i64),
    &'static [&'static str],
    &'static [&'static str],
    Option<&'static str>,
    Option<&'static str>,
    i32,
    &'static [&'static str],
);

const CATALOGUE: [(&str, &[Demo]); 5] = [
    (
        "云海银行",
        &[
            ("税易贷", (10, 300), (6, 36), (34_500, 48_000), &["credit"], &["税易贷"], Some("A"), Some("B"), 2, &[]),
            (
                "科创信用贷",
                (50, 1_000),
                (12, 36),
                (32_000, 42_000),
                &["credit", "guarantee"],
                &["科技贷"],
                Some("AA"),
                None,
                1,
                &["I", "M", "C"],
            ),
            (
                "首贷通",
                (10, 200),
                (6, 24),
                (38_500, 55_000),
                &["credit", "guarantee"],
                &["首贷", "创业贷"],
                Some("B"),
                None,
                0,
                &[],
            ),
            ("厂房抵押贷", (100, 3_000), (12, 120), (31_000, 40_000), &["mortgage"], &[], None, None, 3, &["C", "E"]),
        ],
    ),
    (
        "云海农村商业银行",
        &[
            (
                "惠农e贷",
                (5, 100),
                (6, 36),
                (39_000, 60_000),
                &["credit", "guarantee"],
                &["创业贷"],
                Some("B"),
                None,
                1,
                &["A", "F", "H", "O"],
            ),
            (
                "绿色生态贷",
                (50, 800),
                (12, 60),
                (33_000, 45_000),
                &["mortgage", "pledge"],
                &["绿色贷"],
                Some("A"),
                None,
                2,
                &["A", "D", "N"],
            ),
            ("商户流水贷", (5, 50), (3, 12), (42_000, 65_000), &["credit"], &[], Some("C"), None, 1, &["F", "H"]),
        ],
    ),
    (
        "东岳银行云海分行",
        &[
            (
                "供应链e贷",
                (50, 2_000),
                (3, 12),
                (35_000, 46_000),
                &["pledge", "guarantee"],
                &["供应链贷"],
                Some("A"),
                None,
                2,
                &["C", "F", "G"],
            ),
            (
                "小微信用贷",
                (10, 300),
                (6, 36),
                (36_500, 52_000),
                &["credit"],
                &["税易贷"],
                Some("A"),
                Some("B"),
                2,
                &[],
            ),
            (
                "知识产权质押贷",
                (100, 1_000),
                (12, 36),
                (33_500, 44_000),
                &["pledge"],
                &["科技贷"],
                Some("A"),
                None,
                1,
                &["I", "M"],
            ),
        ],
    ),
    (
        "云海鼎信小额贷款有限公司",
        &[
            (
                "快捷周转贷",
                (5, 100),
                (1, 12),
                (88_000, 150_000),
                &["credit", "guarantee"],
                &["创业贷"],
                Some("C"),
                None,
                0,
                &[],
            ),
            ("订单贷", (20, 300), (3, 12), (72_000, 120_000), &["pledge"], &["供应链贷"], Some("B"), None, 1, &[]),
            ("个体工商户贷", (3, 50), (3, 24), (96_000, 180_000), &["guarantee"], &[], None, None, 0, &["F", "H", "O"]),
        ],
    ),
    (
        "云海安泰融资担保有限公司",
        &[
            ("担保增信贷", (50, 1_000), (12, 36), (45_000, 60_000), &["guarantee"], &["首贷"], Some("B"), None, 1, &[]),
            (
                "科技担保贷",
                (100, 2_000),
                (12, 36),
                (41_000, 55_000),
                &["guarantee"],
                &["科技贷"],
                Some("A"),
                None,
                2,
                &["I", "M", "C"],
            ),
            (
                "绿色担保贷",
                (100, 1_500),
                (12, 60),
                (40_000, 52_000),
                &["guarantee", "mortgage"],
                &["绿色贷"],
                Some("A"),
                None,
                2,
                &[],
            ),
        ],
    ),
];

/// The repayment methods each demo product offers: short working-capital
/// loans repay at maturity, longer ones by instalments.
fn methods(product: &str) -> &'static [RepaymentMethod] {
    use RepaymentMethod::{Annuity, Bullet, EqualPrincipal, InterestOnly};
    match product {
        "税易贷" | "科创信用贷" | "知识产权质押贷" => &[Annuity, EqualPrincipal, InterestOnly],
        "首贷通" | "小微信用贷" | "担保增信贷" | "科技担保贷" => &[Annuity, InterestOnly],
        "惠农e贷" | "商户流水贷" | "供应链e贷" | "快捷周转贷" => &[InterestOnly, Bullet],
        "订单贷" => &[Bullet],
        _ => &[Annuity, EqualPrincipal],
    }
}

/// Creates and publishes the demo catalogue; call inside the demo transaction.
pub fn add(conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
    for (institution, products) in CATALOGUE {
        let institution_id: i64 =
            institutions::table.filter(institutions::name.eq(institution)).select(institutions::id).first(conn)?;
        for (i, (name, amount, term, rate, guarantees, programmes, min_grade, min_tax_grade, min_years, industries)) in
            products.iter().enumerate()
        {
            let terms = ProductTerms {
                name: name.to_string(),
                description: format!("{institution}面向云海市中小微企业推出的{name}，线上申请，审批快捷。"),
                amount_min_fen: amount.0 * 1_000_000,
                amount_max_fen: amount.1 * 1_000_000,
                term_min_months: term.0,
                term_max_months: term.1,
                rate_min: rate.0,
                rate_max: rate.1,
                guarantees: guarantees.iter().map(|s| s.to_string()).collect(),
                regions: Vec::new(),
                industries: industries.iter().map(|s| s.to_string()).collect(),
                programmes: programmes.iter().map(|s| s.to_string()).collect(),
                min_grade: min_grade.map(str::to_string),
                min_tax_grade: min_tax_grade.map(str::to_string),
                min_years: *min_years,
                repayment_methods: methods(name).iter().map(|m| m.code().to_string()).collect(),
            };
            let id = Product::create(conn, institution_id, &terms, None, now)?;
            // Publication dates a few days apart, so "newest" has an order.
            let published = now - chrono::Duration::days((products.len() - i) as i64 * 3);
            Product::set_status(conn, id, institution_id, ProductStatus::Published, None, published)?;
        }
    }
    Ok(())
}
