//! The hall (抢单大厅): open needs with free slots that fit one institution's
//! published products, described without identity (industry, region, size,
//! grade, amount, term, rate cap). A need fits a product when its amount is
//! within the product's range and the enterprise's region, industry and grade
//! are among those the product serves. The fit is written once here: the hall
//! lists by it and the grab (`actions::offer::grab_need`) enforces it, every
//! value bound (`FitRules::condition`).

use chrono::NaiveDateTime;
use diesel::dsl::sql;
use diesel::dsl::{AssumeNotNull, Nullable};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text, Timestamp};
use serde::Deserialize;

use crate::db::{DbBackend, DbConn};
use crate::domain::credit::Grade;
use crate::domain::need::NeedStatus;
use crate::domain::{Guarantee, Money, Rate, industry};
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
    #[diesel(column_name = amount_fen, deserialize_as = i64)]
    pub amount: Money,
    pub term_months: i32,
    #[diesel(deserialize_as = String)]
    pub guarantee: Guarantee,
    #[diesel(deserialize_as = i64)]
    pub max_rate: Rate,
    pub slots: i32,
    pub slots_taken: i32,
    pub published_at: Option<NaiveDateTime>,
    pub deadline: Option<NaiveDateTime>,
    pub institution_id: Option<i64>,
    #[diesel(deserialize_as = String)]
    pub status: NeedStatus,
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
    pub fn industry_name(&self) -> &'static str {
        industry::name(&self.industry).unwrap_or("未知行业")
    }
    pub fn size_label(&self) -> &'static str {
        industry::size_class_label(&self.size_class)
    }
    pub fn slots_left(&self) -> i32 {
        self.slots - self.slots_taken
    }
    /// "已抢 2 / 共 3 个名额".
    pub fn slots_text(&self) -> String {
        crate::domain::need::slots_text(self.slots_taken, self.slots)
    }
}

/// What decides whether one published product fits a need: the amount
/// range, the regions and industries it serves (empty: all) and the grades
/// at or above its minimum (None: any, even none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FitRule {
    pub amount_min_fen: i64,
    pub amount_max_fen: i64,
    pub regions: Vec<String>,
    pub industries: Vec<String>,
    pub grades: Option<Vec<&'static str>>,
}

/// The fit rules of one institution's published products, loaded once and
/// used as often as a page or a grab needs them. An institution has a
/// handful of products, so the condition built from them is small.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FitRules(pub Vec<FitRule>);

/// A condition over a query whose source `QS` holds `needs`, `enterprises`
/// and (left-joined) `credit_evaluations`; every value in it is bound.
pub type Condition<QS> = Box<dyn BoxableExpression<QS, DbBackend, SqlType = Bool>>;

impl FitRules {
    pub fn published(conn: &mut DbConn, institution: i64) -> QueryResult<FitRules> {
        let rows: Vec<(i64, i64, String, String, Option<String>)> = products::table
            .filter(products::institution_id.eq(institution))
            .filter(products::status.eq("published"))
            .select((
                products::amount_min_fen,
                products::amount_max_fen,
                products::regions,
                products::industries,
                products::min_grade,
            ))
            .load(conn)?;
        let rules = rows.into_iter().map(|(amount_min_fen, amount_max_fen, regions, industries, min_grade)| FitRule {
            amount_min_fen,
            amount_max_fen,
            regions: unwrap(&regions),
            industries: unwrap(&industries),
            grades: min_grade
                .as_deref()
                .and_then(Grade::parse)
                .map(|min| Grade::ALL.into_iter().filter(|g| g.at_least(min)).map(Grade::as_str).collect()),
        });
        Ok(FitRules(rules.collect()))
    }

    /// "The need fits one of these products", `amount` being the need's
    /// amount in the query. This is the one fit rule: the hall lists by it,
    /// the grab enforces it.
    pub fn condition<QS, A>(&self, amount: impl Fn() -> A) -> Condition<QS>
    where
        QS: 'static,
        A: BoxableExpression<QS, DbBackend, SqlType = BigInt> + 'static,
        enterprises::region: BoxableExpression<QS, DbBackend, SqlType = Text>,
        enterprises::industry: BoxableExpression<QS, DbBackend, SqlType = Text>,
        AssumeNotNull<Nullable<credit_evaluations::grade>>: BoxableExpression<QS, DbBackend, SqlType = Text>,
    {
        let mut any: Option<Condition<QS>> = None;
        for rule in &self.0 {
            let amount: Box<dyn BoxableExpression<QS, DbBackend, SqlType = BigInt>> = Box::new(amount());
            let mut fit: Condition<QS> = Box::new(amount.between(rule.amount_min_fen, rule.amount_max_fen));
            if !rule.regions.is_empty() {
                fit = Box::new(fit.and(enterprises::region.eq_any(rule.regions.clone())));
            }
            if !rule.industries.is_empty() {
                fit = Box::new(fit.and(enterprises::industry.eq_any(rule.industries.clone())));
            }
            if let Some(grades) = &rule.grades {
                let grade = credit_evaluations::grade.nullable().assume_not_null();
                fit = Box::new(fit.and(grade.eq_any(grades.clone())));
            }
            any = Some(match any {
                None => fit,
                Some(before) => Box::new(before.or(fit)),
            });
        }
        any.unwrap_or_else(|| Box::new(sql::<Bool>("1 = 0")))
    }

