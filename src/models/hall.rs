//! The hall (抢单大厅): open needs with free slots that fit one institution's
//! published products, described without identity (industry, region, size,
//! grade, amount, term, rate cap). A need fits a product when its amount is
//! within the product's range and the enterprise's region, industry and grade
//! are among those the product serves. The fit is written once here: the hall
//! lists by it and the grab (`models::offer::grab`) enforces it.

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamp};
use serde::Deserialize;

use crate::db::{DbBackend, DbConn};
use crate::domain::credit::Grade;
use crate::domain::{Money, Rate, industry};
use crate::models::page::{Pager, empty_as_none};
use crate::models::product::unwrap;
use crate::schema::{credit_evaluations, enterprises, needs, products, regions};

pub const PER_PAGE: i64 = 20;
/// How far the hall counts its needs.
pub const COUNT_CAP: i64 = 1000;

/// The officer's filters and sort, as they appear in the URL.
#[derive(Deserialize, Default, Clone, Debug)]
pub struct HallFilter {
    /// 万元.
    #[serde(default)]
    pub amount_min: String,
    #[serde(default)]
    pub amount_max: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub grade: String,
    /// "deadline" (the default: closing soonest), "newest", "amount".
    #[serde(default)]
    pub sort: String,
    #[serde(default, deserialize_with = "empty_as_none")]
    pub page: Option<i64>,
}

/// An open need as the hall shows it: no name, no USCC.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = needs)]
pub struct HallLine {
    pub id: i64,
    pub amount_fen: i64,
    pub term_months: i32,
    pub guarantee: String,
    pub max_rate: i64,
    pub slots: i32,
    pub slots_taken: i32,
    pub published_at: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDateTime>,
    pub institution_id: Option<i64>,
    pub status: String,
    #[diesel(select_expression = regions::name)]
    pub region_name: String,
    #[diesel(select_expression = enterprises::industry)]
    pub industry: String,
    #[diesel(select_expression = enterprises::size_class)]
    pub size_class: String,
    #[diesel(select_expression = credit_evaluations::grade.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<credit_evaluations::grade>)]
    pub grade: Option<String>,
}

impl HallLine {
    pub fn amount(&self) -> Money {
        Money::from_fen(self.amount_fen)
    }
    pub fn max_rate_text(&self) -> String {
        Rate::from_units(self.max_rate).percent_text()
    }
    pub fn industry_name(&self) -> &'static str {
        industry::name(&self.industry).unwrap_or("未知行业")
    }
    pub fn size_label(&self) -> &'static str {
        industry::size_class_label(&self.size_class)
    }
    pub fn slots_left(&self) -> i32 {
        self.slots - self.slots_taken
    }
    pub fn guarantee_label(&self) -> &'static str {
        crate::domain::product::guarantee_label(&self.guarantee)
    }
}

/// Keeps only what a region code, industry letter or grade can hold, so the
/// values can be written into the fit clause as literals.
fn code(text: &str) -> String {
    text.chars().filter(char::is_ascii_alphanumeric).collect()
}

fn in_list(column: &str, items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("'{}'", code(i))).collect();
    format!("{column} IN ({})", quoted.join(","))
}

/// What decides whether a product fits a need: amount range, regions,
/// industries (both lists wrapped as stored), minimum grade.
type FitRule = (i64, i64, String, String, Option<String>);

/// The fit rules of the institution's published products. An institution has
/// a handful of products, so the clause built from them is small.
fn published_rules(conn: &mut DbConn, institution: i64) -> QueryResult<Vec<FitRule>> {
    products::table
        .filter(products::institution_id.eq(institution))
        .filter(products::status.eq("published"))
        .select((
            products::amount_min_fen,
            products::amount_max_fen,
            products::regions,
            products::industries,
            products::min_grade,
        ))
        .load(conn)
}

/// "The need fits one of these products", as SQL over `enterprises` and
/// `credit_evaluations`, `amount` being the SQL of the need's amount in fen.
/// This is the one fit rule: the hall lists by it, the grab enforces it.
fn fit_clause(products: &[FitRule], amount: &str) -> String {
    if products.is_empty() {
        return "1 = 0".into();
    }
    let rules: Vec<String> = products
        .iter()
        .map(|(min, max, regions, industries, min_grade)| {
            let mut rule = vec![format!("{amount} BETWEEN {min} AND {max}")];
            let (regions, industries) = (unwrap(regions), unwrap(industries));
            if !regions.is_empty() {
                rule.push(in_list("enterprises.region", &regions));
            }
            if !industries.is_empty() {
                rule.push(in_list("enterprises.industry", &industries));
            }
            if let Some(min) = min_grade.as_deref().and_then(Grade::parse) {
                let grades: Vec<String> =
                    Grade::ALL.into_iter().filter(|g| g.at_least(min)).map(|g| g.as_str().to_string()).collect();
                rule.push(in_list("credit_evaluations.grade", &grades));
            }
            format!("({})", rule.join(" AND "))
        })
        .collect();
    format!("({})", rules.join(" OR "))
}

/// Where the fit looks up the enterprise of a need and its grade.
const FIT_FROM: &str =
    "SELECT 1 FROM enterprises LEFT JOIN credit_evaluations ON credit_evaluations.uscc = enterprises.uscc";

/// The fit as a condition on a statement over `needs` alone: the grab's guarded update.
pub fn fit_condition(conn: &mut DbConn, institution: i64) -> QueryResult<String> {
    let fit = fit_clause(&published_rules(conn, institution)?, "needs.amount_fen");
    Ok(format!("EXISTS ({FIT_FROM} WHERE enterprises.id = needs.enterprise_id AND {fit})"))
}

