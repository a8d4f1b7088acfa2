//! Enterprises on the credit office's record: registration would match against these.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Money;
use crate::schema::enterprises;

/// An enterprise's row without its id: the one shape of the table, which the
/// registry import upserts (`models::credit_record`), the demo and the tests
/// insert, and [`Enterprise`] reads beside its id.
#[derive(Insertable, AsChangeset, Queryable, Selectable, Clone, Debug, Default, PartialEq)]
#[diesel(table_name = enterprises)]
pub struct NewEnterprise {
    pub uscc: String,
    pub name: String,
    pub legal_representative: String,
    pub registered_capital_fen: i64,
    pub established_on: NaiveDate,
    pub region: String,
    pub industry: String,
    pub size_class: String,
    pub address: String,
    /// The contact the registry holds, where a code proving control is sent.
    /// A registry row without one keeps the stored one (no NULL in an update).
    pub contact_email: Option<String>,
    pub contact_mobile: Option<String>,
    /// Provenance: the registry file the row came from; None for a row not imported.
    pub department: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub batch_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An enterprise on record: its id and its row.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = enterprises)]
pub struct Enterprise {
    pub id: i64,
    #[diesel(embed)]
    pub row: NewEnterprise,
}

/// `enterprise.name` reads the row's field: the row is the enterprise less its id.
impl std::ops::Deref for Enterprise {
    type Target = NewEnterprise;
    fn deref(&self) -> &NewEnterprise {
        &self.row
    }
}

impl Enterprise {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Enterprise> {
        enterprises::table.find(id).select(Enterprise::as_select()).first(conn)
    }

    pub fn find_by_uscc(conn: &mut DbConn, uscc: &str) -> QueryResult<Option<Enterprise>> {
        enterprises::table.filter(enterprises::uscc.eq(uscc)).select(Enterprise::as_select()).first(conn).optional()
    }

    /// Records the contact the registry holds (the registry import sets it too).
    pub fn set_registry_contact(
        conn: &mut DbConn,
        id: i64,
        email: Option<&str>,
        mobile: Option<&str>,
    ) -> QueryResult<()> {
        diesel::update(enterprises::table.find(id))
            .set((enterprises::contact_email.eq(email), enterprises::contact_mobile.eq(mobile)))
            .execute(conn)
            .map(drop)
    }

    pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
        enterprises::table.count().get_result(conn)
    }

    pub fn registered_capital(&self) -> Money {
        Money::from_fen(self.registered_capital_fen)
    }
}

/// Which enterprises the credit office's directory lists.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct DirectoryFilter {
    /// Part of the name, or a whole USCC.
    #[serde(default)]
    pub q: String,
    /// all (default), whitelist or dishonest
    #[serde(default)]
    pub list: String,
    #[serde(default)]
    pub grade: String,
    pub page: Option<i64>,
}

/// Score, grade, dishonest, whitelisted.
type EvaluationSummary = (i32, String, bool, bool);

/// One line of the directory: the enterprise and its evaluation, if any.
pub struct DirectoryLine {
    pub enterprise: Enterprise,
    pub score: Option<i32>,
    pub grade: Option<String>,
    pub dishonest: bool,
    pub whitelisted: bool,
}

impl Enterprise {
    pub fn directory(
        conn: &mut DbConn,
        filter: &DirectoryFilter,
        per_page: i64,
    ) -> QueryResult<(Vec<DirectoryLine>, crate::models::page::Pager)> {
        use crate::schema::credit_evaluations as ce;
        let query = || {
            let mut query = enterprises::table
                .left_join(ce::table.on(ce::uscc.eq(enterprises::uscc)))
                .into_boxed::<crate::db::DbBackend>();
            let q = filter.q.trim();
            if !q.is_empty() {
                let pattern = format!("%{}%", q.replace(['%', '_'], ""));
                query = query.filter(enterprises::name.like(pattern).or(enterprises::uscc.eq(q.to_uppercase())));
            }
            match filter.list.as_str() {
                "whitelist" => query = query.filter(ce::whitelisted.eq(true)),
                "dishonest" => query = query.filter(ce::dishonest.eq(true)),
                _ => {}
            }
            if !filter.grade.is_empty() {
                query = query.filter(ce::grade.eq(filter.grade.clone()));
            }
            query
        };
        let pager = crate::models::page::Pager::new(filter.page, per_page, query().count().get_result(conn)?);
        let rows: Vec<(Enterprise, Option<EvaluationSummary>)> = query()
            .order(enterprises::name)
            .offset(pager.offset())
            .limit(pager.per_page)
            .select((Enterprise::as_select(), (ce::score, ce::grade, ce::dishonest, ce::whitelisted).nullable()))
            .load(conn)?;
        let lines = rows
            .into_iter()
            .map(|(enterprise, evaluation)| DirectoryLine {
                enterprise,
                score: evaluation.as_ref().map(|e| e.0),
                grade: evaluation.as_ref().map(|e| e.1.clone()),
                dishonest: evaluation.as_ref().is_some_and(|e| e.2),
                whitelisted: evaluation.as_ref().is_some_and(|e| e.3),
            })
            .collect();
        Ok((lines, pager))
    }
}