    /// Whether one of these products fits the need `need_id` as it is now:
    /// the grab page's, the grab's and the demo's question.
    pub fn fit_need(&self, conn: &mut DbConn, need_id: i64) -> QueryResult<bool> {
        if self.0.is_empty() {
            return Ok(false);
        }
        let fitting = needs::table
            .inner_join(enterprises::table)
            .left_join(credit_evaluations::table.on(credit_evaluations::uscc.eq(enterprises::uscc)))
            .filter(needs::id.eq(need_id))
            .filter(self.condition(|| needs::amount_fen))
            .count()
            .get_result::<i64>(conn)?;
        Ok(fitting > 0)
    }
}

/// "The institution has made no offer on the need", with its id bound.
fn not_offered_by<QS: 'static>(institution: i64) -> Condition<QS> {
    Box::new(
        sql::<Bool>("NOT EXISTS (SELECT 1 FROM offers WHERE offers.need_id = needs.id AND offers.institution_id = ")
            .bind::<BigInt, _>(institution)
            .sql(")"),
    )
}

/// Which lines of the hall: a numbered page (the officer's), or the lines
/// after a position in the default order, closing soonest first (the API's
/// cursor: a need published meanwhile never shifts a page into a repeat).
enum Window {
    Page(Option<i64>),
    After { after: Option<(NaiveDateTime, i64)>, limit: i64 },
}

/// One page of the hall for `institution`, at `now`.
pub fn hall(
    conn: &mut DbConn,
    institution: i64,
    filter: &HallFilter,
    now: NaiveDateTime,
) -> QueryResult<(Vec<HallLine>, Pager)> {
    let (lines, pager) = lines(conn, institution, filter, now, Window::Page(filter.page))?;
    Ok((lines, pager.unwrap_or_else(|| Pager::new(None, PER_PAGE, 0))))
}

/// Up to `limit` lines of the hall for `institution` in its default order
/// (deadline, then id), after the need at `after` (its deadline and id):
/// the same query and fit as the officer's page, keyed by position.
pub fn hall_after(
    conn: &mut DbConn,
    institution: i64,
    after: Option<(NaiveDateTime, i64)>,
    limit: i64,
    now: NaiveDateTime,
) -> QueryResult<Vec<HallLine>> {
    let window = Window::After { after, limit };
    Ok(lines(conn, institution, &HallFilter::default(), now, window)?.0)
}

fn lines(
    conn: &mut DbConn,
    institution: i64,
    filter: &HallFilter,
    now: NaiveDateTime,
    window: Window,
) -> QueryResult<(Vec<HallLine>, Option<Pager>)> {
    let sqlite = matches!(conn, DbConn::Sqlite(_));
    // On SQLite the amount is written `+needs.amount_fen`, which keeps the
    // planner from choosing the amount index for a range that covers nearly
    // every need over the index that walks them in the page's order.
    let rules = FitRules::published(conn, institution)?;
    let by_deadline = !matches!(filter.sort.as_str(), "newest" | "amount");
    let query = || {
        let mut query = needs::table
            .inner_join(enterprises::table)
            .inner_join(regions::table.on(regions::code.eq(enterprises::region)))
            .left_join(credit_evaluations::table.on(credit_evaluations::uscc.eq(enterprises::uscc)))
            .filter(needs::status.eq(NeedStatus::Open.as_str()))
            .filter(needs::slots_taken.lt(needs::slots))
            .filter(needs::institution_id.is_null().or(needs::institution_id.eq(institution)))
            .filter(not_offered_by(institution))
            .into_boxed::<DbBackend>();
        query = if sqlite {
            query.filter(rules.condition(|| sql::<BigInt>("+needs.amount_fen")))
        } else {
            query.filter(rules.condition(|| needs::amount_fen))
        };
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
    let page = match window {
        Window::Page(page) => page,
        Window::After { after, limit } => {
            let mut after_query = query();
            if let Some((deadline, id)) = after {
                after_query = after_query
                    .filter(needs::deadline.gt(deadline).or(needs::deadline.eq(deadline).and(needs::id.gt(id))));
            }
            let sorted = after_query.order((needs::deadline, needs::id)).limit(limit);
            return Ok((sorted.select(HallLine::as_select()).load(conn)?, None));
        }
    };
    // Counting every open need on each view costs more than the page itself;
    // past COUNT_CAP the hall says "1000+" and the officer narrows the filters.
    let seen = query().select(needs::id).limit(COUNT_CAP + 1).load::<i64>(conn)?.len() as i64;
    let pager = Pager::capped(page, PER_PAGE, seen, COUNT_CAP);
    let sorted = match filter.sort.as_str() {
        "newest" => query().order((needs::published_at.desc(), needs::id.desc())),
        "amount" => query().order((needs::amount_fen.desc(), needs::id)),
        _ => query().order((needs::deadline, needs::id)),
    };
    let lines = sorted.offset(pager.offset()).limit(pager.per_page).select(HallLine::as_select()).load(conn)?;
    Ok((lines, Some(pager)))
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
    fn a_minimum_grade_admits_the_grades_at_or_above_it() {
        let rule = |min: Option<&str>| FitRule {
            amount_min_fen: 100,
            amount_max_fen: 200,
            regions: vec!["990102".into()],
            industries: Vec::new(),
            grades: min
                .and_then(Grade::parse)
                .map(|m| Grade::ALL.into_iter().filter(|g| g.at_least(m)).map(Grade::as_str).collect()),
        };
        assert_eq!(rule(Some("A")).grades, Some(vec!["AAA", "AA", "A"]));
        assert_eq!(rule(None).grades, None);
    }
}
