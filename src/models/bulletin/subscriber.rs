//! The visitors who asked for each new bulletin by email. A subscription is
//! confirmed by a one-time link (its token stored as its digest, valid for
//! [`CONFIRM_VALIDITY`] from `created_at`, the time the latest link was
//! sent); it ends by the unsubscribe link in every bulletin email, which
//! holds the subscriber's id and an HMAC over it and the digest of its
//! latest confirmation link under a key in `server_secrets`: nothing usable is stored in plain, and a
//! new subscription after unsubscribing makes the old links dead.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::models::{new_token, token_digest};
use crate::schema::bulletin_subscribers;

/// How long a confirmation link stays open.
pub const CONFIRM_VALIDITY: Duration = Duration::days(3);

/// The key that signs the unsubscribe links (`server_secret::get_or_create`).
pub const UNSUBSCRIBE_KEY: &str = "bulletin_unsubscribe";

#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = bulletin_subscribers)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub confirm_token_hash: String,
    /// When the latest confirmation link was sent.
    pub created_at: NaiveDateTime,
    pub confirmed_at: Option<NaiveDateTime>,
    pub unsubscribed_at: Option<NaiveDateTime>,
}

impl Subscriber {
    /// Confirmed and not unsubscribed: gets each new bulletin.
    pub fn is_active(&self) -> bool {
        self.confirmed_at.is_some() && self.unsubscribed_at.is_none()
    }

    pub fn find_by_email(conn: &mut DbConn, email: &str) -> QueryResult<Option<Subscriber>> {
        bulletin_subscribers::table
            .filter(bulletin_subscribers::email.eq(email))
            .select(Subscriber::as_select())
            .first(conn)
            .optional()
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Option<Subscriber>> {
        bulletin_subscribers::table.find(id).select(Subscriber::as_select()).first(conn).optional()
    }

    /// Every subscriber who gets the next bulletin.
    pub fn active(conn: &mut DbConn) -> QueryResult<Vec<Subscriber>> {
        bulletin_subscribers::table
            .filter(bulletin_subscribers::confirmed_at.is_not_null())
            .filter(bulletin_subscribers::unsubscribed_at.is_null())
            .order(bulletin_subscribers::id)
            .select(Subscriber::as_select())
            .load(conn)
    }

    /// A fresh confirmation link for `email`: a new row, or the row of an
    /// earlier, unconfirmed or ended subscription made pending again. The
    /// token that goes into the link.
    pub fn pending(conn: &mut DbConn, email: &str, now: NaiveDateTime) -> QueryResult<String> {
        let (token, digest) = new_token();
        let changed = diesel::update(bulletin_subscribers::table.filter(bulletin_subscribers::email.eq(email)))
            .set((
                bulletin_subscribers::confirm_token_hash.eq(&digest),
                bulletin_subscribers::created_at.eq(now),
                bulletin_subscribers::confirmed_at.eq(None::<NaiveDateTime>),
                bulletin_subscribers::unsubscribed_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        if changed == 0 {
            diesel::insert_into(bulletin_subscribers::table)
                .values((
                    bulletin_subscribers::email.eq(email),
                    bulletin_subscribers::confirm_token_hash.eq(&digest),
                    bulletin_subscribers::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(token)
    }

    /// The pending subscription of a confirmation link still open.
    pub fn open_link(conn: &mut DbConn, token: &str, now: NaiveDateTime) -> QueryResult<Option<Subscriber>> {
        bulletin_subscribers::table
            .filter(bulletin_subscribers::confirm_token_hash.eq(token_digest(token)))
            .filter(bulletin_subscribers::confirmed_at.is_null())
            .filter(bulletin_subscribers::created_at.gt(now - CONFIRM_VALIDITY))
            .select(Subscriber::as_select())
            .first(conn)
            .optional()
    }

    /// Confirms the subscription of an open link, once; the rows changed.
    pub fn confirm(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(bulletin_subscribers::table.find(id))
            .filter(bulletin_subscribers::confirmed_at.is_null())
            .set(bulletin_subscribers::confirmed_at.eq(now))
            .execute(conn)
    }

    /// Ends an active subscription; the rows changed.
    pub fn unsubscribe(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
        diesel::update(bulletin_subscribers::table.find(id))
            .filter(bulletin_subscribers::unsubscribed_at.is_null())
            .set(bulletin_subscribers::unsubscribed_at.eq(now))
            .execute(conn)
    }

    /// The token of this subscription's unsubscribe link under `key`:
    /// "{id}-{HMAC-SHA256 hex}".
    pub fn unsubscribe_token(&self, key: &[u8]) -> String {
        format!("{}-{}", self.id, hex::encode(self.signature(key)))
    }

    fn signature(&self, key: &[u8]) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
        mac.update(format!("bulletin_unsubscribe:{}:{}", self.id, self.confirm_token_hash).as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The active subscription an unsubscribe token was made for, or None
    /// for a token that is forged, of an ended subscription or of an earlier one.
    pub fn by_unsubscribe_token(conn: &mut DbConn, token: &str, key: &[u8]) -> QueryResult<Option<Subscriber>> {
        let Some((id, signature)) = token.split_once('-') else { return Ok(None) };
        let (Ok(id), Ok(signature)) = (id.parse::<i64>(), hex::decode(signature)) else { return Ok(None) };
        let Some(subscriber) = Subscriber::find(conn, id)? else { return Ok(None) };
        use subtle::ConstantTimeEq;
        let matches: bool = subscriber.signature(key)[..].ct_eq(&signature[..]).into();
        Ok((matches && subscriber.is_active()).then_some(subscriber))
    }
}
