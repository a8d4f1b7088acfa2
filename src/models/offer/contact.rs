//! Recording the bank's contact with the enterprise on its offer: how, when it
//! happened (the time the contact time is judged by) and when it was typed in.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Offer;
use crate::db::DbConn;
use crate::domain::contact::ContactMethod;
use crate::domain::need::OfferStatus;
use crate::schema::offers;

impl Offer {
    /// Records contact (how, and when it happened) on an open offer not yet
    /// contacted; false if it was closed or contacted.
    pub fn mark_contacted(
        conn: &mut DbConn,
        id: i64,
        (method, at): (ContactMethod, NaiveDateTime),
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let open = [OfferStatus::Active.as_str(), OfferStatus::Accepted.as_str()];
        let recorded = diesel::update(
            offers::table.find(id).filter(offers::status.eq_any(open)).filter(offers::contacted_at.is_null()),
        )
        .set((
            offers::contacted_at.eq(at),
            offers::contact_method.eq(method.as_str()),
            offers::contact_recorded_at.eq(now),
        ))
        .execute(conn)?;
        Ok(recorded == 1)
    }

    /// How the bank contacted the enterprise, once recorded (None also for a
    /// contact recorded before the method was asked, or a code the
    /// database's CHECK would not have let in).
    pub fn contact_method(&self) -> Option<ContactMethod> {
        self.contact_method.as_deref().and_then(ContactMethod::parse)
    }
}
