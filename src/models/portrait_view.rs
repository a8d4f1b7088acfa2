//! The portrait view log (查询记录): every view by a bank or the credit office,
//! with who, which institution, under which authorization, why and when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Role;
use crate::schema::{institutions, portrait_views, users};

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = portrait_views)]
pub struct PortraitView {
    pub id: i64,
    pub at: NaiveDateTime,
    pub enterprise_id: i64,
    pub viewer_id: i64,
    #[diesel(deserialize_as = String)]
    pub viewer_role: Role,
    pub institution_id: Option<i64>,
    pub authorization_id: Option<i64>,
    pub purpose: String,
    pub ip: Option<String>,
}

/// A view as the enterprise sees it in its log.
pub struct ViewLine {
    pub at: NaiveDateTime,
    pub viewer: String,
    pub institution: String,
    pub purpose: String,
}

pub struct NewView<'a> {
    pub enterprise_id: i64,
    pub viewer_id: i64,
    pub viewer_role: Role,
    pub institution_id: Option<i64>,
    pub authorization_id: Option<i64>,
    pub purpose: &'a str,
    pub ip: Option<&'a str>,
}

impl PortraitView {
    pub fn record(conn: &mut DbConn, view: &NewView, now: NaiveDateTime) -> QueryResult<()> {
        diesel::insert_into(portrait_views::table)
            .values((
                portrait_views::at.eq(now),
                portrait_views::enterprise_id.eq(view.enterprise_id),
                portrait_views::viewer_id.eq(view.viewer_id),
                portrait_views::viewer_role.eq(view.viewer_role.as_str()),
                portrait_views::institution_id.eq(view.institution_id),
                portrait_views::authorization_id.eq(view.authorization_id),
                portrait_views::purpose.eq(view.purpose),
                portrait_views::ip.eq(view.ip),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn count_for(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<i64> {
        portrait_views::table.filter(portrait_views::enterprise_id.eq(enterprise_id)).count().get_result(conn)
    }

    /// One page of the enterprise's view log, newest first.
    pub fn of_enterprise(conn: &mut DbConn, enterprise_id: i64, offset: i64, limit: i64) -> QueryResult<Vec<ViewLine>> {
        let rows: Vec<(NaiveDateTime, String, String, Option<String>, String)> = portrait_views::table
            .inner_join(users::table)
            .left_join(institutions::table)
            .filter(portrait_views::enterprise_id.eq(enterprise_id))
            .order(portrait_views::id.desc())
            .offset(offset)
            .limit(limit)
            .select((
                portrait_views::at,
                users::display_name,
                portrait_views::viewer_role,
                institutions::name.nullable(),
                portrait_views::purpose,
            ))
            .load(conn)?;
        rows.into_iter()
            .map(|(at, viewer, role, institution, purpose)| {
                // A stored code that is not a role fails the read, as on every row.
                let role = Role::try_from(role).map_err(|e| diesel::result::Error::DeserializationError(e.into()))?;
                Ok(ViewLine {
                    at,
                    viewer,
                    institution: institution.unwrap_or_else(|| role.label().to_string()),
                    purpose,
                })
            })
            .collect()
    }
}
