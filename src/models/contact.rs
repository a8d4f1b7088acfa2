//! The contacts the two sides of a deal see of each other once a bank has
//! grabbed a need: the enterprise's contact person, mobile and email (kept
//! on the account that holds the enterprise, never on the registry's row)
//! and the officer's name, branch and phone. Also the consent to the 用户协议
//! and 隐私政策 an account gave at registration.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConn;
use crate::schema::{branches, users};

/// Whom a bank calls about the enterprise's need.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnterpriseContact {
    pub person: String,
    pub mobile: String,
    pub email: String,
}

/// Who at the bank handles the offer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OfficerContact {
    pub name: String,
    pub branch: Option<String>,
    pub phone: Option<String>,
}

type ContactRow = (Option<String>, Option<String>, Option<String>, String);

fn enterprise_contact((person, mobile, contact_email, email): ContactRow) -> EnterpriseContact {
    EnterpriseContact {
        person: person.unwrap_or_default(),
        mobile: mobile.unwrap_or_default(),
        // An account older than contact details: its sign-in email reaches it.
        email: contact_email.unwrap_or(email),
    }
}

impl EnterpriseContact {
    /// The contact of the account that holds the enterprise (proven control,
    /// not unbound); None when no account holds it.
    pub fn of_enterprise(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Option<EnterpriseContact>> {
        let row: Option<ContactRow> = users::table
            .filter(users::enterprise_id.eq(enterprise_id))
            .filter(users::control_proven_at.is_not_null())
            .filter(users::unbound_at.is_null())
            .select((users::contact_person, users::phone, users::contact_email, users::email))
            .first(conn)
            .optional()?;
        Ok(row.map(enterprise_contact))
    }

    /// The contact an enterprise account keeps.
    pub fn of_user(conn: &mut DbConn, user_id: i64) -> QueryResult<EnterpriseContact> {
        let row: ContactRow = users::table
            .find(user_id)
            .select((users::contact_person, users::phone, users::contact_email, users::email))
            .first(conn)?;
        Ok(enterprise_contact(row))
    }

    /// Sets the account's contact.
    pub fn set(&self, conn: &mut DbConn, user_id: i64) -> QueryResult<()> {
        diesel::update(users::table.find(user_id))
            .set((
                users::contact_person.eq(&self.person),
                users::phone.eq(&self.mobile),
                users::contact_email.eq(&self.email),
            ))
            .execute(conn)
            .map(drop)
    }

    /// Whether the account has given whom to call (older accounts have not).
    pub fn is_complete(&self) -> bool {
        !self.person.is_empty() && !self.mobile.is_empty()
    }
}

impl OfficerContact {
    /// The officer's name, branch and phone.
    pub fn of_user(conn: &mut DbConn, user_id: i64) -> QueryResult<OfficerContact> {
        let (name, branch, phone) = users::table
            .left_join(branches::table)
            .filter(users::id.eq(user_id))
            .select((users::display_name, branches::name.nullable(), users::phone))
            .first(conn)?;
        Ok(OfficerContact { name, branch, phone })
    }

    /// Sets the officer's name and phone (the branch is the bank admin's to set).
    pub fn set(conn: &mut DbConn, user_id: i64, name: &str, phone: &str) -> QueryResult<()> {
        diesel::update(users::table.find(user_id))
            .set((users::display_name.eq(name), users::phone.eq(phone)))
            .execute(conn)
            .map(drop)
    }
}

/// Records that the account accepted the 用户协议 and 隐私政策 of `version`.
pub fn record_consent(conn: &mut DbConn, user_id: i64, version: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((users::terms_version.eq(version), users::terms_accepted_at.eq(now)))
        .execute(conn)
        .map(drop)
}

/// The version and time of the account's consent, if it gave one.
pub fn consent_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<(String, NaiveDateTime)>> {
    let (version, at): (Option<String>, Option<NaiveDateTime>) =
        users::table.find(user_id).select((users::terms_version, users::terms_accepted_at)).first(conn)?;
    Ok(version.zip(at))
}
