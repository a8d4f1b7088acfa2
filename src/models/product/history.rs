//! Every change of a product, kept with a snapshot of its terms and who made it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Product;
use crate::db::DbConn;
use crate::schema::{product_history, products, users};

/// `product_history.action`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProductChange {
    Created,
    Updated,
    Published,
    Withdrawn,
}

crate::stored_as_text!(ProductChange);

impl ProductChange {
    pub const ALL: [ProductChange; 4] =
        [ProductChange::Created, ProductChange::Updated, ProductChange::Published, ProductChange::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            ProductChange::Created => "created",
            ProductChange::Updated => "updated",
            ProductChange::Published => "published",
            ProductChange::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ProductChange> {
        ProductChange::ALL.into_iter().find(|c| c.as_str() == text)
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductChange::Created => "创建草稿",
            ProductChange::Updated => "修改条款",
            ProductChange::Published => "发布",
            ProductChange::Withdrawn => "下架",
        }
    }
}

/// One line of a product's history, with who made the change (None: the system).
#[derive(Queryable, Clone, Debug)]
pub struct HistoryLine {
    #[diesel(deserialize_as = String)]
    pub change: ProductChange,
    pub at: NaiveDateTime,
    pub by: Option<String>,
}

/// Writes the history line of a change just made to product `id`.
pub(super) fn record(
    conn: &mut DbConn,
    id: i64,
    change: ProductChange,
    user: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let product = products::table.find(id).select(Product::as_select()).first(conn)?;
    let snapshot =
        serde_json::json!({ "status": product.status.as_str(), "version": product.version, "terms": product.terms() });
    diesel::insert_into(product_history::table)
        .values((
            product_history::product_id.eq(id),
            product_history::action.eq(change.as_str()),
            product_history::snapshot.eq(snapshot.to_string()),
            product_history::changed_by.eq(user),
            product_history::changed_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

impl Product {
    /// The change history, newest first, with who changed it.
    pub fn history(conn: &mut DbConn, id: i64) -> QueryResult<Vec<HistoryLine>> {
        product_history::table
            .left_join(users::table.on(users::id.nullable().eq(product_history::changed_by)))
            .filter(product_history::product_id.eq(id))
            .order(product_history::id.desc())
            .select((product_history::action, product_history::changed_at, users::display_name.nullable()))
            .load(conn)
    }
}
