//! "能融多少": what an enterprise could ask for, product by product, from its
//! credit portrait and each published product's terms (`domain::product`'s
//! eligibility and estimate). The estimate page lists it; the enterprise's
//! home shows its best line ("能融约 X 万元").

use chrono::NaiveDate;

use super::{Product, applicant};
use crate::db::DbConn;
use crate::domain::Money;
use crate::domain::product::{estimate, ineligibility};
use diesel::QueryResult;

/// A product the enterprise qualifies for, with the range it could ask for.
pub struct Estimate {
    pub product: Product,
    pub institution: String,
    pub low: Money,
    pub high: Money,
}

/// Every published product, split into those the enterprise could apply for
/// (highest estimate first, then lowest rate) and the others with the first reason.
pub struct Estimates {
    pub fitting: Vec<Estimate>,
    /// (product, institution, why not)
    pub others: Vec<(Product, String, String)>,
    pub dishonest: bool,
}

impl Estimates {
    pub fn load(conn: &mut DbConn, enterprise_id: i64, today: NaiveDate) -> QueryResult<Estimates> {
        let (products, applicant) = (Product::all_published(conn)?, applicant(conn, enterprise_id)?);
        let (mut fitting, mut others) = (Vec::new(), Vec::new());
        for (product, institution) in products {
            let criteria = product.criteria();
            let reasons = ineligibility(&criteria, &applicant, today);
            match (reasons.first(), estimate(product.amount_min, &criteria, &applicant)) {
                (None, Some((low, high))) => fitting.push(Estimate { product, institution, low, high }),
                (None, None) => {
                    others.push((product, institution, "按您的经营规模，可申请额度低于产品最低额度".to_string()))
                }
                (Some(reason), _) => others.push((product, institution, reason.clone())),
            }
        }
        fitting.sort_by(|a, b| b.high.cmp(&a.high).then(a.product.rate_min.cmp(&b.product.rate_min)));
        Ok(Estimates { fitting, others, dishonest: applicant.dishonest })
    }

    /// The most the enterprise could ask for of any one product.
    pub fn best(&self) -> Option<Money> {
        self.fitting.first().map(|e| e.high)
    }
}
