//! Site-wide settings, one row per key, shared by every app instance. Today
//! only the mark that the demo city was loaded.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::settings;

/// Set when the demo city is loaded: every page then says 演示数据.
pub const DEMO_DATA: &str = "demo_data";

pub fn get(conn: &mut DbConn, key: &str) -> QueryResult<Option<String>> {
    settings::table.find(key).select(settings::value).first(conn).optional()
}

pub fn set(conn: &mut DbConn, key: &str, value: &str) -> QueryResult<()> {
    let updated = diesel::update(settings::table.find(key)).set(settings::value.eq(value)).execute(conn)?;
    if updated == 0 {
        diesel::insert_into(settings::table)
            .values((settings::key.eq(key), settings::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether this database holds the demo city.
pub fn is_demo(conn: &mut DbConn) -> QueryResult<bool> {
    Ok(get(conn, DEMO_DATA)?.is_some())
}
