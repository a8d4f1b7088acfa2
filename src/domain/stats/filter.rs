//! The dashboard's filters: region, industry, size, institution, programme.
//! Needs are kept when the enterprise matches and, under an institution,
//! when the institution grabbed or was addressed by the need; under a
//! programme, when the need's product carries it. Offers and loans follow
//! their needs and their institution; under an institution a need's first
//! grab is that institution's.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::facts::{Dims, DrawdownFact, Facts, NeedFact, OfferFact};

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Filter {
    /// A region code.
    pub region: Option<String>,
    /// An industry section letter.
    pub industry: Option<String>,
    /// `micro` / `small` / `medium`.
    pub size: Option<String>,
    pub institution_id: Option<i64>,
    /// One of `domain::product::PROGRAMMES`.
    pub programme: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    /// A stable text of the filter, for cache keys: "r=450100;i=C;s=;n=;p=".
    pub fn code(&self) -> String {
        format!(
            "r={};i={};s={};n={};p={}",
            self.region.as_deref().unwrap_or(""),
            self.industry.as_deref().unwrap_or(""),
            self.size.as_deref().unwrap_or(""),
            self.institution_id.map(|i| i.to_string()).unwrap_or_default(),
            self.programme.as_deref().unwrap_or("")
        )
    }

    /// "全部" or the filters' codes in words, e.g. "地区 450100 · 行业 C";
    /// a page that knows the names shows them itself.
    pub fn label(&self) -> String {
        if self.is_empty() {
            return "全部".to_string();
        }
        let mut parts = Vec::new();
        if let Some(r) = &self.region {
            parts.push(format!("地区 {r}"));
        }
        if let Some(i) = &self.industry {
            parts.push(format!("行业 {}", crate::domain::industry::name(i).unwrap_or(i)));
        }
        if let Some(s) = &self.size {
            parts.push(format!("规模 {}", crate::domain::industry::size_class_label(s)));
        }
        if let Some(i) = self.institution_id {
            parts.push(format!("机构 {i}"));
        }
        if let Some(p) = &self.programme {
            parts.push(format!("专项 {p}"));
        }
        parts.join(" · ")
    }

    fn dims_match(&self, dims: &Dims) -> bool {
        self.region.as_ref().is_none_or(|r| *r == dims.region)
            && self.industry.as_ref().is_none_or(|i| *i == dims.industry)
            && self.size.as_ref().is_none_or(|s| *s == dims.size)
    }

    /// The facts this filter keeps.
    pub fn apply(&self, facts: &Facts) -> Facts {
        if self.is_empty() {
            return facts.clone();
        }
        let institution = self.institution_id;
        let grabbed_by: HashSet<i64> = match institution {
            Some(id) => facts.offers.iter().filter(|o| o.institution_id == id).map(|o| o.need_id).collect(),
            None => HashSet::new(),
        };
        let needs: Vec<_> = facts
            .needs
            .iter()
            .filter(|n| self.dims_match(&n.dims))
            .filter(|n| institution.is_none_or(|id| n.institution_id == Some(id) || grabbed_by.contains(&n.id)))
            .filter(|n| self.programme.as_ref().is_none_or(|p| n.programmes.contains(p)))
            .cloned()
            .collect();
        let need_ids: HashSet<i64> = needs.iter().map(|n| n.id).collect();
        let offers: Vec<_> = facts
            .offers
            .iter()
            .filter(|o| need_ids.contains(&o.need_id) && institution.is_none_or(|id| o.institution_id == id))
            .cloned()
            .collect();
        let needs = if institution.is_some() { first_grabs_among(needs, &offers) } else { needs };
        let mut kept = vec![None; facts.loans.len()];
        let mut loans = Vec::new();
        for (i, loan) in facts.loans.iter().enumerate() {
            if need_ids.contains(&loan.need_id) && institution.is_none_or(|id| loan.institution_id == id) {
                kept[i] = Some(loans.len());
                loans.push(loan.clone());
            }
        }
        let drawdowns = facts
            .drawdowns
            .iter()
            .filter_map(|d| kept[d.loan].map(|loan| DrawdownFact { loan, ..d.clone() }))
            .collect();
        let enterprises = if institution.is_some() || self.programme.is_some() {
            let dealt: HashSet<i64> = needs.iter().map(|n| n.enterprise_id).collect();
            facts.enterprises.iter().filter(|e| dealt.contains(&e.enterprise_id)).cloned().collect()
        } else {
            facts.enterprises.iter().filter(|e| self.dims_match(&e.dims)).cloned().collect()
        };
        Facts {
            as_of: facts.as_of,
            enterprises,
            needs,
            offers,
            loans,
            drawdowns,
            institutions: facts
                .institutions
                .iter()
                .filter(|i| institution.is_none_or(|id| i.id == id))
                .cloned()
                .collect(),
            products: facts
                .products
                .iter()
                .filter(|p| institution.is_none_or(|id| p.institution_id == id))
                .filter(|p| self.programme.as_ref().is_none_or(|g| p.programmes.contains(g)))
                .cloned()
                .collect(),
            regions: facts.regions.clone(),
        }
    }
}

/// Each need's first grab among `offers` (under an institution, its own:
/// the other banks' offers are not its figures).
fn first_grabs_among(mut needs: Vec<NeedFact>, offers: &[OfferFact]) -> Vec<NeedFact> {
    let mut first: HashMap<i64, NaiveDateTime> = HashMap::new();
    for o in offers {
        let at = first.entry(o.need_id).or_insert(o.created_at);
        *at = (*at).min(o.created_at);
    }
    for n in &mut needs {
        n.first_grab_at = first.get(&n.id).copied();
    }
    needs
}
