//! Proving control of an enterprise: codes sent to the registry's contact
//! (random, hashed at rest, 15 minutes, five tries) and authorization letters
//! that the credit office approves or rejects. The letter's bytes live in the
//! database; its file name is only ever shown, never used as a path.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::domain::claim::LetterStatus;
use crate::schema::{claim_codes, claim_letters, enterprises, users};

pub const CODE_VALIDITY: Duration = Duration::minutes(15);
pub const CODE_ATTEMPTS: i32 = 5;
/// A new code may be asked for once a minute.
pub const CODE_RESEND_AFTER: Duration = Duration::seconds(60);

/// The stored form of a code: bound to the account, so equal codes of two
/// accounts differ at rest.
fn code_digest(user_id: i64, code: &str) -> String {
    super::token_digest(&format!("claim-code:{user_id}:{code}"))
}

/// What checking a typed code found.
#[derive(Debug, PartialEq, Eq)]
pub enum CodeCheck {
    Right,
    /// Wrong; this many tries are left on the code.
    Wrong(i32),
    /// No live code: none sent, expired, used or out of tries.
    NoCode,
}

/// Issues a new six-digit code for `user_id` sent to `sent_to`; Err(seconds
/// to wait) when one was issued less than a minute ago.
pub fn issue_code(
    conn: &mut DbConn,
    user_id: i64,
    sent_to: &str,
    now: NaiveDateTime,
) -> QueryResult<Result<String, i64>> {
    let last: Option<NaiveDateTime> = claim_codes::table
        .filter(claim_codes::user_id.eq(user_id))
        .select(claim_codes::created_at)
        .order(claim_codes::created_at.desc())
        .first(conn)
        .optional()?;
    if let Some(last) = last.filter(|at| *at + CODE_RESEND_AFTER > now) {
        return Ok(Err((last + CODE_RESEND_AFTER - now).num_seconds().max(1)));
    }
    // Only the newest code counts: earlier ones die with it.
    diesel::update(claim_codes::table.filter(claim_codes::user_id.eq(user_id)).filter(claim_codes::used_at.is_null()))
        .set(claim_codes::used_at.eq(now))
        .execute(conn)?;
    let code = format!("{:06}", rand::random_range(0..1_000_000u32));
    diesel::insert_into(claim_codes::table)
        .values((
            claim_codes::user_id.eq(user_id),
            claim_codes::code_hash.eq(code_digest(user_id, &code)),
            claim_codes::sent_to.eq(sent_to),
            claim_codes::created_at.eq(now),
            claim_codes::expires_at.eq(now + CODE_VALIDITY),
        ))
        .execute(conn)?;
    Ok(Ok(code))
}

/// Checks a typed code against the account's live code, counting the try.
pub fn check_code(conn: &mut DbConn, user_id: i64, typed: &str, now: NaiveDateTime) -> QueryResult<CodeCheck> {
    let live: Option<(i64, String, i32)> = claim_codes::table
        .filter(claim_codes::user_id.eq(user_id))
        .filter(claim_codes::used_at.is_null())
        .filter(claim_codes::expires_at.gt(now))
        .filter(claim_codes::attempts.lt(CODE_ATTEMPTS))
        .select((claim_codes::id, claim_codes::code_hash, claim_codes::attempts))
        .first(conn)
        .optional()?;
    let Some((id, hash, attempts)) = live else { return Ok(CodeCheck::NoCode) };
    let guarded = claim_codes::table.find(id).filter(claim_codes::attempts.eq(attempts));
    if code_digest(user_id, typed) == hash {
        let used = diesel::update(guarded).set(claim_codes::used_at.eq(now)).execute(conn)?;
        return Ok(if used == 1 { CodeCheck::Right } else { CodeCheck::NoCode });
    }
    diesel::update(guarded).set(claim_codes::attempts.eq(attempts + 1)).execute(conn)?;
    Ok(CodeCheck::Wrong(CODE_ATTEMPTS - attempts - 1))
}

/// An authorization letter, without its bytes.
#[derive(Queryable, Selectable, Clone, Debug)]
#[diesel(table_name = claim_letters)]
pub struct Letter {
    pub id: i64,
    pub user_id: i64,
    pub enterprise_id: i64,
    pub file_name: String,
    pub content_type: String,
    #[diesel(deserialize_as = String)]
    pub status: LetterStatus,
    pub uploaded_at: NaiveDateTime,
    pub decided_by: Option<i64>,
    pub decided_at: Option<NaiveDateTime>,
    pub reason: Option<String>,
}

