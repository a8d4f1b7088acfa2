//! Enterprises on the credit office's record: registration would match against these.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Money;
use crate::schema::enterprises;

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = enterprises)]
pub struct Enterprise {
    pub id: i64,
    pub uscc: String,
    pub name: String,
    pub legal_representative: String,
    pub registered_capital_fen: i64,
    pub established_on: NaiveDate,
    pub region: String,
    pub industry: String,
    pub size_class: String,
    pub address: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub department: Option<String>,
    pub as_of: Option<NaiveDate>,
    pub batch_id: Option<i64>,
}

#[derive(Insertable)]
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
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Enterprise {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Enterprise> {
        enterprises::table.find(id).select(Enterprise::as_select()).first(conn)
    }

    pub fn find_by_uscc(conn: &mut DbConn, uscc: &str) -> QueryResult<Option<Enterprise>> {
        enterprises::table.filter(enterprises::uscc.eq(uscc)).select(Enterprise::as_select()).first(conn).optional()
    }

    pub fn count(conn: &mut DbConn) -> QueryResult<i64> {
        enterprises::table.count().get_result(conn)
    }

    pub fn registered_capital(&self) -> Money {
        Money::from_fen(self.registered_capital_fen)
    }
}