/// Whether one of the institution's published products fits a need of
/// `enterprise_id` for `amount_fen`: the grab page's and the demo's question.
pub fn fits(conn: &mut DbConn, institution: i64, enterprise_id: i64, amount_fen: i64) -> QueryResult<bool> {
    let fit = fit_clause(&published_rules(conn, institution)?, &amount_fen.to_string());
    diesel::select(
        sql::<Bool>(&format!("EXISTS ({FIT_FROM} WHERE enterprises.id = "))
            .bind::<diesel::sql_types::BigInt, _>(enterprise_id)
            .sql(&format!(" AND {fit})")),
    )
    .get_result(conn)
}

/// One page of the hall for `institution`, at `now`.
pub fn hall(
    conn: &mut DbConn,
    institution: i64,
    filter: &HallFilter,
    now: NaiveDateTime,
) -> QueryResult<(Vec<HallLine>, Pager)> {
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    // On SQLite the amount is written `+needs.amount_fen`, which keeps the
    // planner from choosing the amount index for a range that covers nearly
    // every need over the index that walks them in the page's order.
    let amount = if sqlite { "+needs.amount_fen" } else { "needs.amount_fen" };
    let fit = fit_clause(&published_rules(conn, institution)?, amount);
    let by_deadline = !matches!(filter.sort.as_str(), "newest" | "amount");
    let query = || {
        let mut query = needs::table
            .inner_join(enterprises::table)
            .inner_join(regions::table.on(regions::code.eq(enterprises::region)))
            .left_join(credit_evaluations::table.on(credit_evaluations::uscc.eq(enterprises::uscc)))
            .filter(needs::status.eq("open"))
            .filter(needs::slots_taken.lt(needs::slots))
            .filter(needs::institution_id.is_null().or(needs::institution_id.eq(institution)))
            .filter(sql::<Bool>(&format!(
                "NOT EXISTS (SELECT 1 FROM offers WHERE offers.need_id = needs.id AND offers.institution_id = {institution})"
            )))
            .filter(sql::<Bool>(&fit))
            .into_boxed::<DbBackend>();
        // Sorted by amount or date, SQLite should walk that sort's index rather
        // than the deadline index this range would otherwise pick.
        query = if sqlite && !by_deadline {
            query.filter(sql::<Bool>("+needs.deadline > ").bind::<Timestamp, _>(now))
        } else {
            query.filter(needs::deadline.gt(now))
        };
        if let Some(min) = Money::parse_wan(&filter.amount_min).map(Money::fen) {
            query = query.filter(needs::amount_fen.ge(min));
        }
        if let Some(max) = Money::parse_wan(&filter.amount_max).map(Money::fen) {
            query = query.filter(needs::amount_fen.le(max));
        }
        if !filter.region.is_empty() {
            query = query.filter(enterprises::region.eq(filter.region.clone()));
        }
        if !filter.industry.is_empty() {
            query = query.filter(enterprises::industry.eq(filter.industry.clone()));
        }
        if let Some(min) = Grade::parse(&filter.grade) {
            let grades: Vec<&str> = Grade::ALL.into_iter().filter(|g| g.at_least(min)).map(Grade::as_str).collect();
            query = query.filter(credit_evaluations::grade.eq_any(grades));
        }
        query
    };
    // Counting every open need on each view costs more than the page itself;
    // past COUNT_CAP the hall says "1000+" and the officer narrows the filters.
    let seen = query().select(needs::id).limit(COUNT_CAP + 1).load::<i64>(conn)?.len() as i64;
    let pager = Pager::capped(filter.page, PER_PAGE, seen, COUNT_CAP);
    let sorted = match filter.sort.as_str() {
        "newest" => query().order((needs::published_at.desc(), needs::id.desc())),
        "amount" => query().order((needs::amount_fen.desc(), needs::id)),
        _ => query().order((needs::deadline, needs::id)),
    };
    let lines = sorted.offset(pager.offset()).limit(pager.per_page).select(HallLine::as_select()).load(conn)?;
    Ok((lines, pager))
}

/// One need as the hall describes it, whatever its status (the grab page).
pub fn summary(conn: &mut DbConn, need_id: i64) -> QueryResult<Option<HallLine>> {
    needs::table
        .inner_join(enterprises::table)
        .inner_join(regions::table.on(regions::code.eq(enterprises::region)))
        .left_join(credit_evaluations::table.on(credit_evaluations::uscc.eq(enterprises::uscc)))
        .filter(needs::id.eq(need_id))
        .select(HallLine::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fit_clause_keeps_only_codes_and_lists_the_grades_at_or_above_the_minimum() {
        let products = [
            (100, 200, ",990102,9901'; DROP,".into(), String::new(), Some("A".into())),
            (5, 6, String::new(), ",C,".into(), None),
        ];
        let clause = fit_clause(&products, "needs.amount_fen");
        assert_eq!(
            clause,
            "((needs.amount_fen BETWEEN 100 AND 200 AND enterprises.region IN ('990102','9901DROP') \
             AND credit_evaluations.grade IN ('AAA','AA','A')) OR (needs.amount_fen BETWEEN 5 AND 6 \
             AND enterprises.industry IN ('C')))"
        );
        assert!(fit_clause(&products, "+needs.amount_fen").starts_with("((+needs.amount_fen BETWEEN 100 AND 200"));
        assert!(fit_clause(&products, "150").starts_with("((150 BETWEEN 100 AND 200"));
        assert_eq!(fit_clause(&[], "needs.amount_fen"), "1 = 0");
    }
}
