//! The public landing page with the platform's headline figures.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

use crate::auth::Visitor;
use crate::domain::Role;
use crate::error::AppResult;
use crate::models::enterprise::Enterprise;
use crate::models::institution::Institution;
use crate::models::user::User;
use crate::state::AppState;
use crate::web::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage {
    layout: Layout,
    enterprises: i64,
    registered: i64,
    institutions: i64,
}

pub async fn home(State(state): State<AppState>, visitor: Visitor) -> AppResult<HomePage> {
    let (enterprises, registered, institutions) = state
        .db
        .query(|conn| {
            Ok((Enterprise::count(conn)?, User::count_by_role(conn, Role::Enterprise)?, Institution::count(conn)?))
        })
        .await?;
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    Ok(HomePage { layout: visitor.layout(&csrf), enterprises, registered, institutions })
}
