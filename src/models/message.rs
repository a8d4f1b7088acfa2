//! The 消息中心: a copy of every email the platform sends to a user, written
//! by the outbox (`notify`) in the transaction that enqueues the email. A
//! message is read and marked read by its own user only.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::page::Pager;
use crate::db::DbConn;
use crate::schema::{messages, users};

/// The subject prefix every email carries, left out of the copy.
const SUBJECT_PREFIX: &str = "【信易贷】";

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: i64,
    pub user_id: i64,
    pub subject: String,
    pub body: String,
    /// The page of what the message is about: a path on this site.
    pub link: Option<String>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

impl Message {
    pub fn is_unread(&self) -> bool {
        self.read_at.is_none()
    }

    /// The body as the message's page shows it: paragraphs without the
    /// email's greeting, signature and bare links (the page has its own button).
    pub fn paragraphs(&self) -> Vec<String> {
        self.body
            .split("\n\n")
            .map(|paragraph| {
                let lines: Vec<&str> = paragraph.lines().map(str::trim).collect();
                let kept = lines.iter().enumerate().filter(|(i, line)| {
                    let before_link = lines.get(i + 1).is_some_and(|next| next.starts_with("http"));
                    let link_line = line.starts_with("http") || (before_link && line.ends_with('：'));
                    !link_line
                });
                kept.map(|(_, line)| *line).collect::<Vec<_>>().join("\n")
            })
            .filter(|p| !p.is_empty() && !p.ends_with("您好：") && p != "信易贷")
            .collect()
    }

    /// The first words of the body after the greeting, for the list.
    pub fn excerpt(&self) -> String {
        let text = self.paragraphs().into_iter().next().unwrap_or_default();
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.chars().count() > 80 { format!("{}…", text.chars().take(80).collect::<String>()) } else { text }
    }
}

/// The path of `url` on its site ("https://host/officer/offers/7" gives
/// "/officer/offers/7"), so that a stored link outlives a change of BASE_URL.
/// Only a path on this site: "//host/…" or "/\host" would leave it when
/// opened, so they give none.
pub fn site_path(url: &str) -> Option<String> {
    let path = if url.starts_with('/') {
        url.to_string()
    } else {
        let (_, rest) = url.split_once("://")?;
        rest.find('/').map_or_else(|| "/".to_string(), |at| rest[at..].to_string())
    };
    (!path.starts_with("//") && !path.starts_with("/\\")).then_some(path)
}

/// Copies an email to the messages of the account whose address it goes to;
/// an address no account has (an invitation before the account exists) gets
/// none. Returns whether a message was written.
pub fn copy_email(
    conn: &mut DbConn,
    to: &str,
    subject: &str,
    body: &str,
    link: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let user: Option<i64> = users::table.filter(users::email.eq(to)).select(users::id).first(conn).optional()?;
    let Some(user_id) = user else { return Ok(false) };
    diesel::insert_into(messages::table)
        .values((
            messages::user_id.eq(user_id),
            messages::subject.eq(subject.strip_prefix(SUBJECT_PREFIX).unwrap_or(subject)),
            messages::body.eq(body),
            messages::link.eq(link.and_then(site_path)),
            messages::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// How many of the user's messages are unread: one indexed count, for the top bar.
pub fn unread_count(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    messages::table.filter(messages::user_id.eq(user_id)).filter(messages::read_at.is_null()).count().get_result(conn)
}

/// How many messages the user has.
pub fn count(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    messages::table.filter(messages::user_id.eq(user_id)).count().get_result(conn)
}

/// One page of the user's messages, newest first.
pub fn page(conn: &mut DbConn, user_id: i64, pager: &Pager) -> QueryResult<Vec<Message>> {
    messages::table
        .filter(messages::user_id.eq(user_id))
        .order((messages::created_at.desc(), messages::id.desc()))
        .limit(pager.per_page)
        .offset(pager.offset())
        .select(Message::as_select())
        .load(conn)
}

/// The user's `n` newest messages (for a home page).
pub fn latest(conn: &mut DbConn, user_id: i64, n: i64) -> QueryResult<Vec<Message>> {
    page(conn, user_id, &Pager::new(None, n.max(1), n.max(1)))
}

/// The message `id` when it is the user's; None for anyone else's.
pub fn find_own(conn: &mut DbConn, user_id: i64, id: i64) -> QueryResult<Option<Message>> {
    messages::table.find(id).filter(messages::user_id.eq(user_id)).select(Message::as_select()).first(conn).optional()
}

/// Marks the user's message read (once: a read message keeps its first time).
pub fn mark_read(conn: &mut DbConn, user_id: i64, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(messages::table.find(id))
        .filter(messages::user_id.eq(user_id))
        .filter(messages::read_at.is_null())
        .set(messages::read_at.eq(now))
        .execute(conn)
        .map(drop)
}

/// Marks every unread message of the user read; returns how many.
pub fn mark_all_read(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(messages::table)
        .filter(messages::user_id.eq(user_id))
        .filter(messages::read_at.is_null())
        .set(messages::read_at.eq(now))
        .execute(conn)
}

#[cfg(test)]
mod tests {
    use super::{Message, site_path};

    #[test]
    fn the_page_shows_the_email_without_its_greeting_signature_and_bare_links() {
        let body = "您好：\n\n云海银行抢到了您的融资需求 #2。\n下一步：比较报价。\n详情请查看：\nhttp://x.test/enterprise/needs/2\n\n信易贷";
        let message = Message {
            id: 1,
            user_id: 1,
            subject: "报价".into(),
            body: body.into(),
            link: None,
            created_at: chrono::NaiveDateTime::default(),
            read_at: None,
        };
        assert_eq!(message.paragraphs(), vec!["云海银行抢到了您的融资需求 #2。\n下一步：比较报价。".to_string()]);
        assert_eq!(message.excerpt(), "云海银行抢到了您的融资需求 #2。 下一步：比较报价。");
    }

    #[test]
    fn a_link_keeps_only_its_path_on_the_site() {
        assert_eq!(site_path("https://xyd.example.cn/officer/offers/7").as_deref(), Some("/officer/offers/7"));
        assert_eq!(site_path("http://127.0.0.1:8080").as_deref(), Some("/"));
        assert_eq!(site_path("/enterprise/portrait#disputes").as_deref(), Some("/enterprise/portrait#disputes"));
        assert_eq!(site_path("mailto:someone"), None);
        assert_eq!(site_path("//evil.example/x"), None);
        assert_eq!(site_path("https://xyd.example.cn//evil.example/x"), None);
        assert_eq!(site_path("/\\evil.example"), None);
    }
}
