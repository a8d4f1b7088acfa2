//! The public product catalogue (金融超市): filters in the URL, three sorts,
//! pagination, a page per product; for a signed-in enterprise, whether it
//! qualifies and why not, and "能融多少": what it could ask for, where.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};

use crate::auth::{SignedIn, Visitor};
use crate::domain::Money;
use crate::domain::product::{Applicant, GUARANTEES, PROGRAMMES, estimate, ineligibility};
use crate::error::{AppError, AppResult};
use crate::models::institution::Institution;
use crate::models::product::{CatalogueFilter, Estimate, Estimates, Product, applicant};
use crate::models::region::Region;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::{FormErrors, Layout, Pager, choices, url_encode};

/// A product as the catalogue lists it, with this visitor's eligibility when known.
pub struct Listing {
    pub product: Product,
    pub institution: String,
    /// None for visitors who are not a signed-in enterprise; empty when it qualifies.
    pub reasons: Option<Vec<String>>,
}

#[derive(Template, WebTemplate)]
#[template(path = "products/index.html")]
pub struct CataloguePage {
    layout: Layout,
    filter: CatalogueFilter,
    listings: Vec<Listing>,
    pager: Pager,
    institutions: Vec<Institution>,
    regions: Vec<Region>,
    /// The filters have no wrong values: none to show.
    errors: FormErrors,
}

impl CataloguePage {
    fn guarantee_options(&self) -> Vec<(String, String)> {
        choices::any_or(GUARANTEES.iter().map(|(code, label)| (code.to_string(), label.to_string())))
    }

    fn institution_options(&self) -> Vec<(String, String)> {
        choices::any_or(self.institutions.iter().map(|i| (i.id.to_string(), i.name.clone())))
    }

    fn institution_value(&self) -> String {
        self.filter.institution.map_or(String::new(), |i| i.to_string())
    }

    fn programme_options(&self) -> Vec<(String, String)> {
        choices::any_or(PROGRAMMES.iter().map(|p| (p.to_string(), p.to_string())))
    }

    fn region_options(&self) -> Vec<(String, String)> {
        choices::regions(&self.regions)
    }

    /// The filters as a query string, for paging and the sort links.
    fn query(&self, sort: &str) -> String {
        let f = &self.filter;
        format!(
            "/products?amount={}&term={}&guarantee={}&institution={}&programme={}&region={}&sort={}&",
            url_encode(&f.amount),
            f.term.map_or(String::new(), |t| t.to_string()),
            url_encode(&f.guarantee),
            f.institution.map_or(String::new(), |i| i.to_string()),
            url_encode(&f.programme),
            url_encode(&f.region),
            url_encode(sort)
        )
    }

    fn current_sort(&self) -> &str {
        if self.filter.sort.is_empty() { "rate" } else { &self.filter.sort }
    }
}

/// The signed-in enterprise's eligibility view, if the visitor is one.
async fn viewer_applicant(state: &AppState, visitor: &Visitor) -> AppResult<Option<Applicant>> {
    let Some(enterprise_id) = visitor.user().and_then(User::controlled_enterprise) else {
        return Ok(None);
    };
    Ok(Some(state.db.query(move |c| applicant(c, enterprise_id)).await?))
}

fn today(state: &AppState) -> chrono::NaiveDate {
    crate::clock::beijing(state.clock.now()).date_naive()
}

pub async fn catalogue(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(filter): Query<CatalogueFilter>,
) -> AppResult<CataloguePage> {
    let query = filter.clone();
    let ((rows, pager), institutions, regions) = state
        .db
        .query(move |c| Ok((Product::catalogue(c, &query, 12)?, Institution::all(c)?, Region::all(c)?)))
        .await?;
    let applicant = viewer_applicant(&state, &visitor).await?;
    let today = today(&state);
    let listings = rows
        .into_iter()
        .map(|(product, institution)| {
            let reasons = applicant.as_ref().map(|a| ineligibility(&product.criteria(), a, today));
            Listing { product, institution, reasons }
        })
        .collect();
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    let errors = FormErrors::default();
    Ok(CataloguePage { layout: visitor.layout(&csrf), filter, listings, pager, institutions, regions, errors })
}

#[derive(Template, WebTemplate)]
#[template(path = "products/show.html")]
pub struct ProductPage {
    layout: Layout,
    listing: Listing,
    regions: Vec<String>,
    industries: Vec<&'static str>,
    signed_in: bool,
    estimate: Option<(Money, Money)>,
}

pub async fn product(State(state): State<AppState>, visitor: Visitor, Path(id): Path<i64>) -> AppResult<ProductPage> {
    let (product, institution, all_regions) = state
        .db
        .run(move |c| {
            let (product, institution) = Product::find_published(c, id)?.ok_or(AppError::NotFound)?;
            Ok((product, institution, Region::all(c)?))
        })
        .await?;
    let applicant = viewer_applicant(&state, &visitor).await?;
    let criteria = product.criteria();
    let reasons = applicant.as_ref().map(|a| ineligibility(&criteria, a, today(&state)));
    let estimate = applicant
        .as_ref()
        .filter(|_| reasons.as_ref().is_some_and(Vec::is_empty))
        .and_then(|a| estimate(product.amount_min, &criteria, a));
    let regions = criteria.regions.iter().map(|code| Region::name_of(&all_regions, code)).collect();
    let industries = criteria.industries.iter().filter_map(|code| crate::domain::industry::name(code)).collect();
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    Ok(ProductPage {
        layout: visitor.layout(&csrf),
        signed_in: visitor.user().is_some(),
        listing: Listing { product, institution, reasons },
        regions,
        industries,
        estimate,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "enterprise/estimate.html")]
pub struct EstimatePage {
    layout: Layout,
    estimates: Vec<Estimate>,
    /// Products the enterprise does not qualify for, with the first reason.
    others: Vec<(Product, String, String)>,
    best: Option<Money>,
    dishonest: bool,
}

pub async fn estimates(State(state): State<AppState>, signed: SignedIn) -> AppResult<EstimatePage> {
    let enterprise_id = signed.enterprise()?;
    let today = today(&state);
    let all = state.db.query(move |c| Estimates::load(c, enterprise_id, today)).await?;
    let best = all.best();
    Ok(EstimatePage {
        layout: signed.layout(),
        estimates: all.fitting,
        others: all.others,
        best,
        dishonest: all.dishonest,
    })
}
