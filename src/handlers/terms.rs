//! The 用户协议 and 隐私政策: what the platform stores and who sees it, the
//! two documents an enterprise accepts at registration (the version it
//! accepted is recorded on its account, `domain::terms`).

use askama::Template;
use askama_web::WebTemplate;

use crate::auth::Visitor;
use crate::domain::terms::{TERMS_EFFECTIVE, TERMS_VERSION};
use crate::web::Layout;

#[derive(Template, WebTemplate)]
#[template(path = "terms.html")]
pub struct TermsPage {
    layout: Layout,
    version: &'static str,
    effective: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "privacy.html")]
pub struct PrivacyPage {
    layout: Layout,
    version: &'static str,
    effective: &'static str,
}

fn layout(visitor: &Visitor) -> Layout {
    let csrf = visitor.session.as_ref().map(|s| s.csrf_token.clone()).unwrap_or_default();
    visitor.layout(&csrf)
}

/// `GET /terms`: the 用户协议.
pub async fn terms(visitor: Visitor) -> TermsPage {
    TermsPage { layout: layout(&visitor), version: TERMS_VERSION, effective: TERMS_EFFECTIVE }
}

/// `GET /privacy`: the 隐私政策.
pub async fn privacy(visitor: Visitor) -> PrivacyPage {
    PrivacyPage { layout: layout(&visitor), version: TERMS_VERSION, effective: TERMS_EFFECTIVE }
}
