//! Institutions (金融机构) and their branches (支行).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::institution::InstitutionKind;
use crate::schema::{branches, institutions};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = institutions)]
pub struct Institution {
    pub id: i64,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub kind: InstitutionKind,
    pub uscc: String,
    pub created_at: NaiveDateTime,
}

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = branches)]
pub struct Branch {
    pub id: i64,
    pub institution_id: i64,
    pub name: String,
    pub region: String,
    pub created_at: NaiveDateTime,
}

impl Institution {
    /// Creates an institution with its first branch (营业部) in the given region.
    pub fn create(
        conn: &mut DbConn,
        name: &str,
        kind: &str,
        uscc: &str,
        region: &str,
        now: NaiveDateTime,
    ) -> QueryResult<(i64, i64)> {
        let id = diesel::insert_into(institutions::table)
            .values((
                institutions::name.eq(name),
                institutions::kind.eq(kind),
                institutions::uscc.eq(uscc),
                institutions::created_at.eq(now),
            ))
            .returning(institutions::id)
            .get_result(conn)?;
        let branch_id = Branch::create(conn, id, "营业部", region, now)?;
        Ok((id, branch_id))
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Institution> {
        institutions::table.find(id).select(Institution::as_select()).first(conn)
    }

    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Institution>> {
        institutions::table.order(institutions::name).select(Institution::as_select()).load(conn)
    }

    pub fn name_or_uscc_taken(conn: &mut DbConn, name: &str, uscc: &str) -> QueryResult<(bool, bool)> {
        let name_taken = diesel::select(diesel::dsl::exists(institutions::table.filter(institutions::name.eq(name))))
            .get_result(conn)?;
        let uscc_taken = diesel::select(diesel::dsl::exists(institutions::table.filter(institutions::uscc.eq(uscc))))
            .get_result(conn)?;
        Ok((name_taken, uscc_taken))
    }

    pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
        institutions::table.count().get_result(conn)
    }

    /// The institution's own figures: published products, applications to them, offers made.
    pub fn figures(conn: &mut DbConn, id: i64) -> QueryResult<(i64, i64, i64)> {
        use crate::schema::{offers, products};
        let published: i64 = products::table
            .filter(products::institution_id.eq(id))
            .filter(products::status.eq("published"))
            .count()
            .get_result(conn)?;
        let applications: Option<i64> = products::table
            .filter(products::institution_id.eq(id))
            .select(diesel::dsl::sum(products::applications))
            .first(conn)?;
        let offered: i64 = offers::table.filter(offers::institution_id.eq(id)).count().get_result(conn)?;
        Ok((published, applications.unwrap_or(0), offered))
    }
}

impl Branch {
    pub fn create(
        conn: &mut DbConn,
        institution_id: i64,
        name: &str,
        region: &str,
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(branches::table)
            .values((
                branches::institution_id.eq(institution_id),
                branches::name.eq(name),
                branches::region.eq(region),
                branches::created_at.eq(now),
            ))
            .returning(branches::id)
            .get_result(conn)
    }

    pub fn of_institution(conn: &mut DbConn, institution_id: i64) -> QueryResult<Vec<Branch>> {
        branches::table
            .filter(branches::institution_id.eq(institution_id))
            .order(branches::id)
            .select(Branch::as_select())
            .load(conn)
    }
}