/// A pending letter on the credit office's queue, with who sent it for whom.
pub struct QueuedLetter {
    pub letter: Letter,
    pub enterprise_name: String,
    pub uscc: String,
    pub email: String,
    pub size_bytes: i64,
}

impl QueuedLetter {
    pub fn size_text(&self) -> String {
        match self.size_bytes {
            ..1024 => format!("{} 字节", self.size_bytes),
            1024..1_048_576 => format!("{:.1} KB", self.size_bytes as f64 / 1024.0),
            _ => format!("{:.1} MB", self.size_bytes as f64 / 1_048_576.0),
        }
    }
}

impl Letter {
    pub fn submit(
        conn: &mut DbConn,
        user_id: i64,
        enterprise_id: i64,
        file_name: &str,
        content_type: &str,
        data: &[u8],
        now: NaiveDateTime,
    ) -> QueryResult<i64> {
        diesel::insert_into(claim_letters::table)
            .values((
                claim_letters::user_id.eq(user_id),
                claim_letters::enterprise_id.eq(enterprise_id),
                claim_letters::file_name.eq(file_name),
                claim_letters::content_type.eq(content_type),
                claim_letters::data.eq(data),
                claim_letters::status.eq(LetterStatus::Pending.as_str()),
                claim_letters::uploaded_at.eq(now),
            ))
            .returning(claim_letters::id)
            .get_result(conn)
    }

    /// The account's latest letter, if it sent one.
    pub fn latest_of(conn: &mut DbConn, user_id: i64) -> QueryResult<Option<Letter>> {
        claim_letters::table
            .filter(claim_letters::user_id.eq(user_id))
            .order(claim_letters::id.desc())
            .select(Letter::as_select())
            .first(conn)
            .optional()
    }

    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<Letter> {
        claim_letters::table.find(id).select(Letter::as_select()).first(conn)
    }

    /// The bytes of a letter, for the credit office to look at.
    pub fn data(conn: &mut DbConn, id: i64) -> QueryResult<Vec<u8>> {
        claim_letters::table.find(id).select(claim_letters::data).first(conn)
    }

    /// Pending letters, oldest first (at most `limit`), and how many are pending in all.
    pub fn queue(conn: &mut DbConn, limit: i64) -> QueryResult<(Vec<QueuedLetter>, i64)> {
        let pending = claim_letters::table.filter(claim_letters::status.eq(LetterStatus::Pending.as_str()));
        let total = pending.count().get_result(conn)?;
        let rows: Vec<(Letter, String, String, String, i64)> = pending
            .inner_join(enterprises::table)
            .inner_join(users::table)
            .order(claim_letters::uploaded_at)
            .limit(limit)
            .select((
                Letter::as_select(),
                enterprises::name,
                enterprises::uscc,
                users::email,
                diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(length(claim_letters.data) AS BIGINT)"),
            ))
            .load(conn)?;
        let letters = rows
            .into_iter()
            .map(|(letter, enterprise_name, uscc, email, size_bytes)| QueuedLetter {
                letter,
                enterprise_name,
                uscc,
                email,
                size_bytes,
            })
            .collect();
        Ok((letters, total))
    }

    /// Approves or rejects a pending letter; false when it was decided already.
    pub fn decide(
        conn: &mut DbConn,
        id: i64,
        approve: bool,
        by: i64,
        reason: Option<&str>,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        let decided = if approve { LetterStatus::Approved } else { LetterStatus::Rejected };
        let changed = diesel::update(
            claim_letters::table.find(id).filter(claim_letters::status.eq(LetterStatus::Pending.as_str())),
        )
        .set((
            claim_letters::status.eq(decided.as_str()),
            claim_letters::decided_by.eq(by),
            claim_letters::decided_at.eq(now),
            claim_letters::reason.eq(reason),
        ))
        .execute(conn)?;
        Ok(changed == 1)
    }
}

/// Closes the pending letters of an account that was unbound.
pub fn reject_pending_of(conn: &mut DbConn, user_id: i64, by: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        claim_letters::table
            .filter(claim_letters::user_id.eq(user_id))
            .filter(claim_letters::status.eq(LetterStatus::Pending.as_str())),
    )
    .set((
        claim_letters::status.eq(LetterStatus::Rejected.as_str()),
        claim_letters::decided_by.eq(by),
        claim_letters::decided_at.eq(now),
        claim_letters::reason.eq("账号已被信用办解绑"),
    ))
    .execute(conn)
}
