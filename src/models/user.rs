//! Accounts: one row per person who signs in, with the role that decides what they see.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::Role;
use crate::schema::users;

/// Failed sign-ins in a row that lock an account, and for how long.
pub const LOCKOUT_THRESHOLD: i32 = 5;
pub const LOCKOUT_DURATION: Duration = Duration::minutes(15);

/// An account as read; its `Debug` leaves out the password hash.
#[derive(Queryable, Selectable, Clone)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    /// A stored code that is not a role fails the read: never a default role.
    #[diesel(deserialize_as = String)]
    pub role: Role,
    pub enterprise_id: Option<i64>,
    pub institution_id: Option<i64>,
    pub branch_id: Option<i64>,
    pub must_change_password: bool,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub last_login_at: Option<NaiveDateTime>,
    /// Enterprise accounts: when the link sent to the email was opened.
    pub email_verified_at: Option<NaiveDateTime>,
    /// Enterprise accounts: when the account proved it acts for the enterprise.
    pub control_proven_at: Option<NaiveDateTime>,
    /// How: `registry_email` (a code sent to the registry's contact), `letter` or `demo`.
    pub control_proof: Option<String>,
    /// When the credit office unbound a wrong claim; the account is then disabled.
    pub unbound_at: Option<NaiveDateTime>,
}

#[derive(Insertable, Clone)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    #[diesel(serialize_as = String)]
    pub role: Role,
    pub enterprise_id: Option<i64>,
    pub institution_id: Option<i64>,
    pub branch_id: Option<i64>,
    pub must_change_password: bool,
    pub created_at: NaiveDateTime,
}

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("enterprise_id", &self.enterprise_id)
            .field("institution_id", &self.institution_id)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

impl User {
    pub fn role(&self) -> Role {
        self.role
    }

    /// The enterprise this account may act for: only once its email is verified
    /// and it has proven control of the enterprise.
    pub fn controlled_enterprise(&self) -> Option<i64> {
        let proven = self.email_verified_at.is_some() && self.control_proven_at.is_some() && self.unbound_at.is_none();
        self.enterprise_id.filter(|_| self.role() == Role::Enterprise && proven)
    }

    pub fn is_locked(&self, now: NaiveDateTime) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<User> {
        users::table.find(id).select(User::as_select()).first(conn)
    }

