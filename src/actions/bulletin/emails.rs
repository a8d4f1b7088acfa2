//! The emails of the bulletins: the confirmation link of a subscription, and
//! each new bulletin with its unsubscribe link. Both carry a secret (a link
//! that acts without signing in), so neither is copied to a 消息中心.

use askama::Template;
use chrono::NaiveDateTime;

use crate::clock::datetime_text;
use crate::domain::stats::Statistics;
use crate::domain::stats::bulletin::HEADLINE;
use crate::email::EmailTemplate;
use crate::models::bulletin::Bulletin;
use crate::models::bulletin::subscriber::CONFIRM_VALIDITY;

#[derive(Template)]
#[template(path = "emails/bulletin_confirm.txt", blocks = ["subject", "body"])]
pub struct ConfirmEmail {
    pub link: String,
    pub expires: String,
}

impl ConfirmEmail {
    pub fn new(token: &str, base_url: &str, now: NaiveDateTime) -> ConfirmEmail {
        let expires = datetime_text(&(now + CONFIRM_VALIDITY));
        ConfirmEmail { link: format!("{base_url}/bulletins/subscriptions/{token}/confirm"), expires }
    }
}

impl EmailTemplate for ConfirmEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }
    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("确认订阅", &self.link))
    }
    fn secret(&self) -> bool {
        true
    }
}

#[derive(Template)]
#[template(path = "emails/bulletin_published.txt", blocks = ["subject", "body"])]
pub struct BulletinEmail {
    pub title: String,
    pub period_label: String,
    pub as_of: String,
    /// (name, "1234.56 万元") of this period.
    pub headline: Vec<(String, String)>,
    pub link: String,
    pub unsubscribe: String,
}

impl BulletinEmail {
    /// The email of `bulletin` with its frozen `figures`; `unsubscribe` is the
    /// recipient's own link.
    pub fn new(bulletin: &Bulletin, figures: &Statistics, base_url: &str, unsubscribe: String) -> BulletinEmail {
        let headline = HEADLINE
            .iter()
            .filter_map(|key| figures.indicator(key))
            .map(|i| (i.name.clone(), format!("{} {}", crate::domain::stats::value_text(i.period), i.unit.label())))
            .collect();
        BulletinEmail {
            title: bulletin.title.clone(),
            period_label: figures.period_label.clone(),
            as_of: datetime_text(&figures.as_of),
            headline,
            link: format!("{base_url}/bulletins/{}", bulletin.period),
            unsubscribe,
        }
    }
}

impl EmailTemplate for BulletinEmail {
    fn subject(&self) -> askama::Result<String> {
        self.as_subject().render()
    }
    fn body(&self) -> askama::Result<String> {
        self.as_body().render()
    }
    fn action(&self) -> Option<(&str, &str)> {
        Some(("阅读公报", &self.link))
    }
    fn secret(&self) -> bool {
        true
    }
}
