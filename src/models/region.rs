//! Administrative areas (行政区划) of the city the platform serves.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::regions;

#[derive(Queryable, Selectable, Insertable, Clone, Debug)]
#[diesel(table_name = regions)]
pub struct Region {
    pub code: String,
    pub name: String,
}

impl Region {
    pub fn all(conn: &mut DbConn) -> QueryResult<Vec<Region>> {
        regions::table.order(regions::code).select(Region::as_select()).load(conn)
    }

    pub fn name_of(regions: &[Region], code: &str) -> String {
        regions.iter().find(|r| r.code == code).map_or_else(|| code.to_string(), |r| r.name.clone())
    }
}