    /// Finds an account by user name or email, case-insensitively.
    pub fn find_by_login(conn: &mut DbConn, login: &str) -> QueryResult<Option<User>> {
        let login = login.trim().to_lowercase();
        users::table
            .filter(users::username.eq(&login).or(users::email.eq(&login)))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    pub fn email_taken(conn: &mut DbConn, email: &str) -> QueryResult<bool> {
        let email = email.trim().to_lowercase();
        diesel::select(diesel::dsl::exists(users::table.filter(users::email.eq(&email).or(users::username.eq(&email)))))
            .get_result(conn)
    }

    pub fn insert(conn: &mut DbConn, new: &NewUser) -> QueryResult<i64> {
        // The role goes in as its stored code (`serialize_as`), so the row is inserted by value.
        diesel::insert_into(users::table).values(new.clone()).returning(users::id).get_result(conn)
    }

    /// Counts a failed sign-in; the fifth in a row locks the account. Returns whether it is now locked.
    pub fn record_failure(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let failures: i32 = diesel::update(users::table.find(id))
            .set(users::failed_logins.eq(users::failed_logins + 1))
            .returning(users::failed_logins)
            .get_result(conn)?;
        if failures >= LOCKOUT_THRESHOLD {
            diesel::update(users::table.find(id))
                .set((users::failed_logins.eq(0), users::locked_until.eq(now + LOCKOUT_DURATION)))
                .execute(conn)?;
            return Ok(true);
        }
        Ok(false)
    }

    pub fn record_success(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
                users::last_login_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    }

    /// A new password; the failed sign-ins counted against the old one, and
    /// the lock they caused, end with it.
    pub fn set_password(conn: &mut DbConn, id: i64, hash: &str) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((
                users::password_hash.eq(hash),
                users::must_change_password.eq(false),
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)
            .map(drop)
    }

    pub fn count_by_role(conn: &mut DbConn, role: Role) -> QueryResult<i64> {
        users::table.filter(users::role.eq(role.as_str())).count().get_result(conn)
    }
}

impl User {
    /// The account that holds the enterprise (proven control, not unbound), if any.
    pub fn holder_of(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Option<User>> {
        users::table
            .filter(users::enterprise_id.eq(enterprise_id))
            .filter(users::control_proven_at.is_not_null())
            .filter(users::unbound_at.is_null())
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    /// Every account that registered for the enterprise, the holder and unproven claims alike.
    pub fn claims_of(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Vec<User>> {
        users::table
            .filter(users::enterprise_id.eq(enterprise_id))
            .order(users::created_at)
            .select(User::as_select())
            .load(conn)
    }

    pub fn verify_email(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(users::table.find(id).filter(users::email_verified_at.is_null()))
            .set(users::email_verified_at.eq(now))
            .execute(conn)
            .map(drop)
    }

    /// Records that the account proved control of its enterprise; false when
    /// another account already holds it (or this one was unbound).
    pub fn prove_control(conn: &mut DbConn, user: &User, proof: &str, now: NaiveDateTime) -> QueryResult<bool> {
        let Some(enterprise_id) = user.enterprise_id else { return Ok(false) };
        if User::holder_of(conn, enterprise_id)?.is_some() {
            return Ok(false);
        }
        let changed = diesel::update(
            users::table.find(user.id).filter(users::control_proven_at.is_null()).filter(users::unbound_at.is_null()),
        )
        .set((users::control_proven_at.eq(now), users::control_proof.eq(proof)))
        .execute(conn)?;
        Ok(changed == 1)
    }

    /// Unbinds a wrong claim: the account loses the enterprise (it no longer
    /// holds it, so the real enterprise can register), is disabled and signed out.
    pub fn unbind(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        let changed = diesel::update(
            users::table.find(id).filter(users::role.eq(Role::Enterprise.as_str())).filter(users::unbound_at.is_null()),
        )
        .set((users::unbound_at.eq(now), users::disabled.eq(true)))
        .execute(conn)?;
        if changed == 1 {
            crate::models::session::SessionRow::delete_for_user(conn, id)?;
        }
        Ok(changed == 1)
    }

    /// The officers and admins of one institution, for its admin.
    pub fn of_institution(conn: &mut DbConn, institution_id: i64) -> QueryResult<Vec<User>> {
        users::table
            .filter(users::institution_id.eq(institution_id))
            .order((users::role, users::display_name))
            .select(User::as_select())
            .load(conn)
    }
}

impl User {
    pub fn of_role(conn: &mut DbConn, role: Role) -> QueryResult<Vec<User>> {
        users::table
            .filter(users::role.eq(role.as_str()))
            .filter(users::disabled.eq(false))
            .select(User::as_select())
            .load(conn)
    }

    /// The account that acts for the enterprise (unproven claims hear nothing).
    pub fn of_enterprise(conn: &mut DbConn, enterprise_id: i64) -> QueryResult<Vec<User>> {
        users::table
            .filter(users::enterprise_id.eq(enterprise_id))
            .filter(users::disabled.eq(false))
            .filter(users::control_proven_at.is_not_null())
            .filter(users::unbound_at.is_null())
            .select(User::as_select())
            .load(conn)
    }
}

impl User {
    /// Disables or re-enables an officer of `institution_id`; a disabled account's sessions end at once.
    pub fn set_disabled(conn: &mut DbConn, id: i64, institution_id: i64, disabled: bool) -> QueryResult<bool> {
        let changed = diesel::update(
            users::table
                .find(id)
                .filter(users::institution_id.eq(institution_id))
                .filter(users::role.eq(Role::Officer.as_str())),
        )
        .set(users::disabled.eq(disabled))
        .execute(conn)?;
        if changed == 1 && disabled {
            crate::models::session::SessionRow::delete_for_user(conn, id)?;
        }
        Ok(changed == 1)
    }

    /// Moves an officer of `institution_id` to another of its branches.
    pub fn move_to_branch(conn: &mut DbConn, id: i64, institution_id: i64, branch_id: i64) -> QueryResult<bool> {
        let changed = diesel::update(
            users::table
                .find(id)
                .filter(users::institution_id.eq(institution_id))
                .filter(users::role.eq(Role::Officer.as_str())),
        )
        .set(users::branch_id.eq(branch_id))
        .execute(conn)?;
        Ok(changed == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_leaves_out_the_password_hash() {
        let at = chrono::DateTime::from_timestamp(1_764_000_000, 0).expect("a valid time").naive_utc();
        let user = User {
            id: 7,
            username: "officer".into(),
            email: "officer@bank.example".into(),
            display_name: "客户经理".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$secret-salt$secret-hash".into(),
            role: Role::Officer,
            enterprise_id: None,
            institution_id: Some(3),
            branch_id: None,
            must_change_password: false,
            failed_logins: 0,
            locked_until: None,
            disabled: false,
            created_at: at,
            last_login_at: None,
            email_verified_at: None,
            control_proven_at: None,
            control_proof: None,
            unbound_at: None,
        };
        let printed = format!("{user:?}");
        assert!(printed.contains("officer") && printed.contains("Officer"), "{printed}");
        assert!(!printed.contains("argon2") && !printed.contains("secret"), "{printed}");
    }
}
