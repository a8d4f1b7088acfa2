//! Data sets: the demo city (for a first start and for trying the platform) and
//! the first credit-office administrator of a real deployment.

mod claim_loans;
mod demo;
mod fund;
mod fund_claims;
mod loan_life;
mod loans;
mod needs;
mod products;
mod records;
mod subsidy;

use std::path::Path;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::password;
use crate::db::{DbConn, write_tx};
use crate::domain::Role;
use crate::models::audit::{self, Actor};
use crate::models::user::{NewUser, User};
use crate::schema::{enterprises, users};

pub use demo::{DEMO_ACCOUNTS, DEMO_PASSWORD, demo};

/// What `serve` loads at start: the demo city only when asked for (`--demo`
/// or XINYIDAI_DEMO=1) and the database is empty; otherwise nothing, so a
/// production database never gets an account it did not create itself. The
/// demo's emails link to `base_url` (BASE_URL); its claims' files are stored
/// under `data_dir` (DATA_DIR).
pub fn on_start(
    conn: &mut DbConn,
    demo_requested: bool,
    now: NaiveDateTime,
    (base_url, data_dir): (&str, &Path),
) -> anyhow::Result<bool> {
    if !demo_requested {
        return Ok(false);
    }
    demo_if_empty(conn, now, (base_url, data_dir))
}

/// Loads the demo city when the database holds no enterprises and no accounts.
pub fn demo_if_empty(
    conn: &mut DbConn,
    now: NaiveDateTime,
    (base_url, data_dir): (&str, &Path),
) -> anyhow::Result<bool> {
    let enterprises: i64 = enterprises::table.count().get_result(conn)?;
    let accounts: i64 = users::table.count().get_result(conn)?;
    if enterprises > 0 || accounts > 0 {
        return Ok(false);
    }
    demo(conn, now, (base_url, data_dir))?;
    Ok(true)
}

/// Creates a credit-office administrator and returns the one-time password,
/// which must be changed at first sign-in.
pub fn create_admin(
    conn: &mut DbConn,
    username: &str,
    email: Option<&str>,
    display_name: &str,
    now: NaiveDateTime,
) -> anyhow::Result<String> {
    let username = username.trim().to_lowercase();
    anyhow::ensure!(!username.is_empty(), "the user name must not be empty");
    let email = email.map_or_else(|| format!("{username}@credit-office.local"), |e| e.trim().to_lowercase());
    anyhow::ensure!(email.parse::<lettre::Address>().is_ok(), "{email:?} is not a valid email address");
    let one_time: String = {
        const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
        (0..16).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()
    };
    let hash = password::hash(&one_time)?;
    write_tx(conn, |conn| {
        anyhow::ensure!(User::find_by_login(conn, &username)?.is_none(), "an account named {username} already exists");
        anyhow::ensure!(!User::email_taken(conn, &email)?, "the email {email} is already in use");
        let id = User::insert(
            conn,
            &NewUser {
                username: &username,
                email: &email,
                display_name,
                password_hash: &hash,
                role: Role::CreditOffice,
                enterprise_id: None,
                institution_id: None,
                branch_id: None,
                must_change_password: true,
                created_at: now,
            },
        )?;
        let actor = Actor { user_id: None, role: Some("system".into()), institution_id: None, ip: None };
        audit::record(conn, &actor, "admin_created", Some(&format!("user:{id}")), "ok", now)?;
        Ok(())
    })?;
    Ok(one_time)
}
